/* dr-pg-conn.c — connect to a team server, name it in every error, run prepared statements. */
#include "dr-pg-conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <glib-unix.h>

#include "dr-pg-migrate.h"
#include "dr-pg-password.h"

struct _DrPgConn {
  PGconn *conn;
  char *server;            /* display name for messages, without any password */
  char *user;              /* session_user */
  GHashTable *prepared;    /* statement names already prepared on this connection */
  int schema_version;
  GThread *owner;          /* the opening thread, the only one allowed to use conn */
  gint64 answer_timeout_us; /* how long a statement waits for its answer (0: as long as libpq
                             * does); past it the connection is shut down */
  gboolean timed_out;      /* a statement waited past answer_timeout_us */
};

G_DEFINE_QUARK (dr-pg-error-quark, dr_pg_error)

/* Whether @location is a connection string rather than a path: a postgres(ql):// URI, or
 * keyword=value text whose first keyword is one libpq knows. */
gboolean
dr_pg_is_conninfo (const char *location)
{
  if (location == NULL)
    return FALSE;
  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    return TRUE;
  const char *eq = strchr (location, '=');
  if (eq == NULL || eq == location)
    return FALSE;
  g_autofree char *keyword = g_strstrip (g_strndup (location, eq - location));
  PQconninfoOption *defaults = PQconndefaults ();
  gboolean known = FALSE;
  for (PQconninfoOption *o = defaults; o != NULL && o->keyword != NULL; o++)
    if (strcmp (o->keyword, keyword) == 0)
      known = TRUE;
  PQconninfoFree (defaults);
  return known;
}

/* @conninfo with any password replaced by "***", for messages about unparsable strings. */
static char *
redact (const char *conninfo)
{
  g_autoptr (GRegex) uri = g_regex_new ("(://[^:/@?]*:)[^@/?]*@", 0, 0, NULL);
  g_autoptr (GRegex) kv = g_regex_new ("(password\\s*=\\s*)('([^'\\\\]|\\\\.)*'|\\S*)",
                                      G_REGEX_CASELESS, 0, NULL);
  g_autofree char *a = g_regex_replace (uri, conninfo, -1, 0, "\\1***@", 0, NULL);
  char *b = a ? g_regex_replace (kv, a, -1, 0, "\\1***", 0, NULL) : NULL;
  return b ? b : g_strdup ("(connection string)");
}

/* "ROLE@HOST:PORT/DB" from what libpq resolved (a failed PGconn still reports its options);
 * a Unix socket directory is shown as the host. "service NAME: " prefixes a service. */
static char *
server_name (PGconn *conn, const char *conninfo)
{
  const char *host = PQhost (conn);
  const char *port = PQport (conn);
  const char *db = PQdb (conn);
  const char *user = PQuser (conn);
  g_autofree char *service = NULL;
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    if (strcmp (o->keyword, "service") == 0 && o->val != NULL && *o->val)
      service = g_strdup (o->val);
  PQconninfoFree (opts);
  return g_strdup_printf ("%s%s%s%s@%s:%s/%s", service ? "service " : "", service ? service : "",
                          service ? " " : "", user && *user ? user : "?",
                          host && *host ? host : "localhost", port && *port ? port : "5432",
                          db && *db ? db : "?");
}

/* The useful part of libpq's (possibly multi-line) connection error: the first line, without
 * the "connection to server at … failed: " preamble and the "FATAL:" tag. */
static char *
connect_reason (PGconn *conn)
{
  const char *msg = PQerrorMessage (conn);
  g_auto (GStrv) lines = g_strsplit (msg ? msg : "", "\n", -1);
  const char *line = lines[0] && *lines[0] ? lines[0] : "unknown error";
  const char *failed = strstr (line, "failed: ");
  if (failed != NULL)
    line = failed + strlen ("failed: ");
  if (g_str_has_prefix (line, "FATAL:"))
    line += strlen ("FATAL:");
  return g_strstrip (g_strdup (line));
}

/* Whether libpq's connection error comes from the server (it answered and refused). */
static gboolean
server_refused (PGconn *conn)
{
  const char *msg = PQerrorMessage (conn);
  return msg != NULL && strstr (msg, "FATAL:") != NULL;
}

