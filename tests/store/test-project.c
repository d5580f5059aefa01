/* test-project.c — creating, reopening, refusing and migrating project files. */
#include <string.h>

#include "dr-project.h"
#include "dr-schema.h"
#include "dr-sqlite-private.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

/* A fresh temp folder and the path of a project inside it (not created yet). */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "claims.damagereview", NULL);
}

/* Removes the temp folder. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* One integer from a query on a raw connection. */
static gint64
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* One text value from a query on a raw connection (newly allocated). */
static char *
raw_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  char *v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

/* Runs SQL on a raw connection and asserts success. */
static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A raw connection to path, outside DrProject (creating the file). */
static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

/* Asserts that path has exactly the given bytes and that no WAL or shm file appeared. */
static void
assert_untouched (const char *path, const guint8 *before, gsize before_length)
{
  gsize length;
  g_autofree guint8 *after = dr_test_read_file (path, &length);
  g_assert_cmpmem (after, length, before, before_length);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
}

/* A new project has the current schema, our application id, WAL and foreign keys on, and
 * reopens without OPEN_CREATE. */
static void
test_create_and_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (dr_project_get_schema_version (project), ==, DR_SCHEMA_VERSION);
    sqlite3 *db = dr_sqlite_project_get_db (project);
    g_autofree char *mode = raw_text (db, "PRAGMA journal_mode");
    g_assert_cmpstr (mode, ==, "wal");
    g_assert_cmpint (raw_int (db, "PRAGMA foreign_keys"), ==, 1);
    g_assert_cmpint (raw_int (db, "PRAGMA synchronous"), ==, 2); /* FULL */
    g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, DR_SCHEMA_APPLICATION_ID);
    g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, DR_SCHEMA_VERSION);
    raw_exec (db, "INSERT INTO claims (name) VALUES ('claim-1')");
  }
  /* Closed: reopen the existing file, the row is there. */
  g_autoptr (DrProject) again = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  sqlite3 *db = dr_sqlite_project_get_db (again);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM claims WHERE name = 'claim-1'"), ==, 1);
  /* The file itself, opened by plain SQLite, is in WAL mode. */
  sqlite3 *raw = raw_open (f->path);
  g_autofree char *mode = raw_text (raw, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  sqlite3_close (raw);
}

/* Opening a missing file without OPEN_CREATE fails and creates nothing. */
static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_null (project);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

/* A text file is refused with one line naming it, and is not modified. */
static void
test_not_a_database (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new (NULL);
  for (int i = 0; i < 100; i++)
    g_string_append (text, "this is a photo list, not a database\n");
  g_autofree char *path = dr_test_write_file (f->dir, "notes.damagereview", text->str,
                                              text->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_null (project);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "not a Damage Review project"));
  g_assert_null (strchr (error->message, '\n'));
  assert_untouched (path, (const guint8 *) text->str, text->len);
}

/* A project from a newer build (higher user_version) is refused and left byte-for-byte as it
 * was; so is another application's SQLite database. */
static void
test_refuse_foreign_and_newer (Fixture *f, gconstpointer data)
{
  sqlite3 *raw = raw_open (f->path);
  raw_exec (raw, "PRAGMA application_id = " G_STRINGIFY (DR_SCHEMA_APPLICATION_ID) ";"
                 "PRAGMA user_version = 99;"
                 "CREATE TABLE future (x); INSERT INTO future VALUES (42);");
  sqlite3_close (raw);
  gsize length;
  g_autofree guint8 *before = dr_test_read_file (f->path, &length);

  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_null (project);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_nonnull (strstr (error->message, "schema 99"));
  assert_untouched (f->path, before, length);

  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  raw = raw_open (other);
  raw_exec (raw, "CREATE TABLE contacts (name); INSERT INTO contacts VALUES ('x');");
  sqlite3_close (raw);
  g_autofree guint8 *other_before = dr_test_read_file (other, &length);
  g_clear_error (&error);
  g_autoptr (DrProject) foreign = dr_project_open (other, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_null (foreign);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "another application"));
  assert_untouched (other, other_before, length);
}

