/* test-session.c — the open project as the window sees it, built with the core alone: no GTK,
 * no display.
 *
 * - /session/items: a project file of two photos opened with dr_session_open_async (the list
 *   adopted from the main loop in chunks) lists both as DrPhotoItems with their paths and
 *   sizes, not analysed; after a prediction is stored and the session reloads, the photo is
 *   analysed with the prediction's area, the other untouched.
 * - /session/overlays: dr_session_load_overlays_async hands each layer the photo shows to the
 *   factory given to it — the prediction, or the reviewer's revision over it — decoded at the
 *   photo's size, on a worker thread; layers with neither are NULL. The expected masks are
 *   the ones the test stored, never read back from the session's own code.
 */
#include "config.h"

#include <string.h>

#include "dr-import.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-session.h"
#include "dr-test-overlay.h"
#include "dr-test-util.h"

#define WIDTH_A 24
#define HEIGHT_A 16
#define WIDTH_B 10
#define HEIGHT_B 30
#define MODEL_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

typedef struct {
  char *dir;
  char *path;        /* the project file */
  char *photo_a;     /* WIDTH_A × HEIGHT_A */
  char *photo_b;     /* WIDTH_B × HEIGHT_B */
  gint64 id_a;
} Fixture;

/* A row-major mask of width × height set inside the box [x0, x1) × [y0, y1). */
static guint8 *
box_mask (int width, int height, int x0, int y0, int x1, int y1)
{
  guint8 *mask = g_malloc0 ((gsize) width * height);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      mask[(gsize) y * width + x] = 1;
  return mask;
}

/* The compressed RLE string of mask. */
static char *
mask_rle (const guint8 *mask, int width, int height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, (guint) height, (guint) width, &error);
  g_assert_no_error (error);
  return dr_rle_to_string (rle);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  g_autofree char *photos = g_build_filename (f->dir, "photos", NULL);
  gsize length;
  g_autofree guint8 *png_a = dr_test_png (WIDTH_A, HEIGHT_A, &length);
  f->photo_a = dr_test_write_file (photos, "a.png", png_a, length);
  g_autofree guint8 *png_b = dr_test_png (WIDTH_B, HEIGHT_B, &length);
  f->photo_b = dr_test_write_file (photos, "b.png", png_b, length);
  f->path = g_build_filename (f->dir, "test.damagereview", NULL);

  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  const char *paths[] = { photos, NULL };
  DrImportStats stats = { 0 };
  g_assert_true (dr_import_paths (project, paths, NULL, NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.added, ==, 2);
  g_autoptr (GPtrArray) infos = dr_photo_list (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < infos->len; i++)
    {
      const DrPhotoInfo *info = infos->pdata[i];
      if (g_strcmp0 (info->path, f->photo_a) == 0)
        f->id_a = info->id;
    }
  g_assert_cmpint (f->id_a, >, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->photo_a);
  g_free (f->photo_b);
}

/* Stores a prediction of damage for photo_id, by the current model of that type. */
static void
store_prediction (const char *path, gint64 photo_id, DrDamage damage, const guint8 *mask,
                  int width, int height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_prediction_set_current_model (project, damage, MODEL_SHA, "/models/m.pt",
                                                  "m.pt", &error));
  g_assert_no_error (error);
  g_autofree char *rle = mask_rle (mask, width, height);
  g_assert_true (dr_prediction_store (project, photo_id, damage, MODEL_SHA, rle, 0.8, &error));
  g_assert_no_error (error);
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  DrSession **session = data;
  g_autoptr (GError) error = NULL;
  *session = dr_session_open_finish (result, &error);
  g_assert_no_error (error);
}

static DrPhotoItem *
item_at (DrSession *session, const char *path)
{
  DrPhotoItem *item = dr_session_find_path (session, path);
  g_assert_nonnull (item);
  return item;
}