/* Sets the one-line error of a failed connection attempt, with its code. */
static void
set_connect_error (PGconn *conn, const char *server, GError **error)
{
  g_autofree char *reason = connect_reason (conn);
  const char *user = PQuser (conn);
  if (PQconnectionNeedsPassword (conn))
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_AUTH,
                 "%s: the server wants a password for role \"%s\" and none was given (put it in "
                 "~/.pgpass or the service file)", server, user ? user : "?");
  else if (PQconnectionUsedPassword (conn) && strstr (reason, "password") != NULL)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_AUTH, "%s: password rejected: %s", server,
                 reason);
  else if (!server_refused (conn) && ((strstr (reason, "invalid ") != NULL
                                       && strstr (reason, " value") != NULL)
                                      || strstr (reason, "service") != NULL))
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_BAD_URI, "%s: not a valid connection string: %s",
                 server, reason);
  else if (server_refused (conn))
    g_set_error (error, DR_PG_ERROR,
                 strstr (reason, "role") || strstr (reason, "pg_hba") || strstr (reason, "auth")
                   ? DR_PG_ERROR_AUTH : DR_PG_ERROR_FAILED,
                 "%s: the server refused the connection: %s", server, reason);
  else
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE, "%s: cannot reach the server: %s",
                 server, reason);
}

/* Server notices (e.g. "schema already exists, skipping") go to the debug log, not stderr. */
static void
log_notice (void *data, const char *message)
{
  g_debug ("%s: %s", (const char *) data, message);
}

/* Checks the calling thread against the opener; a g_critical and an error when it differs. */
static gboolean
check_owner (DrPgConn *self, GError **error)
{
  if (dr_pg_conn_is_owner (self))
    return TRUE;
  g_critical ("%s: connection used from a thread that did not open it", self->server);
  g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
               "%s: connection used from a thread that did not open it", self->server);
  return FALSE;
}

/* Whether the calling thread opened the connection. */
gboolean
dr_pg_conn_is_owner (DrPgConn *self)
{
  return self->owner == g_thread_self ();
}

/* Maps a result's SQLSTATE (or a lost connection) to a DrPgError code. An error without a
 * SQLSTATE is libpq's own: unreachable when reading the connection finds it gone ("server
 * closed the connection unexpectedly" after a write to a server that went away leaves
 * CONNECTION_OK until libpq reads the end), so the write is kept and tried again; a failure
 * otherwise (a failed escape, a client-side limit), which retrying would not cure. */
static DrPgError
code_for (DrPgConn *self, const PGresult *res)
{
  if (PQstatus (self->conn) == CONNECTION_BAD)
    return DR_PG_ERROR_UNREACHABLE;
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  if (state == NULL)
    return PQconsumeInput (self->conn) == 0 || PQstatus (self->conn) == CONNECTION_BAD
           ? DR_PG_ERROR_UNREACHABLE : DR_PG_ERROR_FAILED;
  if (strcmp (state, "42501") == 0)
    return DR_PG_ERROR_PERMISSION;
  if (strcmp (state, "23505") == 0 || strcmp (state, "40001") == 0
      || strcmp (state, "40P01") == 0 || strcmp (state, "55P03") == 0)
    return DR_PG_ERROR_CONFLICT;
  if (g_str_has_prefix (state, "08") || strcmp (state, "57P01") == 0)
    return DR_PG_ERROR_UNREACHABLE;
  if (strcmp (state, "28000") == 0 || strcmp (state, "28P01") == 0)
    return DR_PG_ERROR_AUTH;
  if (strcmp (state, "P0002") == 0)
    return DR_PG_ERROR_NOT_FOUND;
  return DR_PG_ERROR_FAILED;
}

/* Sets @error as "SERVER: WHAT: MESSAGE" (first line of the server's message). */
void
dr_pg_conn_set_error (DrPgConn *self, const PGresult *res, const char *what, GError **error)
{
  const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *text = g_strdup (primary ? primary : PQerrorMessage (self->conn));
  char *nl = strchr (text, '\n');
  if (nl != NULL)
    *nl = '\0';
  g_strstrip (text);
  if (*text == '\0')
    {
      g_free (text);
      text = g_strdup ("the connection to the server was lost");
    }
  g_set_error (error, DR_PG_ERROR, code_for (self, res), "%s: %s: %s", self->server, what, text);
}

