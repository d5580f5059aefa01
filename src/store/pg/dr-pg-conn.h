/* dr-pg-conn.h — one libpq connection to a team project server.
 *
 * A DrPgConn is opened from whatever libpq accepts: a URI (postgresql://…), "service=NAME"
 * (~/.pg_service.conf), or keyword=value pairs; unset parameters come from the PG* environment
 * and passwords from ~/.pgpass or the service file, never from the app. Every failure becomes one
 * line that starts with the server's display name ("alice@db.example:5432/claims") and says the
 * reason: bad connection string, password missing or rejected, server unreachable, missing
 * rights, schema missing, older or newer than this build.
 *
 * Statements: only static SQL with $n parameters, run through dr_pg_conn_exec (PQprepare once per
 * connection and statement name, then PQexecPrepared). No value is ever spliced into SQL text.
 * The one exception is dr-pg-migrate.c, which runs its own embedded migration scripts.
 *
 * Threads: like DrProject, a DrPgConn belongs to the thread that opened it; a call from another
 * thread is refused with a g_critical (fatal in the tests) and an error, before libpq is used.
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define DR_PG_ERROR (dr_pg_error_quark ())

typedef enum {
  DR_PG_ERROR_FAILED,         /* anything not covered below */
  DR_PG_ERROR_BAD_URI,        /* libpq cannot parse the connection string */
  DR_PG_ERROR_AUTH,           /* password missing or rejected, role unknown */
  DR_PG_ERROR_UNREACHABLE,    /* no server answers (or the connection was lost) */
  DR_PG_ERROR_PERMISSION,     /* SQLSTATE 42501 and row-level security refusals */
  DR_PG_ERROR_NO_SCHEMA,      /* the database has no Damage Review schema */
  DR_PG_ERROR_SCHEMA_OLD,     /* schema older than this build: the administrator migrates it */
  DR_PG_ERROR_SCHEMA_NEW,     /* schema newer than this build: update the app */
  DR_PG_ERROR_CONFLICT,       /* a compare-and-swap lost, a unique key exists, a lease is lost */
  DR_PG_ERROR_NOT_FOUND,      /* a named row (team, claim) does not exist or is not visible */
} DrPgError;

GQuark dr_pg_error_quark (void);

typedef struct _DrPgConn DrPgConn;

typedef enum {
  DR_PG_OPEN_DEFAULT = 0,      /* the schema must exist at exactly this build's version */
  DR_PG_OPEN_MIGRATE = 1 << 0, /* create or migrate the schema first (administrator) */
  DR_PG_OPEN_ANY_SCHEMA = 1 << 1, /* do not look at the schema at all (tests, set-up) */
  DR_PG_OPEN_BOUNDED = 1 << 2,    /* dr_pg_conn_open: no statement waits longer than
                                   * DR_PG_WRITE_ANSWER_TIMEOUT_S for its answer */
} DrPgOpenFlags;

/* Seconds a statement on a connection opened by dr_pg_conn_open_async waits for its answer. */
#define DR_PG_ANSWER_TIMEOUT_S 5
/* … and on one opened with DR_PG_OPEN_BOUNDED (a writer whose work goes to a journal when the
 * server does not answer: longer, for a large edit on a slow link). */
#define DR_PG_WRITE_ANSWER_TIMEOUT_S 15

/* Connects (blocking; call it from a worker thread in the GUI) and checks the schema version as
 * @flags say. NULL with a one-line error naming the server otherwise; nothing is written on any
 * failure except by DR_PG_OPEN_MIGRATE, whose migration is one transaction. */
DrPgConn *dr_pg_conn_open (const char *conninfo, DrPgOpenFlags flags, GError **error);

