/* test-edit-writer.c — DrEditWriter stores edits in order, after the frame, and never
 * drops one when a write fails.
 *
 * A project with one 64×48 photo row. (1) Twelve different masks are pushed back to back,
 * faster than they can be written; once the main loop has delivered every "written", the
 * file holds a chain of twelve revisions whose parents follow the push order and whose masks
 * are the pushed ones, pixel for pixel. (2) Another connection holds the write lock past the
 * busy timeout while three more masks are pushed: the writer stalls with all three still
 * queued, "failed" is emitted once, nothing of them is in the file, and the newest queued
 * mask is what dr_edit_writer_read_layer() gives. Once the lock is gone, sync writes all
 * three, in order. (3) Pixels changed by the caller after a push do not reach the file.
 * (4) While stalled, dr_edit_writer_run() still runs a call (here a read, which WAL allows
 * beside the other connection's lock) on the writer thread through that thread's connection,
 * ahead of the stalled edits; a failing call returns its error and changes nothing. No
 * display is needed. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dr-edit-writer.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"

#define W 64
#define H 48
#define PHOTO 7

typedef struct {
  guint written;
  guint failed;
  gint64 last_photo;
} Counts;

static void
written_cb (DrEditWriter *writer, DrProject *project, gint64 photo_id, int damage, Counts *c)
{
  c->written++;
  c->last_photo = photo_id;
}

static void
failed_cb (DrEditWriter *writer, const char *message, Counts *c)
{
  g_assert_nonnull (strstr (message, "unsaved"));
  c->failed++;
}

/* Mask number k: a k-pixel-wide vertical band starting at column 3k, plus pixel (0, k). */
static void
make_mask (guint8 *mask, int k)
{
  memset (mask, 0, W * H);
  for (int y = 0; y < H; y++)
    for (int x = 3 * k; x < 3 * k + k + 1 && x < W; x++)
      mask[y * W + x] = 1;
  mask[k * W] = 1;
}

/* The chain of revisions of the layer, newest first, read by a fresh connection. */
static GPtrArray *
read_chain (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_revision_free);
  DrRevision *r = dr_revision_get_head (project, PHOTO, DR_DAMAGE_CRUSHED, &error);
  g_assert_no_error (error);
  while (r != NULL)
    {
      g_ptr_array_add (chain, r);
      if (r->parent_id == 0)
        break;
      sqlite3_stmt *stmt = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (dr_sqlite_project_get_db (project),
                                           "SELECT rle, parent_id, author FROM revisions"
                                           " WHERE id = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_int64 (stmt, 1, r->parent_id);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      DrRevision *p = g_new0 (DrRevision, 1);
      p->id = r->parent_id;
      p->rle = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->parent_id = sqlite3_column_int64 (stmt, 1);
      p->author = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      sqlite3_finalize (stmt);
      r = p;
    }
  return chain;
}

/* Asserts that revision r holds mask number k. */
static void
assert_mask (const DrRevision *r, int k)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_string (r->rle, H, W, &error);
  g_assert_no_error (error);
  guint8 got[W * H], want[W * H];
  dr_rle_to_mask (rle, got);
  make_mask (want, k);
  g_assert_cmpmem (got, W * H, want, W * H);
}

