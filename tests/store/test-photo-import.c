/* test-import.c — adding files and folders: hashes, duplicates, errors, recursion, claims. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dr-claim.h"
#include "dr-image.h"
#include "dr-import.h"
#include "dr-test-import-task.h"
#include "dr-photo.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

typedef struct {
  char *dir;      /* temp folder holding photos/ and the project */
  char *photos;   /* dir/photos */
  DrProject *project;
} Fixture;

/* Writes a generated PNG of the given size to photos/name and returns its path. */
static char *
write_png (Fixture *f, const char *name, guint width, guint height)
{
  gsize length;
  g_autofree guint8 *png = dr_test_png (width, height, &length);
  return dr_test_write_file (f->photos, name, png, length);
}

/* A folder tree with every case the importer distinguishes:
 *   claim-a/a.png            10×8 photo
 *   claim-a/b.PNG            12×9 photo, upper-case extension
 *   claim-a/copy-of-a.png    the same bytes as a.png → duplicate
 *   claim-a/broken.jpg       text under a photo extension → row with an error
 *   claim-a/notes.txt        not a photo → skipped
 *   claim-a/no-extension     PNG bytes without extension → taken by its signature
 *   claim-a/.hidden.png      hidden → ignored
 *   claim-b/nested/deep/d.png  found by recursion, claim "deep" */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->photos = g_build_filename (f->dir, "photos", NULL);
  g_free (write_png (f, "claim-a/a.png", 10, 8));
  g_free (write_png (f, "claim-a/b.PNG", 12, 9));
  g_free (write_png (f, "claim-a/copy-of-a.png", 10, 8));
  g_free (dr_test_write_file (f->photos, "claim-a/broken.jpg", "not a jpeg at all", 17));
  g_free (dr_test_write_file (f->photos, "claim-a/notes.txt", "front bumper", 12));
  g_free (write_png (f, "claim-a/no-extension", 5, 7));
  g_free (write_png (f, "claim-a/.hidden.png", 3, 3));
  g_free (write_png (f, "claim-b/nested/deep/d.png", 7, 5));
  g_autofree char *path = g_build_filename (f->dir, "test.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  f->project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
}

/* Closes the project and removes the temp folder. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->photos);
}

/* Finds the listed photo whose path ends with suffix, or NULL. */
static DrPhotoInfo *
find_photo (GPtrArray *photos, const char *suffix)
{
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *info = photos->pdata[i];
      if (g_str_has_suffix (info->path, suffix))
        return info;
    }
  return NULL;
}

/* The lower-case SHA-256 of a file, computed here independently of the importer. */
static char *
sha256_of (const char *path)
{
  gsize length;
  g_autofree guint8 *bytes = dr_test_read_file (path, &length);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, length);
}

/* Importing the folder finds every photo, recursively, stores hash, size and dimensions,
 * makes one photo of identical bytes, keeps the broken file as an error row, and names claims
 * after folders. */