/* A file written by schema version 1 (built here with the frozen v1 migration, in rollback
 * journal mode, with data in every v1 table) is migrated to the current version; all its rows
 * survive and the version-2 tables work. */
static void
test_migrate_from_v1 (Fixture *f, gconstpointer data)
{
  sqlite3 *raw = raw_open (f->path);
  raw_exec (raw, "PRAGMA foreign_keys = ON; BEGIN");
  raw_exec (raw, dr_schema_migration (1));
  raw_exec (raw,
            "PRAGMA user_version = 1;"
            "INSERT INTO claims (id, name) VALUES (1, 'claim-7');"
            "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, error, added)"
            "  VALUES (1, 1, '/photos/a.jpg', printf ('%064d', 1), 1000, 3, 2, NULL, 5);"
            "INSERT INTO models (damage, sha256, path, name, current, added)"
            "  VALUES (0, printf ('%064d', 9), '/m/s.pt', 'Scratch', 1, 5);"
            "INSERT INTO predictions VALUES (1, 0, printf ('%064d', 9), '51', 1, 0.75, 6);"
            "COMMIT");
  g_assert_cmpint (raw_int (raw, "PRAGMA user_version"), ==, 1);
  sqlite3_close (raw);

  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dr_project_get_schema_version (project), ==, DR_SCHEMA_VERSION);
  sqlite3 *db = dr_sqlite_project_get_db (project);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, DR_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM photos WHERE path = '/photos/a.jpg'"), ==,
                   1);
  g_autofree char *rle = raw_text (db, "SELECT rle FROM predictions WHERE photo_id = 1");
  g_assert_cmpstr (rle, ==, "51");
  raw_exec (db, "INSERT INTO revisions (photo_id, damage, rle, area, author, created, kind)"
                "  VALUES (1, 0, '6', 0, 'kim', 7, 'clear')");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM revisions"), ==, 1);
  g_autofree char *mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
}

/* Constraints and triggers of the schema hold: foreign keys, unique hashes, append-only. */
static void
test_schema_invariants (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  sqlite3 *db = dr_sqlite_project_get_db (project);
  raw_exec (db, "INSERT INTO claims (id, name) VALUES (1, 'c');"
                "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added)"
                "  VALUES (1, 1, 'a', printf ('%064d', 1), 10, 4, 3, 0);"
                "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added)"
                "  VALUES (2, 1, 'b', printf ('%064d', 2), 10, 4, 3, 0);"
                "INSERT INTO revisions (id, photo_id, damage, rle, area, author, created, kind)"
                "  VALUES (1, 1, 0, '<0', 0, 'kim', 0, 'brush');");
  /* Each statement must be refused by the rule its comment names (extended result code), not
   * by just any error: an SQL typo would fail too. */
  static const struct { const char *sql; int code; } refused[] = {
    /* unknown claim */
    { "INSERT INTO photos (claim_id, path, sha256, width, height, added)"
      "  VALUES (9, 'x', printf ('%064d', 3), 1, 1, 0)", SQLITE_CONSTRAINT_FOREIGNKEY },
    /* the same bytes twice */
    { "INSERT INTO photos (claim_id, path, sha256, width, height, added)"
      "  VALUES (1, 'y', printf ('%064d', 1), 1, 1, 0)", SQLITE_CONSTRAINT_UNIQUE },
    /* no error, yet no dimensions */
    { "INSERT INTO photos (claim_id, path, sha256, added) VALUES (1, 'z', printf ('%064d', 4), 0)",
      SQLITE_CONSTRAINT_CHECK },
    /* damage out of range */
    { "INSERT INTO revisions (photo_id, damage, rle, area, author, created, kind)"
      "  VALUES (1, 4, '<0', 0, 'kim', 0, 'brush')", SQLITE_CONSTRAINT_CHECK },
    /* parent from another photo */
    { "INSERT INTO revisions (photo_id, damage, parent_id, rle, area, author, created, kind)"
      "  VALUES (2, 0, 1, '<0', 0, 'kim', 0, 'brush')", SQLITE_CONSTRAINT_TRIGGER },
    /* append-only */
    { "UPDATE revisions SET author = 'lee'", SQLITE_CONSTRAINT_TRIGGER },
    { "DELETE FROM revisions", SQLITE_CONSTRAINT_TRIGGER },
    /* head naming a revision of another layer */
    { "INSERT INTO heads (photo_id, damage, revision_id) VALUES (1, 1, 1)",
      SQLITE_CONSTRAINT_TRIGGER },
    /* photo with revisions cannot go */
    { "DELETE FROM photos WHERE id = 1", SQLITE_CONSTRAINT_FOREIGNKEY },
    /* prediction from an unregistered model */
    { "INSERT INTO predictions VALUES (1, 0, printf ('%064d', 7), '<0', 0, 0.5, 0)",
      SQLITE_CONSTRAINT_FOREIGNKEY },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("refused #%" G_GSIZE_FORMAT ": %s", i, refused[i].sql);
      g_assert_cmpint (sqlite3_exec (db, refused[i].sql, NULL, NULL, NULL), ==, refused[i].code);
    }
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM revisions"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM photos"), ==, 2);
}

