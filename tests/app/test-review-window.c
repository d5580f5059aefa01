/* test-review-window.c — GUI smoke test of the review window under Xvfb.
 *
 * Builds a folder of generated photos, opens it in a real DrWindow with four random-weight
 * checkpoints written at test time by PyTorch (tests/app/make-models.py, the oracle tools)
 * and loaded like the app loads them, runs "Analyse All" through the window's
 * action, waits for every photo to be analysed, then renders the canvas to a texture and
 * checks the pixels: hiding every overlay gives the bare photo; soloing one damage type
 * changes exactly the pixels of that type's mask, blended towards that type's colour at the
 * set opacity and towards no other colour; toggling it off restores the bare photo bit for
 * bit; outline mode changes fewer pixels than filled mode. Also renames a claim through the
 * window's action and dialog. Runs with G_DEBUG=fatal-warnings, so any GTK warning or
 * critical fails it. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "dr-claim.h"
#include "dr-damage-style.h"
#include "dr-inference-queue.h"
#include "dr-model-set.h"
#include "dr-overlay.h"
#include "dr-photo-item.h"
#include "dr-prediction.h"
#include "dr-resources.h"
#include "dr-window.h"
#include "gui-loop.h"
#include "nn-unet.h"

#define N_PHOTOS 3
#define PHOTO_W 320
#define PHOTO_H 240

/* Writes N_PHOTOS JPEGs of smooth colour fields with a few bright blobs into dir. */
/* The window's edit session (public accessors only). */
static DrEditSession *
editor_of (DrWindow *window)
{
  return dr_review_controller_get_edit_session (dr_window_get_review (window));
}

static void
make_photos (const char *dir)
{
  for (int k = 0; k < N_PHOTOS; k++)
    {
      g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, PHOTO_W, PHOTO_H);
      guint8 *px = gdk_pixbuf_get_pixels (pb);
      int stride = gdk_pixbuf_get_rowstride (pb);
      for (int y = 0; y < PHOTO_H; y++)
        for (int x = 0; x < PHOTO_W; x++)
          {
            double blob = exp (-(pow (x - 80 - 60 * k, 2) + pow (y - 120, 2)) / 900.0);
            guint8 *p = px + y * stride + x * 3;
            p[0] = (guint8) CLAMP (60 + 120 * blob + 40 * sin (x / 17.0 + k), 0, 255);
            p[1] = (guint8) CLAMP (80 + 100 * blob + 30 * cos (y / 13.0), 0, 255);
            p[2] = (guint8) CLAMP (100 + 60 * sin ((x + y) / 29.0), 0, 255);
          }
      g_autofree char *name = g_strdup_printf ("photo-%d.jpg", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, "quality", "92", NULL));
    }
}

static char *models_dir;

/* Writes four random-weight checkpoints with the oracle tools (PyTorch) into models_dir. */
static void
make_checkpoints (void)
{
  const char *python = g_getenv ("DR_TEST_PYTHON");
  const char *script = g_getenv ("DR_TEST_MAKE_MODELS");
  g_assert_nonnull (python);
  g_assert_nonnull (script);
  const char *argv[] = { python, script, models_dir, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_autofree char *err_out = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               &err_out, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("make-models.py failed: %s", err_out);
}

/* A queue over the four checkpoints, located and loaded as the app does (dr-model-set and
 * the engine's .pt reader), on two workers. */
static DrInferenceQueue *
make_queue (void)
{
  g_autoptr (DrModelSet) set = dr_model_set_locate (models_dir);
  const NnUnet *models[DR_N_DAMAGE_TYPES];
  const char *sha[DR_N_DAMAGE_TYPES], *paths[DR_N_DAMAGE_TYPES];
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (dr_model_set_load (set, d, &error));
      g_assert_no_error (error);
      models[d] = dr_model_set_get_model (set, d);
      sha[d] = dr_model_set_get_sha256 (set, d);
      paths[d] = dr_model_set_get_path (set, d);
      g_assert_true (g_str_has_prefix (paths[d], models_dir));
    }
  g_autoptr (GError) error = NULL;
  DrInferenceQueue *queue = dr_inference_queue_new (G_OBJECT (set), models, sha, paths,
                                                    dr_overlay_get_factory (), 2, &error);
  g_assert_no_error (error);
  return queue;
}