/* Whether a prepared result is a success. */
static gboolean
result_ok (const PGresult *res)
{
  ExecStatusType st = PQresultStatus (res);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Waits until the connection's socket can be read (or written, with @write) or the monotonic
 * time @end passes; FALSE on the latter. A poll error counts as ready: libpq then finds it. */
static gboolean
wait_socket (PGconn *conn, gboolean write, gint64 end)
{
  struct pollfd p = { PQsocket (conn), write ? POLLOUT : POLLIN, 0 };
  for (;;)
    {
      gint64 left = end - g_get_monotonic_time ();
      if (left <= 0)
        return FALSE;
      int r = poll (&p, 1, (int) MIN (left / 1000 + 1, G_MAXINT));
      if (r != 0 && !(r < 0 && errno == EINTR))
        return TRUE;
    }
}

/* Reads what the server sent until libpq has a whole result (or none is coming), waiting at
 * most until the monotonic time @end; past it the socket is shut down, so libpq reports the
 * connection lost (once: self->timed_out). */
static void
await_result (DrPgConn *self, gint64 end)
{
  gboolean late = self->timed_out;
  while (!late && PQflush (self->conn) == 1)
    late = !wait_socket (self->conn, TRUE, end);
  while (!late && PQstatus (self->conn) != CONNECTION_BAD && PQisBusy (self->conn))
    {
      late = !wait_socket (self->conn, FALSE, end);
      if (!late && !PQconsumeInput (self->conn))
        return;
    }
  if (late && !self->timed_out)
    {
      self->timed_out = TRUE;
      shutdown (PQsocket (self->conn), SHUT_RDWR);
      PQconsumeInput (self->conn);
    }
}

/* The result of the command just sent (the last one, as PQexec gives), waiting for each part
 * within answer_timeout_us of the start, so that the caller never waits on a server that hangs
 * (stopped, or a path that still acknowledges but never answers): PQgetResult is only called
 * once libpq is no longer busy. */
static PGresult *
bounded_result (DrPgConn *self)
{
  gint64 end = g_get_monotonic_time () + self->answer_timeout_us;
  PGresult *last = NULL, *res;
  await_result (self, end);
  while ((res = PQgetResult (self->conn)) != NULL)
    {
      PQclear (last);
      last = res;
      if (PQstatus (self->conn) == CONNECTION_BAD)
        break;
      await_result (self, end);
    }
  return last;
}

/* Sets @error for a statement that failed: "SERVER: WHAT: the server did not answer within N s"
 * when it waited too long, else as dr_pg_conn_set_error. */
static void
statement_error (DrPgConn *self, const PGresult *res, const char *what, GError **error)
{
  if (!self->timed_out)
    {
      dr_pg_conn_set_error (self, res, what, error);
      return;
    }
  g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE, "%s: %s: the server did not answer "
               "within %d s", self->server, what, (int) (self->answer_timeout_us / G_USEC_PER_SEC));
}

/* Prepares @sql under @name unless this connection already has it. A statement name always
 * goes with one SQL text (callers use string constants), so the name is the cache key. */
static gboolean
ensure_prepared (DrPgConn *self, const char *name, const char *sql, int n_params,
                 GError **error)
{
  if (g_hash_table_contains (self->prepared, name))
    return TRUE;
  g_autoptr (PGresult) res = NULL;
  if (self->answer_timeout_us == 0)
    res = PQprepare (self->conn, name, sql, n_params, NULL);
  else if (PQsendPrepare (self->conn, name, sql, n_params, NULL))
    res = bounded_result (self);
  if (res == NULL || !result_ok (res))
    {
      g_autofree char *what = g_strdup_printf ("preparing %s", name);
      statement_error (self, res, what, error);
      return FALSE;
    }
  g_hash_table_add (self->prepared, g_strdup (name));
  return TRUE;
}

/* See dr-pg-conn.h. */
PGresult *
dr_pg_conn_exec_binary (DrPgConn *self, const char *name, const char *sql, int n_params,
                        const char *const *params, const int *lengths, const int *formats,
                        int result_format, GError **error)
{
  g_return_val_if_fail (self != NULL && name != NULL && sql != NULL, NULL);
  if (!check_owner (self, error) || !ensure_prepared (self, name, sql, n_params, error))
    return NULL;
  PGresult *res = NULL;
  if (self->answer_timeout_us == 0)
    res = PQexecPrepared (self->conn, name, n_params, params, lengths, formats, result_format);
  else if (PQsendQueryPrepared (self->conn, name, n_params, params, lengths, formats,
                                result_format))
    res = bounded_result (self);
  if (res != NULL && result_ok (res))
    return res;
  if (PQstatus (self->conn) == CONNECTION_BAD)
    g_hash_table_remove_all (self->prepared);
  statement_error (self, res, name, error);
  PQclear (res);
  return NULL;
}

