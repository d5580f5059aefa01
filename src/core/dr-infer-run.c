/* dr-infer-run.c — the worker pool of `damage-review infer`.
 *
 * Jobs are (photo, model) pairs in photo-major order, handed out by an atomic counter, so the
 * workers tend to share one decoded photo: the first worker to need a photo decodes and
 * preprocesses it under the photo's lock, and the last one to finish with it frees it. Models
 * are shared read-only; each worker owns one engine workspace and its buffers.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdatomic.h>

#include "dr-image.h"
#include "dr-infer-job.h"
#include "dr-npy.h"

#define INPUT_FLOATS (3 * NN_UNET_SIZE * NN_UNET_SIZE)             /* float [3][256][256] */
#define LOGIT_FLOATS (NN_UNET_CLASSES * NN_UNET_SIZE * NN_UNET_SIZE) /* float [2][256][256] */

typedef enum {
  PHOTO_PENDING,  /* not decoded yet */
  PHOTO_READY,    /* input holds the network input */
  PHOTO_FAILED,   /* photo->error says why */
} PhotoState;

typedef struct {
  DrInferPhoto *photo;
  GMutex lock;        /* guards everything below */
  PhotoState state;
  guint jobs_left;    /* model jobs not finished; the input is freed at 0 */
  float *input;       /* [3][256][256] network input while READY */
} PhotoSlot;

typedef struct {
  DrInferRequest *req;
  PhotoSlot *slots;   /* [req->n_photos] */
  atomic_uint next_job;
  guint n_jobs;
} Pool;

typedef struct {
  Pool *pool;
  NnWorkspace *ws;
  float *logits;          /* [2][256][256] */
  void *prep_scratch;     /* nn_preprocess_scratch_bytes() */
} Worker;

/* Decodes and preprocesses slot's photo once (under its lock); TRUE when the input is ready. */
static gboolean
photo_acquire (PhotoSlot *slot, Worker *w)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&slot->lock);
  if (slot->state != PHOTO_PENDING)
    return slot->state == PHOTO_READY;

  g_autoptr (GError) error = NULL;
  g_autoptr (DrImage) image = dr_image_load (slot->photo->path, &error);
  if (image == NULL)
    {
      slot->photo->error = g_strdup (error->message);
      slot->state = PHOTO_FAILED;
      return FALSE;
    }
  slot->photo->width = image->width;
  slot->photo->height = image->height;

  NnError nn_err = { 0 };
  slot->input = g_new (float, INPUT_FLOATS);
  if (nn_preprocess (image->pixels, image->width, image->height, image->stride, slot->input,
                     w->prep_scratch, nn_preprocess_scratch_bytes (), &nn_err) != NN_OK)
    {
      slot->photo->error = g_strdup_printf ("%s: %s", slot->photo->path, nn_err.message);
      g_clear_pointer (&slot->input, g_free);
      slot->state = PHOTO_FAILED;
      return FALSE;
    }
  slot->state = PHOTO_READY;
  return TRUE;
}

/* Marks one of slot's jobs finished and frees the input after the last one. */
static void
photo_release (PhotoSlot *slot)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&slot->lock);
  if (--slot->jobs_left == 0)
    g_clear_pointer (&slot->input, g_free);
}

/* Computes one finished run's mask statistics and writes the mask PNG (only with an output
 * folder) and the logits .npy (only with a logits folder); fills result. */
static void
write_outputs (DrInferRequest *req, DrInferPhoto *photo, DrDamage damage, const float *logits,
               DrInferResult *result)
{
  const char *id = dr_damage_get_model_name (damage);
  NnError nn_err = { 0 };
  g_autoptr (GError) error = NULL;

  gsize w = photo->width, h = photo->height;
  g_autofree guint8 *mask = g_try_malloc (w * h);
  if (mask == NULL)
    {
      result->error = g_strdup_printf (_("%s: %s model: out of memory for a %zu×%zu mask"),
                                       photo->path, id, w, h);
      return;
    }
  if (nn_mask_from_logits (logits, photo->width, photo->height, mask, w, &result->stats,
                           NULL, 0, &nn_err) != NN_OK)
    {
      result->error = g_strdup_printf ("%s: %s model: %s", photo->path, id, nn_err.message);
      return;
    }
  if (req->out_dir != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s.png", photo->stem, id);
      g_autofree char *mask_path = g_build_filename (req->out_dir, name, NULL);
      if (!dr_image_save_grey_png (mask_path, mask, photo->width, photo->height, w, &error))
        {
          result->error = g_strdup (error->message);
          return;
        }
      result->mask_path = g_steal_pointer (&mask_path);
    }

  if (req->logits_dir != NULL)
    {
      static const gsize shape[3] = { NN_UNET_CLASSES, NN_UNET_SIZE, NN_UNET_SIZE };
      g_autofree char *npy_name = g_strdup_printf ("%s.%s.npy", photo->stem, id);
      g_autofree char *npy_path = g_build_filename (req->logits_dir, npy_name, NULL);
      if (!dr_npy_write_f32 (npy_path, logits, shape, 3, &error))
        {
          result->error = g_strdup (error->message);
          return;
        }
      result->logits_path = g_steal_pointer (&npy_path);
    }
  result->done = TRUE;
}

