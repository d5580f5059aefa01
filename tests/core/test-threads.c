/* test-threads.c — every report from a worker reaches its owner on the owner's thread, even
 * when nobody runs a GMainLoop and the loop is stepped by hand (as the GUI tests and the
 * benchmarks do).
 *
 * A project with two photos is opened as a DrSession. Then, all at once: the session imports
 * a folder (writer thread), dr_test_import_async() imports another folder into the same file (its
 * own worker), a DrInferenceQueue runs a pseudo-random model on the two photos and hands every
 * result to the session's writer, dr_export_run_async() exports the project, and a
 * DrEditWriter stores one stroke per loop turn. The main thread steps the default context with
 * g_main_context_iteration (NULL, FALSE) and, between steps, reads the project through the
 * session's own connection, as the window does. Every callback asserts g_thread_self () ==
 * the main thread and reads the project itself; the test also asserts that each kind of
 * callback ran, so it cannot pass by never being called.
 *
 * g_main_context_invoke() runs its callback on the calling worker whenever that worker can
 * acquire the context, which a hand-stepped loop leaves free most of the time: such code
 * fails the thread assertion here (or crashes in SQLite, whose main connection is then used
 * from two threads). No display and no GTK are needed: the queue's overlays come from a test
 * factory, which checks that each is built from its result's mask on a worker. */
#include "config.h"

#include <string.h>

#include "dr-edit-writer.h"
#include "dr-export.h"
#include "dr-test-import-task.h"
#include "dr-import.h"
#include "dr-inference-queue.h"
#include "dr-photo.h"
#include "dr-session.h"
#include "dr-test-overlay.h"
#include "dr-test-util.h"

#define N_STROKES 24
#define N_SECOND 6   /* photos the session imports */
#define N_THIRD 12   /* photos the import task imports */

typedef struct {
  GThread *main_thread;
  DrSession *session;
  guint import_progress, import_finished;
  guint task_progress;
  gboolean task_done;
  guint queue_started, queue_results, queue_batches;
  guint export_progress;
  gboolean export_done;
  guint strokes_written;
  gint64 stroke_photo;
} State;

/* Every callback starts here: it must run on the main thread, and it reads the project
 * through the main connection as a real handler would (a misplaced callback then races the
 * main thread's own reads on that connection). */
static void
on_main_thread (State *s)
{
  g_assert_true (g_thread_self () == s->main_thread);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = dr_photo_list (dr_session_get_project (s->session), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, >=, 2);
}

static void
import_progress_cb (DrSession *session, guint done, guint total, State *s)
{
  on_main_thread (s);
  s->import_progress++;
}

static void
import_finished_cb (DrSession *session, guint added, guint duplicates, guint failed,
                    const char *message, State *s)
{
  on_main_thread (s);
  g_assert_null (message);
  g_assert_cmpuint (added, ==, N_SECOND);
  s->import_finished++;
}

static void
write_failed_cb (DrSession *session, const char *message, State *s)
{
  g_error ("a write failed: %s", message);
}

static void
task_progress_cb (guint done, guint total, const char *path, DrImportOutcome outcome,
                  const char *message, gpointer data)
{
  State *s = data;
  on_main_thread (s);
  s->task_progress++;
}

static void
task_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  State *s = data;
  on_main_thread (s);
  g_autoptr (GError) error = NULL;
  DrImportStats stats;
  g_assert_true (dr_test_import_finish (result, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, N_THIRD);
  s->task_done = TRUE;
}

static void
queue_started_cb (DrInferenceRunner *runner, DrModelJob *job, State *s)
{
  on_main_thread (s);
  s->queue_started++;
}

static void
queue_result_cb (DrInferenceRunner *runner, DrModelJob *job, DrInferenceResult *result,
                 State *s)
{
  on_main_thread (s);
  g_assert_nonnull (result);
  g_assert_null (result->error);
  /* The overlay was built by the factory, from this result's mask, on a worker. */
  const DrTestOverlay *overlay = result->overlay;
  g_assert_nonnull (overlay);
  g_assert_true (overlay->thread != s->main_thread);
  g_assert_cmpuint (overlay->damage, ==, result->damage);
  g_assert_cmpint (overlay->width, ==, result->width);
  g_assert_cmpint (overlay->height, ==, result->height);
  g_assert_cmpint (dr_test_overlay_area (overlay), ==, result->area);
  dr_session_store_result (s->session, result);
  s->queue_results++;
}

