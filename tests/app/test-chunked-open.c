/* test-chunked-open.c — a large project opened with dr_session_open_async fills the photo list
 * in chunks from the main loop, and while the chunks arrive the list (DrPhotoList, the real
 * widget) stays sorted by name and keeps the photo the user selected, even as later chunks
 * bring photos that sort before it. Runs under Xvfb. */
#include <adwaita.h>
#include <sqlite3.h>

#include "dr-import.h"
#include "dr-photo.h"
#include "dr-photo-list.h"
#include "dr-project.h"
#include "dr-resources.h"
#include "dr-session.h"
#include "dr-test-util.h"
#include "gui-loop.h"

#define N_EXTRA 3000   /* photos added with SQL beside the one imported */
#define N_DIRS 10      /* spread over folders so the store's order (path) differs from names' */

/* A project of 1 + N_EXTRA photos whose list order (claim, path) interleaves their names. */
static char *
make_project (const char *dir)
{
  gsize len = 0;
  g_autofree guint8 *png = dr_test_png (8, 8, &len);
  g_autofree char *photo = dr_test_write_file (dir, "photos/first.png", png, len);
  g_autofree char *photos = g_path_get_dirname (photo);
  char *path = g_build_filename (dir, "big.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
    g_assert_no_error (error);
    const char *paths[] = { photos, NULL };
    DrImportStats stats = { 0 };
    g_assert_true (dr_import_paths (project, paths, NULL, NULL, NULL, NULL, &stats, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (stats.added, ==, 1);
  }
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_autofree char *sql = g_strdup_printf (
    "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)"
    " INSERT INTO photos (claim_id, path, sha256, size, width, height, error, added)"
    " SELECT p.claim_id, '/gone/d' || (g.n %% %d) || '/p' || printf ('%%05d', %d - g.n)"
    "        || '.png', printf ('%%064x', g.n), p.size, p.width, p.height, NULL, p.added"
    "   FROM g, photos p", N_EXTRA, N_DIRS, N_EXTRA);
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_close (db);
  return path;
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DrSession **session = user_data;
  g_autoptr (GError) error = NULL;
  *session = dr_session_open_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* The position of @item in @model, or -1. */
static int
position (GListModel *model, gpointer item)
{
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) it = g_list_model_get_item (model, i);
      if ((gpointer) it == item)
        return (int) i;
    }
  return -1;
}

/* Fails unless @model is in name order. */
static void
assert_sorted (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (DrPhotoItem) a = g_list_model_get_item (model, i - 1);
      g_autoptr (DrPhotoItem) b = g_list_model_get_item (model, i);
      if (g_strcmp0 (dr_photo_item_get_name_key (a), dr_photo_item_get_name_key (b)) > 0)
        g_error ("rows %u and %u out of order: %s after %s", i - 1, i,
                 dr_photo_item_get_name (b), dr_photo_item_get_name (a));
    }
}

static void
test_chunks_keep_order_and_selection (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = make_project (dir);

  GtkWidget *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 800);
  DrPhotoList *list = g_object_new (DR_TYPE_PHOTO_LIST, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));

  DrSession *session = NULL;
  dr_session_open_async (path, NULL, opened_cb, &session);
  gui_wait_for (is_set, &session, 60, "the project to open");
  dr_photo_list_set_items (list, dr_session_get_items (session));
  GListModel *visible = dr_photo_list_get_visible (list);

  /* Chunks arrive one main-loop iteration at a time: select a photo from the first ones. */
  guint partial_states = 0, moved = 0;
  DrPhotoItem *chosen = NULL;
  int last_pos = -1;
  gint64 limit = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (dr_session_is_adopting (session))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, FALSE);
      guint n = g_list_model_get_n_items (visible);
      if (n == 0 || !dr_session_is_adopting (session))
        continue;
      partial_states++;
      assert_sorted (visible);
      if (chosen == NULL)
        {
          g_autoptr (DrPhotoItem) middle = g_list_model_get_item (visible, n / 2);
          chosen = middle;
          g_assert_true (dr_photo_list_select_item (list, chosen));
          g_test_message ("chose %s at %u of %u", dr_photo_item_get_name (chosen), n / 2, n);
          /* A live update of one photo (another member's verdict) arrives meanwhile: it must
           * not end the adoption. */
          g_autoptr (GError) error = NULL;
          g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (
            (GDestroyNotify) dr_photo_info_free);
          DrPhotoInfo *info = dr_photo_get (dr_session_get_project (session),
                                            dr_photo_item_get_id (chosen), &error);
          g_assert_no_error (error);
          g_ptr_array_add (one, info);
          dr_session_apply (session, one);
        }
      g_assert_true (dr_photo_list_get_selected (list) == chosen);
      int pos = position (visible, chosen);
      moved += last_pos >= 0 && pos > last_pos;
      last_pos = pos;
    }
  gui_settle (5, 10000);
  g_test_message ("%u partial states, the chosen photo moved down %u times", partial_states,
                  moved);
  /* The list filled in several steps, and later photos did sort in above the chosen one. */
  g_assert_cmpuint (partial_states, >=, 2);
  g_assert_cmpuint (moved, >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1 + N_EXTRA);
  assert_sorted (visible);
  g_assert_true (dr_photo_list_get_selected (list) == chosen);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (session);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_func ("/app/chunked-open/order-and-selection",
                   test_chunks_keep_order_and_selection);
  return g_test_run ();
}
