/* dr-analyse-pool.c — the photo-per-job work of `damage-review analyse` on the runner. */
#include "config.h"

#include "dr-analyse-pool.h"

#include "dr-inference-runner.h"
#include "dr-photo.h"
#include "dr-photo-input.h"
#include "dr-rle.h"

struct _DrAnalysePool {
  DrModelSet *models;
  GPtrArray *jobs;
  atomic_int *abort_flag;
  DrInferenceRunner *runner;  /* NULL when no worker could be allocated */
  GQueue ready;               /* DrAnalyseResult*, delivered, not yet popped */
};

/* Frees the path and the struct; NULL allowed. */
void
dr_analyse_job_free (DrAnalyseJob *job)
{
  if (job == NULL)
    return;
  g_free (job->path);
  g_free (job);
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_analyse_result_free (DrAnalyseResult *result)
{
  if (result == NULL)
    return;
  g_free (result->rle);
  g_free (result->error);
  g_free (result);
}

/* Adds one result to a job's list. */
static DrAnalyseResult *
add_result (GPtrArray *results, guint job, int damage, char *rle, double confidence,
            char *error)
{
  DrAnalyseResult *r = g_new0 (DrAnalyseResult, 1);
  r->job = job;
  r->damage = damage;
  r->rle = rle;
  r->confidence = confidence;
  r->error = error;
  g_ptr_array_add (results, r);
  return r;
}

/* Runs one model on the prepared photo and encodes its mask at photo resolution; nothing is
 * added when the run was aborted. */
static void
run_model (DrAnalysePool *pool, DrInferenceWorker *w, DrPhotoInput *input, guint index,
           DrDamage damage, GPtrArray *results)
{
  g_autoptr (GError) error = NULL;
  NnMaskStats stats;
  g_autofree guint8 *mask = dr_photo_input_run (input, w,
                                                dr_model_set_get_model (pool->models, damage),
                                                dr_damage_get_model_name (damage),
                                                pool->abort_flag, &stats, &error);
  if (mask == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_result (results, index, damage, NULL, 0, g_strdup (error->message));
      return;
    }
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, (guint) dr_photo_input_get_height (input),
                                                (guint) dr_photo_input_get_width (input),
                                                &error);
  if (rle == NULL)
    add_result (results, index, damage, NULL, 0,
                g_strdup_printf ("%s: %s", dr_photo_input_get_path (input), error->message));
  else
    add_result (results, index, damage, dr_rle_to_string (rle), stats.mean_confidence, NULL);
}

/* Job function (worker thread): decodes one photo once, then runs every model it still needs.
 * Returns a GPtrArray of DrAnalyseResult. */
static gpointer
run_job (DrInferenceWorker *w, gpointer job, gpointer user_data)
{
  DrAnalysePool *pool = user_data;
  guint index = GPOINTER_TO_UINT (job);
  DrAnalyseJob *photo = pool->jobs->pdata[index];
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_analyse_result_free);
  if (atomic_load (pool->abort_flag))
    return results;
  g_autoptr (DrPhotoInput) input = dr_photo_input_new (photo->path);
  g_autoptr (GError) error = NULL;
  if (!dr_photo_input_prepare (input, w, &error))
    {
      DrAnalyseResult *r = add_result (results, index, -1, NULL, 0, g_strdup (error->message));
      r->unreadable = dr_photo_error_is_permanent (error);
      return results;
    }
  for (int d = 0; d < DR_N_DAMAGE; d++)
    if ((photo->todo & (1u << d)) && !atomic_load (pool->abort_flag))
      run_model (pool, w, input, index, (DrDamage) d, results);
  return results;
}

/* "job-done": queues the photo's results for pop, in order. */
static void
job_done_cb (DrInferenceRunner *runner, gpointer job, GPtrArray *results, DrAnalysePool *pool)
{
  for (guint i = 0; results != NULL && i < results->len; i++)
    g_queue_push_tail (&pool->ready, g_steal_pointer (&results->pdata[i]));
}

/* See header. One job per photo, in the jobs' order. */
DrAnalysePool *
dr_analyse_pool_start (DrModelSet *models, GPtrArray *jobs, guint n_threads,
                       atomic_int *abort_flag)
{
  DrAnalysePool *pool = g_new0 (DrAnalysePool, 1);
  pool->models = models;
  pool->jobs = jobs;
  pool->abort_flag = abort_flag;
  g_queue_init (&pool->ready);
  g_autoptr (GError) error = NULL;
  pool->runner = dr_inference_runner_new (MAX (n_threads, 1), DR_INFERENCE_RUNNER_DEFAULT,
                                          run_job, pool, (GDestroyNotify) g_ptr_array_unref,
                                          &error);
  if (pool->runner == NULL)
    {
      g_printerr ("%s\n", error->message);
      return pool;
    }
  g_signal_connect (pool->runner, "job-done", G_CALLBACK (job_done_cb), pool);
  for (guint i = 0; i < jobs->len; i++)
    dr_inference_runner_push (pool->runner, GUINT_TO_POINTER (i), NULL, 0, 0, NULL);
  return pool;
}

/* See header. */
DrAnalyseResult *
dr_analyse_pool_pop (DrAnalysePool *pool)
{
  while (pool->runner != NULL && g_queue_is_empty (&pool->ready)
         && dr_inference_runner_get_pending (pool->runner) > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  return g_queue_pop_head (&pool->ready);
}

/* See header. Results not popped are dropped. */
void
dr_analyse_pool_free (DrAnalysePool *pool)
{
  g_clear_object (&pool->runner);
  g_queue_clear_full (&pool->ready, (GDestroyNotify) dr_analyse_result_free);
  g_free (pool);
}