static void
queue_batch_done_cb (DrInferenceRunner *runner, State *s)
{
  on_main_thread (s);
  dr_session_flush (s->session);
  s->queue_batches++;
}

static void
export_progress_cb (guint done, guint total, gpointer data)
{
  State *s = data;
  on_main_thread (s);
  s->export_progress++;
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  State *s = data;
  on_main_thread (s);
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_export_run_finish (result, NULL, &error));
  g_assert_no_error (error);
  s->export_done = TRUE;
}

static void
stroke_written_cb (DrEditWriter *writer, DrProject *project, gint64 photo_id, int damage,
                   State *s)
{
  on_main_thread (s);
  g_assert_true (project == dr_session_get_project (s->session));
  g_assert_cmpint (photo_id, ==, s->stroke_photo);
  s->strokes_written++;
}

static void
stroke_failed_cb (DrEditWriter *writer, const char *message, State *s)
{
  g_error ("a stroke was not saved: %s", message);
}

/* Writes n PNGs of distinct sizes into dir/name-i.png. */
static void
write_photos (const char *dir, const char *name, guint n, guint base)
{
  for (guint i = 0; i < n; i++)
    {
      gsize length;
      g_autofree guint8 *png = dr_test_png (base + i, base / 2 + i, &length);
      g_autofree char *file = g_strdup_printf ("%s-%u.png", name, i);
      g_free (dr_test_write_file (dir, file, png, length));
    }
}

static gboolean
all_done (State *s, DrInferenceQueue *queue, DrEditWriter *writer, guint strokes_pushed)
{
  return s->import_finished == 1 && s->task_done && s->export_done
         && dr_inference_queue_get_pending (queue) == 0 && s->queue_results == 2
         && strokes_pushed == N_STROKES && dr_edit_writer_get_n_queued (writer) == 0;
}

