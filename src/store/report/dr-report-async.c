/* dr-report-async.c — dr_report_write on a GTask worker thread that opens its own connection
 * to the project; progress goes back to the caller's main context through dr_post. */
#include "dr-report.h"

#include "dr-post.h"

typedef struct {
  char *project_path;
  char *out_pdf;
  char **claims;
  char *currency;
  DrReportOptions options;        /* points into the fields above */
  DrReportProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;          /* where progress and the callback run */
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
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct {
  DrReportProgressFunc func;
  gpointer data;
  guint done, total;
} ProgressCall;

/* Runs one progress report in the caller's context. */
static gboolean
progress_dispatch (gpointer user_data)
{
  ProgressCall *call = user_data;
  call->func (call->done, call->total, call->data);
  return G_SOURCE_REMOVE;
}

/* Worker side: queues the report on an idle source in the caller's context, at the task's
 * own priority so that it runs before the completion callback queued after it. */
static void
worker_progress (guint done, guint total, gpointer user_data)
{
  ReportJob *job = user_data;
  ProgressCall *call = g_new (ProgressCall, 1);
  *call = (ProgressCall) { job->progress, job->progress_data, done, total };
  dr_post (job->context, G_PRIORITY_DEFAULT, progress_dispatch, call, g_free);
}

/* The worker: opens the project itself and writes the report. */
static void
report_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReportJob *job = task_data;
  GError *error = NULL;
  if (dr_report_write (job->project_path, job->out_pdf, &job->options,
                       job->progress ? worker_progress : NULL, job, cancellable, &job->summary,
                       &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* See header. */
void
dr_report_write_async (const char *project_path, const char *out_pdf,
                       const DrReportOptions *options, DrReportProgressFunc progress,
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
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_report_write_async);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  /* The outcome is what the worker did: a cancel that comes after the file was put in place
   * must not be reported as "nothing written". */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, report_thread);
}

/* See header. */
gboolean
dr_report_write_finish (GAsyncResult *result, DrReportSummary *summary, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  GTask *task = G_TASK (result);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (summary != NULL)
    *summary = ((ReportJob *) g_task_get_task_data (task))->summary;
  return TRUE;
}