typedef struct {
  DrWindow *window;
  DrCanvas *canvas;
  GListModel *visible;
  gint64 last_id;             /* the photo on screen when the project was closed */
} Fixture;

static gboolean
photos_listed (gpointer data)
{
  Fixture *f = data;
  return g_list_model_get_n_items (f->visible) == N_PHOTOS;
}

static gboolean
all_analysed (gpointer data)
{
  Fixture *f = data;
  for (guint i = 0; i < g_list_model_get_n_items (f->visible); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (f->visible, i);
      if (dr_photo_item_get_status (item) != DR_ITEM_STATUS_ANALYSED)
        return FALSE;
    }
  return TRUE;
}

static gboolean
canvas_ready (gpointer data)
{
  Fixture *f = data;
  DrPhotoItem *item = dr_photo_list_get_selected (dr_window_get_photo_list (f->window));
  if (dr_canvas_get_photo (f->canvas) == NULL || item == NULL)
    return FALSE;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    if (dr_canvas_get_overlay (f->canvas, i) == NULL)
      return FALSE;
  return gtk_widget_get_width (GTK_WIDGET (f->canvas)) > 0;
}

/* canvas_ready, on the photo that was on screen when the project was last closed. */
static gboolean
last_photo_ready (gpointer data)
{
  Fixture *f = data;
  DrPhotoItem *item = dr_photo_list_get_selected (dr_window_get_photo_list (f->window));
  return item != NULL && dr_photo_item_get_id (item) == f->last_id &&
         dr_window_get_current (f->window) == item && canvas_ready (f);
}

/* Renders the canvas as the screen would show it: w×h RGBA bytes (rows w*4 apart). */
static guint8 *
render (Fixture *f, int *w, int *h)
{
  GtkWidget *widget = GTK_WIDGET (f->canvas);
  *w = gtk_widget_get_width (widget);
  *h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, *w, *h);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture =
    gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, *w, *h));
  guint8 *bgra = g_malloc ((gsize) *w * *h * 4);
  gdk_texture_download (texture, bgra, (gsize) *w * 4);
  /* cairo ARGB32 (little endian BGRA) → RGBA, opaque everywhere the photo is drawn */
  for (gsize i = 0; i < (gsize) *w * *h; i++)
    {
      guint8 b = bgra[i * 4], r = bgra[i * 4 + 2];
      bgra[i * 4] = r;
      bgra[i * 4 + 2] = b;
    }
  return bgra;
}

static void
set_visible (Fixture *f, guint damage, gboolean visible)
{
  g_autofree char *name = g_strdup_printf ("overlay-%u", damage);
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), name,
                                      g_variant_new_boolean (visible));
  gui_settle (20, 2000);
}

/* Compares renders a (bare photo) and b. changed: pixels that differ. blended: of those, the
 * ones where b is exactly a blended with the colour of `damage` at opacity (±6 per channel).
 * explained: of those changed, the ones whose change points towards the colour of `damage`
 * better than towards any other damage type's colour (edge pixels, partly covered after
 * scaling, still count here). */
