/* dr-pg-backend.c — the PostgreSQL backend's table, connection, transactions and the checked
 * readers of server values its files share (dr-pg-backend.h). */
#include "dr-pg-backend.h"

#include <errno.h>
#include <math.h>

#include "dr-pg-backend-private.h"
#include "dr-pg-team.h"
#include "dr-store-error.h"

static const DrStoreBackend pg_backend = {
  .name = "postgresql",
  .open = dr_pg_backend_open,
  .close = dr_pg_backend_close,
  .get_schema_version = dr_pg_backend_get_schema_version,
  .is_read_only = dr_pg_backend_is_read_only,
  .is_lost = dr_pg_backend_is_lost,
  .reopen_if_writable = dr_pg_backend_reopen_if_writable,
  .begin = dr_pg_backend_begin,
  .commit = dr_pg_backend_commit,
  .rollback = dr_pg_backend_rollback,
  .claim_ensure = dr_pg_backend_claim_ensure,
  .claim_rename = dr_pg_backend_claim_rename,
  .claim_list = dr_pg_backend_claim_list,
  .photo_collect = dr_pg_backend_photo_collect,
  .photo_list_readable = dr_pg_backend_photo_list_readable,
  .photo_get_size = dr_pg_backend_photo_get_size,
  .photo_find_sha256 = dr_pg_backend_photo_find_sha256,
  .photo_put_scan = dr_pg_backend_photo_put_scan,
  .photo_set_claim = dr_pg_backend_photo_set_claim,
  .photo_set_error = dr_pg_backend_photo_set_error,
  .model_set_current = dr_pg_backend_model_set_current,
  .model_dup_current = dr_pg_backend_model_dup_current,
  .prediction_put = dr_pg_backend_prediction_put,
  .prediction_get_current = dr_pg_backend_prediction_get_current,
  .prediction_missing = dr_pg_backend_prediction_missing,
  .revision_insert = dr_pg_backend_revision_insert,
  .revision_get = dr_pg_backend_revision_get,
  .revision_newest_child = dr_pg_backend_revision_newest_child,
  .revision_list_path = dr_pg_backend_revision_list_path,
  .head_get = dr_pg_backend_head_get,
  .head_move = dr_pg_backend_head_move,
  .head_mover = dr_pg_backend_head_mover,
  .review_insert = dr_pg_backend_review_insert,
  .review_get_newest = dr_pg_backend_review_get_newest,
  .note_insert = dr_pg_backend_note_insert,
  .note_dup_newest = dr_pg_backend_note_dup_newest,
  .ground_truth_put = dr_pg_backend_ground_truth_put,
  .evaluation_foreach = dr_pg_backend_evaluation_foreach,
};

/* The one static table. */
const DrStoreBackend *
dr_pg_backend (void)
{
  return &pg_backend;
}

/* The store's code for a pg module's error code (messages already name the server). */
static int
store_code (int pg_code)
{
  switch (pg_code)
    {
    case DR_PG_ERROR_CONFLICT:
      return DR_STORE_ERROR_CONFLICT;
    case DR_PG_ERROR_NOT_FOUND:
      return DR_STORE_ERROR_NOT_FOUND;
    case DR_PG_ERROR_UNREACHABLE:
      return DR_STORE_ERROR_IO;
    default:
      return DR_STORE_ERROR_DATABASE;
    }
}

/* See dr-pg-backend-private.h. */
void
dr_pg_backend_convert_error (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain == DR_PG_ERROR)
    {
      (*error)->code = store_code ((*error)->code);
      (*error)->domain = DR_STORE_ERROR;
    }
}

/* See dr-pg-backend-private.h. */
PGresult *
dr_pg_backend_exec (DrPgBackendConn *self, const char *name, const char *sql, int n_params,
                    const char *const *params, GError **error)
{
  PGresult *res = dr_pg_conn_exec (self->pg, name, sql, n_params, params, error);
  if (res == NULL)
    dr_pg_backend_convert_error (error);
  return res;
}

/* The error for a value the server should never have sent. */
static gboolean
out_of_range (DrPgBackendConn *self, const char *what, GError **error)
{
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE,
               "%s: %s: the server sent an out-of-range value", dr_pg_conn_get_server (self->pg),
               what);
  return FALSE;
}

