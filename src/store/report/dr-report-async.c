/* dr-report-async.c — dr_report_write on a worker thread that opens its own connection to the
 * project; progress goes back to the caller's main context through dr_post. */
#include "dr-report.h"

#include "dr-worker-task.h"

typedef struct {
  char *project_path;
  char *out_pdf;
  char **claims;
  char *currency;
  DrReportOptions options;        /* points into the fields above */
  DrWorkerProgress progress;      /* owner set by the worker, the task's */
  DrReportSummary summary;
} ReportJob;

/* Frees the job once the task is done with it. */
static void
report_job_free (ReportJob *job)
{
  g_free (job->project_path);
  g_free (job->out_pdf);
  g_strfreev (job->claims);
  g_free (job->currency);
  g_free (job);
}

/* The worker: opens the project itself and writes the report. */
static gboolean
report_job_run (gpointer data, GMainContext *owner, GCancellable *cancellable, GError **error)
{
  ReportJob *job = data;
  job->progress.owner = owner;
  return dr_report_write (job->project_path, job->out_pdf, &job->options,
                          job->progress.func != NULL ? dr_worker_progress_post : NULL,
                          &job->progress, cancellable, &job->summary, error);
}

/* See header. The outcome is what the worker did: a cancel that comes after the file was put
 * in place must not be reported as "nothing written". */
void
dr_report_write_async (const char *project_path, const char *out_pdf,
                       const DrReportOptions *options, DrProgressFunc progress,
                       gpointer progress_data, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  ReportJob *job = g_new0 (ReportJob, 1);
  job->project_path = g_strdup (project_path);
  job->out_pdf = g_strdup (out_pdf);
  job->claims = g_strdupv ((char **) options->claims);
  job->currency = g_strdup (options->currency);
  job->options = *options;
  job->options.claims = (const char *const *) job->claims;
  job->options.currency = job->currency;
  job->progress = (DrWorkerProgress) { progress, progress_data, NULL };
  dr_worker_task_start (dr_report_write_async, report_job_run, job,
                        (GDestroyNotify) report_job_free, TRUE, cancellable, callback,
                        user_data);
}

/* See header. */
gboolean
dr_report_write_finish (GAsyncResult *result, DrReportSummary *summary, GError **error)
{
  ReportJob *job = dr_worker_task_finish (result, dr_report_write_async, error);
  if (job == NULL)
    return FALSE;
  if (summary != NULL)
    *summary = job->summary;
  return TRUE;
}
