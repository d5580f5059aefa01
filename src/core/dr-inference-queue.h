/* dr-inference-queue.h — the window's analysis jobs, run on a DrInferenceRunner.
 *
 * Jobs are (photo, damage type) pairs; a photo is decoded and resized once and shared by that
 * photo's jobs, and each result carries a ready-to-draw overlay, built on the worker by the
 * face's DrOverlayFactory (the window's holds GDK textures, which the core never makes).
 * Results reach the main loop in batches, so the caller stores them in the project on the
 * main thread; results of jobs cancelled, or arriving after the queue is gone, are dropped. */
#pragma once

#include <gio/gio.h>

#include "dr-inference-runner.h"
#include "dr-overlay-factory.h"
#include "dr-photo-input.h"
#include "dr-photo-item.h"
#include "nn-unet.h"

G_BEGIN_DECLS

/* One model's outcome on one photo. Either error is set, or the mask fields are. */
typedef struct {
  gint64 photo_id;
  guint damage;
  char *model_sha256;        /* the model that made it */
  int width, height;         /* oriented photo size = mask size */
  char *rle;                 /* COCO compressed RLE of the mask */
  gint64 area;               /* damaged pixels */
  double confidence;         /* mean confidence of the mask, 0.5 … 1 */
  gpointer overlay;          /* ready-to-draw overlay of the mask, as the factory built it */
  GDestroyNotify overlay_free;  /* the factory's free */
  char *error;               /* one line naming the photo and the reason, or NULL */
  gboolean unreadable;       /* with error: the photo's bytes cannot be decoded, ever */
} DrInferenceResult;

void dr_inference_result_free (DrInferenceResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrInferenceResult, dr_inference_result_free)

#define DR_TYPE_INFERENCE_QUEUE (dr_inference_queue_get_type ())
G_DECLARE_FINAL_TYPE (DrInferenceQueue, dr_inference_queue, DR, INFERENCE_QUEUE, GObject)

/* Creates a queue over the models (NULL entries: that type has no model), with each model
 * file's SHA-256 and path. owner is referenced for the queue's lifetime and must keep the
 * models alive. Each result's overlay is built by factory (borrowed for the queue's lifetime)
 * on the worker. n_workers 0 means one per processor. Workspaces are allocated here; on
 * failure returns NULL and sets error. */
DrInferenceQueue *dr_inference_queue_new (GObject *owner,
                                          const NnUnet *const models[DR_N_DAMAGE_TYPES],
                                          const char *const sha256[DR_N_DAMAGE_TYPES],
                                          const char *const paths[DR_N_DAMAGE_TYPES],
                                          const DrOverlayFactory *factory,
                                          guint n_workers, GError **error);

/* Whether damage has a model; the sha256 of that model, or NULL. */
gboolean    dr_inference_queue_has_model   (DrInferenceQueue *self, guint damage);
const char *dr_inference_queue_get_sha256  (DrInferenceQueue *self, guint damage);
const char *dr_inference_queue_get_path    (DrInferenceQueue *self, guint damage);

/* The runner the jobs run on; connect to its signals (main loop only) for the outcome:
 *   "job-started" (DrModelJob *job)                          a worker began job->photo
 *   "job-done"    (DrModelJob *job, DrInferenceResult *r)    r is NULL when the job was
 *                                                            aborted; both borrowed
 *   "batch-done"                                             after each batch of results
 * The queue's own "job-done" handler runs first, so get_pending already counts the job out. */
DrInferenceRunner *dr_inference_queue_get_runner (DrInferenceQueue *self);

/* Queues one job per damage type in damages (bit i = type i; types without a model are
 * skipped) for photo, unless already queued or running. Jobs run in decreasing priority,
 * first come first served among equals (0 for "Analyse All", higher for the photo on screen
 * and the ones after it). Returns the number of jobs added. */
guint dr_inference_queue_add (DrInferenceQueue *self, gint64 photo_id, const char *path,
                              guint damages, guint priority);

/* Gives photo's queued jobs a new priority. */
void  dr_inference_queue_prioritize (DrInferenceQueue *self, gint64 photo_id, guint priority);

/* Drops every queued job and aborts the running ones (their results are discarded). */
void  dr_inference_queue_cancel_all (DrInferenceQueue *self);

/* Stops the queue for good: drops every job, aborts the running ones and waits up to
 * timeout_us (< 0: as long as it takes) for every worker to leave. FALSE when some worker is
 * still finishing a step the engine cannot interrupt (decoding, mask, overlay) — it touches
 * nothing outside the queue, so a process about to exit need not wait for it, but the
 * queue must then be kept alive (never finalized). Finalizing a queue stops it first. */
gboolean dr_inference_queue_stop (DrInferenceQueue *self, gint64 timeout_us);

/* Jobs waiting or running. */
guint dr_inference_queue_get_pending (DrInferenceQueue *self);

G_END_DECLS
