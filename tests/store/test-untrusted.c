/* test-untrusted.c — the reproducers of issue 14: files that hung, were trusted although
 * damaged, made a decoder allocate without bound, or gave messages of several lines.
 *
 * Each test fails on the code before the fix: the FIFO tests hang until the alarm kills the
 * program; the damaged projects open (and, with a damage of 93, reach a shift UBSan stops
 * on); the 0-byte project opens; the huge-chunk PNG makes libpng ask for 1.2 GB, which
 * ASan refuses under the allocation limit set below; the messages span lines.
 *
 * Oracle for "damaged": SQLite's own checker (PRAGMA integrity_check and foreign_key_check)
 * run by Python's sqlite3 module on a separate copy, not our check.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-export.h"
#include "dr-ground-truth.h"
#include "dr-image.h"
#include "dr-import-aihub.h"
#include "dr-import-coco.h"
#include "dr-import.h"
#include "dr-photo.h"
#include "dr-project.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-store-error.h"
#include "dr-test-util.h"
#include "nn-checkpoint.h"

/* The largest single allocation ASan allows in this program: far above what any file of this
 * test may make a decoder ask for, far below the 1.2 GB of the huge-chunk PNG. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "max_allocation_size_mb=256";
}

/* Seconds a FIFO test may take before SIGALRM ends the program (the old code blocks). */
#define HANG_LIMIT 30

/* A one-line message (no CR or LF) that names @name. */
static void
assert_one_line (const char *message, const char *name)
{
  g_test_message ("%s", message);
  g_assert_null (strchr (message, '\n'));
  g_assert_null (strchr (message, '\r'));
  if (name != NULL)
    g_assert_nonnull (strstr (message, name));
}

/* A FIFO nobody writes to, in a fresh folder. */
static char *
make_fifo (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  return path;
}

/* Every reader of a photo refuses a FIFO at once: probe, decode, thumbnail, import scan. */
static void
test_fifo_photo (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *fifo = make_fifo (dir, "x.jpg");
  alarm (HANG_LIMIT);
  g_autoptr (GError) error = NULL;
  int w, h;
  g_assert_false (dr_image_probe (fifo, &w, &h, &error));
  assert_one_line (error->message, "x.jpg");
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_null (dr_image_load (fifo, &error));
  assert_one_line (error->message, "x.jpg");
  g_clear_error (&error);
  g_assert_null (dr_image_load_thumbnail (fifo, 64, &error));
  assert_one_line (error->message, "x.jpg");
  g_autoptr (DrImportScan) scan = dr_import_scan_file (fifo);
  g_assert_nonnull (scan->error);
  assert_one_line (scan->error, "x.jpg");
  alarm (0);
  dr_test_rmtree (dir);
}

/* Label files, checkpoints and projects given as a FIFO are refused at once too. */
static void
test_fifo_other (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *labels = make_fifo (dir, "labels.json");
  g_autofree char *checkpoint = make_fifo (dir, "model.pt");
  g_autofree char *project_path = make_fifo (dir, "claims.damagereview");
  alarm (HANG_LIMIT);
  g_autoptr (GError) error = NULL;
  g_assert_null (dr_test_load_labels (labels, TRUE, NULL, &error));
  assert_one_line (error->message, "labels.json");
  g_clear_error (&error);
  g_assert_null (dr_test_load_labels (labels, FALSE, NULL, &error));
  assert_one_line (error->message, "labels.json");
  g_clear_error (&error);
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  g_assert_cmpint (nn_checkpoint_read (checkpoint, &sd, &err), !=, NN_OK);
  assert_one_line (err.message, "model.pt");
  g_assert_null (dr_project_open (project_path, DR_PROJECT_OPEN_EXISTING, &error));
  assert_one_line (error->message, "claims.damagereview");
  g_clear_error (&error);
  g_assert_null (dr_project_open (project_path, DR_PROJECT_OPEN_CREATE, &error));
  assert_one_line (error->message, "claims.damagereview");
  alarm (0);
  dr_test_rmtree (dir);
}

