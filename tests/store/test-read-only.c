/* test-read-only.c — a project opened while its file was read-only recovers once it is writable
 * again: in the same session (Retry) and after a restart, and projects already left with a
 * read-only -shm file by older versions open for writing.
 *
 * File modes mean nothing to root, so when started as root (CI) the test runs itself again as
 * the unprivileged user "nobody" through setpriv (util-linux); it is skipped only when that is
 * impossible. */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-photo.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-test-util.h"

#define W 4
#define H 3
#define LEGACY_FIXTURE TEST_DATA_DIR "/legacy-v2/legacy.damagereview"

typedef struct {
  char *dir;
  char *path;
  char *shm;
} Fixture;

/* A project with one 4×3 photo (id 7), written directly and closed; nothing else. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "ro.damagereview", NULL);
  f->shm = g_strconcat (f->path, "-shm", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (dr_sqlite_project_get_db (project),
                                 "INSERT INTO claims (id, name) VALUES (1, 'c');"
                                 "INSERT INTO photos (id, claim_id, path, sha256, width, height,"
                                 "  added) VALUES (7, 1, '/p/a.jpg', printf ('%064d', 1), 4, 3, 0);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

/* Makes everything writable again (so it can be removed) and removes the temp folder. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_chmod (f->path, 0644);
  g_chmod (f->shm, 0644);
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->shm);
}

/* Appends a 4×3 mask with the first n pixels set to photo 7's Scratch layer; returns whether
 * it was stored (error set when not). */
static gboolean
append_n (DrProject *project, int n, GError **error)
{
  guint8 mask[W * H] = { 0 };
  memset (mask, 1, (gsize) n);
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, H, W, NULL);
  g_autofree char *text = dr_rle_to_string (rle);
  return dr_revision_append (project, 7, DR_DAMAGE_SCRATCH, text, DR_REVISION_BRUSH, "kim",
                             NULL, error);
}