static void
test_folder (Fixture *f, gconstpointer data)
{
  const char *paths[] = { f->photos, NULL };
  DrImportStats stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_import_paths (f->project, paths, NULL, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, 4);      /* a, b, no-extension, d */
  g_assert_cmpuint (stats.duplicates, ==, 1); /* copy-of-a */
  g_assert_cmpuint (stats.failed, ==, 1);     /* broken.jpg */
  g_assert_cmpuint (stats.skipped, ==, 1);    /* notes.txt */
  g_assert_cmpuint (stats.missing, ==, 0);

  g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 5);

  DrPhotoInfo *a = find_photo (photos, "/claim-a/a.png");
  g_assert_nonnull (a);
  g_autofree char *a_path = g_build_filename (f->photos, "claim-a", "a.png", NULL);
  g_autofree char *a_sha = sha256_of (a_path);
  g_assert_cmpstr (a->sha256, ==, a_sha);
  g_assert_cmpstr (a->path, ==, a_path);
  g_assert_cmpstr (a->claim, ==, "claim-a");
  g_assert_cmpint (a->width, ==, 10);
  g_assert_cmpint (a->height, ==, 8);
  GStatBuf st;
  g_assert_cmpint (g_stat (a_path, &st), ==, 0);
  g_assert_cmpint (a->size, ==, st.st_size);
  g_assert_null (a->error);
  g_assert_cmpint (a->status, ==, DR_PHOTO_STATUS_NOT_ANALYSED);
  g_assert_null (find_photo (photos, "copy-of-a.png"));
  g_assert_null (find_photo (photos, ".hidden.png"));

  DrPhotoInfo *b = find_photo (photos, "/claim-a/b.PNG");
  g_assert_nonnull (b);
  g_assert_cmpint (b->width, ==, 12);
  g_assert_cmpint (b->height, ==, 9);
  g_assert_nonnull (find_photo (photos, "/claim-a/no-extension"));

  DrPhotoInfo *d = find_photo (photos, "/claim-b/nested/deep/d.png");
  g_assert_nonnull (d);
  g_assert_cmpstr (d->claim, ==, "deep");

  DrPhotoInfo *broken = find_photo (photos, "/claim-a/broken.jpg");
  g_assert_nonnull (broken);
  g_assert_cmpint (broken->status, ==, DR_PHOTO_STATUS_ERROR);
  g_assert_nonnull (broken->error);
  g_test_message ("broken.jpg: %s", broken->error);
  g_assert_nonnull (strstr (broken->error, "broken.jpg"));
  g_assert_null (strchr (broken->error, '\n'));
  g_assert_nonnull (broken->sha256); /* the bytes were readable */
  g_assert_cmpint (broken->width, ==, 0);

  /* Running the same import again changes nothing. */
  DrImportStats again = { 0 };
  g_assert_true (dr_import_paths (f->project, paths, NULL, NULL, NULL, NULL, &again, &error));
  g_assert_cmpuint (again.added, ==, 0);
  g_assert_cmpuint (again.duplicates, ==, 5);
  g_assert_cmpuint (again.failed, ==, 1); /* broken.jpg is still reported, but not re-added */
  g_autoptr (GPtrArray) after = dr_photo_list (f->project, &error);
  g_assert_cmpuint (after->len, ==, 5);

  g_autoptr (GPtrArray) claims = dr_claim_list (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claims->len, ==, 2);
  DrClaimInfo *first = claims->pdata[0];
  g_assert_cmpstr (first->name, ==, "claim-a");
  g_assert_cmpuint (first->n_photos, ==, 4);
}

/* A file whose bytes cannot be read becomes one row (no hash) with an error naming it; running
 * the import again updates that row instead of adding one; paths that do not exist are reported
 * and make no row. */
static void
test_unreadable_and_missing (Fixture *f, gconstpointer data)
{
  /* Reading /proc/self/mem from offset 0 fails with EIO for every user, root included. */
  g_autofree char *missing_path = g_build_filename (f->dir, "no-such.jpg", NULL);
  g_autofree char *fifo = g_build_filename (f->dir, "pipe.jpg", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0); /* opening it for reading would block */
  const char *paths[] = { "/proc/self/mem", missing_path, fifo, NULL };
  g_autoptr (GError) error = NULL;
  for (int round = 0; round < 2; round++)
    {
      DrImportStats stats = { 0 };
      g_assert_true (dr_import_paths (f->project, paths, "claim-9", NULL, NULL, NULL, &stats,
                                      &error));
      g_assert_no_error (error);
      g_assert_cmpuint (stats.failed, ==, 2);
      g_assert_cmpuint (stats.missing, ==, 1);
      g_assert_cmpuint (stats.added, ==, 0);
      g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
      g_assert_cmpuint (photos->len, ==, 2);
      DrPhotoInfo *pipe = find_photo (photos, "/pipe.jpg");
      g_assert_nonnull (pipe);
      g_assert_true (g_str_has_suffix (pipe->error, "pipe.jpg: is a named pipe (FIFO), not a regular file"));
      DrPhotoInfo *info = find_photo (photos, "/proc/self/mem");
      g_assert_nonnull (info);
      g_assert_null (info->sha256);
      g_assert_cmpstr (info->claim, ==, "claim-9");
      g_assert_cmpint (info->status, ==, DR_PHOTO_STATUS_ERROR);
      g_test_message ("%s", info->error);
      g_assert_true (g_str_has_prefix (info->error, "/proc/self/mem: cannot read"));
    }
}

