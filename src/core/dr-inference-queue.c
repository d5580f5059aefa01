/* dr-inference-queue.c — the window's jobs on the inference runner.
 *
 * A job is one model on one photo. The jobs of a photo share one DrPhotoInput (decoded and
 * preprocessed once, by whichever worker comes first); the worker then makes the mask, its
 * RLE and, through the face's factory, its overlay. The runner orders, cancels and delivers;
 * this file keeps, on the main thread only, which (photo, damage) pairs are queued or running
 * and each photo's input. */
#include "config.h"

#include "dr-inference-queue.h"
#include "dr-inference-runner.h"
#include "dr-photo.h"
#include "dr-photo-input.h"
#include "dr-rle.h"

/* One photo with jobs queued or running. */
typedef struct {
  DrPhotoInput *input;
  guint remaining;           /* its jobs not yet delivered */
} Photo;

struct _DrInferenceQueue
{
  GObject parent_instance;

  GObject *owner;
  const DrOverlayFactory *factory;
  const NnUnet *models[DR_N_DAMAGE_TYPES];
  char *sha256[DR_N_DAMAGE_TYPES];
  char *paths[DR_N_DAMAGE_TYPES];
  DrInferenceRunner *runner;
  GHashTable *known;         /* job key (photo_id * 4 + damage) of queued/running jobs */
  GHashTable *photos;        /* photo_id → Photo* */
};

G_DEFINE_FINAL_TYPE (DrInferenceQueue, dr_inference_queue, G_TYPE_OBJECT)

/* Frees a result; NULL is allowed. */
void
dr_inference_result_free (DrInferenceResult *result)
{
  if (result == NULL)
    return;
  g_free (result->model_sha256);
  g_free (result->rle);
  g_free (result->error);
  if (result->overlay != NULL)
    result->overlay_free (result->overlay);
  g_free (result);
}

static gint64
job_key (gint64 photo_id, guint damage)
{
  return photo_id * DR_N_DAMAGE_TYPES + damage;
}

static void
photo_free (gpointer data)
{
  Photo *photo = data;
  dr_photo_input_unref (photo->input);
  g_free (photo);
}

/* A failed result naming the photo and the reason. */
static DrInferenceResult *
error_result (DrInferenceResult *r, const GError *error)
{
  r->error = g_strdup (error->message);
  return r;
}

/* Job function (worker thread): one model on the photo's shared input → mask at photo size →
 * RLE, stats, overlay. Returns NULL when cancelled: the engine checks the flag between
 * layers, and this function between the stages after it, each of which takes a good part of
 * a second on a 12 MP photo. */
static gpointer
run_job (DrInferenceWorker *w, gpointer data, gpointer user_data)
{
  DrModelJob *job = data;
  DrInferenceQueue *self = user_data;
  g_autoptr (GError) error = NULL;
  DrInferenceResult *r = g_new0 (DrInferenceResult, 1);
  r->photo_id = job->photo;
  r->damage = job->damage;
  r->model_sha256 = g_strdup (self->sha256[job->damage]);
  if (!dr_photo_input_prepare (job->input, w, &error))
    {
      r->unreadable = dr_photo_error_is_permanent (error);
      return error_result (r, error);
    }
  r->width = dr_photo_input_get_width (job->input);
  r->height = dr_photo_input_get_height (job->input);
  NnMaskStats stats;
  g_autofree guint8 *mask = dr_photo_input_run (job->input, w, self->models[job->damage],
                                                dr_damage_get_display_name (job->damage), NULL,
                                                &stats, &error);
  if (mask == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error_result (r, error);
  g_autoptr (DrRle) rle = NULL;
  if (mask != NULL && !dr_inference_worker_is_cancelled (w))
    {
      rle = dr_rle_new_from_mask (mask, (guint) r->height, (guint) r->width, &error);
      if (rle == NULL)
        return error_result (r, error);
    }
  if (rle == NULL || dr_inference_worker_is_cancelled (w))
    {
      dr_inference_result_free (r);
      return NULL;
    }
  r->rle = dr_rle_to_string (rle);
  r->area = stats.area_px;
  r->confidence = stats.mean_confidence;
  r->overlay = self->factory->build (mask, r->width, r->height, job->damage);
  r->overlay_free = self->factory->free;
  return r;
}

/* "job-done", before the owner's handlers: forgets the job, and its photo after the last one. */
static void
job_done_cb (DrInferenceRunner *runner, DrModelJob *job, DrInferenceResult *result,
             DrInferenceQueue *self)
{
  gint64 key = job_key (job->photo, job->damage);
  g_hash_table_remove (self->known, &key);
  Photo *photo = g_hash_table_lookup (self->photos, &job->photo);
  if (photo != NULL && --photo->remaining == 0)
    g_hash_table_remove (self->photos, &job->photo);
}

static void
dr_inference_queue_finalize (GObject *object)
{
  DrInferenceQueue *self = DR_INFERENCE_QUEUE (object);
  g_clear_object (&self->runner);
  g_hash_table_unref (self->known);
  g_hash_table_unref (self->photos);
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      g_free (self->sha256[i]);
      g_free (self->paths[i]);
    }
  g_clear_object (&self->owner);
  G_OBJECT_CLASS (dr_inference_queue_parent_class)->finalize (object);
}

