/* test-unsaved-review.c — GUI test (Xvfb) of review work that cannot be written yet.
 *
 * The project cannot be written, in two ways: another connection holds its write lock, or
 * its file is read-only (mode 0444) when the window opens it (then the read-only banner must
 * show). A brush stroke on the Crushed layer cannot be stored and stays unsaved. Then:
 * - the side panel's Crushed area must count the pixels of the mask on the canvas (the
 *   prediction plus the stroke, counted by hand below), not the stored prediction;
 * - a verdict given meanwhile ("rejected" on Crushed, "none" on Breakage) must be kept and
 *   shown (the review bar's state, the unsaved mark, the panel's area 0 for the rejected
 *   layer) instead of refused;
 * - once the lock is gone, Retry writes the stroke and then both verdicts, by the named
 *   reviewer, measured on the stroke's revision: read back from the file by a fresh
 *   connection (for the read-only file: once it is made writable again).
 * Counts are checked as the panel groups them under C.UTF-8 (3,511 pixels).
 * Runs with G_DEBUG=fatal-warnings. File modes mean nothing to root, so as root the read-only
 * case runs this program again as the user "nobody" (setpriv), with a copy of the X
 * server's cookie it can read; it is skipped only when that is impossible. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

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
#define READ_ONLY_CASE "/app/unsaved-review/read-only-file"

/* How the project is made unwritable while the reviewer works. */
typedef enum { BLOCK_BY_LOCK, BLOCK_BY_FILE_MODE } Blocker;

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

/* n as the panel writes it under C.UTF-8 (set in main): digits grouped by three with a
 * comma, written out here for the counts this test meets (below a million). */
static char *
grouped (gsize n)
{
  g_assert_cmpuint (n, <, 1000000);
  return n >= 1000 ? g_strdup_printf ("%u,%03u", (guint) (n / 1000), (guint) (n % 1000))
                   : g_strdup_printf ("%u", (guint) n);
}

/* Fails unless the panel's row of Crushed (its name, then its area) reads "N pixels". */
static void
assert_crushed_area (DrWindow *window, gsize n)
{
  g_autofree char *panel = labels_of (window, "legend");
  g_autofree char *count = grouped (n);
  g_autofree char *want = g_strdup_printf ("Crushed | %s pixels | ", count);
  if (strstr (panel, want) == NULL)
    g_error ("the side panel does not show \"%s\"; it shows: %s", want, panel);
}