/* Explicit files keep their claim override; renaming a claim works, clashing names do not. */
static void
test_claims (Fixture *f, gconstpointer data)
{
  g_autofree char *a = g_build_filename (f->photos, "claim-a", "a.png", NULL);
  g_autofree char *d = g_build_filename (f->photos, "claim-b", "nested", "deep", "d.png", NULL);
  const char *paths[] = { a, NULL };
  DrImportStats stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_import_paths (f->project, paths, "Claim 2024-17", NULL, NULL, NULL, &stats,
                                  &error));
  const char *paths_d[] = { d, NULL };
  g_assert_true (dr_import_paths (f->project, paths_d, NULL, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, 2);

  g_autoptr (GPtrArray) claims = dr_claim_list (f->project, &error);
  g_assert_cmpuint (claims->len, ==, 2);
  DrClaimInfo *c = claims->pdata[0];
  g_assert_cmpstr (c->name, ==, "Claim 2024-17");
  g_assert_true (dr_claim_rename (f->project, c->id, "  Claim 2024-17 (Kim)  ", &error));
  g_assert_no_error (error);
  g_assert_false (dr_claim_rename (f->project, c->id, "deep", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);
  g_assert_false (dr_claim_rename (f->project, c->id, "   ", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (dr_claim_rename (f->project, 999, "x", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
  DrPhotoInfo *pa = find_photo (photos, "/a.png");
  g_assert_cmpstr (pa->claim, ==, "Claim 2024-17 (Kim)");
  g_assert_true (dr_photo_set_claim (f->project, pa->id, "deep", &error));
  g_assert_no_error (error);
  g_autoptr (DrPhotoInfo) moved = dr_photo_get (f->project, pa->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->claim, ==, "deep");
  g_assert_null (dr_photo_get (f->project, 12345, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
}

/* Cancels the import from its progress callback after two files. */
static void
cancel_after_two (guint done, guint total, const char *path, DrImportOutcome outcome,
                  const char *message, gpointer user_data)
{
  if (done == 2)
    g_cancellable_cancel (user_data);
}

/* An import cancelled half-way keeps what it stored; running it again finishes the job with
 * the same result as an uninterrupted import. */
static void
test_interrupted (Fixture *f, gconstpointer data)
{
  const char *paths[] = { f->photos, NULL };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  DrImportStats stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_import_paths (f->project, paths, NULL, cancellable, cancel_after_two,
                                   cancellable, &stats, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autoptr (GPtrArray) partial = dr_photo_list (f->project, &error);
  g_assert_cmpuint (partial->len, ==, 2);

  DrImportStats rest = { 0 };
  g_assert_true (dr_import_paths (f->project, paths, NULL, NULL, NULL, NULL, &rest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rest.duplicates, ==, 3); /* the two stored earlier + copy-of-a */
  g_autoptr (GPtrArray) all = dr_photo_list (f->project, &error);
  g_assert_cmpuint (all->len, ==, 5);
}

typedef struct {
  GThread *main_thread;
  guint progress_calls;
  guint last_done;
  gboolean in_order;
  gboolean on_main_thread;
  gboolean finished;
  gboolean progress_after_finish;
  DrImportStats stats;
  gboolean ok;
} AsyncState;

/* Progress from the import task: must arrive on the main thread, in order, before the end.
 * (g_main_context_is_owner would not do: it is TRUE on a worker that invoke let run it.) */
static void
async_progress (guint done, guint total, const char *path, DrImportOutcome outcome,
                const char *message, gpointer user_data)
{
  AsyncState *s = user_data;
  s->progress_calls++;
  s->on_main_thread &= g_thread_self () == s->main_thread;
  s->in_order &= done == s->last_done + 1 && done <= total;
  s->last_done = done;
  s->progress_after_finish |= s->finished;
}

/* Completion of the import task. */
static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *s = user_data;
  g_autoptr (GError) error = NULL;
  s->on_main_thread &= g_thread_self () == s->main_thread;
  s->ok = dr_test_import_finish (result, &s->stats, &error);
  g_assert_no_error (error);
  s->finished = TRUE;
}

/* The threaded import stores the same as the synchronous one, with progress delivered on the
 * main thread in order and before completion; the main thread's own connection sees the rows
 * afterwards. The loop is stepped by hand with pauses between steps, as GUI tests do: a
 * report run by the worker itself (g_main_context_invoke does that whenever the context is
 * free) is then caught. */
static void
test_async (Fixture *f, gconstpointer data)
{
  const char *paths[] = { f->photos, NULL };
  AsyncState s = { .main_thread = g_thread_self (), .in_order = TRUE, .on_main_thread = TRUE };
  dr_test_import_async (dr_project_get_path (f->project), paths, NULL, NULL, async_progress, &s,
                   async_done, &s);
  while (!s.finished)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  /* Let any event that would (wrongly) come after completion arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (s.ok);
  g_assert_cmpuint (s.stats.added, ==, 4);
  g_assert_cmpuint (s.stats.duplicates, ==, 1);
  g_assert_cmpuint (s.stats.failed, ==, 1);
  g_assert_cmpuint (s.progress_calls, ==, 6);
  g_assert_true (s.in_order);
  g_assert_true (s.on_main_thread);
  g_assert_false (s.progress_after_finish);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 5);
}

/* A photo whose header probes fine but whose data end early is added at import; once its
 * decode fails, dr_photo_set_error makes it an error row with that message, and nothing else
 * about the row changes; re-importing the bytes reports them as failed. */
static void
test_set_error (Fixture *f, gconstpointer data)
{
  gsize length;
  g_autofree guint8 *png = dr_test_png (64, 48, &length);
  g_autofree char *path = dr_test_write_file (f->photos, "claim-t/truncated.png", png,
                                              length / 2);
  const char *paths[] = { path, NULL };
  DrImportStats stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_import_paths (f->project, paths, NULL, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, 1);
  g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 1);
  const DrPhotoInfo *before = photos->pdata[0];
  g_assert_null (before->error);
  g_assert_cmpint (before->status, ==, DR_PHOTO_STATUS_NOT_ANALYSED);

  g_autoptr (DrImage) image = dr_image_load (path, &error);
  g_assert_null (image);
  g_assert_true (dr_photo_error_is_permanent (error));
  g_autofree char *message = g_strdup (error->message);
  g_clear_error (&error);
  g_assert_true (dr_photo_set_error (f->project, before->id, message, &error));
  g_assert_no_error (error);

  g_autoptr (DrPhotoInfo) after = dr_photo_get (f->project, before->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->error, ==, message);
  g_assert_cmpint (after->status, ==, DR_PHOTO_STATUS_ERROR);
  g_assert_cmpint (after->claim_id, ==, before->claim_id);
  g_assert_cmpstr (after->claim, ==, before->claim);
  g_assert_cmpstr (after->path, ==, before->path);
  g_assert_cmpstr (after->sha256, ==, before->sha256);
  g_assert_cmpint (after->size, ==, before->size);
  g_assert_cmpint (after->width, ==, before->width);
  g_assert_cmpint (after->height, ==, before->height);
  g_assert_cmpint (after->added, ==, before->added);
  guint w, h;
  g_assert_false (dr_photo_get_size (f->project, before->id, &w, &h, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  DrImportStats again = { 0 };
  g_assert_true (dr_import_paths (f->project, paths, NULL, NULL, NULL, NULL, &again, &error));
  g_assert_cmpuint (again.added, ==, 0);
  g_assert_cmpuint (again.failed, ==, 1);

  g_assert_false (dr_photo_set_error (f->project, before->id + 1000, "x", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A file that cannot be reached is not a fact about its bytes. */
  g_autoptr (DrImage) gone = dr_image_load ("/nonexistent/photo.jpg", &error);
  g_assert_null (gone);
  g_assert_false (dr_photo_error_is_permanent (error));
  g_assert_false (dr_photo_error_is_permanent (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/import/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("folder", test_folder);
  ADD ("unreadable-and-missing", test_unreadable_and_missing);
  ADD ("claims", test_claims);
  ADD ("interrupted", test_interrupted);
  ADD ("async", test_async);
  ADD ("set-error", test_set_error);
  return g_test_run ();
}
