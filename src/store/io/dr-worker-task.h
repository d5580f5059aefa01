/* dr-worker-task.h — one blocking job on a GTask worker thread, for the window.
 *
 * The job runs on a thread of GTask's pool; its end is reported on the main context that was
 * thread-default when it started (the owner's). The job function is given that context, so it
 * can post progress there (dr_worker_progress_post): such reports run in order and before
 * the completion callback, which GTask attaches later at the same priority. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Progress of a worker's job: @done of @total steps. */
typedef void (*DrProgressFunc) (guint done, guint total, gpointer user_data);

/* Where a job's progress goes: @func (NULL: nowhere) with @data, run on @owner, the context
 * the job function is given (the job stores it there before it reports). */
typedef struct {
  DrProgressFunc func;
  gpointer data;
  GMainContext *owner;
} DrWorkerProgress;

/* A DrProgressFunc for the worker side, @progress being a DrWorkerProgress: posts its func
 * (@done, @total, data) to its owner (dr_post at G_PRIORITY_DEFAULT), where it runs in order
 * and before the task's completion callback. Does nothing when func is NULL. */
void dr_worker_progress_post (guint    done,
                              guint    total,
                              gpointer progress);

/* Runs on the worker: does the work of @job, checking @cancellable between steps. @owner is
 * the starting thread's context (valid until the task ends). TRUE on success, else FALSE with
 * @error. */
typedef gboolean (*DrWorkerFunc) (gpointer      job,
                                  GMainContext *owner,
                                  GCancellable *cancellable,
                                  GError      **error);

/* Starts @func (@job) on a worker thread; @job_free frees @job once the task is done with it.
 * @callback runs on the caller's thread-default context and calls dr_worker_task_finish with
 * @source_tag. Unless @keep_outcome, a task cancelled before it ends fails with
 * G_IO_ERROR_CANCELLED whatever @func did; with it, the outcome is always @func's (for work
 * whose result is in place once @func returns TRUE). */
void dr_worker_task_start (gpointer             source_tag,
                           DrWorkerFunc         func,
                           gpointer             job,
                           GDestroyNotify       job_free,
                           gboolean             keep_outcome,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);

/* The job of a task started with @source_tag whose function succeeded (still owned by the
 * task), or NULL with @error. */
gpointer dr_worker_task_finish (GAsyncResult  *result,
                                gpointer       source_tag,
                                GError       **error);

G_END_DECLS
