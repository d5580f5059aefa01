/* test-review-edit.c — GUI test of mask editing, undo and verdicts under Xvfb.
 *
 * Opens a project in a real DrWindow, imports two generated photos, stores a known
 * prediction (a rectangle on the Crushed layer) through a second connection, selects the
 * Crushed layer and the brush through the window's actions and paints one stroke through the
 * tool's pointer API (what the drag gesture calls). Then it reopens the project file with
 * the store API and checks what was committed: one revision by the named reviewer whose
 * mask is the prediction plus exactly the pixels a 10 px hard brush covers (worked out by
 * hand below), the other three layers without any revision. Undo and redo go through the
 * window's actions and are checked in the file again. The automatic verdict ("corrected"),
 * a reject key and its IoU / pixel counts are checked against the hand count. Finally a
 * write lock held by another connection makes a stroke fail: the window must keep it as
 * unsaved (shown in the bar), and Retry must write it once the lock is gone. Reopened, undo
 * on a layer without history names the layer that has some instead of doing nothing. Runs with
 * G_DEBUG=fatal-warnings. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-resources.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-window.h"
#include "gui-loop.h"

#define PHOTO_W 320
#define PHOTO_H 240
#define REVIEWER "Test Reviewer"

/* The prediction: the rectangle [40, 80) × [40, 100) of Crushed. */
#define PRED_X0 40
#define PRED_X1 80
#define PRED_Y0 40
#define PRED_Y1 100

/* Writes two smooth JPEGs into dir. */
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

/* The window's review bar, by its id in the window's template. */
static DrReviewBar *
review_bar_of (DrWindow *window)
{
  return DR_REVIEW_BAR (gtk_widget_get_template_child (GTK_WIDGET (window), DR_TYPE_WINDOW,
                                                       "review_bar"));
}

/* The window's toast overlay, by its id in the window's template. */
static GtkWidget *
toasts_of (DrWindow *window)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DR_TYPE_WINDOW,
                                                    "toast_overlay"));
}

static void
make_photos (const char *dir)
{
  for (int k = 0; k < 2; k++)
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
            p[2] = (guint8) (80 + 60 * k);
          }
      g_autofree char *name = g_strdup_printf ("photo-%d.jpg", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, "quality", "92", NULL));
    }
}

typedef struct {
  DrWindow *window;
  GListModel *items;
} Fixture;

static gboolean
photos_imported (gpointer data)
{
  Fixture *f = data;
  return dr_window_get_session (f->window) != NULL &&
         g_list_model_get_n_items (dr_session_get_items (dr_window_get_session (f->window))) == 2 &&
         !dr_session_is_importing (dr_window_get_session (f->window));
}

/* The head mask of one layer, decoded from the project file by a fresh connection; NULL
 * when the layer has no revision. */
static guint8 *
head_mask (const char *path, gint64 photo_id, DrDamage d, DrRevision **out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (DrRevision) head = dr_revision_get_head (project, photo_id, d, &error);
  g_assert_no_error (error);
  if (head == NULL)
    return NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_string (head->rle, PHOTO_H, PHOTO_W, &error);
  g_assert_no_error (error);
  guint8 *mask = g_malloc ((gsize) PHOTO_W * PHOTO_H);
  dr_rle_to_mask (rle, mask);
  if (out)
    *out = g_steal_pointer (&head);
  return mask;
}

/* Whether pixel (x, y) is in the prediction rectangle. */
static gboolean
in_prediction (int x, int y)
{
  return x >= PRED_X0 && x < PRED_X1 && y >= PRED_Y0 && y < PRED_Y1;
}

/* The stroke painted below: a 10 px brush from (100.5, 60.5) to (200.5, 60.5). A pixel is
 * inside when its centre (x + .5, y + .5) is within 5 of that segment: rows 55 … 65 between
 * the end caps (|dy| ≤ 5 → y + .5 ∈ [55.5, 65.5]), plus the round caps, whose pixels satisfy
 * (x + .5 − 100.5)² + dy² ≤ 25 (or around 200.5). */