/* The PNG (zlib) CRC-32 of a chunk's type and data. */
static guint32
crc32_of (const char *type, const guint8 *data, gsize len)
{
  guint32 c = 0xffffffffu;
  for (gsize i = 0; i < 4 + len; i++)
    {
      c ^= i < 4 ? (guint8) type[i] : data[i - 4];
      for (int k = 0; k < 8; k++)
        c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
  return c ^ 0xffffffffu;
}

/* A PNG chunk: length, type, data, CRC. */
static void
append_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 claimed,
              gsize real)
{
  guint8 len[4] = { claimed >> 24, claimed >> 16, claimed >> 8, claimed };
  g_byte_array_append (png, len, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (real > 0)
    g_byte_array_append (png, data, (guint) real);
  guint32 crc = crc32_of (type, data, real);
  guint8 c[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
  g_byte_array_append (png, c, 4);
}

/* A 45-byte PNG whose ancillary chunk claims 1.2 GB (the campaign's file had 55 bytes):
 * every reader refuses it without asking for that memory (ASan aborts above 256 MB here). */
static void
test_png_huge_chunk (void)
{
#ifndef __SANITIZE_ADDRESS__
  g_test_skip ("the allocation bound is checked through ASan's max_allocation_size_mb");
  return;
#endif
  static const char *const types[] = { "tEXt", "zTXt", "iTXt", "eXIf", "sPLT", "iCCP" };
  g_autofree char *dir = dr_test_make_tmpdir ();
  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    {
      static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
      static const guint8 ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
      g_autoptr (GByteArray) png = g_byte_array_new ();
      g_byte_array_append (png, sig, 8);
      append_chunk (png, "IHDR", ihdr, 13, 13);
      append_chunk (png, types[t], NULL, 0x48000000u, 0);
      g_autofree char *name = g_strdup_printf ("huge-%s.png", types[t]);
      g_autofree char *path = dr_test_write_file (dir, name, png->data, png->len);
      g_autoptr (GError) error = NULL;
      int w, h;
      g_assert_false (dr_image_probe (path, &w, &h, &error));
      assert_one_line (error->message, name);
      g_clear_error (&error);
      g_assert_null (dr_image_load (path, &error));
      assert_one_line (error->message, name);
    }
  dr_test_rmtree (dir);
}

/* A 0-byte file and a missing path are no projects; nothing is created or written. */
static void
test_empty_project (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *empty = dr_test_write_file (dir, "empty.damagereview", "", 0);
  g_autoptr (GError) error = NULL;
  g_assert_null (dr_project_open (empty, DR_PROJECT_OPEN_EXISTING, &error));
  assert_one_line (error->message, "empty.damagereview");
  GStatBuf st;
  g_assert_cmpint (g_stat (empty, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (dir, "typo.damagereview", NULL);
  g_assert_null (dr_project_open (missing, DR_PROJECT_OPEN_EXISTING, &error));
  assert_one_line (error->message, "typo.damagereview");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* A loop of symbolic links is said to be one, not "no such project file". */
  g_autofree char *loop = g_build_filename (dir, "loop.damagereview", NULL);
  g_assert_cmpint (symlink ("loop.damagereview", loop), ==, 0);
  g_assert_null (dr_project_open (loop, DR_PROJECT_OPEN_EXISTING, &error));
  assert_one_line (error->message, "loop.damagereview");
  g_assert_nonnull (strstr (error->message, "symbolic links"));
  g_clear_error (&error);
  /* The explicit create still makes a project of the empty file. */
  g_autoptr (DrProject) created = dr_project_open (empty, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  dr_test_rmtree (dir);
}

/* Runs SQL on a raw connection and asserts success. */
static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A project with every table filled (60 photos, predictions with real masks, revisions,
 * heads, reviews, notes, ground truth), written by our schema and vacuumed so that most
 * pages hold data. */
static char *
make_rich_project (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "rich.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    sqlite3 *db = dr_sqlite_project_get_db (project);
    raw_exec (db, "BEGIN;"
                  "INSERT INTO claims (id, name) VALUES (1, 'north'), (2, 'south');"
                  "INSERT INTO models (damage, sha256, path, name, current, added) VALUES"
                  " (0, printf ('%064d', 10), 'm0', 'Scratch', 1, 0),"
                  " (1, printf ('%064d', 11), 'm1', 'Separated', 1, 0),"
                  " (2, printf ('%064d', 12), 'm2', 'Crushed', 1, 0),"
                  " (3, printf ('%064d', 13), 'm3', 'Breakage', 1, 0);");
    guint8 mask[24 * 32];
    for (int p = 1; p <= 60; p++)
      {
        g_autofree char *photo = g_strdup_printf (
          "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added)"
          " VALUES (%d, %d, '/photos/claim-%d/photo-%03d.jpg', printf ('%%064x', %d), 1000,"
          " 32, 24, %d)", p, 1 + p % 2, 1 + p % 2, p, p, p);
        raw_exec (db, photo);
        for (int d = 0; d < 4; d++)
          {
            for (int i = 0; i < 24 * 32; i++)
              mask[i] = ((i % 32) * (d + 1) + (i / 32) * p) % 7 < 3;
            g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, 24, 32, &error);
            g_assert_no_error (error);
            g_autofree char *s = dr_rle_to_string (rle);
            g_autofree char *sql = g_strdup_printf (
              "INSERT INTO predictions VALUES (%d, %d, printf ('%%064d', %d), '%s', %"
              G_GUINT64_FORMAT ", 0.5, 0);"
              "INSERT INTO revisions (id, photo_id, damage, parent_id, rle, area, author,"
              " created, kind) VALUES (%d, %d, %d, NULL, '%s', %" G_GUINT64_FORMAT
              ", 'kim', 1, 'brush');"
              "INSERT INTO heads (photo_id, damage, revision_id) VALUES (%d, %d, %d);"
              "INSERT INTO reviews (photo_id, damage, verdict, revision_id, author, created)"
              " VALUES (%d, %d, '%s', %d, 'kim', 2);"
              "INSERT INTO ground_truth VALUES (%d, %d, 'aihub', '%s', %" G_GUINT64_FORMAT
              ", 3);", p, d, 10 + d, s, dr_rle_get_area (rle), p * 4 + d, p, d, s,
              dr_rle_get_area (rle), p, d, p * 4 + d, p, d,
              d % 2 ? "accepted" : "corrected", p * 4 + d, p, d, s, dr_rle_get_area (rle));
            raw_exec (db, sql);
          }
        g_autofree char *note = g_strdup_printf (
          "INSERT INTO notes (photo_id, text, author, created) VALUES (%d, 'bumper %d', 'kim', 4)",
          p, p);
        raw_exec (db, note);
      }
    raw_exec (db, "COMMIT");
  }
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  raw_exec (raw, "VACUUM");
  sqlite3_close (raw);
  return g_steal_pointer (&path);
}

/* SQLite's verdict on a file, through Python's sqlite3 on a private copy: TRUE when
 * integrity_check says ok and foreign_key_check finds nothing. */
static gboolean
sqlite_says_intact (const char *path)
{
  g_autofree char *copy = g_strconcat (path, ".oracle", NULL);
  gsize len;
  g_autofree guint8 *bytes = dr_test_read_file (path, &len);
  g_assert_true (g_file_set_contents (copy, (const char *) bytes, (gssize) len, NULL));
  const char *argv[] = {
    PYTHON3, "-c",
    "import sqlite3, sys\n"
    "try:\n"
    "    db = sqlite3.connect(sys.argv[1])\n"
    "    ok = db.execute('PRAGMA integrity_check').fetchall() == [('ok',)]\n"
    "    ok = ok and db.execute('PRAGMA foreign_key_check').fetchall() == []\n"
    "except sqlite3.DatabaseError:\n"
    "    ok = False\n"
    "print('intact' if ok else 'damaged')\n",
    copy, NULL
  };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *wal = g_strconcat (copy, "-wal", NULL);
  g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
  g_unlink (copy);
  g_unlink (wal);
  g_unlink (shm);
  return g_str_has_prefix (out, "intact");
}

/* Opens @path; a refusal must be one line naming the file and leave every byte as it was;
 * an opened project is read as the window and export read it (sanitizers watch). Returns
 * TRUE when it opened. */
static gboolean
open_and_read (const char *path, const char *name)
{
  gsize before_len, after_len;
  g_autofree guint8 *before = dr_test_read_file (path, &before_len);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    {
      assert_one_line (error->message, name);
      g_autofree guint8 *after = dr_test_read_file (path, &after_len);
      g_assert_cmpmem (before, before_len, after, after_len);
      return FALSE;
    }
  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  if (photos == NULL)
    assert_one_line (error->message, NULL);
  g_clear_error (&error);
  g_autoptr (GPtrArray) items = dr_export_load_items (project, &error);
  if (items == NULL)
    assert_one_line (error->message, NULL);
  return TRUE;
}

/* 40 copies with three flipped bytes each (fixed seed): every copy SQLite's checker calls
 * damaged is refused without a write; the campaign saw 11 of 20 such copies open. */
static void
test_flipped_bytes (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *rich = make_rich_project (dir);
  g_assert_true (sqlite_says_intact (rich));
  g_assert_true (open_and_read (rich, "rich.damagereview"));
  gsize len;
  g_autofree guint8 *clean = dr_test_read_file (rich, &len);
  g_test_message ("project of %" G_GSIZE_FORMAT " bytes", len);
  GRand *rand = g_rand_new_with_seed (14);
  guint damaged = 0, refused = 0, opened_damaged = 0;
  for (int copy = 0; copy < 40; copy++)
    {
      g_autofree guint8 *bytes = g_memdup2 (clean, len);
      for (int k = 0; k < 3; k++)
        {
          /* Past the 100-byte file header, which SQLite rejects outright. */
          gsize at = 100 + (gsize) g_rand_int_range (rand, 0, (gint32) (len - 100));
          bytes[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
        }
      g_autofree char *name = g_strdup_printf ("flipped-%02d.damagereview", copy);
      g_autofree char *path = dr_test_write_file (dir, name, bytes, len);
      gboolean intact = sqlite_says_intact (path);
      gboolean opened = open_and_read (path, name);
      damaged += !intact;
      refused += !opened;
      if (!intact && opened)
        {
          opened_damaged++;
          g_test_message ("%s: SQLite finds it damaged but it opened", name);
        }
    }
  g_rand_free (rand);
  g_test_message ("%u of 40 copies damaged by SQLite's check, %u refused, %u damaged opened",
                  damaged, refused, opened_damaged);
  g_assert_cmpuint (damaged, >, 0);
  g_assert_cmpuint (opened_damaged, ==, 0);
  dr_test_rmtree (dir);
}

/* Applies SQL with SQLite's own safety checks off (as a flipped bit could), on a copy. */
static char *
tamper (const char *dir, const char *rich, const char *name, const char *sql)
{
  gsize len;
  g_autofree guint8 *bytes = dr_test_read_file (rich, &len);
  char *path = dr_test_write_file (dir, name, bytes, len);
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  raw_exec (raw, sql);
  sqlite3_close (raw);
  return path;
}

/* Damage the campaign saw: an index whose entries disagree with its table (a damage of 93
 * read through it), a value outside the CHECK range, a dangling foreign key, a photo hash
 * with a line break, a file cut to 1 %. Each is refused in one line; none is written. */
static void
test_damaged_kinds (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *rich = make_rich_project (dir);
  struct { const char *name, *sql; } kinds[] = {
    /* The index is declared on (photo_id, id, damage) but holds (photo_id, damage, id):
     * reading damage through it gives review ids such as 93. */
    { "index.damagereview",
      "PRAGMA writable_schema = ON;"
      "UPDATE sqlite_schema SET sql = 'CREATE INDEX reviews_layer ON reviews (photo_id, id,"
      " damage)' WHERE name = 'reviews_layer';" },
    { "damage93.damagereview",
      "PRAGMA ignore_check_constraints = ON;"
      "UPDATE models SET damage = 93 WHERE damage = 3;" },
    { "dangling.damagereview",
      "PRAGMA foreign_keys = OFF; DELETE FROM claims WHERE id = 2;" },
    { "hash.damagereview",
      "UPDATE photos SET sha256 = substr (sha256, 1, 30) || char (10) || 'X' ||"
      " substr (sha256, 33) WHERE id = 7;" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = tamper (dir, rich, kinds[i].name, kinds[i].sql);
      g_test_message ("%s", kinds[i].name);
      g_assert_false (open_and_read (path, kinds[i].name));
    }
  gsize len;
  g_autofree guint8 *bytes = dr_test_read_file (rich, &len);
  g_autofree char *cut = dr_test_write_file (dir, "cut.damagereview", bytes, len / 100);
  g_assert_false (open_and_read (cut, "cut.damagereview"));
  dr_test_rmtree (dir);
}

/* Found by fuzz-project: a writable file whose header makes SQLite open it read-only (write
 * version 3), at a schema version that must be migrated. The migration's transaction reopened
 * the file read-write, which opened read-only again and migrated again, for ever (1.3 GB of
 * SQLite connections from an 18 KB file before libFuzzer's memory limit). Refused in one line,
 * unchanged. */
static void
test_read_only_header (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *rich = make_rich_project (dir);
  g_autofree char *path = tamper (dir, rich, "old-readonly.damagereview",
                                  "PRAGMA journal_mode = DELETE; PRAGMA user_version = 0;");
  gsize len;
  g_autofree guint8 *bytes = dr_test_read_file (path, &len);
  g_assert_cmpuint (len, >, 100);
  bytes[18] = 3;  /* file format write version: above 2, SQLite will not write the file */
  g_autofree char *header = dr_test_write_file (dir, "old-readonly.damagereview", bytes, len);
  g_autoptr (GError) error = NULL;
  g_assert_null (dr_project_open (header, DR_PROJECT_OPEN_EXISTING, &error));
  assert_one_line (error->message, "old-readonly.damagereview");
  gsize after_len;
  g_autofree guint8 *after = dr_test_read_file (header, &after_len);
  g_assert_cmpmem (after, after_len, bytes, len);
  dr_test_rmtree (dir);
}

/* DR_PROJECT_OPEN_CHECKED (a second connection to a file another connection just checked)
 * skips only the contents check: a dangling foreign key the check refuses is not looked for
 * again, while another application's SQLite file is still refused. */
static void
test_checked_flag (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *rich = make_rich_project (dir);
  g_autofree char *dangling = tamper (dir, rich, "dangling.damagereview",
                                      "PRAGMA foreign_keys = OFF; DELETE FROM claims WHERE id = 2;");
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) checked = dr_project_open (dangling, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_null (checked);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_autoptr (DrProject) trusted = dr_project_open (dangling, DR_PROJECT_OPEN_EXISTING |
                                                   DR_PROJECT_OPEN_CHECKED, &error);
  g_assert_no_error (error);
  g_assert_nonnull (trusted);
  g_clear_object (&trusted);

  g_autofree char *foreign = g_build_filename (dir, "other-app.damagereview", NULL);
  sqlite3 *raw = NULL;
  g_assert_cmpint (sqlite3_open (foreign, &raw), ==, SQLITE_OK);
  raw_exec (raw, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);");
  sqlite3_close (raw);
  g_autoptr (DrProject) other = dr_project_open (foreign, DR_PROJECT_OPEN_EXISTING |
                                                 DR_PROJECT_OPEN_CHECKED, &error);
  g_assert_null (other);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED);
  dr_test_rmtree (dir);
}

/* Label files whose JSON is broken across lines, or whose class names hold line breaks and
 * go on for kilobytes: errors and warnings are one line each, the names escaped and cut. */
static void
test_label_messages (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autoptr (GError) error = NULL;
  static const char bad_json[] = "{\n\"images\": [\n{\"id\": 1,\n\n\x01\x02 oops";
  g_autofree char *broken = dr_test_write_file (dir, "broken.json", bad_json,
                                                sizeof bad_json - 1);
  g_assert_null (dr_test_load_labels (broken, TRUE, NULL, &error));
  assert_one_line (error->message, "broken.json");
  g_clear_error (&error);
  g_autofree char *long_name = g_strnfill (5000, 'z');
  g_autofree char *aihub = g_strdup_printf (
    "{\"images\": {\"id\": 1, \"file_name\": \"a\\nb.jpg\", \"width\": 4, \"height\": 4},"
    " \"annotations\": [{\"id\": 1, \"damage\": \"Scr\\natch\\r\\u0007%s\","
    " \"segmentation\": [[[0, 0], [3, 0], [3, 3]]]}]}", long_name);
  g_autofree char *aihub_path = dr_test_write_file (dir, "aihub.json", aihub, strlen (aihub));
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) gts = dr_test_load_labels (aihub_path, FALSE, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  assert_one_line (warnings->pdata[0], "aihub.json");
  g_assert_cmpuint (strlen (warnings->pdata[0]), <, 600);
  g_autofree char *coco = g_strdup_printf (
    "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 4}],"
    " \"categories\": [{\"id\": 1, \"name\": \"dent\\n\\n%s\"}], \"annotations\": []}",
    long_name);
  g_autofree char *coco_path = dr_test_write_file (dir, "coco.json", coco, strlen (coco));
  g_ptr_array_set_size (warnings, 0);
  g_autoptr (GPtrArray) gts2 = dr_test_load_labels (coco_path, TRUE, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  assert_one_line (warnings->pdata[0], "coco.json");
  g_assert_cmpuint (strlen (warnings->pdata[0]), <, 600);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/untrusted/fifo/photo", test_fifo_photo);
  g_test_add_func ("/untrusted/fifo/labels-checkpoint-project", test_fifo_other);
  g_test_add_func ("/untrusted/png/huge-chunk", test_png_huge_chunk);
  g_test_add_func ("/untrusted/project/empty-missing-loop", test_empty_project);
  g_test_add_func ("/untrusted/project/flipped-bytes", test_flipped_bytes);
  g_test_add_func ("/untrusted/project/damaged-kinds", test_damaged_kinds);
  g_test_add_func ("/untrusted/project/checked-flag", test_checked_flag);
  g_test_add_func ("/untrusted/project/read-only-header", test_read_only_header);
  g_test_add_func ("/untrusted/labels/one-line-messages", test_label_messages);
  return g_test_run ();
}
