/* pg-test-util.c — throw-away databases and roles on the test server (see pg-test-util.h). */
#include "pg-test-util.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-pg-conn.h"

static guint counter;

/* A connection as the environment's administrator to database @dbname; g_error without one. */
static PGconn *
admin_connect (const char *dbname)
{
  const char *keys[] = { "dbname", NULL };
  const char *values[] = { dbname, NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 0);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("no PostgreSQL server for the tests (%s): run them through build-aux/test.sh, which "
             "starts one with pg_virtualenv, or set PGHOST/PGPORT/PGUSER/PGPASSWORD",
             g_strchomp (PQerrorMessage (conn)));
  return conn;
}

/* Runs the administrative statement @prefix IDENT @suffix, IDENT quoted by libpq; g_error on
 * failure. */
static void
admin_exec_ident (PGconn *conn, const char *prefix, const char *ident, const char *suffix)
{
  char *quoted = PQescapeIdentifier (conn, ident, strlen (ident));
  g_autofree char *sql = g_strconcat (prefix, " ", quoted, " ", suffix, NULL);
  PQfreemem (quoted);
  PGresult *res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

DrPgTestDb *
dr_pg_test_db_new (void)
{
  /* Members' connections must never pick up the administrator's password from the
   * environment or a password file. */
  DrPgTestDb *db = g_new0 (DrPgTestDb, 1);
  db->name = g_strdup_printf ("drt_%d_%u", (int) getpid (), ++counter);
  db->roles = g_ptr_array_new_with_free_func (g_free);
  PGconn *conn = admin_connect ("postgres");
  admin_exec_ident (conn, "CREATE DATABASE", db->name, "");
  PQfinish (conn);
  db->admin = g_strdup_printf ("dbname=%s", db->name);
  return db;
}

void
dr_pg_test_db_free (DrPgTestDb *db)
{
  if (db == NULL)
    return;
  PGconn *conn = admin_connect ("postgres");
  admin_exec_ident (conn, "DROP DATABASE IF EXISTS", db->name, "WITH (FORCE)");
  for (guint i = 0; i < db->roles->len; i++)
    {
      /* A role granted dr_member keeps that grant until it is dropped; the group role itself is
       * shared by every database of the cluster and stays. */
      admin_exec_ident (conn, "DROP ROLE IF EXISTS", db->roles->pdata[i], "");
    }
  PQfinish (conn);
  g_ptr_array_unref (db->roles);
  g_free (db->name);
  g_free (db->admin);
  g_free (db);
}

const char *
dr_pg_test_db_add_login (DrPgTestDb *db, const char *label)
{
  char *login = g_strdup_printf ("drt_%d_%u_%s", (int) getpid (), ++counter, label);
  PGconn *conn = admin_connect ("postgres");
  char *quoted = PQescapeIdentifier (conn, login, strlen (login));
  char *password = PQescapeLiteral (conn, login, strlen (login));
  g_autofree char *sql = g_strdup_printf ("CREATE ROLE %s LOGIN PASSWORD %s", quoted, password);
  PQfreemem (quoted);
  PQfreemem (password);
  PGresult *res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
  PQfinish (conn);
  g_ptr_array_add (db->roles, login);
  return login;
}

char *
dr_pg_test_db_conninfo_password (DrPgTestDb *db, const char *login, const char *password)
{
  return g_strdup_printf ("dbname=%s user=%s password=%s", db->name, login, password);
}

char *
dr_pg_test_db_conninfo (DrPgTestDb *db, const char *login)
{
  if (login == NULL)
    return g_strdup (db->admin);
  return dr_pg_test_db_conninfo_password (db, login, login);
}

int
dr_pg_test_psql (DrPgTestDb *db, const char *login, const char *sql, char **out, char **err)
{
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "PGDATABASE", db->name, TRUE);
  if (login != NULL)
    {
      env = g_environ_setenv (env, "PGUSER", login, TRUE);
      env = g_environ_setenv (env, "PGPASSWORD", login, TRUE);
    }
  const char *argv[] = { "psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql,
                         NULL };
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &status,
                     &error))
    g_error ("psql: %s", error->message);
  if (out != NULL)
    *out = g_strchomp (g_steal_pointer (&o));
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

char *
dr_pg_test_psql_ok (DrPgTestDb *db, const char *login, const char *sql)
{
  char *out = NULL;
  g_autofree char *err = NULL;
  int rc = dr_pg_test_psql (db, login, sql, &out, &err);
  if (rc != 0)
    g_error ("psql as %s failed (%d) on '%s': %s", login ? login : "admin", rc, sql, err);
  return out;
}

