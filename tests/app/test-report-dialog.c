/* test-report-dialog.c — "Export Claim Report…" on the project report-fixture writes (the
 * fixture's path is argv[1]; needs a display):
 *  - opened for claim CLM-2026-0117, the dialog writes that claim only: pdfinfo (poppler)
 *    counts 1 + 2 pages, while the main loop kept running (a timeout fired during the write)
 *    and the window's own connection stays usable;
 *  - closing the dialog during a report cancels it: the dialog goes away once the worker has
 *    cleaned up, and neither the PDF nor a partial file is left. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "dr-claim.h"
#include "dr-report-dialog.h"

static const char *fixture_path;

/* Counts main-loop ticks while the report is written. */
static gboolean
tick_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @done is TRUE or 60 s have passed. */
static void
spin_until (const gboolean *done)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!*done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (*done);
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

/* Sets the flag when the dialog is destroyed. */
static void
destroyed_cb (GtkWidget *widget, gboolean *flag)
{
  *flag = TRUE;
}

/* Polls for the finished report: the file exists and no partial file is left. */
static gboolean
poll_file_cb (gpointer user_data)
{
  const char *const *args = user_data;
  gboolean *done = (gboolean *) (gpointer) args[2];
  *done = g_file_test (args[0], G_FILE_TEST_EXISTS) && count_partial (args[1]) == 0;
  return *done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  gtk_init ();
  adw_init ();
  g_assert_cmpint (argc, ==, 2);
  fixture_path = argv[1];
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-report-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *project_path = g_build_filename (dir, "p.damagereview", NULL);
  g_autofree char *photos = g_build_filename (dir, "photos", NULL);
  const char *fixture[] = { fixture_path, project_path, photos, NULL };
  int status;
  g_spawn_sync (NULL, (char **) fixture, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autoptr (DrProject) project = dr_project_open (project_path, DR_PROJECT_OPEN_EXISTING,
                                                   &error);
  g_assert_no_error (error);
  GtkWidget *parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));

  /* (1) The shown photo's claim only, written while the main loop runs. */
  g_autofree char *out = g_build_filename (dir, "claim.pdf", NULL);
  DrReportDialog *dialog = dr_report_dialog_present (GTK_WINDOW (parent), project,
                                                     "CLM-2026-0117");
  g_autoptr (GFile) file = g_file_new_for_path (out);
  guint ticks = 0;
  guint tick = g_timeout_add (5, tick_cb, &ticks);
  gboolean written = FALSE;
  const char *args[] = { out, dir, (const char *) &written };
  g_timeout_add (10, poll_file_cb, args);
  dr_report_dialog_export_to (dialog, file);
  spin_until (&written);
  g_source_remove (tick);
  g_assert_cmpuint (ticks, >, 0);
  const char *pdfinfo[] = { "pdfinfo", out, NULL };
  g_autofree char *info = NULL;
  g_spawn_sync (NULL, (char **) pdfinfo, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &info, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (info, "\nPages:           3\n"));
  g_autoptr (GPtrArray) claims = dr_claim_list (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claims->len, ==, 2);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* (2) Closing during a report cancels it and leaves nothing. */
  g_autofree char *cancelled = g_build_filename (dir, "cancelled.pdf", NULL);
  g_autoptr (GFile) cancelled_file = g_file_new_for_path (cancelled);
  dialog = dr_report_dialog_present (GTK_WINDOW (parent), project, NULL);
  gboolean gone = FALSE;
  g_signal_connect (dialog, "destroy", G_CALLBACK (destroyed_cb), &gone);
  dr_report_dialog_export_to (dialog, cancelled_file);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_false (gone);
  spin_until (&gone);
  g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_partial (dir), ==, 0);

  gtk_window_destroy (GTK_WINDOW (parent));
  g_unlink (out);
  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (rm), ==, 0);
  return 0;
}