static void
diff (const guint8 *a, const guint8 *b, int w, int h, guint damage, double opacity,
      gsize *changed, gsize *blended, gsize *explained)
{
  *changed = *blended = *explained = 0;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      const guint8 *p = a + i * 4, *q = b + i * 4;
      int d = abs (p[0] - q[0]) + abs (p[1] - q[1]) + abs (p[2] - q[2]);
      if (d <= 3)
        continue;
      (*changed)++;
      double best = G_MAXDOUBLE;
      guint best_type = DR_N_DAMAGE_TYPES;
      for (guint k = 0; k < DR_N_DAMAGE_TYPES; k++)
        {
          const GdkRGBA *c = dr_damage_style_color (k);
          double v[3] = { c->red * 255 - p[0], c->green * 255 - p[1], c->blue * 255 - p[2] };
          double dq[3] = { q[0] - p[0], q[1] - p[1], q[2] - p[2] };
          double vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
          double t = vv > 0 ? (dq[0] * v[0] + dq[1] * v[1] + dq[2] * v[2]) / vv : 0;
          double res = 0;
          for (int ch = 0; ch < 3; ch++)
            res += (dq[ch] - t * v[ch]) * (dq[ch] - t * v[ch]);
          if (t > 0 && res < best)
            {
              best = res;
              best_type = k;
            }
          if (k == damage && fabs (t - opacity) <= 0.05 && res <= 3 * 36)
            (*blended)++;
        }
      if (best_type == damage)
        (*explained)++;
    }
}

