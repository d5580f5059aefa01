/* dr-project.c — a project: one backend connection, used only by the thread that opened it. */
#include "dr-project.h"

#include "dr-pg-backend.h"
#include "dr-pg-conn.h"
#include "dr-sqlite.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

struct _DrProject {
  GObject parent_instance;
  DrStoreConn *conn;
  GThread *owner;           /* the thread that opened the connection; the only one using it */
};

G_DEFINE_FINAL_TYPE (DrProject, dr_project, G_TYPE_OBJECT)

/* Closes the connection (SQLite checkpoints its WAL). */
static void
dr_project_finalize (GObject *object)
{
  DrProject *self = DR_PROJECT (object);
  if (self->conn != NULL)
    self->conn->backend->close (self->conn);
  /* Held so that no later thread can get the same GThread address and pass the owner check. */
  g_clear_pointer (&self->owner, g_thread_unref);
  G_OBJECT_CLASS (dr_project_parent_class)->finalize (object);
}

/* Class setup: only finalize is needed. */
static void
dr_project_class_init (DrProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dr_project_finalize;
}

/* Nothing to set up before open. */
static void
dr_project_init (DrProject *self)
{
}

/* Guards every entry point that reaches the connection: from the owner thread the connection;
 * from any other a g_critical naming both threads and the location (fatal under
 * G_DEBUG=fatal-warnings, as in the tests), error set, NULL — so a misplaced caller fails at
 * once instead of racing the owner inside the database library. */
DrStoreConn *
dr_project_get_conn (DrProject *self, const char *func, GError **error)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), NULL);
  if (G_LIKELY (self->owner == g_thread_self ()))
    return self->conn;
  g_critical ("%s: %s called on thread %p, but the project was opened on thread %p",
              self->conn->location, func, (void *) g_thread_self (), (void *) self->owner);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE,
               "%s: used from a thread that did not open it", self->conn->location);
  return NULL;
}

/* See header. */
gboolean
dr_project_is_owner (DrProject *self)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), FALSE);
  return self->owner == g_thread_self ();
}

/* Microseconds since the epoch from the wall clock. */
gint64
dr_project_now (void)
{
  return g_get_real_time ();
}

/* A project holding @conn, owned by the calling thread. */
static DrProject *
project_new (DrStoreConn *conn)
{
  DrProject *self = g_object_new (DR_TYPE_PROJECT, NULL);
  self->conn = conn;
  self->owner = g_thread_ref (g_thread_self ());
  return self;
}

/* The backend opens (and checks and migrates); the project only records the owner. */
DrProject *
dr_project_open_with_backend (const DrStoreBackend *backend, const char *location,
                              DrProjectOpenFlags flags, GError **error)
{
  g_return_val_if_fail (backend != NULL && location != NULL, NULL);
  DrStoreConn *conn = backend->open (location, flags, error);
  return conn != NULL ? project_new (conn) : NULL;
}

/* A connection string (dr_pg_is_conninfo) names a team project on a server; anything else is
 * a project file, an SQLite file. */
DrProject *
dr_project_open (const char *path, DrProjectOpenFlags flags, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  const DrStoreBackend *backend = dr_pg_is_conninfo (path) ? dr_pg_backend ()
                                                          : dr_sqlite_backend ();
  return dr_project_open_with_backend (backend, path, flags, error);
}

/* Owner-checked begin. */
gboolean
dr_project_begin (DrProject *self, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (self, G_STRFUNC, error);
  return conn != NULL && conn->backend->begin (conn, error);
}

/* Owner-checked commit. */
gboolean
dr_project_commit (DrProject *self, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (self, G_STRFUNC, error);
  return conn != NULL && conn->backend->commit (conn, error);
}

/* Owner-checked rollback. */
void
dr_project_rollback (DrProject *self)
{
  DrStoreConn *conn = dr_project_get_conn (self, G_STRFUNC, NULL);
  if (conn != NULL)
    conn->backend->rollback (conn);
}

/* See dr-project.h. */
gboolean
dr_project_commit_or_rollback (DrProject *self, gboolean ok, GError **error)
{
  if (ok)
    return dr_project_commit (self, error);
  dr_project_rollback (self);
  return FALSE;
}

/* Owner-checked reopen. */
gboolean
dr_project_reopen_if_writable (DrProject *self, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (self, G_STRFUNC, error);
  return conn != NULL && conn->backend->reopen_if_writable (conn, error);
}

/* The backend's answer. */
gboolean
dr_project_is_read_only (DrProject *self)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), TRUE);
  return self->conn->backend->is_read_only (self->conn);
}

/* Borrowed location string. */
const char *
dr_project_get_path (DrProject *self)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), NULL);
  return self->conn->location;
}

/* The version reached by the backend's migration. */
int
dr_project_get_schema_version (DrProject *self)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), 0);
  return self->conn->backend->get_schema_version (self->conn);
}

/* See header. */
gboolean
dr_project_is_lost (DrProject *self)
{
  g_return_val_if_fail (DR_IS_PROJECT (self), FALSE);
  return self->conn->backend->is_lost (self->conn);
}

/* The team project's connection is made: the project is returned (owned by this thread). */
static void
on_pg_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  GError *error = NULL;
  DrStoreConn *conn = dr_pg_backend_open_finish (result, &error);
  if (conn != NULL)
    g_task_return_pointer (task, project_new (conn), g_object_unref);
  else
    g_task_return_error (task, error);
}

/* A connection string connects without blocking (dr_pg_backend_open_async); a file is opened
 * at once, as dr_project_open does, and the result delivered from the main context. */
void
dr_project_open_async (const char *path, DrProjectOpenFlags flags, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (path != NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_project_open_async);
  if (dr_pg_is_conninfo (path))
    {
      dr_pg_backend_open_async (path, cancellable, on_pg_opened, task);
      return;
    }
  GError *error = NULL;
  DrProject *project = dr_project_open (path, flags, &error);
  if (project != NULL)
    g_task_return_pointer (task, project, g_object_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

/* See header. */
DrProject *
dr_project_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
