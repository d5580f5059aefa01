/* test-pg-conn.c — connecting to a team server and migrating its schema, on a real PostgreSQL
 * (pg-test-util.h). psql is the oracle for what is in the database. Every bad-input case of the
 * issue's item 7 gives one line naming the server and the reason, and writes nothing. */
#include <string.h>

#include <glib/gstdio.h>

#include "dr-pg-conn.h"
#include "dr-pg-migrate.h"
#include "pg-test-util.h"

/* Asserts @error is one line of @code that contains each of the NULL-terminated needles. */
static void
assert_one_line (const GError *error, int code, ...)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, DR_PG_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  va_list ap;
  va_start (ap, code);
  for (const char *needle; (needle = va_arg (ap, const char *)) != NULL;)
    if (strstr (error->message, needle) == NULL)
      g_error ("«%s» does not contain «%s»", error->message, needle);
  va_end (ap);
}

/* A fresh database migrates to the latest version; psql sees the same version and every
 * embedded migration recorded once, by the administrator; migrating again changes nothing. */
static void
test_migrate (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  int latest = dr_pg_migrate_latest_version ();
  g_assert_cmpint (latest, >=, 1);
  g_assert_cmpint (dr_pg_conn_get_schema_version (conn), ==, latest);
  g_autofree char *version = dr_pg_test_psql_ok (db, NULL,
    "SELECT max (version) || ' ' || count (*) || ' ' || bool_and (applied_by = current_user)"
    " FROM dr.schema_version");
  g_autofree char *expected = g_strdup_printf ("%d %d true", latest, latest);
  g_assert_cmpstr (version, ==, expected);
  g_autofree char *tables = dr_pg_test_psql_ok (db, NULL,
    "SELECT string_agg (tablename, ',' ORDER BY tablename) FROM pg_tables"
    " WHERE schemaname = 'dr' AND tablename IN ('teams', 'team_members', 'claims', 'photos',"
    " 'photo_blobs', 'models', 'predictions', 'revisions', 'heads', 'reviews', 'notes',"
    " 'work_items')");
  g_assert_cmpstr (tables, ==, "claims,heads,models,notes,photo_blobs,photos,predictions,"
                               "reviews,revisions,team_members,teams,work_items");
  dr_pg_conn_free (g_steal_pointer (&conn));
  conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  g_autofree char *count = dr_pg_test_psql_ok (db, NULL, "SELECT count (*) FROM dr.schema_version");
  g_autofree char *expected_count = g_strdup_printf ("%d", latest);
  g_assert_cmpstr (count, ==, expected_count);
}

typedef struct {
  const char *conninfo;
  GError *error;
} MigrateJob;

/* Thread body: opens its own connection with migration and reports the error, if any. */
static gpointer
migrate_thread (gpointer data)
{
  MigrateJob *job = data;
  DrPgConn *conn = dr_pg_conn_open (job->conninfo, DR_PG_OPEN_MIGRATE, &job->error);
  dr_pg_conn_free (conn);
  return NULL;
}

/* Four clients migrating one empty database at the same moment: the advisory lock makes them
 * take turns, all succeed and each migration is applied exactly once. */
static void
test_migrate_concurrent (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  MigrateJob jobs[4] = { 0 };
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    {
      jobs[i].conninfo = db->admin;
      threads[i] = g_thread_new ("migrate", migrate_thread, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (jobs[i].error);
    }
  g_autofree char *count = dr_pg_test_psql_ok (db, NULL,
    "SELECT count (*) = max (version) FROM dr.schema_version");
  g_assert_cmpstr (count, ==, "t");
}

/* An empty database, opened by a client that does not migrate: NO_SCHEMA, nothing created. */
static void
test_no_schema (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_NO_SCHEMA, db->name, "team-init", NULL);
  g_autofree char *schemas = dr_pg_test_psql_ok (db, NULL,
    "SELECT count (*) FROM pg_namespace WHERE nspname = 'dr'");
  g_assert_cmpstr (schemas, ==, "0");
}