static void
test_items (Fixture *f, gconstpointer data)
{
  g_autoptr (DrSession) session = NULL;
  dr_session_open_async (f->path, NULL, opened_cb, &session);
  while (session == NULL || dr_session_is_adopting (session))
    g_main_context_iteration (NULL, TRUE);

  GListModel *items = dr_session_get_items (session);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 2);
  g_assert_true (g_list_model_get_item_type (items) == DR_TYPE_PHOTO_ITEM);
  DrPhotoItem *a = item_at (session, f->photo_a);
  DrPhotoItem *b = item_at (session, f->photo_b);
  g_assert_true (dr_session_find_item (session, f->id_a) == a);
  g_assert_cmpstr (dr_photo_item_get_name (a), ==, "a.png");
  int w, h;
  dr_photo_item_get_size (a, &w, &h);
  g_assert_cmpint (w, ==, WIDTH_A);
  g_assert_cmpint (h, ==, HEIGHT_A);
  dr_photo_item_get_size (b, &w, &h);
  g_assert_cmpint (w, ==, WIDTH_B);
  g_assert_cmpint (h, ==, HEIGHT_B);
  g_assert_cmpint (dr_photo_item_get_status (a), ==, DR_ITEM_STATUS_NOT_ANALYSED);
  g_assert_false (dr_photo_item_has_result (a, DR_DAMAGE_CRUSHED));

  /* Another connection stores a prediction; the session's items follow on reload. */
  g_autofree guint8 *mask = box_mask (WIDTH_A, HEIGHT_A, 3, 2, 9, 7);
  store_prediction (f->path, f->id_a, DR_DAMAGE_CRUSHED, mask, WIDTH_A, HEIGHT_A);
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_session_reload (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dr_photo_item_get_status (a), ==, DR_ITEM_STATUS_ANALYSED);
  g_assert_true (dr_photo_item_has_result (a, DR_DAMAGE_CRUSHED));
  g_assert_cmpint (dr_photo_item_get_area (a, DR_DAMAGE_CRUSHED), ==, 6 * 5);
  g_assert_false (dr_photo_item_has_result (a, DR_DAMAGE_SCRATCH));
  g_assert_cmpint (dr_photo_item_get_status (b), ==, DR_ITEM_STATUS_NOT_ANALYSED);
}

static void
overlays_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GPtrArray **out = data;
  g_autoptr (GError) error = NULL;
  *out = dr_session_load_overlays_finish (DR_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* overlay is damage's layer of a WIDTH_A × HEIGHT_A photo, built off the main thread from
 * exactly mask. */
static void
assert_overlay (const DrTestOverlay *overlay, DrDamage damage, const guint8 *mask)
{
  g_assert_nonnull (overlay);
  g_assert_cmpuint (overlay->damage, ==, damage);
  g_assert_cmpint (overlay->width, ==, WIDTH_A);
  g_assert_cmpint (overlay->height, ==, HEIGHT_A);
  g_assert_true (overlay->thread != g_thread_self ());
  for (gsize i = 0; i < (gsize) WIDTH_A * HEIGHT_A; i++)
    g_assert_cmpuint (overlay->mask[i] != 0, ==, mask[i] != 0);
}

static void
test_overlays (Fixture *f, gconstpointer data)
{
  /* Separated: a prediction only. Crushed: a prediction the reviewer redrew. */
  g_autofree guint8 *separated = box_mask (WIDTH_A, HEIGHT_A, 0, 0, 5, 4);
  g_autofree guint8 *predicted = box_mask (WIDTH_A, HEIGHT_A, 10, 3, 20, 12);
  g_autofree guint8 *revised = box_mask (WIDTH_A, HEIGHT_A, 12, 8, 24, 16);
  store_prediction (f->path, f->id_a, DR_DAMAGE_SEPARATED, separated, WIDTH_A, HEIGHT_A);
  store_prediction (f->path, f->id_a, DR_DAMAGE_CRUSHED, predicted, WIDTH_A, HEIGHT_A);
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_autofree char *rle = mask_rle (revised, WIDTH_A, HEIGHT_A);
    g_assert_true (dr_revision_append (project, f->id_a, DR_DAMAGE_CRUSHED, rle,
                                       DR_REVISION_BRUSH, "reviewer", NULL, &error));
    g_assert_no_error (error);
  }

  g_autoptr (DrSession) session = dr_session_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  DrPhotoItem *a = item_at (session, f->photo_a);
  g_autoptr (GPtrArray) overlays = NULL;
  dr_session_load_overlays_async (session, a, dr_test_overlay_factory (), NULL, NULL, overlays_cb,
                                  &overlays);
  while (overlays == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (overlays->len, ==, DR_N_DAMAGE_TYPES);
  g_assert_null (overlays->pdata[DR_DAMAGE_SCRATCH]);
  assert_overlay (overlays->pdata[DR_DAMAGE_SEPARATED], DR_DAMAGE_SEPARATED, separated);
  assert_overlay (overlays->pdata[DR_DAMAGE_CRUSHED], DR_DAMAGE_CRUSHED, revised);
  g_assert_null (overlays->pdata[DR_DAMAGE_BREAKAGE]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/session/items", Fixture, NULL, fixture_set_up, test_items, fixture_tear_down);
  g_test_add ("/session/overlays", Fixture, NULL, fixture_set_up, test_overlays,
              fixture_tear_down);
  return g_test_run ();
}