/* Rollback undoes the transaction; an inner rollback keeps the outer work. */
static void
test_transactions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  sqlite3 *db = dr_sqlite_project_get_db (project);

  g_assert_true (dr_project_begin (project, &error));
  raw_exec (db, "INSERT INTO claims (name) VALUES ('gone')");
  dr_project_rollback (project);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM claims"), ==, 0);

  g_assert_true (dr_project_begin (project, &error));
  raw_exec (db, "INSERT INTO claims (name) VALUES ('outer')");
  g_assert_true (dr_project_begin (project, &error));
  raw_exec (db, "INSERT INTO claims (name) VALUES ('inner')");
  dr_project_rollback (project);
  g_assert_true (dr_project_commit (project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_get_autocommit (db), !=, 0);
  g_autofree char *names = raw_text (db, "SELECT group_concat (name) FROM claims");
  g_assert_cmpstr (names, ==, "outer");

  /* The backend's cached statements: the same SQL gives the same statement, reset and
   * unbound. */
  DrSqliteConn *conn = DR_SQLITE_CONN (dr_project_get_conn (project, G_STRFUNC, &error));
  DrSqliteStmt *a = dr_sqlite_prepare (conn, "SELECT ?1", &error);
  g_assert_no_error (error);
  sqlite3_bind_int (a, 1, 5);
  DrSqliteStmt *b = dr_sqlite_prepare (conn, "SELECT ?1", &error);
  g_assert_true (a == b);
  g_assert_cmpint (sqlite3_step (b), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (b, 0), ==, SQLITE_NULL);
  sqlite3_reset (b);
  g_assert_null (dr_sqlite_prepare (conn, "SELEKT 1", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE);
}

typedef struct {
  const char *path;
  int busy_timeout_ms;
  gint64 asked_us;  /* monotonic time just before BEGIN IMMEDIATE */
  gint64 done_us;   /* monotonic time when BEGIN IMMEDIATE returned */
  gboolean ok;
  int begin_code;   /* extended result code of BEGIN IMMEDIATE when it failed */
  gint ready;       /* set just before the thread asks for the write lock */
} Writer;

/* Thread body: its own connection (opened, used and closed on this thread) writes one claim
 * while the main thread may hold the write lock. */
static gpointer
second_writer (gpointer data)
{
  Writer *w = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (w->path, DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    return NULL;
  sqlite3 *db = dr_sqlite_project_get_db (project);
  sqlite3_busy_timeout (db, w->busy_timeout_ms);
  g_atomic_int_set (&w->ready, 1);
  w->asked_us = g_get_monotonic_time ();
  gboolean begun = dr_project_begin (project, &error);
  w->done_us = g_get_monotonic_time ();
  if (!begun)
    {
      w->begin_code = sqlite3_extended_errcode (db);
      return NULL;
    }
  w->ok = sqlite3_exec (db, "INSERT INTO claims (name) VALUES ('from-thread')", NULL, NULL,
                        NULL) == SQLITE_OK
          && dr_project_commit (project, &error);
  return NULL;
}

/* Starts the second writer with the given busy timeout while this connection holds the write
 * lock, keeps the lock hold_ms after the writer asked for it, then commits; returns the
 * monotonic time just before the commit released the lock. */
static gint64
race_second_writer (DrProject *project, Writer *w, int hold_ms)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_project_begin (project, &error));
  raw_exec (dr_sqlite_project_get_db (project), "INSERT INTO claims (name) VALUES ('from-main')");
  GThread *thread = g_thread_new ("second-writer", second_writer, w);
  while (!g_atomic_int_get (&w->ready))
    g_usleep (1000);
  g_usleep ((gulong) hold_ms * 1000);
  gint64 released = g_get_monotonic_time ();
  g_assert_true (dr_project_commit (project, &error));
  g_thread_join (thread);
  return released;
}