/* A schema one version newer than this build: members and the administrator are refused with
 * one line, and the migrating open writes nothing. */
static void
test_schema_newer (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "newer");
  const char *alice = dr_pg_test_db_add_login (db, "alice");
  dr_pg_test_db_add_member (db, "newer", alice, "reviewer");
  g_autofree char *insert = g_strdup_printf ("INSERT INTO dr.schema_version (version, name)"
                                             " VALUES (%d, '999-future.sql')",
                                             dr_pg_migrate_latest_version () + 1);
  g_free (dr_pg_test_psql_ok (db, NULL, insert));
  g_autofree char *before = dr_pg_test_psql_ok (db, NULL,
    "SELECT count (*) FROM dr.schema_version");

  g_autoptr (GError) error = NULL;
  g_autofree char *member = dr_pg_test_db_conninfo (db, alice);
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (member, DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_SCHEMA_NEW, alice, db->name, "newer", "update", NULL);
  g_clear_error (&error);
  conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_SCHEMA_NEW, db->name, NULL);
  g_autofree char *after = dr_pg_test_psql_ok (db, NULL, "SELECT count (*) FROM dr.schema_version");
  g_assert_cmpstr (before, ==, after);
}

/* A schema older than this build (the latest migration's record removed) is refused for
 * members with the administrator's command in the line. */
static void
test_schema_older (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "older");
  const char *alice = dr_pg_test_db_add_login (db, "alice");
  dr_pg_test_db_add_member (db, "older", alice, "reviewer");
  g_free (dr_pg_test_psql_ok (db, NULL,
    "DELETE FROM dr.schema_version WHERE version = (SELECT max (version) FROM dr.schema_version)"));
  g_autoptr (GError) error = NULL;
  g_autofree char *member = dr_pg_test_db_conninfo (db, alice);
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (member, DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_SCHEMA_OLD, alice, "older", "team-init", NULL);
}

/* Unparsable connection strings: BAD_URI, the password never echoed. */
static void
test_bad_uri (void)
{
  const char *cases[] = {
    "postgresql://alice:s3cret@db.example:notaport/claims",
    "postgresql://alice:s3cret@[::1/claims",
    "host=db.example password=s3cret nonsense=1",
    "service=",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (DrPgConn) conn = dr_pg_conn_open (cases[i], DR_PG_OPEN_DEFAULT, &error);
      g_assert_null (conn);
      /* (an empty service name parses; libpq then finds no such service) */
      assert_one_line (error, DR_PG_ERROR_BAD_URI, "not a valid connection string", NULL);
      g_assert_null (strstr (error->message, "s3cret"));
    }
}

/* A wrong password and a missing password: AUTH, naming the role and the server. */
static void
test_password (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "pw");
  const char *alice = dr_pg_test_db_add_login (db, "alice");
  dr_pg_test_db_add_member (db, "pw", alice, "reviewer");

  g_autoptr (GError) error = NULL;
  g_autofree char *wrong = dr_pg_test_db_conninfo_password (db, alice, "not-her-password");
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (wrong, DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_AUTH, alice, db->name, "password", NULL);
  g_clear_error (&error);

  /* No password anywhere: not in the string, the environment or a password file. */
  g_autofree char *saved = g_strdup (g_getenv ("PGPASSWORD"));
  g_unsetenv ("PGPASSWORD");
  g_setenv ("PGPASSFILE", "/nonexistent/pgpass", TRUE);
  g_autofree char *none = g_strdup_printf ("dbname=%s user=%s", db->name, alice);
  conn = dr_pg_conn_open (none, DR_PG_OPEN_DEFAULT, &error);
  if (saved != NULL)
    g_setenv ("PGPASSWORD", saved, TRUE);
  g_unsetenv ("PGPASSFILE");
  g_assert_null (conn);
  /* A server that trusts local connections would let her in; the test server must not. */
  assert_one_line (error, DR_PG_ERROR_AUTH, alice, "~/.pgpass", NULL);
}

