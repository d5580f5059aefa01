/* bench-mainloop.c — how long the review window's main loop can stall during "Analyse All".
 *
 *   bench-mainloop FOLDER [--workers N]
 *
 * Opens FOLDER in a real DrWindow (its project goes to $XDG_DATA_HOME, so point that at a
 * scratch directory), with four random-weight U-Nets from the engine (same cost as trained
 * ones), runs "Analyse All" and prints the time to import, the time to analyse and the
 * longest gap between two runs of a 2 ms high-priority timer while the analysis ran, i.e.
 * the longest the window could not react. Needs a display (xvfb-run). Not a test: it
 * prints numbers. */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "dr-inference-queue.h"
#include "dr-resources.h"
#include "dr-window.h"
#include "nn-unet.h"

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

static void
free_models (gpointer data)
{
  NnUnet **models = data;
  for (int i = 0; i < DR_N_DAMAGE_TYPES; i++)
    nn_unet_free (models[i]);
  g_free (models);
}

/* TRUE once no photo of the window's project is queued or analysing any more. */
static gboolean
analysis_done (DrWindow *window)
{
  GListModel *items = dr_session_get_items (dr_window_get_session (window));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      DrItemStatus st = dr_photo_item_get_status (item);
      if (st == DR_ITEM_STATUS_QUEUED || st == DR_ITEM_STATUS_ANALYSING ||
          st == DR_ITEM_STATUS_NOT_ANALYSED)
        return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: %s FOLDER [--workers N]\n", argv[0]);
      return 2;
    }
  guint workers = 0;
  if (argc >= 4 && g_strcmp0 (argv[2], "--workers") == 0)
    workers = (guint) atoi (argv[3]);
  gtk_init ();
  adw_init ();
  dr_register_resource ();

  NnUnet **models = g_new0 (NnUnet *, DR_N_DAMAGE_TYPES);
  const char *sha[DR_N_DAMAGE_TYPES], *paths[DR_N_DAMAGE_TYPES];
  static char hex[DR_N_DAMAGE_TYPES][65];
  for (int i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      NnError err;
      if (nn_unet_new_random (1 + i, &models[i], &err) != NN_OK)
        {
          g_printerr ("%s\n", err.message);
          return 1;
        }
      memset (hex[i], 'a' + i, 64);
      sha[i] = hex[i];
      paths[i] = "random-weights";
    }
  g_autoptr (GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data_full (owner, "models", models, free_models);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrInferenceQueue) queue =
    dr_inference_queue_new (owner, (const NnUnet *const *) models, sha, paths, workers, &error);
  if (queue == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  DrWindow *window = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  dr_window_set_inference_queue (window, queue);
  g_autoptr (GFile) folder = g_file_new_for_commandline_arg (argv[1]);
  gint64 t0 = g_get_monotonic_time ();
  dr_window_add_files (window, &folder, 1);
  while (dr_window_get_session (window) == NULL ||
         dr_session_is_importing (dr_window_get_session (window)))
    g_main_context_iteration (NULL, TRUE);
  gint64 t1 = g_get_monotonic_time ();
  guint n = g_list_model_get_n_items (dr_session_get_items (dr_window_get_session (window)));

  g_timeout_add_full (G_PRIORITY_HIGH, 2, tick_cb, NULL, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.analyse-all", NULL);
  while (!analysis_done (window))
    g_main_context_iteration (NULL, TRUE);
  gint64 t2 = g_get_monotonic_time ();

  g_print ("photos: %u, workers: %u\n", n, dr_inference_queue_get_n_workers (queue));
  g_print ("open + import: %.2f s\n", (t1 - t0) / 1e6);
  g_print ("analyse all (4 models per photo): %.2f s, %.2f s per photo\n", (t2 - t1) / 1e6,
           (t2 - t1) / 1e6 / MAX (n, 1));
  g_print ("longest main-loop gap during analysis: %.1f ms\n", longest_gap / 1e3);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