/* See dr-pg-backend-private.h. */
gboolean
dr_pg_backend_int (DrPgBackendConn *self, const PGresult *res, int r, int c, gint64 min,
                   gint64 max, gint64 null_value, gint64 *out, const char *what, GError **error)
{
  if (r >= PQntuples (res) || c >= PQnfields (res))
    return out_of_range (self, what, error);
  if (PQgetisnull (res, r, c))
    {
      if (null_value == DR_PG_BACKEND_NOT_NULL)
        return out_of_range (self, what, error);
      *out = null_value;
      return TRUE;
    }
  gint64 v = 0;
  if (!g_ascii_string_to_signed (PQgetvalue (res, r, c), 10, min, max, &v, NULL))
    return out_of_range (self, what, error);
  *out = v;
  return TRUE;
}

/* See dr-pg-backend-private.h. */
gboolean
dr_pg_backend_double (DrPgBackendConn *self, const PGresult *res, int r, int c, double min,
                      double max, double null_value, double *out, const char *what,
                      GError **error)
{
  if (r >= PQntuples (res) || c >= PQnfields (res))
    return out_of_range (self, what, error);
  if (PQgetisnull (res, r, c))
    {
      *out = null_value;
      return TRUE;
    }
  const char *text = PQgetvalue (res, r, c);
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (v) || v < min || v > max)
    return out_of_range (self, what, error);
  *out = v;
  return TRUE;
}

/* See dr-pg-backend-private.h. */
gboolean
dr_pg_backend_text (DrPgBackendConn *self, const PGresult *res, int r, int c, gsize max_bytes,
                    char **out, const char *what, GError **error)
{
  *out = NULL;
  if (r >= PQntuples (res) || c >= PQnfields (res))
    return out_of_range (self, what, error);
  if (PQgetisnull (res, r, c))
    return TRUE;
  if ((gsize) PQgetlength (res, r, c) > max_bytes)
    return out_of_range (self, what, error);
  *out = g_strdup (PQgetvalue (res, r, c));
  return TRUE;
}

/* See dr-pg-backend-private.h. */
gboolean
dr_pg_backend_no_photo (DrPgBackendConn *self, gint64 photo_id, GError **error)
{
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
               "%s: no photo with id %" G_GINT64_FORMAT, dr_pg_conn_get_server (self->pg),
               photo_id);
  return FALSE;
}

/* Takes @owned (NULL when connecting failed with @local): resolves the team, the dr.team
 * setting from the connection's options when set, else the login's only team, and returns the
 * backend's connection; NULL with the store error otherwise (a schema problem is UNSUPPORTED,
 * anything else IO). */
static DrStoreConn *
backend_conn_new (const char *location, DrPgConn *owned, GError *local, GError **error)
{
  g_autoptr (DrPgConn) pg = owned;
  g_autoptr (PGresult) res = NULL;
  gint64 team_id = 0;
  if (pg != NULL)
    /* The team the connection's options name, if any (NULL when the setting is unknown). */
    res = dr_pg_conn_exec (pg, "backend_team_setting",
                           "SELECT nullif (current_setting ('dr.team', true), '')", 0, NULL,
                           &local);
  if (res != NULL)
    {
      const char *name = PQgetisnull (res, 0, 0) ? NULL : PQgetvalue (res, 0, 0);
      team_id = dr_pg_team_resolve (pg, name, &local);
    }
  if (team_id <= 0)
    {
      int code = DR_STORE_ERROR_IO;
      if (g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_NO_SCHEMA)
          || g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_SCHEMA_OLD)
          || g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_SCHEMA_NEW))
        code = DR_STORE_ERROR_UNSUPPORTED;
      g_set_error_literal (error, DR_STORE_ERROR, code,
                           local != NULL ? local->message : "no team");
      g_clear_error (&local);
      return NULL;
    }
  DrPgBackendConn *self = g_new0 (DrPgBackendConn, 1);
  self->parent.backend = &pg_backend;
  self->parent.location = g_strdup (location);
  self->pg = g_steal_pointer (&pg);
  self->team_id = team_id;
  self->team = dr_pg_int (team_id);
  return &self->parent;
}

/* Connects, checks the schema (must be this build's), and resolves the team. */
DrStoreConn *
dr_pg_backend_open (const char *location, DrProjectOpenFlags flags, GError **error)
{
  GError *local = NULL;
  DrPgConn *pg = dr_pg_conn_open (location, (flags & DR_PROJECT_OPEN_BOUNDED)
                                              ? DR_PG_OPEN_BOUNDED : DR_PG_OPEN_DEFAULT, &local);
  return backend_conn_new (location, pg, local, error);
}