/* Nobody listening on the port: UNREACHABLE with host and port in the line. */
static void
test_unreachable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open ("postgresql://alice@127.0.0.1:1/claims"
                                               "?connect_timeout=5", DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_UNREACHABLE, "alice@127.0.0.1:1/claims", "cannot reach",
                   NULL);
}

/* A login role that is not a team member (not granted dr_member) may connect but has no rights
 * on the schema: PERMISSION. */
static void
test_missing_rights (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "rights");
  const char *mallory = dr_pg_test_db_add_login (db, "mallory");
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = dr_pg_test_db_conninfo (db, mallory);
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_PERMISSION, mallory, "permission denied", NULL);
  g_clear_error (&error);
  /* nor may she create or migrate the schema in a database she does not own */
  g_autoptr (DrPgTestDb) empty = dr_pg_test_db_new ();
  g_autofree char *empty_conninfo = dr_pg_test_db_conninfo (empty, mallory);
  conn = dr_pg_conn_open (empty_conninfo, DR_PG_OPEN_MIGRATE, &error);
  g_assert_null (conn);
  assert_one_line (error, DR_PG_ERROR_PERMISSION, mallory, "permission denied", NULL);
  g_autofree char *schemas = dr_pg_test_psql_ok (empty, NULL,
    "SELECT count (*) FROM pg_namespace WHERE nspname = 'dr'");
  g_assert_cmpstr (schemas, ==, "0");
}

/* service=NAME reads a service file; the member is who the server says (session_user), and a
 * test server without TLS reports PQsslInUse false. */
static void
test_service (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "svc");
  const char *alice = dr_pg_test_db_add_login (db, "alice");
  dr_pg_test_db_add_member (db, "svc", alice, "annotator");
  g_autofree char *dir = g_dir_make_tmp ("dr-pg-service-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "pg_service.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[team]\ndbname=%s\nuser=%s\npassword=%s\n", db->name,
                                           alice, alice);
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  g_setenv ("PGSERVICEFILE", file, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open ("service=team", DR_PG_OPEN_DEFAULT, &error);
  g_unsetenv ("PGSERVICEFILE");
  g_remove (file);
  g_rmdir (dir);
  g_assert_no_error (error);
  g_assert_cmpstr (dr_pg_conn_get_user (conn), ==, alice);
  g_assert_true (g_str_has_prefix (dr_pg_conn_get_server (conn), "service team "));
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "t_ssl",
    "SELECT coalesce ((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid ()), false)",
    0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dr_pg_conn_get_ssl_in_use (conn), ==, strcmp (PQgetvalue (res, 0, 0), "t") == 0);
}

/* A statement from a thread that did not open the connection: a critical and an error. */
static void
test_other_thread (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
      g_autoptr (GError) error = NULL;
      DrPgConn *conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_ANY_SCHEMA, &error);
      g_assert_no_error (error);
      GThread *t = g_thread_new ("intruder", (GThreadFunc) dr_pg_conn_get_pq, conn);
      g_thread_join (t);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*used from a thread that did not open it*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/conn/migrate", test_migrate);
  g_test_add_func ("/pg/conn/migrate-concurrent", test_migrate_concurrent);
  g_test_add_func ("/pg/conn/no-schema", test_no_schema);
  g_test_add_func ("/pg/conn/schema-newer", test_schema_newer);
  g_test_add_func ("/pg/conn/schema-older", test_schema_older);
  g_test_add_func ("/pg/conn/bad-uri", test_bad_uri);
  g_test_add_func ("/pg/conn/password", test_password);
  g_test_add_func ("/pg/conn/unreachable", test_unreachable);
  g_test_add_func ("/pg/conn/missing-rights", test_missing_rights);
  g_test_add_func ("/pg/conn/service", test_service);
  g_test_add_func ("/pg/conn/other-thread", test_other_thread);
  return g_test_run ();
}