static void
test_analyse_and_overlays (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "..", "claim-0042", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  make_photos (dir);

  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  Fixture f = { 0 };
  f.window = dr_window_new (NULL);
  f.canvas = dr_window_get_canvas (f.window);
  f.visible = dr_photo_list_get_visible (dr_window_get_photo_list (f.window));
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 700);
  gtk_window_present (GTK_WINDOW (f.window));

  g_autoptr (DrInferenceQueue) queue = make_queue ();
  dr_window_set_inference_queue (f.window, queue);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  dr_window_add_files (f.window, &folder, 1);
  gui_wait_for (photos_listed, &f, 30, "the photos to be listed");

  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.analyse-all", NULL);
  gui_wait_for (all_analysed, &f, 600, "every photo to be analysed");
  gui_wait_for (canvas_ready, &f, 30, "the canvas to show the photo and its overlays");
  gui_settle (20, 2000);

  DrPhotoItem *item = dr_photo_list_get_selected (dr_window_get_photo_list (f.window));
  int pw, ph;
  dr_photo_item_get_size (item, &pw, &ph);
  g_assert_cmpint (pw, ==, PHOTO_W);
  g_assert_cmpint (ph, ==, PHOTO_H);
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.zoom-100", NULL);
  gui_settle (20, 2000);
  g_assert_cmpfloat (dr_canvas_get_scale (f.canvas), ==, 1.0);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.canvas)), >=, PHOTO_W);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f.canvas)), >=, PHOTO_H);
  double opacity = dr_canvas_get_opacity (f.canvas);

  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    set_visible (&f, i, FALSE);
  int w, h;
  g_autofree guint8 *bare = render (&f, &w, &h);

  guint checked = 0;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      gint64 area = dr_photo_item_get_area (item, i);
      g_assert_cmpint (area, ==, dr_overlay_get_area (dr_canvas_get_overlay (f.canvas, i)));
      gtk_widget_activate_action (GTK_WIDGET (f.window), "win.solo", "i", (int) i);
      gui_settle (20, 2000);
      for (guint j = 0; j < DR_N_DAMAGE_TYPES; j++)
        g_assert_cmpint (dr_canvas_get_overlay_visible (f.canvas, j), ==, j == i);
      /* The type looked at alone is the one verdicts and edits apply to. */
      g_assert_cmpint (dr_edit_session_get_damage (editor_of (f.window)), ==, i);
      int w2, h2;
      g_autofree guint8 *solo = render (&f, &w2, &h2);
      g_assert_cmpint (w2, ==, w);
      gsize changed, blended, explained;
      diff (bare, solo, w, h, i, opacity, &changed, &blended, &explained);
      g_test_message ("type %u: mask %" G_GINT64_FORMAT " px; render: %zu px changed, %zu "
                      "blended at the opacity, %zu towards its own colour", i, area, changed,
                      blended, explained);
      /* At 100 % on whole pixels, exactly the mask's pixels change… */
      g_assert_cmpuint (changed, ==, (gsize) area);
      /* …each one blended with this type's colour at the set opacity, and no other colour. */
      g_assert_cmpuint (blended, ==, changed);
      g_assert_cmpuint (explained, ==, changed);
      if (area == 0)
        continue;

      if (area > 2000)
        {
          g_settings_set_boolean (settings, "overlay-outline", TRUE);
          gui_settle (20, 2000);
          g_autofree guint8 *outline = render (&f, &w2, &h2);
          gsize changed_outline, blended_outline, explained_outline;
          diff (bare, outline, w, h, i, opacity, &changed_outline, &blended_outline,
                &explained_outline);
          g_assert_cmpuint (changed_outline, >, 0);
          g_assert_cmpuint (changed_outline, <, changed);
          g_settings_set_boolean (settings, "overlay-outline", FALSE);
          gui_settle (20, 2000);
        }

      set_visible (&f, i, FALSE);
      g_autofree guint8 *off = render (&f, &w2, &h2);
      g_assert_cmpmem (off, (gsize) w * h * 4, bare, (gsize) w * h * 4);
      checked++;
    }
  /* The calibrated random weights give partial masks; insist on real coverage. */
  g_assert_cmpuint (checked, >=, 2);

  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.next-photo", NULL);
  gui_settle (20, 2000);
  DrPhotoItem *last = dr_photo_list_get_selected (dr_window_get_photo_list (f.window));
  g_assert_true (last != item);
  f.last_id = dr_photo_item_get_id (last);
  gint64 last_areas[DR_N_DAMAGE_TYPES];
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    last_areas[i] = dr_photo_item_get_area (last, i);

  /* Every result is in the project: one prediction per photo and damage type, by the model
   * that made it, with the area the window showed. */
  DrSession *session = dr_window_get_session (f.window);
  g_assert_nonnull (session);
  g_autofree char *project_path = g_strdup (dr_session_get_path (session));
  g_assert_true (g_str_has_prefix (project_path, g_get_user_data_dir ()));
  gint64 first_id = dr_photo_item_get_id (item);
  gint64 areas[DR_N_DAMAGE_TYPES];
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    areas[i] = dr_photo_item_get_area (item, i);
  gtk_window_destroy (GTK_WINDOW (f.window));
  gui_settle (20, 2000);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) project = dr_project_open (project_path, DR_PROJECT_OPEN_EXISTING,
                                                     &error);
    g_assert_no_error (error);
    for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
      {
        g_autoptr (DrPrediction) p = dr_prediction_get_current (project, first_id, i, &error);
        g_assert_no_error (error);
        g_assert_nonnull (p);
        g_assert_cmpint (p->area, ==, areas[i]);
        g_assert_cmpstr (p->model_sha256, ==, dr_inference_queue_get_sha256 (queue, i));
      }
  }

  /* Reopened without models, the project shows the photo that was on screen when it was
   * closed (the second), with its stored overlays at once. */
  f.window = dr_window_new (NULL);
  f.canvas = dr_window_get_canvas (f.window);
  f.visible = dr_photo_list_get_visible (dr_window_get_photo_list (f.window));
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (dr_window_open_project (f.window, project_path, FALSE));
  g_assert_true (photos_listed (&f));
  g_assert_true (all_analysed (&f));
  gui_wait_for (last_photo_ready, &f, 30, "the reopened project's last photo and overlays");
  item = dr_photo_list_get_selected (dr_window_get_photo_list (f.window));
  g_assert_cmpint (dr_photo_item_get_id (item), ==, f.last_id);
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      g_assert_cmpint (dr_photo_item_get_area (item, i), ==, last_areas[i]);
      g_assert_cmpint (dr_overlay_get_area (dr_canvas_get_overlay (f.canvas, i)), ==,
                       last_areas[i]);
    }
  gtk_window_destroy (GTK_WINDOW (f.window));
  gui_settle (20, 2000);
}

