/* bench-mainloop.c — how long the review window's main loop can stall during "Analyse All".
 *
 *   bench-mainloop FOLDER [--workers N] [--idle SECONDS]
 *
 * Opens FOLDER in a real DrWindow (its project goes to $XDG_DATA_HOME, so point that at a
 * scratch directory), with four random-weight U-Nets from the engine (same cost as trained
 * ones), runs "Analyse All" and prints the time to import, the time to analyse and the
 * longest gap between two runs of a 2 ms high-priority timer while the analysis ran, i.e.
 * the longest the window could not react, plus the 99th percentile of those gaps and how
 * many exceeded 50 ms. Before that it lets the window settle for --idle SECONDS (default 2:
 * first frames, photo and thumbnails appearing) and prints the same figures for that time
 * as a baseline; --idle 0 starts the analysis straight after the import, so its figures
 * include the window's first frames. With DR_BENCH_TRACE=1 in the environment it also
 * prints every gap over 20 ms, the main thread's CPU time within it (little CPU time means
 * the thread was waiting, e.g. for a core or the X server) and the frame-clock phases
 * (update, layout, paint) that ran inside it. Needs a display (xvfb-run). Not a test: it
 * prints numbers. */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <time.h>

#include "dr-inference-queue.h"
#include "dr-overlay.h"
#include "dr-resources.h"
#include "dr-window.h"
#include "nn-unet.h"

/* Gaps between runs of the 2 ms timer, in µs, when each ended and how much CPU time the
 * main thread used during it (a long gap with little CPU time was spent waiting for a core,
 * not working). */
static gint64 last_tick, last_cpu;
static GArray *gaps, *gap_ends, *gap_cpu;
static gboolean trace;

/* When a frame began and when its update, layout and paint phases ended. */
typedef struct {
  gint64 begin, update, layout, paint;
} Frame;
static GArray *frames;
static Frame current_frame;

/* CPU time used so far by the calling thread, in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* 2 ms timer: records the time since its previous run. */
static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_time ();
  if (last_tick != 0)
    {
      gint64 gap = now - last_tick, used = cpu - last_cpu;
      g_array_append_val (gaps, gap);
      g_array_append_val (gap_ends, now);
      g_array_append_val (gap_cpu, used);
    }
  last_tick = now;
  last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

/* Frame clock: a frame begins with "before-paint"; the phase ends are taken by handlers
 * connected after every other, so they include all of GTK's own work in that phase. */
static void
before_paint_cb (GdkFrameClock *clock, gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  current_frame = (Frame) { now, now, now, 0 };
}

static void
update_done_cb (GdkFrameClock *clock, gpointer data)
{
  current_frame.update = g_get_monotonic_time ();
}

static void
layout_done_cb (GdkFrameClock *clock, gpointer data)
{
  current_frame.layout = g_get_monotonic_time ();
}

static void
paint_done_cb (GdkFrameClock *clock, gpointer data)
{
  current_frame.paint = g_get_monotonic_time ();
  if (current_frame.begin != 0)
    g_array_append_val (frames, current_frame);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Prints the longest gap, the 99th percentile, the count over 50 ms and, when tracing,
 * every gap over 20 ms with the frames inside it; then starts a new measurement. */
static void
report_gaps (const char *what, gint64 start)
{
  guint n = gaps->len, over = 0;
  g_autoptr (GArray) sorted = g_array_copy (gaps);
  g_array_sort (sorted, compare_gint64);
  for (guint i = 0; i < n; i++)
    over += g_array_index (gaps, gint64, i) > 50000;
  gint64 longest = n ? g_array_index (sorted, gint64, n - 1) : 0;
  gint64 p99 = n ? g_array_index (sorted, gint64, MIN (n - 1, (guint) (n * 0.99))) : 0;
  gint64 paint_sum = 0, paint_max = 0;
  for (guint f = 0; f < frames->len; f++)
    {
      Frame *fr = &g_array_index (frames, Frame, f);
      paint_sum += fr->paint - fr->begin;
      paint_max = MAX (paint_max, fr->paint - fr->begin);
    }
  g_print ("main-loop gaps %s: longest %.1f ms, 99th percentile %.1f ms, %u of %u over 50 ms\n",
           what, longest / 1e3, p99 / 1e3, over, n);
  g_print ("frames %s: %u, %.1f ms each on average, longest %.1f ms\n", what, frames->len,
           frames->len ? paint_sum / 1e3 / frames->len : 0, paint_max / 1e3);
  for (guint i = 0; trace && i < n; i++)
    {
      gint64 gap = g_array_index (gaps, gint64, i), end = g_array_index (gap_ends, gint64, i);
      if (gap <= 20000)
        continue;
      g_print ("  gap %.1f ms (main thread on CPU %.1f ms) ending at %.3f s", gap / 1e3,
               g_array_index (gap_cpu, gint64, i) / 1e3, (end - start) / 1e6);
      for (guint f = 0; f < frames->len; f++)
        {
          Frame *fr = &g_array_index (frames, Frame, f);
          if (fr->paint > end - gap && fr->begin < end)
            g_print (" [frame: update %.1f, layout %.1f, paint %.1f ms]",
                     (fr->update - fr->begin) / 1e3, (fr->layout - fr->update) / 1e3,
                     (fr->paint - fr->layout) / 1e3);
        }
      g_print ("\n");
    }
  g_array_set_size (gaps, 0);
  g_array_set_size (gap_ends, 0);
  g_array_set_size (gap_cpu, 0);
  g_array_set_size (frames, 0);
  last_tick = 0;
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
      g_printerr ("usage: %s FOLDER [--workers N] [--idle SECONDS]\n", argv[0]);
      return 2;
    }
  guint workers = 0, idle_s = 2;
  for (int i = 2; i + 1 < argc; i += 2)
    if (g_strcmp0 (argv[i], "--workers") == 0)
      workers = (guint) atoi (argv[i + 1]);
    else if (g_strcmp0 (argv[i], "--idle") == 0)
      idle_s = (guint) atoi (argv[i + 1]);
  trace = g_strcmp0 (g_getenv ("DR_BENCH_TRACE"), "1") == 0;
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  gap_ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  gap_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames = g_array_new (FALSE, FALSE, sizeof (Frame));
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
    dr_inference_queue_new (owner, (const NnUnet *const *) models, sha, paths,
                            dr_overlay_get_factory (), workers, &error);
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

  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect_after (clock, "update", G_CALLBACK (update_done_cb), NULL);
  g_signal_connect_after (clock, "layout", G_CALLBACK (layout_done_cb), NULL);
  g_signal_connect_after (clock, "paint", G_CALLBACK (paint_done_cb), NULL);
  g_timeout_add_full (G_PRIORITY_HIGH, 2, tick_cb, NULL, NULL);
  if (idle_s > 0)
    {
      gint64 idle_end = t1 + idle_s * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < idle_end)
        g_main_context_iteration (NULL, TRUE);
      report_gaps ("with nothing analysing", t1);
    }
  gint64 t_analyse = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.analyse-all", NULL);
  while (!analysis_done (window))
    g_main_context_iteration (NULL, TRUE);
  gint64 t2 = g_get_monotonic_time ();

  g_print ("photos: %u, workers asked: %u (0: one a core)\n", n, workers);
  g_print ("open + import: %.2f s\n", (t1 - t0) / 1e6);
  g_print ("analyse all (4 models per photo): %.2f s, %.2f s per photo\n",
           (t2 - t_analyse) / 1e6, (t2 - t_analyse) / 1e6 / MAX (n, 1));
  report_gaps ("during analysis", t_analyse);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