static gboolean
read_only_banner_shown (DrWindow *window)
{
  GtkRevealer *banner = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                    DR_TYPE_WINDOW,
                                                                    "read_only_revealer"));
  return gtk_revealer_get_reveal_child (banner);
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
test_unsaved_stroke_and_verdicts (gconstpointer data)
{
  Blocker blocker = GPOINTER_TO_INT (data);
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

  if (blocker == BLOCK_BY_FILE_MODE)
    {
      /* Closed, made read-only, opened again as a reviewer would find it. */
      gtk_window_destroy (GTK_WINDOW (window));
      gui_settle (10, 2000);
      g_clear_object (&item);
      g_assert_cmpint (g_chmod (path, 0444), ==, 0);
      g_assert_cmpint (g_access (path, W_OK), !=, 0);  /* not root: the mode holds */
      window = dr_window_new (NULL);
      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (dr_window_open_project (window, path, FALSE));
      gui_wait_for (photo_imported, window, 60, "the project to be opened again");
      gui_settle (10, 2000);
      g_assert_true (read_only_banner_shown (window));
      items = dr_session_get_items (dr_window_get_session (window));
      item = g_list_model_get_item (items, 0);
    }
  else
    g_assert_false (read_only_banner_shown (window));

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
  g_autoptr (DrProject) locker = NULL;
  if (blocker == BLOCK_BY_LOCK)
    {
      locker = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
      g_assert_no_error (error);
      g_assert_true (dr_project_begin (locker, &error));
    }

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

  /* The lock goes, or the file is made writable; Retry writes the stroke, then the two
   * verdicts. */
  if (blocker == BLOCK_BY_LOCK)
    dr_project_rollback (locker);
  else
    g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  activate (window, "retry-save", NULL);
  g_assert_false (read_only_banner_shown (window));
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

/* Copies the file at path into folder share as name with the given mode; returns the copy's
 * path (g_free). */
static char *
share_copy (const char *share, const char *path, const char *name, int mode)
{
  g_autoptr (GError) error = NULL;
  gsize length;
  g_autofree char *bytes = NULL;
  g_assert_true (g_file_get_contents (path, &bytes, &length, &error));
  char *copy = g_build_filename (share, name, NULL);
  g_assert_true (g_file_set_contents_full (copy, bytes, (gssize) length,
                                           G_FILE_SET_CONTENTS_NONE, mode, &error));
  return copy;
}

/* The read-only case as root: runs this program again as "nobody" for that case alone, with
 * copies of the X cookie and the settings schema it may read, and fails when the child fails. */
static void
test_read_only_as_nobody (const char *self_exe)
{
  struct passwd *pw = getpwnam ("nobody");
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  if (pw == NULL || setpriv == NULL)
    {
      g_test_skip ("running as root and cannot become an unprivileged user (need the user "
                   "nobody and setpriv)");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *share = g_dir_make_tmp ("dr-unsaved-ro-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (chown (share, pw->pw_uid, pw->pw_gid), ==, 0);
  g_auto (GStrv) env = g_get_environ ();
  /* The child reads its X cookie, and the build tree's settings schema and leak suppressions,
   * from copies it may read: the originals are root's, and the build tree may sit in a folder
   * only root can enter (a CI clone in a mktemp -d). */
  const char *xauth = g_environ_getenv (env, "XAUTHORITY");
  if (xauth != NULL)
    {
      g_autofree char *copy = share_copy (share, xauth, "Xauthority", 0600);
      g_assert_cmpint (chown (copy, pw->pw_uid, pw->pw_gid), ==, 0);
      env = g_environ_setenv (env, "XAUTHORITY", copy, TRUE);
    }
  const char *schemas = g_environ_getenv (env, "GSETTINGS_SCHEMA_DIR");
  if (schemas != NULL)
    {
      g_autofree char *compiled = g_build_filename (schemas, "gschemas.compiled", NULL);
      g_free (share_copy (share, compiled, "gschemas.compiled", 0644));
      env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", share, TRUE);
    }
  const char *lsan = g_environ_getenv (env, "LSAN_OPTIONS");
  const char *supp = lsan != NULL ? strstr (lsan, "suppressions=") : NULL;
  if (supp != NULL)
    {
      supp += strlen ("suppressions=");
      g_autofree char *path = g_strndup (supp, strcspn (supp, ":"));
      g_autofree char *copy = share_copy (share, path, "lsan.supp", 0644);
      g_autofree char *options = g_strdup_printf ("%.*ssuppressions=%s%s", (int) (supp - lsan
                                                  - strlen ("suppressions=")), lsan, copy,
                                                  supp + strlen (path));
      env = g_environ_setenv (env, "LSAN_OPTIONS", options, TRUE);
    }
  env = g_environ_setenv (env, "DR_TEST_DROPPED_ROOT", "1", TRUE);
  env = g_environ_setenv (env, "TMPDIR", share, TRUE);
  env = g_environ_setenv (env, "HOME", share, TRUE);
  /* The build tree's thumbnail cache is root's; the child keeps its own. */
  g_autofree char *cache = g_build_filename (share, "cache", NULL);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  g_autofree char *uid = g_strdup_printf ("--reuid=%u", (unsigned) pw->pw_uid);
  g_autofree char *gid = g_strdup_printf ("--regid=%u", (unsigned) pw->pw_gid);
  const char *argv[] = { setpriv, uid, gid, "--clear-groups", "--", self_exe,
                         "-p", READ_ONLY_CASE, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync ("/", (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("as nobody:\n%s%s", out, err);
  const char *rm[] = { "rm", "-rf", share, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("the read-only case failed as nobody (%s):\n%s%s", error->message, out, err);
}

static const char *self_exe;

static void
test_read_only (void)
{
  if (geteuid () == 0)
    {
      if (g_getenv ("DR_TEST_DROPPED_ROOT") != NULL)
        g_error ("still root after setpriv");
      test_read_only_as_nobody (self_exe);
      return;
    }
  test_unsaved_stroke_and_verdicts (GINT_TO_POINTER (BLOCK_BY_FILE_MODE));
}

int
main (int argc, char **argv)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  self_exe = exe;
  g_autofree char *home = g_dir_make_tmp ("dr-gui-unsaved-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* A locale without a thousands separator of its own: counts must be grouped anyway. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_data_func ("/app/unsaved-review/stroke-and-verdicts",
                        GINT_TO_POINTER (BLOCK_BY_LOCK), test_unsaved_stroke_and_verdicts);
  g_test_add_func (READ_ONLY_CASE, test_read_only);
  return g_test_run ();
}