static gboolean
in_stroke (int x, int y)
{
  double cx = x + 0.5, cy = y + 0.5, dy = cy - 60.5;
  if (cx >= 100.5 && cx <= 200.5)
    return dy * dy <= 25;
  double ex = cx < 100.5 ? cx - 100.5 : cx - 200.5;
  return ex * ex + dy * dy <= 25;
}

/* Appends the text of every label under widget to out, separated by " | ". */
static void
collect_labels (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s | ", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

/* Fails naming every label under widget (shown, mapped) whose text is cut by ellipsizing. */
static void
assert_nothing_cut (GtkWidget *widget)
{
  g_autoptr (GString) cut = g_string_new (NULL);
  GPtrArray *stack = g_ptr_array_new ();
  g_ptr_array_add (stack, widget);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (!gtk_widget_get_mapped (w))
        continue;
      if (GTK_IS_LABEL (w) && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (w))))
        g_string_append_printf (cut, "\"%s\" ", gtk_label_get_text (GTK_LABEL (w)));
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_free (stack, TRUE);
  if (cut->len > 0)
    g_error ("cut in the review bar: %s", cut->str);
}

static void
activate (Fixture *f, const char *action, GVariant *param)
{
  g_action_group_activate_action (G_ACTION_GROUP (f->window), action, param);
  gui_settle (10, 2000);
}

/* TRUE once the editor's background writer has nothing left to write (or has stalled). */
static gboolean
writes_finished (gpointer data)
{
  Fixture *f = data;
  return !dr_edit_session_is_writing (editor_of (f->window));
}

/* One brush stroke through the tool's pointer API; returns once its write is finished. */
static void
stroke (Fixture *f, double x0, double y0, double x1, double y1)
{
  DrEditTool *tool = tool_of (f->window);
  dr_edit_tool_press (tool, x0, y0, 0);
  dr_edit_tool_drag (tool, (x0 + x1) / 2, (y0 + y1) / 2);
  dr_edit_tool_drag (tool, x1, y1);
  dr_edit_tool_release (tool, x1, y1);
  gui_wait_for (writes_finished, f, 30, "the stroke to be written");
  gui_settle (10, 2000);
}

