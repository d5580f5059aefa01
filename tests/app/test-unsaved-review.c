/* test-unsaved-review.c — GUI test (Xvfb) of review work that cannot be written yet.
 *
 * Another connection holds the project's write lock, so a brush stroke on the Crushed layer
 * cannot be stored and stays unsaved. Then:
 * - the side panel's Crushed area must count the pixels of the mask on the canvas (the
 *   prediction plus the stroke, counted by hand below), not the stored prediction;
 * - a verdict given meanwhile ("rejected" on Crushed, "none" on Breakage) must be kept and
 *   shown (the review bar's state, the unsaved mark, the panel's area 0 for the rejected
 *   layer) instead of refused;
 * - once the lock is gone, Retry writes the stroke and then both verdicts, by the named
 *   reviewer, measured on the stroke's revision: read back from the file by a fresh
 *   connection.
 * Runs with G_DEBUG=fatal-warnings. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dr-prediction.h"
#include "dr-resources.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-window.h"
#include "gui-loop.h"

#define PHOTO_W 320
#define PHOTO_H 240
#define REVIEWER "Unsaved Reviewer"

/* The prediction: the rectangle [40, 80) × [40, 100) of Crushed. */
static gboolean
in_prediction (int x, int y)
{
  return x >= 40 && x < 80 && y >= 40 && y < 100;
}

/* The stroke: a 10 px round brush from (100.5, 60.5) to (200.5, 60.5); a pixel is in it when
 * its centre is within 5 of that segment. */
static gboolean
in_stroke (int x, int y)
{
  double cx = x + 0.5, cy = y + 0.5, dy = cy - 60.5;
  if (cx >= 100.5 && cx <= 200.5)
    return dy * dy <= 25;
  double ex = cx < 100.5 ? cx - 100.5 : cx - 200.5;
  return ex * ex + dy * dy <= 25;
}

static void
make_photo (const char *path)
{
  g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, PHOTO_W, PHOTO_H);
  guint8 *px = gdk_pixbuf_get_pixels (pb);
  int stride = gdk_pixbuf_get_rowstride (pb);
  for (int y = 0; y < PHOTO_H; y++)
    for (int x = 0; x < PHOTO_W; x++)
      {
        guint8 *p = px + y * stride + x * 3;
        p[0] = (guint8) (x * 255 / PHOTO_W);
        p[1] = (guint8) (y * 255 / PHOTO_H);
        p[2] = 120;
      }
  g_autoptr (GError) error = NULL;
  g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, "quality", "92", NULL));
}

static gboolean
photo_imported (gpointer data)
{
  DrSession *session = dr_window_get_session (data);
  return session != NULL && g_list_model_get_n_items (dr_session_get_items (session)) == 1 &&
         !dr_session_is_importing (session);
}

static DrEditSession *
editor_of (DrWindow *window)
{
  return dr_review_controller_get_edit_session (dr_window_get_review (window));
}

static gboolean
writes_finished (gpointer data)
{
  return !dr_edit_session_is_writing (editor_of (data));
}

static void
activate (DrWindow *window, const char *action, GVariant *param)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), action, param);
  gui_settle (10, 2000);
}

/* The text of every label under the window's template child id, joined by " | ". */
static char *
labels_of (DrWindow *window, const char *id)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                               DR_TYPE_WINDOW, id));
  g_assert_nonnull (root);
  GString *out = g_string_new (NULL);
  GPtrArray *stack = g_ptr_array_new ();
  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w))
        g_string_append_printf (out, "%s | ", gtk_label_get_text (GTK_LABEL (w)));
      for (GtkWidget *c = gtk_widget_get_last_child (w); c; c = gtk_widget_get_prev_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_free (stack, TRUE);
  return g_string_free (out, FALSE);
}

/* Fails unless the panel's row of Crushed (its name, then its area) reads "N pixels". */
static void
assert_crushed_area (DrWindow *window, gsize n)
{
  g_autofree char *panel = labels_of (window, "legend");
  g_autofree char *want = g_strdup_printf ("Crushed | %" G_GSIZE_FORMAT " pixels | ", n);
  if (strstr (panel, want) == NULL)
    g_error ("the side panel does not show \"%s\"; it shows: %s", want, panel);
}

static DrReview *
stored_review (const char *path, gint64 photo_id, DrDamage d)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  DrReview *review = dr_review_get_current (other, photo_id, d, &error);
  g_assert_no_error (error);
  return review;
}