/* Runs the main loop until cond holds (30 s at most). */
static void
wait_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!cond (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

typedef struct {
  GThread *caller;
  gint64 revisions;          /* what the call saw */
  gboolean fail;
} Call;

/* Runs on the writer thread: counts the layer's revisions through the writer's connection. */
static gboolean
count_call (DrProject *project, gpointer data, GError **error)
{
  Call *c = data;
  g_assert_true (g_thread_self () != c->caller);
  g_assert_true (dr_project_is_owner (project));
  if (c->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "refused on purpose");
      return FALSE;
    }
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (dr_sqlite_project_get_db (project),
                                       "SELECT count(*) FROM revisions WHERE photo_id = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, PHOTO);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  c->revisions = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
idle_or_stalled (gpointer data)
{
  DrEditWriter *w = data;
  return dr_edit_writer_get_n_queued (w) == 0 || dr_edit_writer_is_stalled (w);
}

static void
test_order_and_stall (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "w.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO claims (id, name) VALUES (1, 'c');"
    "INSERT INTO photos (id, claim_id, path, sha256, width, height, added)"
    "  VALUES (%d, 1, '/p/a.jpg', printf ('%%064d', 1), %d, %d, 0);", PHOTO, W, H);
  g_assert_cmpint (sqlite3_exec (dr_sqlite_project_get_db (project), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);

  g_autoptr (DrEditWriter) writer = dr_edit_writer_new ();
  Counts c = { 0 };
  g_signal_connect (writer, "written", G_CALLBACK (written_cb), &c);
  g_signal_connect (writer, "failed", G_CALLBACK (failed_cb), &c);
  guint8 mask[W * H];

  /* (1) Twelve pushes in a row; (3) each buffer is overwritten right after its push. */
  for (int k = 0; k < 12; k++)
    {
      make_mask (mask, k);
      dr_edit_writer_push (writer, project, PHOTO, DR_DAMAGE_CRUSHED, W, H, mask,
                           DR_REVISION_BRUSH, "Ann", NULL);
      memset (mask, 1, sizeof mask);
    }
  g_assert_cmpuint (dr_edit_writer_get_n_queued (writer), >, 0);
  wait_until (idle_or_stalled, writer);
  g_assert_false (dr_edit_writer_is_stalled (writer));
  g_assert_cmpuint (c.written, ==, 12);
  g_assert_cmpint (c.last_photo, ==, PHOTO);
  {
    g_autoptr (GPtrArray) chain = read_chain (path);
    g_assert_cmpuint (chain->len, ==, 12);
    for (int k = 0; k < 12; k++)
      {
        const DrRevision *r = chain->pdata[11 - k];
        assert_mask (r, k);
        g_assert_cmpstr (r->author, ==, "Ann");
      }
  }

  /* (2) A lock held elsewhere: the writer stalls and keeps all three. */
  g_autoptr (DrProject) locker = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_begin (locker, &error));
  for (int k = 12; k < 15; k++)
    {
      make_mask (mask, k);
      dr_edit_writer_push (writer, project, PHOTO, DR_DAMAGE_CRUSHED, W, H, mask,
                           DR_REVISION_ERASER, "Ann", NULL);
    }
  wait_until (idle_or_stalled, writer);
  g_assert_true (dr_edit_writer_is_stalled (writer));
  g_assert_cmpuint (c.failed, ==, 1);
  g_assert_cmpuint (c.written, ==, 12);
  g_assert_cmpuint (dr_edit_writer_get_n_queued (writer), ==, 3);
  g_assert_true (dr_edit_writer_has_layer (writer, project, PHOTO, DR_DAMAGE_CRUSHED));
  g_assert_false (dr_edit_writer_has_layer (writer, project, PHOTO, DR_DAMAGE_SCRATCH));
  guint8 newest[W * H], want[W * H];
  g_assert_true (dr_edit_writer_read_layer (writer, project, PHOTO, DR_DAMAGE_CRUSHED, newest,
                                            W, H, &error));
  g_assert_no_error (error);
  make_mask (want, 14);
  g_assert_cmpmem (newest, sizeof newest, want, sizeof want);
  /* (4) Calls are not held back by the stall. */
  Call call = { g_thread_self (), -1, FALSE };
  g_assert_true (dr_edit_writer_run (writer, project, count_call, &call, &error));
  g_assert_no_error (error);
  g_assert_cmpint (call.revisions, ==, 12);
  Call failing = { g_thread_self (), -1, TRUE };
  g_assert_false (dr_edit_writer_run (writer, project, count_call, &failing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (dr_edit_writer_is_stalled (writer));
  g_assert_cmpuint (dr_edit_writer_get_n_queued (writer), ==, 3);
  /* Still stalled while the lock is held: sync fails and keeps everything. */
  g_assert_false (dr_edit_writer_sync (writer, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (dr_edit_writer_get_n_queued (writer), ==, 3);
  dr_project_rollback (locker);
  {
    g_autoptr (GPtrArray) chain = read_chain (path);
    g_assert_cmpuint (chain->len, ==, 12);
  }

  /* Lock gone: sync writes the three in order. */
  g_assert_true (dr_edit_writer_sync (writer, &error));
  g_assert_no_error (error);
  g_assert_false (dr_edit_writer_is_stalled (writer));
  g_assert_cmpuint (dr_edit_writer_get_n_queued (writer), ==, 0);
  g_assert_cmpuint (c.written, ==, 15);
  {
    g_autoptr (GPtrArray) chain = read_chain (path);
    g_assert_cmpuint (chain->len, ==, 15);
    for (int k = 0; k < 15; k++)
      assert_mask (chain->pdata[14 - k], k);
  }

  g_clear_object (&writer);
  g_clear_object (&locker);
  g_clear_object (&project);
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
  g_test_add_func ("/edit-writer/order-and-stall", test_order_and_stall);
  return g_test_run ();
}