/* See dr-pg-conn.h. */
PGresult *
dr_pg_conn_exec (DrPgConn *self, const char *name, const char *sql, int n_params,
                 const char *const *params, GError **error)
{
  return dr_pg_conn_exec_binary (self, name, sql, n_params, params, NULL, NULL, 0, error);
}

/* Runs one fixed transaction-control statement (BEGIN/COMMIT) as a prepared statement. */
static gboolean
exec_control (DrPgConn *self, const char *name, const char *sql, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_conn_exec (self, name, sql, 0, NULL, error);
  return res != NULL;
}

/* BEGIN (read committed, the server default). */
gboolean
dr_pg_conn_begin (DrPgConn *self, GError **error)
{
  return exec_control (self, "dr_begin", "BEGIN", error);
}

/* COMMIT; FALSE with error when the server refused it (the transaction is then rolled back). */
gboolean
dr_pg_conn_commit (DrPgConn *self, GError **error)
{
  return exec_control (self, "dr_commit", "COMMIT", error);
}

/* ROLLBACK, ignoring failures: after a lost connection there is nothing to roll back. */
void
dr_pg_conn_rollback (DrPgConn *self)
{
  if (!check_owner (self, NULL) || PQstatus (self->conn) != CONNECTION_OK)
    return;
  PQclear (PQexecParams (self->conn, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0));
}

/* Checks the schema version against this build, as a one-line error naming the server. */
static gboolean
check_schema (DrPgConn *self, GError **error)
{
  int latest = dr_pg_migrate_latest_version ();
  if (self->schema_version == 0)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NO_SCHEMA,
                 "%s: no Damage Review team schema in this database (the administrator creates "
                 "it with: damage-review team-init URI)", self->server);
  else if (self->schema_version > latest)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_SCHEMA_NEW,
                 "%s: the team schema is version %d, newer than this Damage Review (version %d); "
                 "update the app", self->server, self->schema_version, latest);
  else if (self->schema_version < latest)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_SCHEMA_OLD,
                 "%s: the team schema is version %d, older than this Damage Review (version %d); "
                 "the administrator upgrades it with: damage-review team-init URI", self->server,
                 self->schema_version, latest);
  else
    return TRUE;
  return FALSE;
}

/* A new connection object for @conninfo owned by the calling thread, its libpq connection
 * started (@start: PQconnectStartParams, non-blocking) or made (PQconnectdbParams, blocking)
 * with the parameters dr-pg-password.c builds; NULL with a BAD_URI error when libpq cannot
 * parse @conninfo. Its status is not checked yet: conn_setup does that. */
static DrPgConn *
conn_new (const char *conninfo, gboolean start, const char *const *extra_keys,
          const char *const *extra_values, guint n_extra, GError **error)
{
  char *parse_error = NULL;
  PQconninfoOption *parsed = PQconninfoParse (conninfo, &parse_error);
  if (parsed == NULL)
    {
      g_autofree char *shown = redact (conninfo);
      g_autofree char *why = redact (parse_error ? parse_error : "out of memory");
      g_strstrip (why);
      char *nl = strchr (why, '\n');
      if (nl != NULL)
        *nl = '\0';
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_BAD_URI, "%s: not a valid connection string: %s",
                   shown, why);
      PQfreemem (parse_error);
      return NULL;
    }
  PQconninfoFree (parsed);

  DrPgConn *self = g_new0 (DrPgConn, 1);
  self->owner = g_thread_ref (g_thread_self ());
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* A password typed in the window for this location goes beside it, never into it. */
  char **keys, **values;
  dr_pg_password_params (conninfo, extra_keys, extra_values, n_extra, &keys, &values);
  if (start)
    self->conn = PQconnectStartParams ((const char *const *) keys, (const char *const *) values,
                                       1);
  else
    self->conn = PQconnectdbParams ((const char *const *) keys, (const char *const *) values, 1);
  dr_pg_password_params_free (keys, values);
  return self;
}