static void
test_reports_on_owner_thread (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *first = g_build_filename (dir, "first", NULL);
  g_autofree char *second = g_build_filename (dir, "second", NULL);
  g_autofree char *third = g_build_filename (dir, "third", NULL);
  g_autofree char *out = g_build_filename (dir, "export", NULL);
  g_autofree char *path = g_build_filename (dir, "t.damagereview", NULL);
  write_photos (first, "a", 2, 60);
  write_photos (second, "b", N_SECOND, 50);
  write_photos (third, "c", N_THIRD, 70);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) setup = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    const char *paths[] = { first, NULL };
    DrImportStats stats = { 0 };
    g_assert_true (dr_import_paths (setup, paths, NULL, NULL, NULL, NULL, &stats, &error));
    g_assert_no_error (error);
  }

  State s = { .main_thread = g_thread_self () };
  g_autoptr (DrSession) session = dr_session_open (path, FALSE, &error);
  g_assert_no_error (error);
  s.session = session;
  DrProject *project = dr_session_get_project (session);
  g_signal_connect (session, "import-progress", G_CALLBACK (import_progress_cb), &s);
  g_signal_connect (session, "import-finished", G_CALLBACK (import_finished_cb), &s);
  g_signal_connect (session, "write-failed", G_CALLBACK (write_failed_cb), &s);

  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 2);
  const DrPhotoInfo *p0 = photos->pdata[0], *p1 = photos->pdata[1];
  s.stroke_photo = p0->id;

  /* One pseudo-random model, two workers. */
  NnUnet *model = NULL;
  NnError nn_error;
  g_assert_cmpint (nn_unet_new_random (7, &model, &nn_error), ==, NN_OK);
  const NnUnet *models[DR_N_DAMAGE_TYPES] = { model };
  const char *shas[DR_N_DAMAGE_TYPES] = { "0123456789abcdef0123456789abcdef"
                                          "0123456789abcdef0123456789abcdef" };
  const char *model_paths[DR_N_DAMAGE_TYPES] = { "/models/random.pt" };
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr (DrInferenceQueue) queue = dr_inference_queue_new (owner, models, shas, model_paths,
                                                               dr_test_overlay_factory (), 2,
                                                               &error);
  g_assert_no_error (error);
  DrInferenceRunner *runner = dr_inference_queue_get_runner (queue);
  g_signal_connect (runner, "job-started", G_CALLBACK (queue_started_cb), &s);
  g_signal_connect (runner, "job-done", G_CALLBACK (queue_result_cb), &s);
  g_signal_connect (runner, "batch-done", G_CALLBACK (queue_batch_done_cb), &s);

  g_autoptr (GPtrArray) items = dr_export_load_items (project, &error);
  g_assert_no_error (error);

  g_autoptr (DrEditWriter) writer = dr_edit_writer_new ();
  g_assert_true (dr_session_register_models (session, queue, writer, &error));
  g_assert_no_error (error);
  g_signal_connect (writer, "written", G_CALLBACK (stroke_written_cb), &s);
  g_signal_connect (writer, "failed", G_CALLBACK (stroke_failed_cb), &s);

  /* Everything starts together. */
  g_autoptr (GFile) second_file = g_file_new_for_path (second);
  dr_session_import (session, &second_file, 1);
  const char *third_paths[] = { third, NULL };
  dr_test_import_async (path, third_paths, NULL, NULL, task_progress_cb, &s, task_done_cb, &s);
  dr_inference_queue_add (queue, p0->id, p0->path, 1, 0);
  dr_inference_queue_add (queue, p1->id, p1->path, 1, 0);
  DrExportOptions options = { DR_EXPORT_FORMAT_BOTH, 0, 1, FALSE };
  dr_export_run_async (items, out, &options, export_progress_cb, &s, NULL, export_done_cb, &s);

  guint pushed = 0, turn = 0;
  const int mask_w = p0->width, mask_h = p0->height;
  g_autofree guint8 *mask = g_malloc ((gsize) mask_w * mask_h);
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (!all_done (&s, queue, writer, pushed))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (pushed < N_STROKES && ++turn % 4 == 0)
        {
          memset (mask, 0, (gsize) mask_w * mask_h);
          memset (mask, 1, (gsize) (pushed + 1) * mask_w);
          dr_edit_writer_push (writer, project, p0->id, DR_DAMAGE_SCRATCH, mask_w, mask_h, mask,
                               DR_REVISION_BRUSH, "Ann", NULL);
          pushed++;
        }
      g_main_context_iteration (NULL, FALSE);
      /* The window's own reads between frames. */
      g_assert_true (dr_session_reload (session, &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }
  /* The session's writer stores the last batch of results; wait for it by closing. */
  dr_inference_queue_stop (queue, -1);

  g_test_message ("import progress %u, import task progress %u, queue started %u, results %u, "
                  "batches %u, export progress %u, strokes written %u", s.import_progress,
                  s.task_progress, s.queue_started, s.queue_results, s.queue_batches,
                  s.export_progress, s.strokes_written);
  g_assert_cmpuint (s.import_progress, >, 0);
  g_assert_cmpuint (s.task_progress, ==, N_THIRD);
  g_assert_cmpuint (s.queue_started, ==, 2);
  g_assert_cmpuint (s.queue_batches, >, 0);
  g_assert_cmpuint (s.export_progress, >, 0);
  g_assert_cmpuint (s.strokes_written, ==, N_STROKES);

  g_signal_handlers_disconnect_by_data (session, &s);
  g_clear_object (&session);
  {
    g_autoptr (DrProject) check = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_autoptr (GPtrArray) all = dr_photo_list (check, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 2 + N_SECOND + N_THIRD);
    guint analysed = 0;
    for (guint i = 0; i < all->len; i++)
      analysed += ((const DrPhotoInfo *) all->pdata[i])->predicted & 1;
    g_assert_cmpuint (analysed, ==, 2);
  }
  g_clear_object (&queue);
  nn_unet_free (model);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/threads/reports-on-owner-thread", test_reports_on_owner_thread);
  return g_test_run ();
}
