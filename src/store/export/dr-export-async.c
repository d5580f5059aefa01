/* dr-export-async.c — dr_export_run on a worker thread with progress marshalled back to the
 * caller's main context. */
#include "dr-export.h"
#include "dr-post.h"

typedef struct {
  GPtrArray *items;
  char *out_dir;
  DrExportOptions options;
  DrExportProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;  /* where progress and the callback run */
  int last_percent;       /* touched by the worker only */
  DrExportSummary summary;
} ExportJob;

/* Frees the job once the task is done with it. */
static void
export_job_free (ExportJob *job)
{
  g_ptr_array_unref (job->items);
  g_free (job->out_dir);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct {
  DrExportProgressFunc func;
  gpointer data;
  double fraction;
} ProgressCall;

/* Runs one progress report in the caller's context. */
static gboolean
progress_dispatch (gpointer user_data)
{
  ProgressCall *call = user_data;
  call->func (call->fraction, call->data);
  return G_SOURCE_REMOVE;
}

/* Worker-side progress: posts whole-percent changes to the caller's context, where they run
 * in order and before the completion callback (same priority, attached earlier). */
static void
worker_progress (double fraction, gpointer user_data)
{
  ExportJob *job = user_data;
  int percent = (int) (fraction * 100.0);
  if (job->progress == NULL || percent == job->last_percent)
    return;
  job->last_percent = percent;
  ProgressCall *call = g_new (ProgressCall, 1);
  *call = (ProgressCall) { job->progress, job->progress_data, fraction };
  dr_post (job->context, G_PRIORITY_DEFAULT, progress_dispatch, call, g_free);
}

/* The worker: the blocking export. */
static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  if (dr_export_run (job->items, job->out_dir, &job->options, worker_progress, job,
                     cancellable, &job->summary, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Packs the arguments into a job and starts the worker. */
void
dr_export_run_async (GPtrArray *items, const char *out_dir, const DrExportOptions *options,
                     DrExportProgressFunc progress, gpointer progress_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);
  job->items = g_ptr_array_ref (items);
  job->out_dir = g_strdup (out_dir);
  job->options = *options;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  job->last_percent = -1;
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_export_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

/* Returns the worker's outcome. */
gboolean
dr_export_run_finish (GAsyncResult *result, DrExportSummary *summary, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  GTask *task = G_TASK (result);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (summary != NULL)
    *summary = ((ExportJob *) g_task_get_task_data (task))->summary;
  return TRUE;
}