static void
dr_inference_queue_class_init (DrInferenceQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dr_inference_queue_finalize;
}

static void
dr_inference_queue_init (DrInferenceQueue *self)
{
  self->known = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->photos = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, photo_free);
}

/* See header. */
DrInferenceQueue *
dr_inference_queue_new (GObject *owner, const NnUnet *const models[DR_N_DAMAGE_TYPES],
                        const char *const sha256[DR_N_DAMAGE_TYPES],
                        const char *const paths[DR_N_DAMAGE_TYPES],
                        const DrOverlayFactory *factory, guint n_workers, GError **error)
{
  g_return_val_if_fail (factory != NULL, NULL);
  g_autoptr (DrInferenceQueue) self = g_object_new (DR_TYPE_INFERENCE_QUEUE, NULL);
  self->owner = owner ? g_object_ref (owner) : NULL;
  self->factory = factory;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      self->models[i] = models[i];
      self->sha256[i] = models[i] ? g_strdup (sha256[i]) : NULL;
      self->paths[i] = models[i] ? g_strdup (paths[i]) : NULL;
    }
  self->runner = dr_inference_runner_new (n_workers, DR_INFERENCE_RUNNER_BACKGROUND, run_job,
                                          self, (GDestroyNotify) dr_inference_result_free,
                                          error);
  if (self->runner == NULL)
    return NULL;
  g_signal_connect (self->runner, "job-done", G_CALLBACK (job_done_cb), self);
  return g_steal_pointer (&self);
}

/* See header. */
gboolean
dr_inference_queue_has_model (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, FALSE);
  return self->models[damage] != NULL;
}

/* See header. */
const char *
dr_inference_queue_get_sha256 (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, NULL);
  return self->sha256[damage];
}

/* See header. */
const char *
dr_inference_queue_get_path (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, NULL);
  return self->paths[damage];
}

/* See header. */
DrInferenceRunner *
dr_inference_queue_get_runner (DrInferenceQueue *self)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), NULL);
  return self->runner;
}

/* See header. */
guint
dr_inference_queue_add (DrInferenceQueue *self, gint64 photo_id, const char *path,
                        guint damages, guint priority)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && path != NULL, 0);
  guint added = 0;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      gint64 key = job_key (photo_id, d);
      if (!(damages & (1u << d)) || self->models[d] == NULL ||
          g_hash_table_contains (self->known, &key))
        continue;
      g_hash_table_add (self->known, g_memdup2 (&key, sizeof key));
      Photo *photo = g_hash_table_lookup (self->photos, &photo_id);
      if (photo == NULL)
        {
          photo = g_new0 (Photo, 1);
          photo->input = dr_photo_input_new (path);
          g_hash_table_insert (self->photos, g_memdup2 (&photo_id, sizeof photo_id), photo);
        }
      photo->remaining++;
      dr_inference_runner_push (self->runner, dr_model_job_new (photo->input, photo_id, d),
                                dr_model_job_free, photo_id, priority, NULL);
      added++;
    }
  return added;
}

/* See header. */
void
dr_inference_queue_prioritize (DrInferenceQueue *self, gint64 photo_id, guint priority)
{
  g_return_if_fail (DR_IS_INFERENCE_QUEUE (self));
  dr_inference_runner_prioritize (self->runner, photo_id, priority);
}

/* See header. Jobs already running finish in the background; their photos' inputs live on in
 * them until then. */
void
dr_inference_queue_cancel_all (DrInferenceQueue *self)
{
  g_return_if_fail (DR_IS_INFERENCE_QUEUE (self));
  dr_inference_runner_cancel_all (self->runner);
  g_hash_table_remove_all (self->known);
  g_hash_table_remove_all (self->photos);
}

/* See header. */
gboolean
dr_inference_queue_stop (DrInferenceQueue *self, gint64 timeout_us)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), FALSE);
  gboolean stopped = dr_inference_runner_stop (self->runner, timeout_us);
  g_hash_table_remove_all (self->known);
  g_hash_table_remove_all (self->photos);
  return stopped;
}

/* See header. */
guint
dr_inference_queue_get_pending (DrInferenceQueue *self)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), 0);
  return g_hash_table_size (self->known);
}