/* Takes @owned, whose connect has ended (made or failed): names the server, turns a failed
 * connect into its one-line error, sets the session up and checks the schema as @flags say.
 * Returns @owned when all of it succeeded, else frees it and returns NULL with the error. */
static DrPgConn *
conn_setup (DrPgConn *owned, const char *conninfo, DrPgOpenFlags flags, GError **error)
{
  g_autoptr (DrPgConn) self = owned;
  self->server = server_name (self->conn, conninfo);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      set_connect_error (self->conn, self->server, error);
      return NULL;
    }
  self->user = g_strdup (PQuser (self->conn));
  PQsetNoticeProcessor (self->conn, log_notice, self->server);
  /* Replies in UTC and in a fixed date style, whatever the role's or server's settings. */
  g_autoptr (PGresult) tz = dr_pg_conn_exec (self, "dr_session_setup",
    "SELECT set_config ('TimeZone', 'UTC', false), set_config ('DateStyle', 'ISO', false)",
    0, NULL, error);
  if (tz == NULL)
    return NULL;
  if (flags & DR_PG_OPEN_ANY_SCHEMA)
    return g_steal_pointer (&self);
  if ((flags & DR_PG_OPEN_MIGRATE) && !dr_pg_migrate (self, error))
    return NULL;
  g_autoptr (GError) local = NULL;
  if (!dr_pg_migrate_read_version (self, &self->schema_version, &local))
    {
      if (g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_PERMISSION))
        g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION,
                     "%s: permission denied: role \"%s\" is not a member of any team here (a "
                     "team lead adds members)", self->server, self->user);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!check_schema (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* See dr-pg-conn.h. */
DrPgConn *
dr_pg_conn_open (const char *conninfo, DrPgOpenFlags flags, GError **error)
{
  g_return_val_if_fail (conninfo != NULL, NULL);
  DrPgConn *self = conn_new (conninfo, FALSE, NULL, NULL, 0, error);
  if (self != NULL && (flags & DR_PG_OPEN_BOUNDED))
    self->answer_timeout_us = DR_PG_WRITE_ANSWER_TIMEOUT_S * G_USEC_PER_SEC;
  return self != NULL ? conn_setup (self, conninfo, flags, error) : NULL;
}

/* Addresses of a resolved host name that libpq is given to try, in order. */
#define DR_PG_MAX_ADDRESSES 8

/* An asynchronous open in progress (the GTask's data). */
typedef struct {
  DrPgConn *pg;            /* connecting; NULL before the connect starts and once handed to
                            * conn_setup */
  char *conninfo;
  char *host;              /* the host name resolved before connecting, or NULL */
  DrPgOpenFlags flags;
  GSource *io;             /* fd source on PQsocket for what PQconnectPoll asked, or NULL */
  GSource *cancel;         /* the cancellable's source, or NULL */
  GSource *timer;          /* the connection's connect_timeout, or NULL when it has none */
} Connecting;

/* Removes both sources (each holds a reference on the task). */
static void
connecting_stop (Connecting *c)
{
  if (c->io != NULL)
    g_source_destroy (c->io);
  g_clear_pointer (&c->io, g_source_unref);
  if (c->cancel != NULL)
    g_source_destroy (c->cancel);
  g_clear_pointer (&c->cancel, g_source_unref);
  if (c->timer != NULL)
    g_source_destroy (c->timer);
  g_clear_pointer (&c->timer, g_source_unref);
}

/* Frees the task data; a connection still being made is closed. */
static void
connecting_free (gpointer data)
{
  Connecting *c = data;
  connecting_stop (c);
  dr_pg_conn_free (c->pg);
  g_free (c->conninfo);
  g_free (c->host);
  g_free (c);
}

/* The connect has ended (made or failed): the remaining short statements run, the task
 * returns. */
static void
connecting_done (GTask *task)
{
  Connecting *c = g_task_get_task_data (task);
  connecting_stop (c);
  GError *error = NULL;
  DrPgConn *pg = conn_setup (g_steal_pointer (&c->pg), c->conninfo, c->flags, &error);
  if (pg != NULL)
    g_task_return_pointer (task, pg, (GDestroyNotify) dr_pg_conn_free);
  else
    g_task_return_error (task, error);
}

static gboolean on_connect_io (gint fd, GIOCondition cond, gpointer data);

/* Watches the connection's current socket for @cond (libpq may change sockets while it
 * connects, so the source is made anew each time). */
static void
connecting_arm (GTask *task, GIOCondition cond)
{
  Connecting *c = g_task_get_task_data (task);
  if (c->io != NULL)
    g_source_destroy (c->io);
  g_clear_pointer (&c->io, g_source_unref);
  c->io = g_unix_fd_source_new (PQsocket (c->pg->conn), cond | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (c->io, G_SOURCE_FUNC (on_connect_io), g_object_ref (task),
                         g_object_unref);
  g_source_set_name (c->io, "dr-pg-conn-connect");
  g_source_attach (c->io, g_task_get_context (task));
}

/* One step of PQconnectPoll, then waits for what it asks or finishes. */
static gboolean
on_connect_io (gint fd, GIOCondition cond, gpointer data)
{
  GTask *task = data;
  Connecting *c = g_task_get_task_data (task);
  switch (PQconnectPoll (c->pg->conn))
    {
    case PGRES_POLLING_READING:
      connecting_arm (task, G_IO_IN);
      break;
    case PGRES_POLLING_WRITING:
      connecting_arm (task, G_IO_OUT);
      break;
    default:
      connecting_done (task);
    }
  return G_SOURCE_REMOVE;
}

/* The cancellable fired: the connection is closed and the task returns CANCELLED. */
static gboolean
on_connect_cancelled (GCancellable *cancellable, gpointer data)
{
  GTask *task = data;
  Connecting *c = g_task_get_task_data (task);
  connecting_stop (c);
  g_clear_pointer (&c->pg, dr_pg_conn_free);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* The connection's connect_timeout passed (libpq applies it only to blocking connects): the
 * connection is closed and the task returns the error a blocking connect gives. */
static gboolean
on_connect_timeout (gpointer data)
{
  GTask *task = data;
  Connecting *c = g_task_get_task_data (task);
  connecting_stop (c);
  g_autofree char *server = server_name (c->pg->conn, c->conninfo);
  g_clear_pointer (&c->pg, dr_pg_conn_free);
  g_task_return_new_error (task, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE,
                           "%s: cannot reach the server: timeout expired", server);
  return G_SOURCE_REMOVE;
}

/* libpq's connect_timeout of @conn in seconds as libpq reads it (at least 2), 0 for none. */
static int
connect_timeout_s (PGconn *conn)
{
  int seconds = 0;
  PQconninfoOption *opts = PQconninfo (conn);
  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    if (strcmp (o->keyword, "connect_timeout") == 0 && o->val != NULL)
      seconds = atoi (o->val);
  PQconninfoFree (opts);
  return seconds <= 0 ? 0 : MAX (seconds, 2);
}

/* The host name conninfo asks libpq to resolve: its one host when that is a name (not an
 * address, not a socket folder) and no hostaddr is given; NULL otherwise (a service file's or
 * PGHOST's host is left to libpq). */
static char *
host_to_resolve (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  if (options == NULL)
    return NULL;
  const char *host = NULL, *hostaddr = NULL, *service = NULL;
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0')
      {
        if (strcmp (o->keyword, "host") == 0)
          host = o->val;
        else if (strcmp (o->keyword, "hostaddr") == 0)
          hostaddr = o->val;
        else if (strcmp (o->keyword, "service") == 0)
          service = o->val;
      }
  char *name = NULL;
  if (host != NULL && hostaddr == NULL && service == NULL && host[0] != '/' && host[0] != '@'
      && strchr (host, ',') == NULL && !g_hostname_is_ip_address (host))
    name = g_strdup (host);
  PQconninfoFree (options);
  return name;
}

/* Starts libpq's non-blocking connect for the task (with host and hostaddr lists when the
 * host name was resolved here; NULL: libpq's own). */
static void
connecting_start (GTask *task, const char *hosts, const char *hostaddrs)
{
  Connecting *c = g_task_get_task_data (task);
  const char *keys[] = { "host", "hostaddr" };
  const char *values[] = { hosts, hostaddrs };
  GError *error = NULL;
  c->pg = conn_new (c->conninfo, TRUE, keys, values, hosts != NULL ? 2 : 0, &error);
  if (c->pg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A connection for a main loop: no statement may hold it longer than this. */
  c->pg->answer_timeout_us = DR_PG_ANSWER_TIMEOUT_S * G_USEC_PER_SEC;
  if (g_task_return_error_if_cancelled (task))
    return;
  if (c->pg->conn == NULL || PQstatus (c->pg->conn) == CONNECTION_BAD)
    {
      connecting_done (task);
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  if (cancellable != NULL)
    {
      c->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (c->cancel, G_SOURCE_FUNC (on_connect_cancelled),
                             g_object_ref (task), g_object_unref);
      g_source_attach (c->cancel, g_task_get_context (task));
    }
  int timeout = connect_timeout_s (c->pg->conn);
  if (timeout > 0)
    {
      c->timer = g_timeout_source_new_seconds (timeout);
      g_source_set_callback (c->timer, on_connect_timeout, g_object_ref (task), g_object_unref);
      g_source_attach (c->timer, g_task_get_context (task));
    }
  /* libpq: wait until the socket is writable before the first PQconnectPoll. */
  connecting_arm (task, G_IO_OUT);
}

/* GResolver has the host's addresses: libpq tries them in that order, as it would its own
 * lookup's (the name stays the host, for .pgpass and TLS). */
static void
on_resolved (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  Connecting *c = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_resolver_free_addresses (addresses);
      return;
    }
  if (addresses == NULL)
    {
      g_autofree char *shown = redact (c->conninfo);
      g_task_return_new_error (task, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE,
                               "%s: cannot find the server's address: %s", shown,
                               error ? error->message : "no address");
      return;
    }
  g_autoptr (GString) hosts = g_string_new (NULL);
  g_autoptr (GString) hostaddrs = g_string_new (NULL);
  guint n = 0;
  for (GList *l = addresses; l != NULL && n < DR_PG_MAX_ADDRESSES; l = l->next, n++)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);
      g_string_append_printf (hosts, "%s%s", n > 0 ? "," : "", c->host);
      g_string_append_printf (hostaddrs, "%s%s", n > 0 ? "," : "", text);
    }
  g_resolver_free_addresses (addresses);
  connecting_start (task, hosts->str, hostaddrs->str);
}

/* See dr-pg-conn.h. */
void
dr_pg_conn_open_async (const char *conninfo, DrPgOpenFlags flags, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (conninfo != NULL);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_pg_conn_open_async);
  Connecting *c = g_new0 (Connecting, 1);
  c->conninfo = g_strdup (conninfo);
  c->flags = flags;
  c->host = host_to_resolve (conninfo);
  g_task_set_task_data (task, c, connecting_free);
  if (g_task_return_error_if_cancelled (task))
    return;
  /* libpq would look the name up inside PQconnectStartParams, blocking this thread. */
  if (c->host != NULL)
    {
      g_autoptr (GResolver) resolver = g_resolver_get_default ();
      g_resolver_lookup_by_name_async (resolver, c->host, cancellable, on_resolved,
                                       g_object_ref (task));
      return;
    }
  connecting_start (task, NULL, NULL);
}

/* See dr-pg-conn.h. */
DrPgConn *
dr_pg_conn_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Closes the connection and frees everything. */
void
dr_pg_conn_free (DrPgConn *self)
{
  if (self == NULL)
    return;
  if (self->conn != NULL)
    PQfinish (self->conn);
  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_free (self->server);
  g_free (self->user);
  g_clear_pointer (&self->owner, g_thread_unref);
  g_free (self);
}

/* Display name for messages. */
const char *
dr_pg_conn_get_server (DrPgConn *self)
{
  return self->server;
}

/* The login role. */
const char *
dr_pg_conn_get_user (DrPgConn *self)
{
  return self->user;
}

/* PQsslInUse. */
gboolean
dr_pg_conn_get_ssl_in_use (DrPgConn *self)
{
  return PQsslInUse (self->conn) != 0;
}

/* The schema version seen at open. */
int
dr_pg_conn_get_schema_version (DrPgConn *self)
{
  return self->schema_version;
}

/* The libpq handle, for the owner thread. */
PGconn *
dr_pg_conn_get_pq (DrPgConn *self)
{
  check_owner (self, NULL);
  return self->conn;
}