/* Runs job number job: one active model on one photo. */
static void
run_job (Worker *w, guint job)
{
  DrInferRequest *req = w->pool->req;
  PhotoSlot *slot = &w->pool->slots[job / req->n_active];
  DrDamage damage = req->active[job % req->n_active];
  DrInferResult *result = &slot->photo->results[damage];

  if (photo_acquire (slot, w))
    {
      NnError nn_err = { 0 };
      const NnUnet *model = dr_model_set_get_model (req->models, damage);
      if (nn_unet_run (model, w->ws, slot->input, w->logits, NULL, &nn_err) != NN_OK)
        result->error = g_strdup_printf ("%s: %s model: %s", slot->photo->path,
                                         dr_damage_get_model_name (damage), nn_err.message);
      else
        write_outputs (req, slot->photo, damage, w->logits, result);
    }
  photo_release (slot);
}

/* Takes jobs until none are left. */
static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  guint job;
  while ((job = atomic_fetch_add (&w->pool->next_job, 1)) < w->pool->n_jobs)
    run_job (w, job);
  return NULL;
}

/* Sets up one slot per photo and one worker per thread (workspaces allocated up front, before
 * any thread starts), runs them all and joins them. */
void
dr_infer_run (DrInferRequest *req)
{
  g_return_if_fail (req->n_active > 0 && req->n_threads > 0);

  Pool pool = { .req = req, .n_jobs = req->n_photos * req->n_active };
  atomic_init (&pool.next_job, 0);
  pool.slots = g_new0 (PhotoSlot, req->n_photos);
  for (guint i = 0; i < req->n_photos; i++)
    {
      PhotoSlot *slot = &pool.slots[i];
      slot->photo = &req->photos[i];
      g_mutex_init (&slot->lock);
      /* A photo that already failed (e.g. a name clash) is never decoded. */
      slot->state = slot->photo->error != NULL ? PHOTO_FAILED : PHOTO_PENDING;
      slot->jobs_left = req->n_active;
    }

  nn_blas_use_single_thread ();
  guint n_workers = MIN (req->n_threads, MAX (pool.n_jobs, 1));
  Worker *workers = g_new0 (Worker, n_workers);
  GThread **threads = g_new0 (GThread *, n_workers);
  NnError nn_err = { 0 };
  guint started = 0;
  for (guint i = 0; i < n_workers; i++)
    {
      Worker *w = &workers[i];
      w->pool = &pool;
      if (nn_workspace_new (&w->ws, &nn_err) != NN_OK)
        break;
      w->logits = g_new (float, LOGIT_FLOATS);
      w->prep_scratch = g_malloc (nn_preprocess_scratch_bytes ());
      started++;
    }
  if (started == 0)
    for (guint i = 0; i < req->n_photos; i++)
      if (req->photos[i].error == NULL)
        req->photos[i].error = g_strdup_printf ("%s: %s", req->photos[i].path, nn_err.message);
  for (guint i = 0; i < started; i++)
    threads[i] = g_thread_new ("infer-worker", worker_main, &workers[i]);
  for (guint i = 0; i < started; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < started; i++)
    {
      nn_workspace_free (workers[i].ws);
      g_free (workers[i].logits);
      g_free (workers[i].prep_scratch);
    }
  for (guint i = 0; i < req->n_photos; i++)
    {
      g_free (pool.slots[i].input);
      g_mutex_clear (&pool.slots[i].lock);
    }
  g_free (threads);
  g_free (workers);
  g_free (pool.slots);
}