static void
test_unsaved_stroke_and_verdicts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-unsaved-XXXXXX", NULL);
  g_autofree char *photos = g_build_filename (dir, "claim-3", NULL);
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  g_autofree char *photo = g_build_filename (photos, "door.jpg", NULL);
  make_photo (photo);
  g_autofree char *path = g_build_filename (dir, "unsaved.damagereview", NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "reviewer-name", REVIEWER);

  DrWindow *window = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (dr_window_open_project (window, path, TRUE));
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (window, &folder, 1);
  gui_wait_for (photo_imported, window, 60, "the photo to be imported");
  gui_settle (10, 2000);

  GListModel *items = dr_session_get_items (dr_window_get_session (window));
  g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, 0);
  gint64 photo_id = dr_photo_item_get_id (item);
  gsize pred_area = 0, final_area = 0, stroke_only = 0;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_autofree guint8 *pred = g_malloc0 ((gsize) PHOTO_W * PHOTO_H);
    for (int y = 0; y < PHOTO_H; y++)
      for (int x = 0; x < PHOTO_W; x++)
        {
          pred[(gsize) y * PHOTO_W + x] = (guint8) in_prediction (x, y);
          pred_area += in_prediction (x, y);
          final_area += in_prediction (x, y) || in_stroke (x, y);
          stroke_only += in_stroke (x, y) && !in_prediction (x, y);
        }
    g_autoptr (DrRle) rle = dr_rle_new_from_mask (pred, PHOTO_H, PHOTO_W, &error);
    g_autofree char *rle_str = dr_rle_to_string (rle);
    const char *sha = "2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    g_assert_true (dr_prediction_set_current_model (other, DR_DAMAGE_CRUSHED, sha, "/c.pt",
                                                    "crushed", &error));
    g_assert_true (dr_prediction_store (other, photo_id, DR_DAMAGE_CRUSHED, sha, rle_str, 0.9,
                                        &error));
    g_assert_no_error (error);
  }
  /* Hand count: 40 × 60 predicted; the stroke's body is 11 rows × 101 columns plus caps. */
  g_assert_cmpuint (pred_area, ==, 2400);
  g_assert_cmpuint (stroke_only, >, 11 * 100);

  g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (window), item));
  gui_settle (10, 2000);
  activate (window, "edit-layer", g_variant_new_int32 (DR_DAMAGE_CRUSHED));
  activate (window, "tool", g_variant_new_string ("brush"));
  DrEditTool *tool = dr_review_controller_get_edit_tool (dr_window_get_review (window));
  dr_edit_tool_set_brush_size (tool, 10);

  DrReviewBar *bar = DR_REVIEW_BAR (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                   DR_TYPE_WINDOW,
                                                                   "review_bar"));
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) locker = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_begin (locker, &error));

  dr_edit_tool_press (tool, 100.5, 60.5, 0);
  dr_edit_tool_drag (tool, 150.5, 60.5);
  dr_edit_tool_drag (tool, 200.5, 60.5);
  dr_edit_tool_release (tool, 200.5, 60.5);
  gui_wait_for (writes_finished, window, 60, "the stroke's write to fail");
  gui_settle (10, 2000);
  g_assert_true (dr_edit_session_has_unsaved (editor_of (window)));
  g_assert_true (dr_review_bar_get_unsaved (bar));
  /* The panel counts what the canvas shows. */
  assert_crushed_area (window, final_area);

  /* A verdict given now is kept and shown, not refused. */
  activate (window, "verdict", g_variant_new_string ("rejected"));
  {
    g_autofree char *shown = labels_of (window, "review_bar");
    if (strstr (shown, "Rejected: false positive") == NULL)
      g_error ("the kept verdict is not shown; the review bar shows: %s", shown);
    /* Its numbers are measured when it is written; the layer has a prediction. */
    if (strstr (shown, "No prediction to compare") != NULL)
      g_error ("the kept verdict claims there is no prediction: %s", shown);
  }
  g_assert_true (dr_review_bar_get_unsaved (bar));
  assert_crushed_area (window, 0);
  activate (window, "edit-layer", g_variant_new_int32 (DR_DAMAGE_BREAKAGE));
  activate (window, "verdict", g_variant_new_string ("none"));
  g_assert_true (dr_review_controller_has_unsaved (dr_window_get_review (window)));
  {
    g_autoptr (DrReview) none_yet = stored_review (path, photo_id, DR_DAMAGE_BREAKAGE);
    g_assert_null (none_yet);
  }

  /* The lock goes; Retry writes the stroke, then the two verdicts. */
  dr_project_rollback (locker);
  activate (window, "retry-save", NULL);
  g_assert_false (dr_review_controller_has_unsaved (dr_window_get_review (window)));
  g_assert_false (dr_review_bar_get_unsaved (bar));
  g_autoptr (DrRevision) head = NULL;
  {
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    head = dr_revision_get_head (other, photo_id, DR_DAMAGE_CRUSHED, &error);
    g_assert_no_error (error);
  }
  g_assert_nonnull (head);
  g_assert_cmpint (head->kind, ==, DR_REVISION_BRUSH);
  g_autoptr (DrReview) rejected = stored_review (path, photo_id, DR_DAMAGE_CRUSHED);
  g_assert_nonnull (rejected);
  g_assert_cmpint (rejected->verdict, ==, DR_VERDICT_REJECTED);
  g_assert_cmpstr (rejected->author, ==, REVIEWER);
  g_assert_cmpint (rejected->revision_id, ==, head->id);
  /* A false positive's final mask is empty: every predicted pixel removed, none added. */
  g_assert_cmpint (rejected->px_removed, ==, (gint64) pred_area);
  g_assert_cmpint (rejected->px_added, ==, 0);
  g_autoptr (DrReview) none = stored_review (path, photo_id, DR_DAMAGE_BREAKAGE);
  g_assert_nonnull (none);
  g_assert_cmpint (none->verdict, ==, DR_VERDICT_NONE);
  g_assert_cmpstr (none->author, ==, REVIEWER);
  /* Saved, the panel shows the stored areas: the rejected layer is empty. */
  assert_crushed_area (window, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  gui_settle (10, 2000);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("dr-gui-unsaved-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_func ("/app/unsaved-review/stroke-and-verdicts", test_unsaved_stroke_and_verdicts);
  return g_test_run ();
}