/* Whether the window lists N_PHOTOS + 1 photos (the rename test's two claims). */
static gboolean
both_claims_listed (gpointer data)
{
  Fixture *f = data;
  return g_list_model_get_n_items (f->visible) == N_PHOTOS + 1;
}

/* Whether the canvas shows a photo. */
static gboolean
photo_shown (gpointer data)
{
  Fixture *f = data;
  return dr_canvas_get_photo (f->canvas) != NULL;
}

/* The first GtkDropDown under root whose choices include name, or NULL. */
static GtkDropDown *
find_dropdown_with (GtkWidget *root, const char *name)
{
  if (GTK_IS_DROP_DOWN (root) && GTK_IS_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (root))))
    {
      GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (root)));
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
        if (g_strcmp0 (gtk_string_list_get_string (list, i), name) == 0)
          return GTK_DROP_DOWN (root);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkDropDown *found = find_dropdown_with (c, name);
      if (found)
        return found;
    }
  return NULL;
}

/* The string the drop-down has chosen. */
static const char *
chosen_string (GtkDropDown *dropdown)
{
  return gtk_string_object_get_string (GTK_STRING_OBJECT (gtk_drop_down_get_selected_item (dropdown)));
}

/* Opens "Rename Claim…", checks the entry shows expected_current, types name and confirms. */
static void
rename_through_dialog (DrWindow *window, const char *expected_current, const char *name)
{
  g_autoptr (GList) before = gtk_window_list_toplevels ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-claim", NULL);
  gui_settle (20, 2000);
  AdwMessageDialog *dialog = NULL;
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && g_list_find (before, l->data) == NULL)
      dialog = l->data;
  g_assert_nonnull (dialog);
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, expected_current);
  gtk_editable_set_text (entry, name);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  adw_message_dialog_response (dialog, "rename");
  gui_settle (20, 2000);
}