/* The non-blocking connect ended: the team is resolved and the task returns. */
static void
on_backend_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  GError *local = NULL;
  GError *error = NULL;
  DrPgConn *pg = dr_pg_conn_open_finish (result, &local);
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, local);
      return;
    }
  DrStoreConn *conn = backend_conn_new (g_task_get_task_data (task), pg, local, &error);
  if (conn != NULL)
    g_task_return_pointer (task, conn, (GDestroyNotify) dr_pg_backend_close);
  else
    g_task_return_error (task, error);
}

/* See dr-pg-backend.h. */
void
dr_pg_backend_open_async (const char *location, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_pg_backend_open_async);
  g_task_set_task_data (task, g_strdup (location), g_free);
  dr_pg_conn_open_async (location, DR_PG_OPEN_DEFAULT, cancellable, on_backend_connected, task);
}

/* See dr-pg-backend.h. */
DrStoreConn *
dr_pg_backend_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Rolls back an open transaction (libpq's PQfinish would too) and frees everything. */
void
dr_pg_backend_close (DrStoreConn *conn)
{
  if (conn == NULL)
    return;
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  if (self->transaction_depth > 0)
    dr_pg_conn_rollback (self->pg);
  dr_pg_conn_free (self->pg);
  g_free (self->team);
  g_free (self->parent.location);
  g_free (self);
}

/* The version checked at open (always this build's). */
int
dr_pg_backend_get_schema_version (DrStoreConn *conn)
{
  return dr_pg_conn_get_schema_version (DR_PG_BACKEND_CONN (conn)->pg);
}

/* Rights are per table and per role on a server; a write the role may not make fails with a
 * one-line permission error instead. */
gboolean
dr_pg_backend_is_read_only (DrStoreConn *conn)
{
  return FALSE;
}

/* libpq never reconnects by itself: a connection gone bad stays so. */
gboolean
dr_pg_backend_is_lost (DrStoreConn *conn)
{
  return PQstatus (dr_pg_conn_get_pq (DR_PG_BACKEND_CONN (conn)->pg)) == CONNECTION_BAD;
}

/* Never read-only (above): nothing to reopen. */
gboolean
dr_pg_backend_reopen_if_writable (DrStoreConn *conn, GError **error)
{
  return TRUE;
}

/* Runs one fixed transaction-control statement. */
static gboolean
control (DrPgBackendConn *self, const char *name, const char *sql, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, name, sql, 0, NULL, error);
  return res != NULL;
}

/* BEGIN at depth 0, a savepoint (always of the same name: PostgreSQL nests them) deeper. */
gboolean
dr_pg_backend_begin (DrStoreConn *conn, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  gboolean ok = self->transaction_depth == 0
                  ? control (self, "backend_begin", "BEGIN", error)
                  : control (self, "backend_savepoint", "SAVEPOINT dr_nested", error);
  if (ok)
    self->transaction_depth++;
  return ok;
}

/* COMMIT at depth 1, releasing the innermost savepoint deeper. A failed COMMIT has ended the
 * transaction (rolled back), so the depth drops either way. */
gboolean
dr_pg_backend_commit (DrStoreConn *conn, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);
  self->transaction_depth--;
  if (self->transaction_depth == 0)
    return control (self, "backend_commit", "COMMIT", error);
  return control (self, "backend_release", "RELEASE SAVEPOINT dr_nested", error);
}

/* ROLLBACK at depth 1, back to the innermost savepoint deeper; errors are ignored (after a lost
 * connection there is nothing to roll back). */
void
dr_pg_backend_rollback (DrStoreConn *conn)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_return_if_fail (self->transaction_depth > 0);
  self->transaction_depth--;
  if (self->transaction_depth == 0)
    {
      dr_pg_conn_rollback (self->pg);
      return;
    }
  g_autoptr (PGresult) back = dr_pg_conn_exec (self->pg, "backend_rollback_to",
                                               "ROLLBACK TO SAVEPOINT dr_nested", 0, NULL, NULL);
  g_autoptr (PGresult) release = dr_pg_conn_exec (self->pg, "backend_release",
                                                  "RELEASE SAVEPOINT dr_nested", 0, NULL, NULL);
}