/* The same without blocking the calling thread: libpq connects non-blocking
 * (PQconnectStartParams + PQconnectPoll) from sources on PQsocket attached to the calling
 * thread's thread-default main context, which must be iterated by the calling thread (it becomes
 * the owner); then the short set-up and schema statements run as in dr_pg_conn_open. Cancelling
 * @cancellable closes the connection and the result is G_IO_ERROR_CANCELLED. The connection's
 * connect_timeout (libpq applies it to blocking connects only) is applied here to the whole
 * connect, with the UNREACHABLE error a blocking connect gives; without one only cancelling ends
 * a connect to a silent server. A host name is looked up first with GResolver (on GLib's
 * threads) and libpq is given its addresses (hostaddr) in the resolver's order, so no lookup
 * blocks the calling thread; a host from a service file or PGHOST is left to libpq. Being for
 * a main loop, the connection never waits longer than
 * DR_PG_ANSWER_TIMEOUT_S for the answer to a statement (a server that hangs, a path that still
 * acknowledges but never answers): the statement then fails as UNREACHABLE ("the server did
 * not answer within N s") and the connection is lost. */
void dr_pg_conn_open_async (const char          *conninfo,
                            DrPgOpenFlags        flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/* The connection, or NULL with the error dr_pg_conn_open would give (or G_IO_ERROR_CANCELLED). */
DrPgConn *dr_pg_conn_open_finish (GAsyncResult *result, GError **error);

/* Closes the connection; NULL is allowed. */
void dr_pg_conn_free (DrPgConn *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgConn, dr_pg_conn_free)

/* Display name of the server: "ROLE@HOST:PORT/DB" (or "service NAME …"), never the password. */
const char *dr_pg_conn_get_server (DrPgConn *self);

/* The login role (session_user) the server knows us as. */
const char *dr_pg_conn_get_user (DrPgConn *self);

/* Whether the connection is encrypted with TLS (PQsslInUse); sslmode in the connection string
 * decides whether that is required and whether the certificate is verified. */
gboolean dr_pg_conn_get_ssl_in_use (DrPgConn *self);

/* The schema version found at open (after migration with DR_PG_OPEN_MIGRATE), 0 if none. */
int dr_pg_conn_get_schema_version (DrPgConn *self);

/* The libpq connection, for the pg modules' own use (PQsocket, PQnotifies, PQbackendPID). A call
 * from a thread other than the opener's logs a g_critical. */
PGconn *dr_pg_conn_get_pq (DrPgConn *self);

/* Runs the static statement @sql with @n_params text parameters (NULL = SQL NULL), preparing it
 * once per connection under @name (a name must always go with the same SQL). Returns the result
 * on PGRES_COMMAND_OK / PGRES_TUPLES_OK; NULL with a one-line error naming the server otherwise
 * (code from the SQLSTATE: 42501 → PERMISSION, 23505 → CONFLICT, connection lost →
 * UNREACHABLE). Free the result with PQclear (g_autoptr (PGresult) works). */
PGresult *dr_pg_conn_exec (DrPgConn          *self,
                           const char        *name,
                           const char        *sql,
                           int                n_params,
                           const char *const *params,
                           GError           **error);

/* The same, but binary parameters: @lengths[i] bytes at @params[i] where @formats[i] is 1;
 * @result_format 1 asks for binary results (bytea as raw bytes), 0 for text. */
PGresult *dr_pg_conn_exec_binary (DrPgConn          *self,
                                  const char        *name,
                                  const char        *sql,
                                  int                n_params,
                                  const char *const *params,
                                  const int         *lengths,
                                  const int         *formats,
                                  int                result_format,
                                  GError           **error);

/* BEGIN / COMMIT / ROLLBACK (rollback ignores errors: the connection may be gone). */
gboolean dr_pg_conn_begin (DrPgConn *self, GError **error);
gboolean dr_pg_conn_commit (DrPgConn *self, GError **error);
void dr_pg_conn_rollback (DrPgConn *self);

/* Sets @error from a failed result (or the connection when @res is NULL), as
 * "SERVER: WHAT: MESSAGE" with the code mapped from the SQLSTATE. */
void dr_pg_conn_set_error (DrPgConn *self, const PGresult *res, const char *what, GError **error);

/* Whether the calling thread opened the connection. */
gboolean dr_pg_conn_is_owner (DrPgConn *self);

/* Whether @location names a server rather than a file: a postgresql:// or postgres:// URI, or a
 * keyword=value connection string (e.g. "service=team"). */
gboolean dr_pg_is_conninfo (const char *location);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
