/* test-window-width.c — the window holds still while a reviewer works (issue 15, item 3).
 *
 * Opens a project with two photos in a real DrWindow at 1280 px under Xvfb and gives ten
 * verdicts on different layers (the longest verdict names included), shows long toasts, paints
 * a stroke and undoes and redoes it, makes a write fail and retries it, and clicks Fill where
 * no outline encloses the spot (refused: nothing stored; Fill disarms on the next photo). The
 * brush size chosen holds on the next photo and after a restart. After each step the window, the canvas and the canvas's
 * fit zoom must be exactly what they were before the first verdict: anything that grows with
 * its text (verdict labels, IoU numbers, toasts, the unsaved mark) would widen the window and move the photo
 * under the pointer; and the side panel's height: a verdict line appearing under a damage type
 * would move every row below it. Runs with G_DEBUG=fatal-warnings. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "dr-resources.h"
#include "dr-window.h"
#include "gui-loop.h"

#define PHOTO_W 320
#define PHOTO_H 240

/* Writes two plain JPEGs into dir. */
/* The window's edit session (public accessors only). */
static DrEditSession *
editor_of (DrWindow *window)
{
  return dr_review_controller_get_edit_session (dr_window_get_review (window));
}

/* The window's edit tool. */
static DrEditTool *
tool_of (DrWindow *window)
{
  return dr_review_controller_get_edit_tool (dr_window_get_review (window));
}

static void
make_photos (const char *dir)
{
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, PHOTO_W, PHOTO_H);
      gdk_pixbuf_fill (pb, 0x40608000u + (guint) k * 0x20000000u);
      g_autofree char *name = g_strdup_printf ("a-rather-long-photo-name-from-claim-%d.jpg", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, NULL));
    }
}

static gboolean
photos_imported (gpointer data)
{
  DrWindow *w = data;
  DrSession *session = dr_window_get_session (w);
  return session != NULL && g_list_model_get_n_items (dr_session_get_items (session)) == 2
         && !dr_session_is_importing (session);
}

/* Revisions stored in the project, read through a connection of its own. */
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

static gboolean
writes_finished (gpointer data)
{
  return !dr_edit_session_is_writing (editor_of (DR_WINDOW (data)));
}

typedef struct {
  int window_w, canvas_w, canvas_h, legend_h;
  double scale;
} Geometry;

/* The side panel's natural height at its width: grows when a row gains a line. */
static int
legend_height (DrWindow *w)
{
  GtkWidget *legend = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (w), DR_TYPE_WINDOW,
                                                                 "legend"));
  int min = 0, nat = 0;
  gtk_widget_measure (legend, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (legend), &min,
                      &nat, NULL, NULL);
  return nat;
}

static Geometry
geometry_of (DrWindow *w)
{
  Geometry g = {
    gtk_widget_get_width (GTK_WIDGET (w)),
    gtk_widget_get_width (GTK_WIDGET (dr_window_get_canvas (w))),
    gtk_widget_get_height (GTK_WIDGET (dr_window_get_canvas (w))),
    legend_height (w),
    dr_canvas_get_scale (dr_window_get_canvas (w)),
  };
  return g;
}

/* Fails with the step's name when the window, canvas or fit zoom moved. */
static void
check_still (DrWindow *w, const Geometry *before, const char *step)
{
  gui_settle (30, 5000);
  Geometry now = geometry_of (w);
  g_test_message ("%s: window %d, canvas %d × %d, zoom %.4f, side panel %d high", step,
                  now.window_w, now.canvas_w, now.canvas_h, now.scale, now.legend_h);
  if (now.window_w != before->window_w || now.canvas_w != before->canvas_w
      || now.canvas_h != before->canvas_h || now.scale != before->scale
      || now.legend_h != before->legend_h)
    g_error ("after %s the window is %d px wide (was %d), the canvas %d × %d (was %d × %d), "
             "zoom %.4f (was %.4f), the side panel %d px high (was %d)", step, now.window_w,
             before->window_w, now.canvas_w, now.canvas_h, before->canvas_w, before->canvas_h,
             now.scale, before->scale, now.legend_h, before->legend_h);
}

static void
activate (DrWindow *w, const char *action, GVariant *param)
{
  g_action_group_activate_action (G_ACTION_GROUP (w), action, param);
}

