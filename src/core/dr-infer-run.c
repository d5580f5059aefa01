/* dr-infer-run.c — the jobs of `damage-review infer` on the inference runner.
 *
 * Jobs are (photo, model) pairs in photo-major order, so the workers tend to share one decoded
 * photo: the jobs of a photo share one DrPhotoInput, which the first of them decodes and
 * preprocesses and the last one to finish frees. Models are shared read-only. Each job writes
 * only its own DrInferResult; the photo's size and error are recorded on the calling thread
 * when the job is delivered.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-image.h"
#include "dr-infer-job.h"
#include "dr-inference-runner.h"
#include "dr-npy.h"
#include "dr-photo-input.h"

/* Writes one finished run's mask PNG (only with an output folder) and logits .npy (only with
 * a logits folder); fills result. */
static void
write_outputs (DrInferRequest *req, DrModelJob *job, const float *logits, const guint8 *mask,
               DrInferResult *result)
{
  const char *id = dr_damage_get_model_name (job->damage);
  const char *stem = req->photos[job->photo].stem;
  int width = dr_photo_input_get_width (job->input);
  g_autoptr (GError) error = NULL;
  if (req->out_dir != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s.png", stem, id);
      g_autofree char *mask_path = g_build_filename (req->out_dir, name, NULL);
      if (!dr_image_save_grey_png (mask_path, mask, width, dr_photo_input_get_height (job->input),
                                   (gsize) width, &error))
        {
          result->error = g_strdup (error->message);
          return;
        }
      result->mask_path = g_steal_pointer (&mask_path);
    }

  if (req->logits_dir != NULL)
    {
      static const gsize shape[3] = { NN_UNET_CLASSES, NN_UNET_SIZE, NN_UNET_SIZE };
      g_autofree char *npy_name = g_strdup_printf ("%s.%s.npy", stem, id);
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

/* Job function (worker thread): one model on one photo. Returns the photo's error (a GError)
 * when the photo cannot be prepared, else NULL. */
static gpointer
run_job (DrInferenceWorker *w, gpointer data, gpointer user_data)
{
  DrInferRequest *req = user_data;
  DrModelJob *job = data;
  GError *photo_error = NULL;
  if (!dr_photo_input_prepare (job->input, w, &photo_error))
    return photo_error;
  DrInferResult *result = &req->photos[job->photo].results[job->damage];
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *mask = dr_photo_input_run (job->input, w,
                                                dr_model_set_get_model (req->models, job->damage),
                                                dr_damage_get_model_name (job->damage), NULL,
                                                &result->stats, &error);
  if (mask == NULL)
    result->error = g_strdup (error->message);
  else
    write_outputs (req, job, dr_inference_worker_get_logits (w), mask, result);
  return NULL;
}

/* "job-done" (calling thread): records the photo's size, or its error once. */
static void
job_done_cb (DrInferenceRunner *runner, DrModelJob *job, GError *photo_error,
             DrInferRequest *req)
{
  DrInferPhoto *photo = &req->photos[job->photo];
  if (photo_error != NULL && photo->error == NULL)
    photo->error = g_strdup (photo_error->message);
  else if (photo_error == NULL)
    {
      photo->width = dr_photo_input_get_width (job->input);
      photo->height = dr_photo_input_get_height (job->input);
    }
}

/* Pushes every (photo, active model) job on a runner of n_threads workers and waits for them
 * all on a context of its own. */
void
dr_infer_run (DrInferRequest *req)
{
  g_return_if_fail (req->n_active > 0 && req->n_threads > 0);

  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  guint n_jobs = req->n_photos * req->n_active;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrInferenceRunner) runner
    = dr_inference_runner_new (MIN (req->n_threads, MAX (n_jobs, 1)),
                               DR_INFERENCE_RUNNER_DEFAULT, run_job, req,
                               (GDestroyNotify) g_error_free, &error);
  for (guint i = 0; i < req->n_photos; i++)
    {
      DrInferPhoto *photo = &req->photos[i];
      /* A photo that already failed (e.g. a name clash) is never decoded. */
      if (photo->error != NULL)
        continue;
      if (runner == NULL)
        {
          photo->error = g_strdup_printf ("%s: %s", photo->path, error->message);
          continue;
        }
      g_autoptr (DrPhotoInput) input = dr_photo_input_new (photo->path);
      for (guint k = 0; k < req->n_active; k++)
        dr_inference_runner_push (runner, dr_model_job_new (input, i, req->active[k]),
                                  dr_model_job_free, i, 0, NULL);
    }
  if (runner != NULL)
    {
      g_signal_connect (runner, "job-done", G_CALLBACK (job_done_cb), req);
      dr_inference_runner_wait (runner);
    }
  g_clear_object (&runner);
  g_main_context_pop_thread_default (context);
}
