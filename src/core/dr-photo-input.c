/* dr-photo-input.c — decode once, preprocess once, run any number of models. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-image.h"
#include "dr-photo-input.h"

/* Allocated with g_atomic_rc_box. */
struct _DrPhotoInput {
  char *path;
  GMutex lock;         /* held by the preparing worker, so the others wait for it */
  gboolean prepared;   /* input or error is set (lock) */
  float *input;        /* float [3][NN_UNET_SIZE][NN_UNET_SIZE], NULL on error */
  GError *error;
  int width, height;
};

/* See header. */
DrPhotoInput *
dr_photo_input_new (const char *path)
{
  DrPhotoInput *self = g_atomic_rc_box_new0 (DrPhotoInput);
  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  return self;
}

/* See header. */
DrPhotoInput *
dr_photo_input_ref (DrPhotoInput *self)
{
  return g_atomic_rc_box_acquire (self);
}

/* Frees what the box holds, after the last reference. */
static void
photo_input_clear (gpointer data)
{
  DrPhotoInput *self = data;
  g_free (self->path);
  g_free (self->input);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
}

/* See header; NULL allowed. */
void
dr_photo_input_unref (DrPhotoInput *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, photo_input_clear);
}

/* See header. */
const char *
dr_photo_input_get_path (DrPhotoInput *self)
{
  return self->path;
}

/* Lock held, first call: decodes upright and makes the network input, or sets the error. */
static void
prepare_locked (DrPhotoInput *self, DrInferenceWorker *worker)
{
  g_autoptr (DrImage) image = dr_image_load (self->path, &self->error);
  if (image == NULL)
    return;
  self->width = image->width;
  self->height = image->height;
  self->input = g_new (float, 3 * NN_UNET_SIZE * NN_UNET_SIZE);
  NnError err = { 0 };
  if (nn_preprocess (image->pixels, image->width, image->height, image->stride, self->input,
                     dr_inference_worker_get_scratch (worker), nn_preprocess_scratch_bytes (),
                     &err) != NN_OK)
    {
      g_autofree char *name = g_filename_display_name (self->path);
      g_set_error (&self->error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s: cannot prepare photo: %s"), name, err.message);
      g_clear_pointer (&self->input, g_free);
    }
}

/* See header. */
gboolean
dr_photo_input_prepare (DrPhotoInput *self, DrInferenceWorker *worker, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  if (!self->prepared)
    {
      prepare_locked (self, worker);
      self->prepared = TRUE;
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

/* See header. */
int
dr_photo_input_get_width (DrPhotoInput *self)
{
  return self->width;
}

/* See header. */
int
dr_photo_input_get_height (DrPhotoInput *self)
{
  return self->height;
}

/* See header. The input is read without the lock: once prepared it never changes. */
guint8 *
dr_photo_input_run (DrPhotoInput *self, DrInferenceWorker *worker, const NnUnet *model,
                    const char *model_name, const atomic_int *abort, NnMaskStats *stats,
                    GError **error)
{
  g_return_val_if_fail (self->input != NULL, NULL);
  g_autofree char *name = g_filename_display_name (self->path);
  float *logits = dr_inference_worker_get_logits (worker);
  NnError err = { 0 };
  NnStatus st = nn_unet_run (model, dr_inference_worker_get_workspace (worker), self->input,
                             logits, abort ? abort : dr_inference_worker_get_abort (worker),
                             &err);
  if (st == NN_ERR_ABORTED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, err.message);
      return NULL;
    }
  if (st != NN_OK)
    {
      /* TRANSLATORS: photo, damage model name, the engine's reason */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: %s model: %s"), name,
                   model_name, err.message);
      return NULL;
    }
  gsize w = (gsize) self->width, h = (gsize) self->height;
  g_autofree guint8 *mask = g_try_malloc (w * h);
  if (mask == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("%s: %s model: out of memory for a %zu×%zu mask"), name, model_name, w, h);
      return NULL;
    }
  if (nn_mask_from_logits (logits, self->width, self->height, mask, w, stats, NULL, 0, &err)
      != NN_OK)
    {
      /* TRANSLATORS: photo, damage model name, the engine's reason */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: %s model: %s"), name,
                   model_name, err.message);
      return NULL;
    }
  return g_steal_pointer (&mask);
}

/* See header. */
DrModelJob *
dr_model_job_new (DrPhotoInput *input, gint64 photo, guint damage)
{
  DrModelJob *job = g_new (DrModelJob, 1);
  job->input = dr_photo_input_ref (input);
  job->photo = photo;
  job->damage = damage;
  return job;
}

/* See header. */
void
dr_model_job_free (gpointer data)
{
  DrModelJob *job = data;
  if (job == NULL)
    return;
  dr_photo_input_unref (job->input);
  g_free (job);
}
