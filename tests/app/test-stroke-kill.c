/* test-stroke-kill.c — a stroke the edit writer reported stored survives SIGKILL.
 *
 *   test-stroke-kill STROKE-STREAMER [N-KILLS]
 *
 * One project with one 32×24 photo. N-KILLS times (200 by default): start stroke-streamer,
 * which pushes strokes through the real DrEditWriter and prints "durable N" as each is
 * reported stored; SIGKILL it at a random moment: one kill in ten 0–300 ms after its start
 * (while it loads and opens the project, recovering the WAL of the previous kill), one in ten
 * 0–100 ms after it said "ready" (while the writer thread opens its connection and stores the
 * first stroke), the others 0–100 ms after its first "durable" (strokes being encoded,
 * committed and synced back to back);
 * then, through a plain SQLite connection (not the store's code):
 *   - PRAGMA integrity_check answers "ok";
 *   - every stroke reported durable is there: the layer has at least as many revisions as
 *     the highest N reported + 1, and never fewer than before the kill;
 *   - the revisions form one chain in stroke order (each one's parent is the one before it,
 *     the layer's head is the newest) and revision i holds stroke i's mask, pixel for pixel.
 * The next run of the streamer reopens the file (recovering the WAL) and continues the chain.
 * The test reports how many kills hit a process that had already reported strokes, and
 * asserts that most did, so it cannot pass by only killing processes still starting. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dr-project.h"
#include "dr-rle.h"
#include "stroke-mask.h"

#define W 32
#define H 24
#define PHOTO 3

static const char *streamer;
static int n_kills = 200;

/* Reads what the child printed into buf until deadline (monotonic µs), end of file, or (when
 * line is not NULL) until buf holds that line; returns FALSE at end of file (the child is
 * gone). */
static gboolean
read_until (int fd, GString *buf, gint64 deadline, const char *line)
{
  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0 || (line != NULL && strstr (buf->str, line) != NULL))
        return TRUE;
      struct pollfd p = { fd, POLLIN, 0 };
      int r = poll (&p, 1, (int) MAX (1, left / 1000));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        continue;
      char chunk[4096];
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n == 0)
        return FALSE;
      if (n > 0)
        g_string_append_len (buf, chunk, n);
      else if (errno != EAGAIN && errno != EINTR)
        return FALSE;
    }
}

/* The highest N of the "durable N" lines, or -1. */
static gint64
highest_durable (const char *text)
{
  gint64 best = -1;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "durable "))
      best = MAX (best, g_ascii_strtoll (lines[i] + 8, NULL, 10));
  return best;
}

/* Opens the file with plain SQLite, as any other program would after the crash. */
static sqlite3 *
open_plain (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, DR_PROJECT_BUSY_TIMEOUT_MS);
  return db;
}

/* Checks the file after a kill; returns the number of revisions now in the chain. verified:
 * revisions already checked after an earlier kill (append-only: they cannot change). */
static gint64
check_file (const char *path, gint64 durable, gint64 verified)
{
  sqlite3 *db = open_plain (path);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, parent_id, rle FROM revisions"
                                       " WHERE photo_id = ?1 AND damage = 0 ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, PHOTO);
  gint64 n = 0, previous = 0;
  guint8 got[W * H], want[W * H];
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 parent = sqlite3_column_int64 (stmt, 1); /* NULL reads as 0 */
      g_assert_cmpint (parent, ==, previous);
      if (n >= verified)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (DrRle) rle = dr_rle_new_from_string ((const char *) sqlite3_column_text (
                                                            stmt, 2), H, W, &error);
          g_assert_no_error (error);
          dr_rle_to_mask (rle, got);
          stroke_mask (n, want, W, H);
          g_assert_cmpmem (got, sizeof got, want, sizeof want);
        }
      previous = id;
      n++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (n, >, durable);
  g_assert_cmpint (n, >=, verified);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT revision_id FROM heads"
                                       " WHERE photo_id = ?1 AND damage = 0", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, PHOTO);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, previous);
  else
    g_assert_cmpint (n, ==, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return n;
}

static void
test_kills (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-stroke-kill-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "k.damagereview", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    g_autofree char *sql = g_strdup_printf (
      "INSERT INTO claims (id, name) VALUES (1, 'c');"
      "INSERT INTO photos (id, claim_id, path, sha256, width, height, added)"
      "  VALUES (%d, 1, '/p/a.jpg', printf ('%%064d', 1), %d, %d, 0);", PHOTO, W, H);
    g_assert_cmpint (sqlite3_exec (dr_project_get_db (project), sql, NULL, NULL, NULL), ==,
                     SQLITE_OK);
  }
  g_autofree char *photo = g_strdup_printf ("%d", PHOTO);
  g_autofree char *w = g_strdup_printf ("%d", W), *h = g_strdup_printf ("%d", H);
  const char *argv[] = { streamer, path, photo, w, h, NULL };

  gint64 verified = 0, reported = 0;
  int mid_stream = 0;
  for (int k = 0; k < n_kills; k++)
    {
      GPid pid;
      int out_fd;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                               NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);
      fcntl (out_fd, F_SETFL, fcntl (out_fd, F_GETFL) | O_NONBLOCK);
      g_autoptr (GString) out = g_string_new (NULL);
      gboolean alive = TRUE;
      const char *anchor = k % 10 == 0 ? NULL : k % 10 == 1 ? "ready\n" : "durable ";
      if (anchor != NULL)
        {
          alive = read_until (out_fd, out, g_get_monotonic_time () + 60 * G_USEC_PER_SEC,
                              anchor);
          g_assert_nonnull (strstr (out->str, anchor));
        }
      gint64 delay_us = g_test_rand_int_range (0, (anchor == NULL ? 300 : 100) * 1000);
      alive = alive && read_until (out_fd, out, g_get_monotonic_time () + delay_us, NULL);
      kill (pid, SIGKILL);
      int status;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* Lines written before the kill are in the pipe: read them to the end. */
      while (read_until (out_fd, out, G_MAXINT64, NULL))
        ;
      close (out_fd);
      g_spawn_close_pid (pid);
      if (!alive || !WIFSIGNALED (status))
        g_error ("the streamer ended by itself (status %d) before the kill", status);
      gint64 durable = highest_durable (out->str);
      if (durable >= verified)
        mid_stream++;
      reported += durable >= verified ? durable - verified + 1 : 0;
      verified = check_file (path, durable, verified);
    }
  g_test_message ("%d kills, %d of them after the streamer had reported strokes stored; "
                  "%" G_GINT64_FORMAT " strokes reported stored, %" G_GINT64_FORMAT
                  " in the file, all intact and in order", n_kills, mid_stream, reported,
                  verified);
  g_assert_cmpint (mid_stream, >=, n_kills / 2);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_remove (wal);
  g_remove (shm);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-stroke-kill STROKE-STREAMER [N-KILLS]");
  streamer = argv[1];
  if (argc > 2)
    n_kills = atoi (argv[2]);
  g_test_add_func ("/stroke-kill/reported-strokes-survive", test_kills);
  return g_test_run ();
}
