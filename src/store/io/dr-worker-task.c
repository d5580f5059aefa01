/* dr-worker-task.c — see dr-worker-task.h. */
#include "dr-worker-task.h"

#include "dr-post.h"

typedef struct {
  DrProgressFunc func;
  gpointer data;
  guint done, total;
} ProgressCall;

/* Runs one progress report in the owner's context. */
static gboolean
progress_dispatch (gpointer user_data)
{
  ProgressCall *call = user_data;
  call->func (call->done, call->total, call->data);
  return G_SOURCE_REMOVE;
}

/* See dr-worker-task.h. */
void
dr_worker_progress_post (guint done, guint total, gpointer progress)
{
  const DrWorkerProgress *p = progress;
  if (p->func == NULL)
    return;
  ProgressCall *call = g_new (ProgressCall, 1);
  *call = (ProgressCall) { p->func, p->data, done, total };
  dr_post (p->owner, G_PRIORITY_DEFAULT, progress_dispatch, call, g_free);
}

typedef struct {
  DrWorkerFunc func;
  gpointer job;
  GDestroyNotify job_free;
} WorkerTask;

/* Frees the job, then the wrapper, once the task is done with them. */
static void
worker_task_free (WorkerTask *w)
{
  w->job_free (w->job);
  g_free (w);
}

/* The worker: runs the job function and returns its outcome to the task. */
static void
worker_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WorkerTask *w = task_data;
  GError *error = NULL;
  if (w->func (w->job, g_task_get_context (task), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Wraps the job in the task's data and starts the worker. */
void
dr_worker_task_start (gpointer source_tag, DrWorkerFunc func, gpointer job,
                      GDestroyNotify job_free, gboolean keep_outcome, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  WorkerTask *w = g_new (WorkerTask, 1);
  *w = (WorkerTask) { func, job, job_free };
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, w, (GDestroyNotify) worker_task_free);
  g_task_set_check_cancellable (task, !keep_outcome);
  g_task_run_in_thread (task, worker_thread);
}

/* Propagates the outcome; on success hands back the job. */
gpointer
dr_worker_task_finish (GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return ((WorkerTask *) g_task_get_task_data (G_TASK (result)))->job;
}
