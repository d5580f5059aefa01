/* dr-test-import-task.c — dr_import_paths in a worker thread, progress marshalled back (tests only). */
#include "dr-test-import-task.h"
#include "dr-post.h"

typedef struct {
  char *project_path;
  char **paths;
  char *claim;
  DrImportProgress progress;
  gpointer progress_data;
  GMainContext *context;  /* where progress is delivered */
  DrImportStats stats;
} ImportData;

typedef struct {
  ImportData *data;
  guint done, total;
  char *path;
  DrImportOutcome outcome;
  char *message;
} ProgressEvent;

/* Frees the task data. */
static void
import_data_free (ImportData *data)
{
  g_free (data->project_path);
  g_strfreev (data->paths);
  g_free (data->claim);
  g_main_context_unref (data->context);
  g_free (data);
}

/* Frees one progress event. */
static void
progress_event_free (ProgressEvent *event)
{
  g_free (event->path);
  g_free (event->message);
  g_free (event);
}

/* Runs on the caller's context: hands one event to the caller's progress function. */
static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *e = user_data;
  e->data->progress (e->done, e->total, e->path, e->outcome, e->message, e->data->progress_data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: copies the event and posts it to the caller's context (never runs it
 * here). Events are dispatched in the order posted, and all before the task's own completion
 * callback, which GTask attaches later to the same context at the same priority. */
static void
forward_progress (guint done, guint total, const char *path, DrImportOutcome outcome,
                  const char *message, gpointer user_data)
{
  ImportData *data = user_data;
  ProgressEvent *e = g_new0 (ProgressEvent, 1);
  e->data = data;
  e->done = done;
  e->total = total;
  e->path = g_strdup (path);
  e->outcome = outcome;
  e->message = g_strdup (message);
  dr_post (data->context, G_PRIORITY_DEFAULT, deliver_progress, e,
           (GDestroyNotify) progress_event_free);
}

/* Worker thread: own connection, then the ordinary synchronous import. */
static void
import_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (data->project_path,
                                                   DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL
      || !dr_import_paths (project, (const char *const *) data->paths, data->claim, cancellable,
                           data->progress != NULL ? forward_progress : NULL, data,
                           &data->stats, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Copies every argument into the task so the caller may free its own right away. */
void
dr_test_import_async (const char *project_path, const char *const *paths, const char *claim,
                 GCancellable *cancellable, DrImportProgress progress, gpointer progress_data,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  ImportData *data = g_new0 (ImportData, 1);
  data->project_path = g_strdup (project_path);
  data->paths = g_strdupv ((char **) paths);
  data->claim = g_strdup (claim);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_test_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/* Copies the stats out (complete or partial) and propagates the task's error. */
gboolean
dr_test_import_finish (GAsyncResult *result, DrImportStats *stats, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  ImportData *data = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = data->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
