/* pg-test-util.h — a fresh database (and fresh login roles) per test program, on the server the
 * environment names (PGHOST, PGPORT, PGUSER, PGPASSWORD: what pg_virtualenv exports, as
 * build-aux/test.sh arranges). Without a reachable server the test FAILS with one line saying
 * how to get one; it never skips.
 *
 * Roles are cluster-wide, so every name carries the process id and a counter; the database and
 * the roles are dropped again by dr_pg_test_db_free. The psql helpers run the real psql client
 * as an oracle that shares no code with ours. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *name;          /* the database */
  char *admin;         /* conninfo of the administrator (PGUSER, a superuser) for it */
  GPtrArray *roles;    /* login roles created for this database (char *) */
} DrPgTestDb;

/* Creates an empty database; g_error (a failed test) when no server answers. */
DrPgTestDb *dr_pg_test_db_new (void);

/* Drops the database and the roles; NULL is allowed. */
void dr_pg_test_db_free (DrPgTestDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgTestDb, dr_pg_test_db_free)

/* Creates a login role whose password is its name; returns the name ("drt_PID_N_@label"). */
const char *dr_pg_test_db_add_login (DrPgTestDb *db, const char *label);

/* Connection string of @db for @login with its password (NULL login: the administrator). */
char *dr_pg_test_db_conninfo (DrPgTestDb *db, const char *login);

/* The same with a wrong password. */
char *dr_pg_test_db_conninfo_password (DrPgTestDb *db, const char *login, const char *password);

/* Runs `psql -X -A -t -q -v ON_ERROR_STOP=1 -c @sql` on @db as @login (NULL: administrator).
 * Returns the exit status; *out and *err (may be NULL) get stdout (trailing newline removed)
 * and stderr. */
int dr_pg_test_psql (DrPgTestDb *db, const char *login, const char *sql, char **out, char **err);

/* Runs @sql through psql and fails the test unless it succeeds; returns stdout. */
char *dr_pg_test_psql_ok (DrPgTestDb *db, const char *login, const char *sql);

/* Migrates @db (as administrator) and creates team @team; returns the team id as text. */
char *dr_pg_test_db_create_team (DrPgTestDb *db, const char *team);

/* Adds @login to @team with @role ("annotator", "reviewer", "lead", "worker"). */
void dr_pg_test_db_add_member (DrPgTestDb *db, const char *team, const char *login,
                               const char *role);

G_END_DECLS

G_BEGIN_DECLS

/* A private PostgreSQL server of the test's own (initdb + pg_ctl into a temporary folder,
 * Unix socket only, trust authentication inside a 0700 folder, fsync off), for tests that
 * restart the server: restarting the shared one would break the tests running beside them.
 * As root the server runs as the "postgres" user (initdb refuses root). Its programs get none
 * of our PG* variables, and it listens on an explicit port: the socket's name depends on it. */
#define DR_PG_PRIVATE_SERVER_PORT 5432
/* How long start and restart wait for the server to answer a ping (after pg_ctl -w). */
#define DR_PG_PRIVATE_SERVER_READY_SECONDS 60

typedef struct {
  char *dir;          /* the temporary folder: data/, sock/, log */
  char *bin;          /* PostgreSQL's bin folder */
  gboolean as_postgres;
  gboolean stopped;   /* by dr_pg_private_server_stop */
  gboolean tcp;       /* listens on 127.0.0.1 (TCP) instead of its socket */
} DrPgPrivateServer;

/* Starts one and returns once it answers; g_error when initdb or pg_ctl fail or it does not. */
DrPgPrivateServer *dr_pg_private_server_start (void);

/* The same, listening on TCP at 127.0.0.1 only (its connection strings say so): for a test in
 * a network namespace of its own that takes the network away under a connection. */
DrPgPrivateServer *dr_pg_private_server_start_tcp (void);

/* pg_ctl restart -m @mode ("fast" or "immediate"); returns once it accepts connections. */
void dr_pg_private_server_restart (DrPgPrivateServer *server, const char *mode);

/* pg_ctl stop -m @mode: nothing answers until dr_pg_private_server_start_again. */
void dr_pg_private_server_stop (DrPgPrivateServer *server, const char *mode);

/* pg_ctl start after a stop; returns once it accepts connections. */
void dr_pg_private_server_start_again (DrPgPrivateServer *server);

/* Sends sig to its postmaster and every process the postmaster started (SIGSTOP: a server
 * that hangs — the kernel still acknowledges, nothing answers; SIGCONT ends it). */
void dr_pg_private_server_signal (DrPgPrivateServer *server, int sig);

/* Stops it (immediate) and removes the folder; NULL is allowed. */
void dr_pg_private_server_free (DrPgPrivateServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgPrivateServer, dr_pg_private_server_free)

/* Connection string for @dbname as @user (the superuser "dr" when NULL). */
char *dr_pg_private_server_conninfo (DrPgPrivateServer *server, const char *dbname,
                                     const char *user);

/* Runs @sql through the real psql client on @dbname as the superuser; fails the test unless
 * it succeeds; returns stdout (unaligned, tuples only, trailing newline removed). */
char *dr_pg_private_server_psql (DrPgPrivateServer *server, const char *dbname,
                                 const char *sql);

G_END_DECLS