static void
test_width_constant (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-width-XXXXXX", NULL);
  g_autofree char *photos = g_build_filename (dir, "claim-with-a-long-folder-name", NULL);
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  make_photos (photos);
  g_autofree char *path = g_build_filename (dir, "width.damagereview", NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "reviewer-name", "Reviewer With A Fairly Long Name");

  DrWindow *w = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (w), 1280, 800);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (dr_window_open_project (w, path, TRUE));
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (w, &folder, 1);
  gui_wait_for (photos_imported, w, 60, "the photos to be imported");
  GListModel *visible = dr_photo_list_get_visible (dr_window_get_photo_list (w));
  g_autoptr (DrPhotoItem) first = g_list_model_get_item (visible, 0);
  g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (w), first));
  gui_settle (30, 5000);
  gui_settle (30, 5000);
  Geometry before = geometry_of (w);
  g_test_message ("before: window %d, canvas %d × %d, zoom %.4f", before.window_w,
                  before.canvas_w, before.canvas_h, before.scale);
  g_assert_cmpint (before.window_w, <=, 1280);

  /* Ten verdicts, each on its own layer of the two photos, all five kinds. */
  static const char *const verdicts[] = { "accepted", "rejected", "none", "added", "corrected" };
  for (int i = 0; i < 10; i++)
    {
      if (i == 4)
        {
          g_autoptr (DrPhotoItem) second = g_list_model_get_item (visible, 1);
          g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (w), second));
          gui_settle (30, 5000);
        }
      activate (w, "edit-layer", g_variant_new_int32 (i % DR_N_DAMAGE));
      activate (w, "verdict", g_variant_new_string (verdicts[i % G_N_ELEMENTS (verdicts)]));
      g_autofree char *step = g_strdup_printf ("verdict %d (%s)", i + 1,
                                               verdicts[i % G_N_ELEMENTS (verdicts)]);
      check_still (w, &before, step);
    }

  dr_window_toast (w, "Added 40 photos from a folder with a very long name indeed, so that "
                      "this toast is wider than anything else in the window's bottom half");
  check_still (w, &before, "a long toast");

  activate (w, "tool", g_variant_new_string ("brush"));
  dr_edit_tool_set_brush_size (tool_of (w), 12);
  dr_edit_tool_press (tool_of (w), 20.5, 20.5, 0);
  dr_edit_tool_drag (tool_of (w), 150.5, 100.5);
  dr_edit_tool_release (tool_of (w), 150.5, 100.5);
  gui_wait_for (writes_finished, w, 30, "the stroke to be written");
  check_still (w, &before, "a stroke");
  activate (w, "undo", NULL);
  check_still (w, &before, "undo");
  activate (w, "redo", NULL);
  check_still (w, &before, "redo");

  /* A write that fails (another connection holds the write lock past the 5 s busy timeout)
   * shows "Not saved" with Retry and a toast; Retry saves once the lock is gone. */
  sqlite3 *locker = NULL;
  g_assert_cmpint (sqlite3_open (path, &locker), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (locker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  dr_edit_tool_press (tool_of (w), 30.5, 150.5, 0);
  dr_edit_tool_drag (tool_of (w), 200.5, 180.5);
  dr_edit_tool_release (tool_of (w), 200.5, 180.5);
  gui_wait_for (writes_finished, w, 30, "the stroke's write to fail");
  g_assert_true (dr_edit_session_has_unsaved (editor_of (w)));
  check_still (w, &before, "a failed write (unsaved, Retry)");
  g_assert_cmpint (sqlite3_exec (locker, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (locker);
  activate (w, "retry-save", NULL);
  g_assert_false (dr_edit_session_has_unsaved (editor_of (w)));
  check_still (w, &before, "retry");

  /* Fill clicked where no outline encloses the spot would flood the whole photo: refused,
   * nothing stored, and the refusal's toast moves nothing. Fill then disarms on the next
   * photo. */
  gint64 n_before = count_revisions (path);
  activate (w, "tool", g_variant_new_string ("fill"));
  dr_edit_tool_press (tool_of (w), 300.5, 5.5, 0);
  dr_edit_tool_release (tool_of (w), 300.5, 5.5);
  gui_wait_for (writes_finished, w, 30, "nothing to be written");
  check_still (w, &before, "a refused fill");
  g_assert_cmpint (count_revisions (path), ==, n_before);
  g_assert_cmpint (dr_edit_tool_get_kind (tool_of (w)), ==, DR_TOOL_FILL);
  g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (w), first));
  gui_settle (30, 5000);
  g_assert_cmpint (dr_edit_tool_get_kind (tool_of (w)), ==, DR_TOOL_NONE);
  /* The brush size chosen above holds on the other photo ... */
  g_assert_cmpfloat (dr_edit_tool_get_brush_size (tool_of (w)), ==, 12);
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);

  /* ... and after a restart. */
  w = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (dr_window_open_project (w, path, FALSE));
  gui_settle (30, 5000);
  g_assert_cmpfloat (dr_edit_tool_get_brush_size (tool_of (w)), ==, 12);
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("dr-gui-width-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_func ("/app/window-width/constant", test_width_constant);
  return g_test_run ();
}