/* Whether the project has a claim called name. */
static gboolean
has_claim (DrWindow *window, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claims = dr_claim_list (dr_session_get_project (dr_window_get_session (window)),
                                                &error);
  g_assert_no_error (error);
  for (guint i = 0; i < claims->len; i++)
    if (g_str_equal (((DrClaimInfo *) claims->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

/* "Rename Claim…" renames the shown photo's claim in the store; the rows, the claim filter
 * (still showing that claim) follow, the same photo stays selected at its zoom. A name
 * another claim has is refused and changes nothing. */
static void
test_rename_claim (void)
{
  g_autofree char *a = g_build_filename (g_get_user_data_dir (), "..", "rename", "claim-a", NULL);
  g_autofree char *b = g_build_filename (g_get_user_data_dir (), "..", "rename", "claim-b", NULL);
  g_assert_cmpint (g_mkdir_with_parents (a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (b, 0700), ==, 0);
  make_photos (a);
  {
    g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, PHOTO_W, PHOTO_H);
    gdk_pixbuf_fill (pb, 0x336699ff);
    g_autofree char *path = g_build_filename (b, "other.jpg", NULL);
    g_autoptr (GError) error = NULL;
    g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, NULL));
  }

  Fixture f = { 0 };
  f.window = dr_window_new (NULL);
  f.canvas = dr_window_get_canvas (f.window);
  DrPhotoList *list = dr_window_get_photo_list (f.window);
  f.visible = dr_photo_list_get_visible (list);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 700);
  gtk_window_present (GTK_WINDOW (f.window));
  g_autoptr (GFile) fa = g_file_new_for_path (a);
  g_autoptr (GFile) fb = g_file_new_for_path (b);
  GFile *folders[] = { fa, fb };
  dr_window_add_files (f.window, folders, 2);
  gui_wait_for (both_claims_listed, &f, 30, "the photos of both claims to be listed");

  DrPhotoItem *item = NULL;
  for (guint i = 0; item == NULL && i < g_list_model_get_n_items (f.visible); i++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (f.visible, i);
      if (g_strcmp0 (dr_photo_item_get_claim (it), "claim-a") == 0)
        item = it;
    }
  g_assert_nonnull (item);
  /* GTK 4.8's list view asserts when asked to scroll before it laid out new rows. */
  gui_settle (20, 2000);
  g_assert_true (dr_photo_list_select_item (list, item));
  gui_wait_for (photo_shown, &f, 30, "the photo on the canvas");
  gtk_widget_activate_action (GTK_WIDGET (f.window), "win.zoom-100", NULL);
  gui_settle (20, 2000);
  g_assert_cmpfloat (dr_canvas_get_scale (f.canvas), ==, 1.0);
  gpointer photo = dr_canvas_get_photo (f.canvas);

  GtkDropDown *claims = find_dropdown_with (GTK_WIDGET (list), "claim-a");
  g_assert_nonnull (claims);
  GtkStringList *names = GTK_STRING_LIST (gtk_drop_down_get_model (claims));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (names)); i++)
    if (g_str_equal (gtk_string_list_get_string (names, i), "claim-a"))
      gtk_drop_down_set_selected (claims, i);
  gui_settle (20, 2000);
  g_assert_cmpuint (g_list_model_get_n_items (f.visible), ==, N_PHOTOS);

  rename_through_dialog (f.window, "claim-a", "  Claim 42 ");
  g_assert_true (has_claim (f.window, "Claim 42"));
  g_assert_false (has_claim (f.window, "claim-a"));
  g_assert_cmpstr (dr_photo_item_get_claim (item), ==, "Claim 42");
  g_assert_cmpstr (chosen_string (claims), ==, "Claim 42");
  g_assert_null (find_dropdown_with (GTK_WIDGET (list), "claim-a"));
  g_assert_cmpuint (g_list_model_get_n_items (f.visible), ==, N_PHOTOS);
  g_assert_true (dr_photo_list_get_selected (list) == item);
  g_assert_true (dr_canvas_get_photo (f.canvas) == photo);
  g_assert_cmpfloat (dr_canvas_get_scale (f.canvas), ==, 1.0);

  /* claim-b exists: refused, nothing changes. */
  rename_through_dialog (f.window, "Claim 42", "claim-b");
  g_assert_true (has_claim (f.window, "Claim 42"));
  g_assert_true (has_claim (f.window, "claim-b"));
  g_assert_cmpstr (dr_photo_item_get_claim (item), ==, "Claim 42");
  g_assert_cmpstr (chosen_string (claims), ==, "Claim 42");
  g_assert_cmpuint (g_list_model_get_n_items (f.visible), ==, N_PHOTOS);
  g_assert_true (dr_photo_list_get_selected (list) == item);

  gtk_window_destroy (GTK_WINDOW (f.window));
  gui_settle (20, 2000);
}

/* Deletes a directory tree made by the test. */
static void
remove_tree (GFile *dir)
{
  g_autoptr (GFileEnumerator) en =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                               NULL, NULL);
  GFileInfo *info;
  while (en && (info = g_file_enumerator_next_file (en, NULL, NULL)) != NULL)
    {
      g_autoptr (GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
}

int
main (int argc, char **argv)
{
  /* A private home: projects made for folders go to $XDG_DATA_HOME. */
  g_autofree char *home = g_dir_make_tmp ("dr-gui-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  models_dir = g_build_filename (home, "models", NULL);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  make_checkpoints ();
  g_test_add_func ("/app/review-window/analyse-and-overlays", test_analyse_and_overlays);
  g_test_add_func ("/app/review-window/rename-claim", test_rename_claim);
  int status = g_test_run ();
  g_autoptr (GFile) tree = g_file_new_for_path (home);
  remove_tree (tree);
  g_free (models_dir);
  return status;
}