static void
test_edit_undo_verdict (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-edit-XXXXXX", NULL);
  g_autofree char *photos = g_build_filename (dir, "claim-7", NULL);
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  make_photos (photos);
  g_autofree char *path = g_build_filename (dir, "test.damagereview", NULL);

  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "reviewer-name", REVIEWER);

  Fixture f = { 0 };
  f.window = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (dr_window_open_project (f.window, path, TRUE));
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (f.window, &folder, 1);
  gui_wait_for (photos_imported, &f, 60, "the photos to be imported");
  gui_settle (10, 2000);

  /* A known prediction on the Crushed layer of the first photo, from another connection. */
  f.items = dr_session_get_items (dr_window_get_session (f.window));
  g_autoptr (DrPhotoItem) item = g_list_model_get_item (f.items, 0);
  gint64 photo_id = dr_photo_item_get_id (item);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_autofree guint8 *pred = g_malloc0 ((gsize) PHOTO_W * PHOTO_H);
    for (int y = 0; y < PHOTO_H; y++)
      for (int x = 0; x < PHOTO_W; x++)
        pred[(gsize) y * PHOTO_W + x] = (guint8) in_prediction (x, y);
    g_autoptr (DrRle) rle = dr_rle_new_from_mask (pred, PHOTO_H, PHOTO_W, &error);
    g_assert_no_error (error);
    g_autofree char *rle_str = dr_rle_to_string (rle);
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    g_assert_true (dr_prediction_set_current_model (other, DR_DAMAGE_CRUSHED, sha, "/m.pt",
                                                    "crushed", &error));
    g_assert_true (dr_prediction_store (other, photo_id, DR_DAMAGE_CRUSHED, sha, rle_str, 0.9,
                                        &error));
    g_assert_no_error (error);
  }

  g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (f.window), item));
  gui_settle (10, 2000);
  g_assert_cmpint (dr_edit_session_get_photo_id (editor_of (f.window)), ==, photo_id);

  /* Layer and tool through the window's actions, as the keys Alt+3 and B do. */
  activate (&f, "edit-layer", g_variant_new_int32 (DR_DAMAGE_CRUSHED));
  g_assert_cmpint (dr_edit_session_get_damage (editor_of (f.window)), ==, DR_DAMAGE_CRUSHED);
  activate (&f, "tool", g_variant_new_string ("brush"));
  g_assert_cmpint (dr_edit_tool_get_kind (tool_of (f.window)), ==, DR_TOOL_BRUSH);
  dr_edit_tool_set_brush_size (tool_of (f.window), 10);
  double scale_before = dr_canvas_get_scale (dr_window_get_canvas (f.window));
  g_test_message ("canvas before: %d x %d",
                  gtk_widget_get_width (GTK_WIDGET (dr_window_get_canvas (f.window))),
                  gtk_widget_get_height (GTK_WIDGET (dr_window_get_canvas (f.window))));

  stroke (&f, 100.5, 60.5, 200.5, 60.5);
  g_test_message ("stroke on %d×%d: main thread %.2f ms, stored after %.2f ms", PHOTO_W,
                  PHOTO_H, dr_edit_session_get_last_commit_us (editor_of (f.window)) / 1000.0,
                  dr_edit_session_get_last_write_ms (editor_of (f.window)));
  g_assert_false (dr_edit_session_has_unsaved (editor_of (f.window)));
  /* Switching tool and layer did not touch the zoom. */
  if (dr_canvas_get_scale (dr_window_get_canvas (f.window)) != scale_before)
    g_error ("zoom changed from %g to %g; canvas now %d × %d", scale_before,
             dr_canvas_get_scale (dr_window_get_canvas (f.window)),
             gtk_widget_get_width (GTK_WIDGET (dr_window_get_canvas (f.window))),
             gtk_widget_get_height (GTK_WIDGET (dr_window_get_canvas (f.window))));

  /* The file holds one revision: prediction ∪ stroke, by the reviewer; nothing else. */
  gsize expected_area = 0, stroke_only = 0;
  {
    g_autoptr (DrRevision) head = NULL;
    g_autofree guint8 *mask = head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &head);
    g_assert_nonnull (mask);
    g_assert_cmpstr (head->author, ==, REVIEWER);
    g_assert_cmpint (head->kind, ==, DR_REVISION_BRUSH);
    g_assert_cmpint (head->parent_id, ==, 0);
    for (int y = 0; y < PHOTO_H; y++)
      for (int x = 0; x < PHOTO_W; x++)
        {
          gboolean want = in_prediction (x, y) || in_stroke (x, y);
          if (mask[(gsize) y * PHOTO_W + x] != want)
            g_error ("pixel (%d, %d) is %d, expected %d", x, y, mask[(gsize) y * PHOTO_W + x], want);
          expected_area += want;
          stroke_only += want && !in_prediction (x, y);
        }
    /* Hand check of the geometry: the body spans rows 55 … 65 (11 rows). */
    g_assert_true (in_stroke (150, 55) && in_stroke (150, 65));
    g_assert_false (in_stroke (150, 54) || in_stroke (150, 66));
    for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
      if (d != DR_DAMAGE_CRUSHED)
        g_assert_null (head_mask (path, photo_id, d, NULL));
  }

  /* The edit set "corrected" automatically, with IoU and pixel counts of the hand count. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autoptr (DrReview) review = dr_review_get_current (other, photo_id, DR_DAMAGE_CRUSHED,
                                                         &error);
    g_assert_no_error (error);
    g_assert_nonnull (review);
    g_assert_cmpint (review->verdict, ==, DR_VERDICT_CORRECTED);
    g_assert_cmpstr (review->author, ==, REVIEWER);
    gsize pred_area = (PRED_X1 - PRED_X0) * (PRED_Y1 - PRED_Y0);
    g_assert_cmpint (review->px_added, ==, (gint64) stroke_only);
    g_assert_cmpint (review->px_removed, ==, 0);
    g_assert_cmpfloat_with_epsilon (review->iou, (double) pred_area / expected_area, 1e-9);
  }

  /* The bar shows the numbers and the note's placeholder whole. */
  assert_nothing_cut (GTK_WIDGET (review_bar_of (f.window)));

  /* Undo through the window: the head goes back to the prediction, in the file. */
  activate (&f, "undo", NULL);
  g_assert_null (head_mask (path, photo_id, DR_DAMAGE_CRUSHED, NULL));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autoptr (DrReview) review = dr_review_get_current (other, photo_id, DR_DAMAGE_CRUSHED, NULL);
    /* Back to the prediction: the automatic verdict is withdrawn. */
    g_assert_nonnull (review);
    g_assert_cmpint (review->verdict, ==, DR_VERDICT_UNREVIEWED);
  }
  /* Redo brings the same revision back. */
  activate (&f, "redo", NULL);
  {
    g_autoptr (DrRevision) head = NULL;
    g_autofree guint8 *mask = head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &head);
    g_assert_nonnull (mask);
    gsize area = 0;
    for (gsize i = 0; i < (gsize) PHOTO_W * PHOTO_H; i++)
      area += mask[i];
    g_assert_cmpuint (area, ==, expected_area);
  }

  /* The reject key records "rejected" by the reviewer. A false positive's final mask is
   * empty (as the export writes it): IoU 0, every predicted pixel removed, the layer shows
   * nothing, on the canvas and in the photo's areas. */
  /* The layer is hidden first: giving it a verdict shows it again. */
  g_action_group_change_action_state (G_ACTION_GROUP (f.window), "overlay-2",
                                      g_variant_new_boolean (FALSE));
  activate (&f, "verdict", g_variant_new_string ("rejected"));
  {
    g_autoptr (GVariant) shown = g_action_group_get_action_state (G_ACTION_GROUP (f.window),
                                                                  "overlay-2");
    g_assert_true (g_variant_get_boolean (shown));
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autoptr (DrReview) review = dr_review_get_current (other, photo_id, DR_DAMAGE_CRUSHED, NULL);
    g_assert_nonnull (review);
    g_assert_cmpint (review->verdict, ==, DR_VERDICT_REJECTED);
    g_assert_cmpstr (review->author, ==, REVIEWER);
    g_assert_cmpint (review->px_added, ==, 0);
    g_assert_cmpint (review->px_removed, ==, (PRED_X1 - PRED_X0) * (PRED_Y1 - PRED_Y0));
    g_assert_cmpfloat (review->iou, ==, 0.0);
    g_assert_null (dr_revision_dup_layer_rle (other, photo_id, DR_DAMAGE_CRUSHED, &error));
    g_assert_no_error (error);
  }
  g_assert_null (dr_canvas_get_overlay (dr_window_get_canvas (f.window), DR_DAMAGE_CRUSHED));
  g_assert_cmpint (dr_photo_item_get_area (item, DR_DAMAGE_CRUSHED), ==, 0);

  /* Withdrawing the verdict shows the edited mask again. */
  activate (&f, "verdict", g_variant_new_string ("unreviewed"));
  g_assert_cmpint (dr_photo_item_get_area (item, DR_DAMAGE_CRUSHED), ==, (gint64) expected_area);

  /* A failed write: another connection holds the write lock past the busy timeout. The
   * stroke stays in memory, unsaved, and is written by Retry once the lock is gone. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) locker = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_assert_true (dr_project_begin (locker, &error));
    activate (&f, "tool", g_variant_new_string ("eraser"));
    stroke (&f, 60.5, 40.5, 60.5, 99.5);
    g_assert_true (dr_edit_session_has_unsaved (editor_of (f.window)));
    g_assert_true (dr_review_bar_get_unsaved (review_bar_of (f.window)));
    dr_project_rollback (locker);
  }
  g_autoptr (DrRevision) before = NULL;
  g_autofree guint8 *old = head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &before);
  g_assert_cmpint (before->kind, ==, DR_REVISION_BRUSH);
  activate (&f, "retry-save", NULL);
  g_assert_false (dr_edit_session_has_unsaved (editor_of (f.window)));
  {
    g_autoptr (DrRevision) head = NULL;
    g_autofree guint8 *mask = head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &head);
    g_assert_cmpint (head->kind, ==, DR_REVISION_ERASER);
    g_assert_cmpint (head->parent_id, ==, before->id);
    /* Column 60 (centre 60.5) is erased from row 40 to 99 by the eraser's body. */
    for (int y = 40; y < 100; y++)
      g_assert_cmpint (mask[(gsize) y * PHOTO_W + 60], ==, 0);
    g_assert_cmpint (mask[(gsize) 50 * PHOTO_W + 45], ==, 1);
  }

  /* The note typed for the photo is stored with the reviewer's name. */
  g_signal_emit_by_name (review_bar_of (f.window), "note-changed", "dent on the rear door");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autofree char *note = dr_review_dup_note (other, photo_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (note, ==, "dent on the rear door");
  }
  /* Typed into the entry (Ctrl+M, then Enter): stored, and the keyboard goes back to the
   * window so the review keys act again instead of typing into the note. */
  activate (&f, "focus-note", NULL);
  GtkWidget *typing = gtk_root_get_focus (GTK_ROOT (f.window));
  g_assert_true (GTK_IS_EDITABLE (typing));
  gtk_editable_set_text (GTK_EDITABLE (typing), "scratch on the bumper too");
  g_signal_emit_by_name (typing, "activate");
  gui_settle (10, 2000);
  g_assert_null (gtk_root_get_focus (GTK_ROOT (f.window)));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autofree char *note = dr_review_dup_note (other, photo_id, &error);
    g_assert_cmpstr (note, ==, "scratch on the bumper too");
  }

  /* "Next unreviewed" goes to the layer after Crushed on the same photo (Breakage has no
   * verdict), then, once that one is confirmed empty, to the first layer of the next photo
   * in the list (layers before the active one come back only after a full round). */
  activate (&f, "next-unreviewed", NULL);
  g_assert_cmpint (dr_edit_session_get_photo_id (editor_of (f.window)), ==, photo_id);
  g_assert_cmpint (dr_edit_session_get_damage (editor_of (f.window)), ==, DR_DAMAGE_BREAKAGE);
  activate (&f, "verdict", g_variant_new_string ("none"));
  activate (&f, "next-unreviewed", NULL);
  g_autoptr (DrPhotoItem) second = g_list_model_get_item (
    dr_photo_list_get_visible (dr_window_get_photo_list (f.window)), 1);
  g_assert_cmpint (dr_edit_session_get_photo_id (editor_of (f.window)), ==,
                   dr_photo_item_get_id (second));
  g_assert_cmpint (dr_edit_session_get_damage (editor_of (f.window)), ==, DR_DAMAGE_SCRATCH);

  /* Second photo, Scratch, with the same rectangle predicted: "corrected" given by hand on
   * the prediction, then a stroke, then undo and redo. The verdict stays "corrected"
   * throughout (undo brings back the one given on the prediction, not "unreviewed"), and each
   * row's numbers describe the mask shown when it was written: the stroke's pixels added
   * after the stroke, nothing after the undo. */
  gint64 second_id = dr_photo_item_get_id (second);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autofree guint8 *pred = g_malloc0 ((gsize) PHOTO_W * PHOTO_H);
    for (int y = 0; y < PHOTO_H; y++)
      for (int x = 0; x < PHOTO_W; x++)
        pred[(gsize) y * PHOTO_W + x] = (guint8) in_prediction (x, y);
    g_autoptr (DrRle) rle = dr_rle_new_from_mask (pred, PHOTO_H, PHOTO_W, &error);
    g_autofree char *rle_str = dr_rle_to_string (rle);
    const char *sha = "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    g_assert_true (dr_prediction_set_current_model (other, DR_DAMAGE_SCRATCH, sha, "/s.pt",
                                                    "scratch", &error));
    g_assert_true (dr_prediction_store (other, second_id, DR_DAMAGE_SCRATCH, sha, rle_str, 0.9,
                                        &error));
    g_assert_no_error (error);
  }
  activate (&f, "verdict", g_variant_new_string ("corrected"));
  activate (&f, "tool", g_variant_new_string ("brush"));
  stroke (&f, 100.5, 60.5, 200.5, 60.5);
  static const struct { const char *action; gint64 added; } steps[] = {
    { NULL, -1 }, { "undo", 0 }, { "redo", -1 },
  };
  for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
    {
      if (steps[k].action != NULL)
        activate (&f, steps[k].action, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
      g_autoptr (DrReview) review = dr_review_get_current (other, second_id, DR_DAMAGE_SCRATCH,
                                                           &error);
      g_autoptr (DrRevision) head = dr_revision_get_head (other, second_id, DR_DAMAGE_SCRATCH,
                                                          &error);
      g_assert_no_error (error);
      g_assert_nonnull (review);
      g_assert_cmpint (review->verdict, ==, DR_VERDICT_CORRECTED);
      g_assert_cmpint (review->revision_id, ==, head ? head->id : 0);
      g_assert_cmpint (review->px_added, ==, steps[k].added < 0 ? (gint64) stroke_only
                                                                 : steps[k].added);
      g_assert_cmpint (review->px_removed, ==, 0);
    }

  /* Closed and opened again, the project shows the photo the reviewer was on, not the
   * first one. */
  gtk_window_destroy (GTK_WINDOW (f.window));
  gui_settle (10, 2000);
  f.window = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (dr_window_open_project (f.window, path, FALSE));
  gui_settle (10, 2000);
  g_assert_nonnull (dr_window_get_current (f.window));
  g_assert_cmpint (dr_photo_item_get_id (dr_window_get_current (f.window)), ==, second_id);

  /* Back on the first photo the active layer is Scratch, which has no history; its edits
   * are on Crushed. Ctrl+Z must not look dead: undo stays enabled and says where the
   * history is, and changes nothing in the file. */
  {
    GListModel *visible = dr_photo_list_get_visible (dr_window_get_photo_list (f.window));
    g_autoptr (DrPhotoItem) first = NULL;
    for (guint i = 0; first == NULL && i < g_list_model_get_n_items (visible); i++)
      {
        g_autoptr (DrPhotoItem) it = g_list_model_get_item (visible, i);
        if (dr_photo_item_get_id (it) == photo_id)
          first = g_steal_pointer (&it);
      }
    g_assert_nonnull (first);
    g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (f.window), first));
  }
  gui_settle (10, 2000);
  g_assert_cmpint (dr_edit_session_get_photo_id (editor_of (f.window)), ==, photo_id);
  g_assert_cmpint (dr_edit_session_get_damage (editor_of (f.window)), ==, DR_DAMAGE_SCRATCH);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f.window), "undo"));
  g_autoptr (DrRevision) crushed_before = NULL;
  g_free (head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &crushed_before));
  activate (&f, "undo", NULL);
  {
    g_autoptr (GString) shown = g_string_new (NULL);
    collect_labels (toasts_of (f.window), shown);
    if (strstr (shown->str, "Nothing to undo on Scratch; Crushed has edits (Alt+3)") == NULL)
      g_error ("no toast names the layer with history; labels shown: %s", shown->str);
    g_autoptr (DrRevision) head = NULL;
    g_autofree guint8 *mask = head_mask (path, photo_id, DR_DAMAGE_CRUSHED, &head);
    g_assert_cmpint (head->id, ==, crushed_before->id);
  }

  gtk_window_destroy (GTK_WINDOW (f.window));
  gui_settle (10, 2000);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("dr-gui-edit-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_func ("/app/review-edit/edit-undo-verdict", test_edit_undo_verdict);
  return g_test_run ();
}
