/* test-report.c — dr_report_write_async as the window uses it, on the project report-fixture
 * writes (its path is argv[1]):
 *  - the report is written by a worker thread; every progress report and the completion run
 *    on the calling thread's main context, once per page, in page order; the file appears
 *    only when complete and the summary counts 1 + 2 pages for claim CLM-2026-0117;
 *  - a cancelled report (the cancellable is cancelled before the worker starts, so the
 *    outcome does not depend on thread timing) stops after its first page with
 *    G_IO_ERROR_CANCELLED and leaves no partial file; an earlier file of that name is kept;
 *  - a photo file that went missing fails with one line naming that file, leaving nothing;
 *  - an unknown claim fails with one line naming the project and the claim. */
#include <glib/gstdio.h>
#include <string.h>

#include "dr-report.h"
#include "dr-test-util.h"

static const char *fixture_path;

typedef struct {
  GMainLoop *loop;
  GThread *main_thread;
  GCancellable *cancellable;      /* may be NULL */
  guint calls;
  guint last_done;
  gboolean in_order;
  gboolean on_main_thread;
  gboolean ok;
  GError *error;
  DrReportSummary summary;
} Run;

/* Records a progress report: where it ran and whether pages came in order. */
static void
progress_cb (guint done, guint total, gpointer user_data)
{
  Run *run = user_data;
  run->on_main_thread &= g_thread_self () == run->main_thread;
  run->in_order &= done == run->last_done + 1 && done <= total;
  run->last_done = done;
  run->calls++;
}

/* Records the outcome and where it was delivered; ends the loop. */
static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  run->on_main_thread &= g_thread_self () == run->main_thread;
  run->ok = dr_report_write_finish (result, &run->summary, &run->error);
  g_main_loop_quit (run->loop);
}

/* Writes the report of @claims into @out with dr_report_write_async and waits for it. */
static void
run_report (Run *run, const char *project, const char *out, const char *const *claims)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->main_thread = g_thread_self ();
  run->in_order = run->on_main_thread = TRUE;
  DrReportOptions options = { DR_REPORT_PAPER_A4, claims, { 0, 0, 0, 0 }, "KRW" };
  dr_report_write_async (project, out, &options, progress_cb, run, run->cancellable, done_cb,
                         run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
}

/* A fresh fixture project in a temporary directory; returns the directory. */
static char *
make_fixture (char **project)
{
  g_autoptr (GError) error = NULL;
  char *dir = dr_test_make_tmpdir ();
  *project = g_build_filename (dir, "p.damagereview", NULL);
  g_autofree char *photos = g_build_filename (dir, "photos", NULL);
  const char *argv[] = { fixture_path, *project, photos, NULL };
  int status;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return dir;
}

/* Names in @dir that contain ".partial-". */
static guint
count_partial (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    n += strstr (name, ".partial-") != NULL;
  return n;
}

/* A whole report of one claim through the async API. */
static void
test_async (void)
{
  g_autofree char *project = NULL;
  g_autofree char *dir = make_fixture (&project);
  g_autofree char *out = g_build_filename (dir, "r.pdf", NULL);
  const char *claims[] = { "CLM-2026-0117", NULL };
  Run run = { 0 };
  run_report (&run, project, out, claims);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_true (run.on_main_thread);
  g_assert_true (run.in_order);
  g_assert_cmpuint (run.calls, ==, 3);
  g_assert_cmpuint (run.summary.n_pages, ==, 3);
  g_assert_cmpuint (run.summary.n_photos, ==, 2);
  g_assert_cmpuint (run.summary.n_claims, ==, 1);
  g_autofree char *pdf = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (out, &pdf, &len, NULL));
  g_assert_true (len > 1000 && memcmp (pdf, "%PDF-", 5) == 0);
  g_assert_nonnull (g_strstr_len (pdf + len - 64, 64, "%%EOF"));
  g_assert_cmpuint (count_partial (dir), ==, 0);
  dr_test_rmtree (dir);
}

/* A cancelled report keeps the earlier file and leaves no partial one. */
static void
test_cancel (void)
{
  g_autofree char *project = NULL;
  g_autofree char *dir = make_fixture (&project);
  g_autofree char *out = g_build_filename (dir, "r.pdf", NULL);
  g_assert_true (g_file_set_contents (out, "earlier report", -1, NULL));
  Run run = { 0 };
  run.cancellable = g_cancellable_new ();
  g_cancellable_cancel (run.cancellable);
  run_report (&run, project, out, NULL);
  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.calls, <=, 1);
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (out, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "earlier report");
  g_assert_cmpuint (count_partial (dir), ==, 0);
  g_clear_error (&run.error);
  g_object_unref (run.cancellable);
  dr_test_rmtree (dir);
}

/* A vanished photo and an unknown claim: one-line errors, nothing written. */
static void
test_missing_photo (void)
{
  g_autofree char *project = NULL;
  g_autofree char *dir = make_fixture (&project);
  g_autofree char *out = g_build_filename (dir, "r.pdf", NULL);
  g_autofree char *rear = g_build_filename (dir, "photos", "rear.png", NULL);
  g_assert_cmpint (g_unlink (rear), ==, 0);
  Run run = { 0 };
  run_report (&run, project, out, NULL);
  g_assert_false (run.ok);
  g_assert_nonnull (run.error);
  g_assert_nonnull (strstr (run.error->message, rear));
  g_assert_null (strchr (run.error->message, '\n'));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_partial (dir), ==, 0);
  g_clear_error (&run.error);

  const char *claims[] = { "CLM-2026-0117", "no such claim", NULL };
  Run unknown = { 0 };
  run_report (&unknown, project, out, claims);
  g_assert_false (unknown.ok);
  g_assert_nonnull (strstr (unknown.error->message, project));
  g_assert_nonnull (strstr (unknown.error->message, "no such claim"));
  g_assert_cmpuint (unknown.calls, ==, 0);
  g_clear_error (&unknown.error);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  fixture_path = argv[1];
  g_test_add_func ("/report/async", test_async);
  g_test_add_func ("/report/cancel", test_cancel);
  g_test_add_func ("/report/missing-photo", test_missing_photo);
  return g_test_run ();
}