char *
dr_pg_test_db_create_team (DrPgTestDb *db, const char *team)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  const char *params[] = { team };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "test_create_team",
                                              "SELECT dr.create_team ($1)", 1, params, &error);
  g_assert_no_error (error);
  return g_strdup (PQgetvalue (res, 0, 0));
}

void
dr_pg_test_db_add_member (DrPgTestDb *db, const char *team, const char *login, const char *role)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  const char *params[] = { team, login, role };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "test_add_member",
                                              "SELECT dr.add_member ($1, $2, $3)", 3, params,
                                              &error);
  g_assert_no_error (error);
}

/* The newest /usr/lib/postgresql/N/bin holding pg_ctl (Debian keeps them off PATH). */
static char *
find_bin (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  int best = 0;
  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      int v = atoi (name);
      g_autofree char *ctl = g_strdup_printf ("/usr/lib/postgresql/%s/bin/pg_ctl", name);
      if (v > best && g_file_test (ctl, G_FILE_TEST_IS_EXECUTABLE))
        best = v;
    }
  if (best == 0)
    g_error ("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install postgresql)");
  return g_strdup_printf ("/usr/lib/postgresql/%d/bin", best);
}

/* The environment for the server's programs: ours without any PG* variable. pg_virtualenv
 * exports PGPORT (5433 when a cluster already has 5432, as Debian's postgresql package sets one
 * up), PGHOST, PGUSER, PGDATABASE …; postgres and pg_ctl read PGPORT as their default port, so
 * inheriting it put the private server's socket where its connection strings did not look. */
static char **
server_environ (void)
{
  char **env = g_get_environ ();
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (char **e = env; *e != NULL; e++)
    if (g_str_has_prefix (*e, "PG"))
      g_ptr_array_add (names, g_strndup (*e, strcspn (*e, "=")));
  for (guint i = 0; i < names->len; i++)
    env = g_environ_unsetenv (env, names->pdata[i]);
  return env;
}

/* Runs @argv (as postgres when the server does) in the server's folder, with no PG* variable
 * from our environment; g_error unless it exits 0. The folder is the working directory because
 * the postgres user may not enter ours (a checkout in a 0700 folder). */
static void
server_run (DrPgPrivateServer *server, const char *const *argv)
{
  g_autoptr (GPtrArray) full = g_ptr_array_new ();
  if (server->as_postgres)
    {
      g_ptr_array_add (full, (char *) "runuser");
      g_ptr_array_add (full, (char *) "-u");
      g_ptr_array_add (full, (char *) "postgres");
      g_ptr_array_add (full, (char *) "--");
    }
  for (; *argv != NULL; argv++)
    g_ptr_array_add (full, (char *) *argv);
  g_ptr_array_add (full, NULL);
  g_auto (GStrv) env = server_environ ();
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (server->dir, (char **) full->pdata, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s%s", (char *) full->pdata[server->as_postgres ? 4 : 0],
             error ? error->message : "", out ? out : "", err ? err : "");
}

/* pg_ctl @action -m @mode with the server's options (an explicit port, the socket in sock/). */
static void
server_ctl (DrPgPrivateServer *server, const char *action, const char *mode)
{
  g_autofree char *ctl = g_build_filename (server->bin, "pg_ctl", NULL);
  g_autofree char *data = g_build_filename (server->dir, "data", NULL);
  g_autofree char *log = g_build_filename (server->dir, "log", NULL);
  g_autofree char *opts = g_strdup_printf ("-c listen_addresses='%s' -k %s/sock -c port=%d "
                                           "-c fsync=off -c max_connections=100",
                                           server->tcp ? "127.0.0.1" : "", server->dir,
                                           DR_PG_PRIVATE_SERVER_PORT);
  const char *argv[] = { ctl, "-D", data, "-l", log, "-w", "-t", "60", "-m", mode, "-o", opts,
                         action, NULL };
  server_run (server, argv);
}

/* Returns once the server accepts connections on the socket the conninfo names (pg_ctl -w
 * has said so already; this checks it from the client's side, as the tests will connect).
 * g_error with the end of the server log when it does not within
 * DR_PG_PRIVATE_SERVER_READY_SECONDS. */
static void
server_wait_ready (DrPgPrivateServer *server)
{
  g_autofree char *conninfo = dr_pg_private_server_conninfo (server, "postgres", NULL);
  gint64 give_up = g_get_monotonic_time ()
                   + DR_PG_PRIVATE_SERVER_READY_SECONDS * G_USEC_PER_SEC;
  PGPing ping;
  while ((ping = PQping (conninfo)) != PQPING_OK && g_get_monotonic_time () < give_up)
    g_usleep (G_USEC_PER_SEC / 10);
  if (ping == PQPING_OK)
    return;
  g_autofree char *log_path = g_build_filename (server->dir, "log", NULL);
  g_autofree char *log = NULL;
  g_file_get_contents (log_path, &log, NULL, NULL);
  gsize len = log != NULL ? strlen (log) : 0;
  g_error ("the private server at %s does not accept connections after %d s (PQping %d); "
           "its log ends:\n%s", conninfo, DR_PG_PRIVATE_SERVER_READY_SECONDS, (int) ping,
           log == NULL ? "(none)" : log + (len > 2000 ? len - 2000 : 0));
}