/* Number of revisions stored, read through a fresh read-only connection. */
static gint64
count_revisions (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM revisions", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gint64 n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Asserts that the -shm file, if any, is writable by its owner (us). */
static void
assert_shm_writable (Fixture *f)
{
  GStatBuf st;
  if (g_stat (f->shm, &st) != 0)
    return;
  g_assert_cmpint (st.st_mode & S_IWUSR, ==, S_IWUSR);
}

/* The round trip: open at 0444, an edit fails; chmod 644 and retry in the same
 * session: stored; restart: edits and notes are stored. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  g_assert_cmpint (g_access (f->path, W_OK), !=, 0);  /* not root: the mode holds */
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_db_readonly (dr_sqlite_project_get_db (project), "main"), ==, 1);
  g_assert_false (append_n (project, 2, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (dr_review_add_note (project, 7, "dent", "kim", NULL, &error));
  g_clear_error (&error);
  assert_shm_writable (f);
  g_assert_cmpint (count_revisions (f->path), ==, 0);

  /* Retry after chmod, same session. */
  g_assert_cmpint (g_chmod (f->path, 0644), ==, 0);
  g_assert_true (append_n (project, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_db_readonly (dr_sqlite_project_get_db (project), "main"), ==, 0);
  g_assert_true (dr_review_add_note (project, 7, "dent", "kim", NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&project);
  g_assert_cmpint (count_revisions (f->path), ==, 1);

  /* Restart. */
  project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (append_n (project, 4, &error));
  g_assert_no_error (error);
  g_autofree char *note = dr_review_dup_note (project, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (note, ==, "dent");
  g_clear_object (&project);
  g_assert_cmpint (count_revisions (f->path), ==, 2);
}

/* A project left with a 0444 -shm (by a read-only session of an older version, made here by a
 * plain SQLite reader) opens for writing once the project file is writable. */
static void
test_poisoned_shm (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "SELECT count(*) FROM photos", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  GStatBuf st;
  g_assert_cmpint (g_stat (f->shm, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0444);
  g_assert_cmpint (g_chmod (f->path, 0644), ==, 0);

  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (append_n (project, 3, &error));
  g_assert_no_error (error);
  g_clear_object (&project);
  g_assert_cmpint (count_revisions (f->path), ==, 1);
}

/* As root: runs this program again as "nobody" and hands back its exit status; 77 (skip)
 * when there is no such user or no setpriv. */
static int
run_unprivileged (char **argv)
{
  struct passwd *pw = getpwnam ("nobody");
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (pw == NULL || setpriv == NULL || self == NULL)
    {
      g_print ("1..0 # SKIP running as root and cannot become an unprivileged user "
               "(need the user nobody and setpriv)\n");
      return 77;
    }
  g_autofree char *uid = g_strdup_printf ("--reuid=%u", (unsigned) pw->pw_uid);
  g_autofree char *gid = g_strdup_printf ("--regid=%u", (unsigned) pw->pw_gid);
  /* The source tree may sit in a folder only root can enter (a CI clone in a mktemp -d): the
   * fixture the child reads is copied to a folder it can read. */
  g_autoptr (GError) error = NULL;
  g_autofree char *share = g_dir_make_tmp ("dr-test-read-only-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (share, 0755), ==, 0);
  gsize length;
  g_autofree guint8 *legacy = dr_test_read_file (LEGACY_FIXTURE, &length);
  g_autofree char *legacy_copy = dr_test_write_file (share, "legacy.damagereview", legacy, length);
  g_assert_cmpint (g_chmod (legacy_copy, 0644), ==, 0);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_add_many (b, setpriv, uid, gid, "--clear-groups", "--", self, NULL);
  for (int i = 1; argv[i] != NULL; i++)
    g_strv_builder_add (b, argv[i]);
  g_auto (GStrv) child_argv = g_strv_builder_end (b);
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "DR_TEST_DROPPED_ROOT", "1", TRUE);
  env = g_environ_setenv (env, "TMPDIR", "/tmp", TRUE);
  env = g_environ_setenv (env, "HOME", "/tmp", TRUE);
  env = g_environ_setenv (env, "DR_TEST_LEGACY_FIXTURE", legacy_copy, TRUE);
  int status = 0;
  gboolean spawned = g_spawn_sync ("/", child_argv, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                                   NULL, NULL, &status, &error);
  dr_test_rmtree (share);
  if (!spawned)
    {
      g_printerr ("cannot run %s: %s\n", setpriv, error->message);
      return 1;
    }
  if (WIFEXITED (status) && (WEXITSTATUS (status) == 126 || WEXITSTATUS (status) == 127))
    {
      g_print ("1..0 # SKIP nobody cannot run %s (exit %d)\n", self, WEXITSTATUS (status));
      return 77;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

/* Schema 2 heads: photo 1's Scratch head (revision 3) and its history, 3 ← 1. */
static void
assert_legacy_head (DrProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRevision) head = dr_revision_get_head (project, 1, DR_DAMAGE_SCRATCH, &error);
  g_assert_no_error (error);
  g_assert_cmpint (head->id, ==, 3);
  g_autoptr (GPtrArray) history = dr_revision_list_history (project, 1, DR_DAMAGE_SCRATCH,
                                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (((DrRevision *) history->pdata[0])->id, ==, 1);
}

/* A read-only file of the older schema 2 (written by main at 3fea989, see
 * data/legacy-v2/README.md) is read as it is — not a byte changes — instead of being refused
 * for want of a migration; once writable, the first write migrates it and heads then move by
 * compare-and-swap from version 0. */
static void
test_legacy_schema (Fixture *f, gconstpointer data)
{
  gsize length;
  const char *fixture = g_getenv ("DR_TEST_LEGACY_FIXTURE");
  g_autofree guint8 *before = dr_test_read_file (fixture != NULL ? fixture : LEGACY_FIXTURE,
                                                 &length);
  g_autofree char *path = dr_test_write_file (f->dir, "legacy.damagereview", before, length);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_cmpint (g_access (path, W_OK), !=, 0);  /* not root: the mode holds */
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_is_read_only (project));
  g_assert_cmpint (dr_project_get_schema_version (project), ==, 2);
  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 4);
  assert_legacy_head (project);
  g_assert_false (dr_review_add_note (project, 1, "refused", "kim", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  gsize after_length;
  g_autofree guint8 *after = dr_test_read_file (path, &after_length);
  g_assert_cmpmem (before, length, after, after_length);

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (dr_review_add_note (project, 1, "written", "kim", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dr_project_get_schema_version (project), ==, 3);
  assert_legacy_head (project);
  gboolean moved;
  g_assert_true (dr_revision_undo (project, 1, DR_DAMAGE_SCRATCH, &moved, &error));
  g_assert_no_error (error);
  g_assert_true (moved);
  sqlite3 *db = dr_sqlite_project_get_db (project);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT revision_id, version FROM heads"
                                           " WHERE photo_id = 1 AND damage = 0", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 1);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, 1);
  sqlite3_finalize (stmt);
}

int
main (int argc, char **argv)
{
  if (geteuid () == 0)
    {
      if (g_getenv ("DR_TEST_DROPPED_ROOT") != NULL)
        g_error ("still root after setpriv");
      return run_unprivileged (argv);
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/read-only/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/read-only/poisoned-shm", Fixture, NULL, fixture_set_up, test_poisoned_shm,
              fixture_tear_down);
  g_test_add ("/read-only/legacy-schema", Fixture, NULL, fixture_set_up, test_legacy_schema,
              fixture_tear_down);
  return g_test_run ();
}
