/* bench-stroke.c — how long painting blocks the review window on a big photo.
 *
 *   bench-stroke [WIDTH HEIGHT [STROKES]]      (default 4000 3000 20)
 *
 * Writes a WIDTH × HEIGHT JPEG and a project in a scratch folder (XDG dirs are pointed there
 * too), opens it in a real DrWindow, stores a prediction covering a third of the photo on the
 * Crushed layer, and paints STROKES brush strokes of 40 px across the photo through the
 * tool's pointer API, letting the main loop run between pointer events as a real drag does.
 * Prints how long the press (start of a stroke: the layer is loaded the first time), each
 * pointer move and the release (end of the stroke) blocked the main thread, how long until
 * the revision was stored, and the longest gap between two runs of a 2 ms high-priority
 * timer (the longest the window could not react, frames included), for the first stroke,
 * which takes the layer over from the canvas's overlay, and for the later ones. Needs a display (xvfb-run). Not a test: it prints numbers. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "dr-prediction.h"
#include "dr-resources.h"
#include "dr-rle.h"
#include "dr-window.h"

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

static gint64 last_tick, longest_gap;

/* 2 ms timer: records the longest time between two of its runs. */
static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_tick != 0 && now - last_tick > longest_gap)
    longest_gap = now - last_tick;
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop for about ms milliseconds. */
static void
run_for (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

/* Runs the main loop until cond(data) holds; exits with a message after 120 s. */
static void
wait_until (gboolean (*cond) (DrWindow *), DrWindow *window, const char *what)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (!cond (window))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
imported (DrWindow *w)
{
  DrSession *session = dr_window_get_session (w);
  return session != NULL && g_list_model_get_n_items (dr_session_get_items (session)) == 1
         && !dr_session_is_importing (session);
}

static gboolean
written (DrWindow *w)
{
  return !dr_edit_session_is_writing (editor_of (w));
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Prints median and maximum of the values. */
static void
print_stats (const char *what, GArray *values)
{
  g_array_sort (values, compare_double);
  g_print ("%-44s median %7.1f ms, max %7.1f ms\n", what,
           g_array_index (values, double, values->len / 2),
           g_array_index (values, double, values->len - 1));
}

int
main (int argc, char **argv)
{
  int w = argc >= 3 ? atoi (argv[1]) : 4000, h = argc >= 3 ? atoi (argv[2]) : 3000;
  int n_strokes = argc >= 4 ? atoi (argv[3]) : 20;
  if (w < 200 || h < 200 || n_strokes < 1)
    {
      g_printerr ("usage: %s [WIDTH HEIGHT [STROKES]] (sides ≥ 200)\n", argv[0]);
      return 2;
    }
  g_autofree char *dir = g_dir_make_tmp ("dr-bench-stroke-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  dr_register_resource ();

  /* A smooth photo, so decoding is not what is measured. */
  g_autofree char *photos = g_build_filename (dir, "claim", NULL);
  g_mkdir (photos, 0700);
  g_autofree char *photo = g_build_filename (photos, "big.jpg", NULL);
  {
    g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
    guint8 *px = gdk_pixbuf_get_pixels (pb);
    int stride = gdk_pixbuf_get_rowstride (pb);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          guint8 *p = px + (gsize) y * stride + x * 3;
          p[0] = (guint8) (x * 255 / w);
          p[1] = (guint8) (y * 255 / h);
          p[2] = 120;
        }
    g_autoptr (GError) error = NULL;
    if (!gdk_pixbuf_save (pb, photo, "jpeg", &error, "quality", "90", NULL))
      g_error ("%s", error->message);
  }

  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "reviewer-name", "Bench");
  g_autofree char *path = g_build_filename (dir, "bench.damagereview", NULL);
  DrWindow *window = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  gtk_window_present (GTK_WINDOW (window));
  if (!dr_window_open_project (window, path, TRUE))
    g_error ("cannot open %s", path);
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (window, &folder, 1);
  wait_until (imported, window, "the import");

  /* A prediction: an ellipse over the middle third of the photo, from a second connection. */
  GListModel *items = dr_session_get_items (dr_window_get_session (window));
  g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, 0);
  gint64 photo_id = dr_photo_item_get_id (item);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (DrProject) other = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
    g_autofree guint8 *mask = g_malloc0 ((gsize) w * h);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          double dx = (x - w / 2.0) / (w / 3.0), dy = (y - h / 2.0) / (h / 3.0);
          mask[(gsize) y * w + x] = dx * dx + dy * dy <= 1;
        }
    g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, (guint) h, (guint) w, &error);
    g_autofree char *rle_str = dr_rle_to_string (rle);
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    if (!dr_prediction_set_current_model (other, DR_DAMAGE_CRUSHED, sha, "/m.pt", "crushed",
                                          &error) ||
        !dr_prediction_store (other, photo_id, DR_DAMAGE_CRUSHED, sha, rle_str, 0.9, &error))
      g_error ("%s", error->message);
  }
  dr_photo_list_select_item (dr_window_get_photo_list (window), item);
  run_for (1500);
  g_action_group_activate_action (G_ACTION_GROUP (window), "edit-layer",
                                  g_variant_new_int32 (DR_DAMAGE_CRUSHED));
  g_action_group_activate_action (G_ACTION_GROUP (window), "tool",
                                  g_variant_new_string ("brush"));
  dr_edit_tool_set_brush_size (tool_of (window), 40);
  run_for (500);

  g_autoptr (GArray) releases = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) drags = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) presses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) stored = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 first_gap = 0;
  g_timeout_add_full (G_PRIORITY_HIGH, 2, tick_cb, NULL, NULL);
  run_for (100);
  longest_gap = 0;
  for (int s = 0; s < n_strokes; s++)
    {
      double y = h * (0.1 + 0.8 * s / n_strokes), x0 = w * 0.1, x1 = w * 0.9;
      gint64 tp = g_get_monotonic_time ();
      dr_edit_tool_press (tool_of (window), x0, y, 0);
      double press_ms = (g_get_monotonic_time () - tp) / 1000.0;
      g_array_append_val (presses, press_ms);
      for (int k = 1; k <= 20; k++)
        {
          gint64 t = g_get_monotonic_time ();
          dr_edit_tool_drag (tool_of (window), x0 + (x1 - x0) * k / 20, y + (k % 2) * 15);
          double ms = (g_get_monotonic_time () - t) / 1000.0;
          g_array_append_val (drags, ms);
          run_for (16);
        }
      gint64 t = g_get_monotonic_time ();
      dr_edit_tool_release (tool_of (window), x1, y);
      double ms = (g_get_monotonic_time () - t) / 1000.0;
      g_array_append_val (releases, ms);
      wait_until (written, window, "the stroke to be stored");
      double latency = dr_edit_session_get_last_write_ms (editor_of (window));
      g_array_append_val (stored, latency);
      run_for (100);
      if (s == 0)
        {
          first_gap = longest_gap;
          longest_gap = 0;
        }
    }
  g_print ("%d strokes of 40 px on a %d × %d photo\n", n_strokes, w, h);
  print_stats ("end of stroke (main thread blocked)", releases);
  print_stats ("start of stroke", presses);
  print_stats ("one pointer move while painting", drags);
  print_stats ("stroke stored in the project after", stored);
  g_print ("longest main-loop gap in the first stroke (the layer is taken over): %.1f ms\n",
           first_gap / 1000.0);
  g_print ("longest main-loop gap in the later strokes: %.1f ms\n", longest_gap / 1000.0);
  if (dr_edit_session_has_unsaved (editor_of (window)))
    g_print ("WARNING: edits are unsaved\n");

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (200);
  return 0;
}