/* Starts a private server, on TCP when @tcp. */
static DrPgPrivateServer *
server_start (gboolean tcp)
{
  DrPgPrivateServer *server = g_new0 (DrPgPrivateServer, 1);
  server->tcp = tcp;
  server->bin = find_bin ();
  server->dir = g_dir_make_tmp ("dr-pg-server-XXXXXX", NULL);
  g_autofree char *sock = g_build_filename (server->dir, "sock", NULL);
  g_assert_cmpint (g_mkdir (sock, 0700), ==, 0);
  server->as_postgres = getuid () == 0;
  if (server->as_postgres)
    {
      struct passwd *pw = getpwnam ("postgres");
      if (pw == NULL)
        g_error ("running as root, but there is no postgres user to run the server as");
      g_assert_cmpint (chown (server->dir, pw->pw_uid, pw->pw_gid), ==, 0);
      g_assert_cmpint (chown (sock, pw->pw_uid, pw->pw_gid), ==, 0);
    }
  g_autofree char *initdb = g_build_filename (server->bin, "initdb", NULL);
  g_autofree char *data = g_build_filename (server->dir, "data", NULL);
  const char *argv[] = { initdb, "-D", data, "-A", "trust", "-U", "dr", "--no-sync",
                         "--no-locale", "-E", "UTF8", NULL };
  server_run (server, argv);
  server_ctl (server, "start", "fast");
  server_wait_ready (server);
  return server;
}

DrPgPrivateServer *
dr_pg_private_server_start (void)
{
  return server_start (FALSE);
}

DrPgPrivateServer *
dr_pg_private_server_start_tcp (void)
{
  return server_start (TRUE);
}

void
dr_pg_private_server_restart (DrPgPrivateServer *server, const char *mode)
{
  server_ctl (server, "restart", mode);
  server_wait_ready (server);
}

void
dr_pg_private_server_stop (DrPgPrivateServer *server, const char *mode)
{
  server_ctl (server, "stop", mode);
  server->stopped = TRUE;
}

void
dr_pg_private_server_start_again (DrPgPrivateServer *server)
{
  server_ctl (server, "start", "fast");
  server->stopped = FALSE;
  server_wait_ready (server);
}

void
dr_pg_private_server_free (DrPgPrivateServer *server)
{
  if (server == NULL)
    return;
  if (!server->stopped)
    server_ctl (server, "stop", "immediate");
  g_autofree char *quoted = g_shell_quote (server->dir);
  g_autofree char *cmd = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  g_free (server->dir);
  g_free (server->bin);
  g_free (server);
}

char *
dr_pg_private_server_conninfo (DrPgPrivateServer *server, const char *dbname, const char *user)
{
  if (server->tcp)
    return g_strdup_printf ("host=127.0.0.1 port=%d dbname=%s user=%s",
                            DR_PG_PRIVATE_SERVER_PORT, dbname, user ? user : "dr");
  return g_strdup_printf ("host=%s/sock port=%d dbname=%s user=%s", server->dir,
                          DR_PG_PRIVATE_SERVER_PORT, dbname, user ? user : "dr");
}

char *
dr_pg_private_server_psql (DrPgPrivateServer *server, const char *dbname, const char *sql)
{
  g_autofree char *conninfo = dr_pg_private_server_conninfo (server, dbname, NULL);
  g_auto (GStrv) env = server_environ ();
  const char *argv[] = { "psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                         "-c", sql, NULL };
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("psql: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("psql on %s failed on '%s': %s", dbname, sql, err);
  return g_strchomp (g_steal_pointer (&out));
}

/* See header. */
void
dr_pg_private_server_signal (DrPgPrivateServer *server, int sig)
{
  g_autofree char *pid_file = g_build_filename (server->dir, "data", "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (pid_file, &text, NULL, NULL));
  int postmaster = atoi (text);
  g_assert_cmpint (postmaster, >, 1);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_assert_nonnull (proc);
  const char *name;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      int pid = atoi (name);
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      if (pid <= 0 || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid …": the fields after the last ')'. */
      const char *end = strrchr (stat, ')');
      int ppid = 0;
      if (end != NULL && sscanf (end + 1, " %*c %d", &ppid) == 1 && ppid == postmaster)
        kill (pid, sig);
    }
  kill (postmaster, sig);
}
