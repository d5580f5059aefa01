/* dr-analyse-pool.h — `damage-review analyse` (and the team worker) on the inference runner:
 * photos in, RLE masks out.
 *
 * Each job is a whole photo (decode once, then every model the photo still needs), run on a
 * DrInferenceRunner. Results reach the calling thread through its thread-default main
 * context, which pop iterates; the workers never touch the project database, so the caller
 * stores every result in its own transaction. */
#pragma once

#include <stdatomic.h>

#include "dr-damage.h"
#include "dr-model-set.h"

G_BEGIN_DECLS

/* One photo to analyse. */
typedef struct {
  gint64 photo_id;
  char *path;
  guint8 todo;   /* bit d: the model of damage d still has to run */
} DrAnalyseJob;

void dr_analyse_job_free (DrAnalyseJob *job);

/* One finished (photo, model) pair, or a photo that could not be analysed at all. */
typedef struct {
  guint job;          /* index into the jobs array */
  int damage;         /* DrDamage, or -1 for a photo-level failure */
  char *rle;          /* COCO RLE at the photo's oriented resolution, or NULL on failure */
  double confidence;  /* mean confidence of the mask */
  char *error;        /* one line naming the file and the reason, or NULL */
  gboolean unreadable; /* photo-level failure because the photo's bytes cannot be decoded */
} DrAnalyseResult;

void dr_analyse_result_free (DrAnalyseResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrAnalyseResult, dr_analyse_result_free)

typedef struct _DrAnalysePool DrAnalysePool;

/* Starts n_threads workers over jobs (a GPtrArray of DrAnalyseJob, kept alive by the caller
 * until dr_analyse_pool_free). Workers skip the photos left, and interrupt the network between
 * layers, once *abort_flag is non-zero (a signal handler may set it). models must have every
 * damage in the jobs loaded. When the workers cannot be allocated the reason is printed and
 * pop returns NULL at once. */
DrAnalysePool *dr_analyse_pool_start (DrModelSet *models, GPtrArray *jobs, guint n_threads,
                                      atomic_int *abort_flag);

/* Iterates the calling thread's default main context until the next result; NULL once every
 * job is done. */
DrAnalyseResult *dr_analyse_pool_pop (DrAnalysePool *pool);

/* Stops the workers (after the last pop) and frees the pool. */
void dr_analyse_pool_free (DrAnalysePool *pool);

G_END_DECLS
