/* dr-export-async.c — dr_export_run on a worker thread with progress marshalled back to the
 * caller's main context. */
#include "dr-export.h"
#include "dr-worker-task.h"

typedef struct {
  GPtrArray *items;
  char *out_dir;
  DrExportOptions options;
  DrWorkerProgress progress;  /* owner set by the worker, the task's */
  int last_percent;           /* touched by the worker only */
  DrExportSummary summary;
} ExportJob;

/* Frees the job once the task is done with it. */
static void
export_job_free (ExportJob *job)
{
  g_ptr_array_unref (job->items);
  g_free (job->out_dir);
  g_free (job);
}

/* Worker-side progress: posts whole-percent changes to the caller's context, where they run
 * in order and before the completion callback (see dr-worker-task.h). */
static void
worker_progress (double fraction, gpointer user_data)
{
  ExportJob *job = user_data;
  int percent = (int) (fraction * 100.0);
  if (percent == job->last_percent)
    return;
  job->last_percent = percent;
  dr_worker_progress_post ((guint) percent, 100, &job->progress);
}

/* The worker: the blocking export. */
static gboolean
export_job_run (gpointer data, GMainContext *owner, GCancellable *cancellable, GError **error)
{
  ExportJob *job = data;
  job->progress.owner = owner;
  return dr_export_run (job->items, job->out_dir, &job->options, worker_progress, job,
                        cancellable, &job->summary, error);
}

/* Packs the arguments into a job and starts the worker. */
void
dr_export_run_async (GPtrArray *items, const char *out_dir, const DrExportOptions *options,
                     DrProgressFunc progress, gpointer progress_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);
  job->items = g_ptr_array_ref (items);
  job->out_dir = g_strdup (out_dir);
  job->options = *options;
  job->progress = (DrWorkerProgress) { progress, progress_data, NULL };
  job->last_percent = -1;
  dr_worker_task_start (dr_export_run_async, export_job_run, job,
                        (GDestroyNotify) export_job_free, FALSE, cancellable, callback,
                        user_data);
}

/* Returns the worker's outcome. */
gboolean
dr_export_run_finish (GAsyncResult *result, DrExportSummary *summary, GError **error)
{
  ExportJob *job = dr_worker_task_finish (result, dr_export_run_async, error);
  if (job == NULL)
    return FALSE;
  if (summary != NULL)
    *summary = job->summary;
  return TRUE;
}