/* Two connections (the app's main loop and an import thread) share a file: a writer that finds
 * the write lock taken waits (busy timeout) instead of failing: it asked while the lock was
 * held, got it only after the other commit released it, and both writes land. */
static void
test_two_connections (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  Writer w = { .path = f->path, .busy_timeout_ms = DR_PROJECT_BUSY_TIMEOUT_MS };
  gint64 released = race_second_writer (project, &w, 200);
  g_test_message ("second writer waited %" G_GINT64_FORMAT " ms", (w.done_us - w.asked_us) / 1000);
  g_assert_cmpint (w.begin_code, ==, SQLITE_OK);
  g_assert_true (w.ok);
  g_assert_cmpint (w.asked_us, <, released);
  g_assert_cmpint (w.done_us, >=, released);
  g_assert_cmpint (raw_int (dr_sqlite_project_get_db (project), "SELECT count(*) FROM claims"), ==, 2);
}

/* A writer whose busy timeout runs out while the lock is held is refused with SQLITE_BUSY
 * (not any other error), after waiting about its timeout, and writes nothing. */
static void
test_lock_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  Writer w = { .path = f->path, .busy_timeout_ms = 100 };
  race_second_writer (project, &w, 600);
  gint64 waited_ms = (w.done_us - w.asked_us) / 1000;
  g_test_message ("refused writer waited %" G_GINT64_FORMAT " ms", waited_ms);
  g_assert_false (w.ok);
  g_assert_cmpint (w.begin_code, ==, SQLITE_BUSY);
  g_assert_cmpint (waited_ms, >=, 90);
  g_autofree char *names = raw_text (dr_sqlite_project_get_db (project),
                                     "SELECT group_concat (name) FROM claims");
  g_assert_cmpstr (names, ==, "from-main");
}

/* A project file cut in half is refused as damaged, with its name in the message. */
static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    sqlite3 *db = dr_sqlite_project_get_db (project);
    raw_exec (db, "INSERT INTO claims (name) VALUES ('c');");
    for (int i = 0; i < 400; i++)
      {
        g_autofree char *sql = g_strdup_printf (
          "INSERT INTO photos (claim_id, path, sha256, width, height, added)"
          " VALUES (1, '%s%d', printf ('%%064d', %d), 800, 600, 0)",
          "/some/long/folder/name/to/fill/pages/photo-", i, i);
        raw_exec (db, sql);
      }
  }
  gsize length;
  g_autofree guint8 *bytes = dr_test_read_file (f->path, &length);
  g_assert_cmpuint (length, >, 4 * 4096);
  /* Keep the header page and the schema, lose the rest: the page count in the header and the
   * b-tree pages no longer agree. */
  g_autofree char *cut = dr_test_write_file (f->dir, "cut.damagereview", bytes, length / 2);
  g_autoptr (DrProject) damaged = dr_project_open (cut, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_null (damaged);
  g_test_message ("%s", error->message);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, cut));
  g_assert_nonnull (strstr (error->message, "damaged project file"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/project/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("create-and-reopen", test_create_and_reopen);
  ADD ("missing", test_missing);
  ADD ("not-a-database", test_not_a_database);
  ADD ("refuse-foreign-and-newer", test_refuse_foreign_and_newer);
  ADD ("migrate-from-v1", test_migrate_from_v1);
  ADD ("schema-invariants", test_schema_invariants);
  ADD ("transactions", test_transactions);
  ADD ("truncated", test_truncated);
  ADD ("two-connections", test_two_connections);
  ADD ("lock-refused", test_lock_refused);
  return g_test_run ();
}
