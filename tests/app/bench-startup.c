/* bench-startup.c — how long the review window takes to show itself and how long its main
 * loop stalls while the app starts: the last project reopened, the photo list filled, the
 * first photo decoded, the models loaded.
 *
 *   bench-startup PROJECT [--seconds S]
 *
 * Runs the real application (DrApplication) as a plain start would, with PROJECT as the
 * remembered last project, for S seconds (default 8) after the list is filled and the models
 * are loaded, then quits. Prints, in ms from just before g_application_run: when the window
 * painted its first frame, when the photo list held every photo, when the models were
 * loaded ("Analyse All" usable); and the longest gap between two runs of a 2 ms
 * high-priority timer before the first frame, and over the whole run (the longest the window
 * could not react) with the main thread's CPU time within it (little CPU time: it waited for
 * a core, not worked); with DR_BENCH_TRACE=1 every gap over 20 ms. Models come from the usual places (DAMAGE_REVIEW_MODELS, $XDG_DATA_HOME).
 * Point XDG_DATA_HOME and XDG_CACHE_HOME at scratch directories and set
 * GSETTINGS_BACKEND=memory. Needs a display (xvfb-run). Not a test: it prints numbers. */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <time.h>

#include "dr-application.h"
#include "dr-window.h"

static gint64 t_start, t_first_frame, t_list_filled, t_models;
static gint64 last_tick, last_cpu, gap_before_frame, gap_overall, gap_overall_end, gap_overall_cpu;
static gboolean trace;
static guint n_photos_expected;
static double run_seconds = 8;

static gint64
since_start (gint64 t)
{
  return t ? (t - t_start) / 1000 : -1;
}

/* CPU time used so far by the calling thread, in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* 2 ms timer: records the longest gap, before the first frame and overall, and the main
 * thread's CPU time within the longest (little CPU time: it waited for a core or a lock). */
static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_time ();
  gint64 gap = now - last_tick;
  if (gap > gap_overall)
    {
      gap_overall = gap;
      gap_overall_end = now;
      gap_overall_cpu = cpu - last_cpu;
    }
  if (t_first_frame == 0 && gap > gap_before_frame)
    gap_before_frame = gap;
  if (trace && gap > 20000)
    g_printerr ("gap %.1f ms (main thread CPU %.1f ms) ending at %" G_GINT64_FORMAT " ms\n",
                gap / 1e3, (cpu - last_cpu) / 1e3, since_start (now));
  last_tick = now;
  last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  if (t_first_frame == 0)
    t_first_frame = g_get_monotonic_time ();
}

static void
realize_cb (GtkWidget *window, gpointer data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static gboolean
models_settled (DrApplication *app)
{
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    if (dr_application_get_model (app, d, NULL, NULL, NULL) == DR_MODEL_STATE_LOADING)
      return FALSE;
  return TRUE;
}

/* 10 ms poll: records when the list is filled and the models are in; quits S seconds after
 * both. */
static gboolean
poll_cb (gpointer data)
{
  DrApplication *app = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gint64 now = g_get_monotonic_time ();
  if (t_list_filled == 0 && window != NULL && DR_IS_WINDOW (window))
    {
      DrSession *session = dr_window_get_session (DR_WINDOW (window));
      if (session != NULL &&
          g_list_model_get_n_items (dr_session_get_items (session)) >= n_photos_expected)
        t_list_filled = now;
    }
  if (t_models == 0 && models_settled (app))
    t_models = now;
  if (t_list_filled && t_models && t_first_frame &&
      now - MAX (t_list_filled, t_models) > run_seconds * G_USEC_PER_SEC)
    {
      g_application_quit (G_APPLICATION (app));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, gpointer data)
{
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    realize_cb (GTK_WIDGET (window), NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
}

/* Number of photos in the project, read with SQLite before the app starts. */
static guint
count_photos (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("sqlite3 %s 'SELECT count(*) FROM photos'", quoted);
  g_autofree char *out = NULL;
  if (!g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL) || out == NULL)
    return 1;
  return (guint) MAX (atoi (out), 1);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: %s PROJECT [--seconds S]\n", argv[0]);
      return 2;
    }
  if (argc >= 4 && g_strcmp0 (argv[2], "--seconds") == 0)
    run_seconds = MAX (atof (argv[3]), 0);
  trace = g_strcmp0 (g_getenv ("DR_BENCH_TRACE"), "1") == 0;
  g_autofree char *project = g_canonicalize_filename (argv[1], NULL);
  n_photos_expected = count_photos (project);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *uri = g_filename_to_uri (project, NULL, NULL);
  g_settings_set_string (settings, "last-project", uri);

  g_autoptr (DrApplication) app = dr_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  t_start = last_tick = g_get_monotonic_time ();
  last_cpu = thread_cpu_time ();
  g_timeout_add_full (G_PRIORITY_HIGH, 2, tick_cb, NULL, NULL);
  g_timeout_add (10, poll_cb, app);
  char *run_argv[] = { argv[0], NULL };
  int status = g_application_run (G_APPLICATION (app), 1, run_argv);

  g_print ("photos: %u\n", n_photos_expected);
  g_print ("first frame painted: %" G_GINT64_FORMAT " ms\n", since_start (t_first_frame));
  g_print ("photo list filled: %" G_GINT64_FORMAT " ms\n", since_start (t_list_filled));
  g_print ("models loaded: %" G_GINT64_FORMAT " ms\n", since_start (t_models));
  g_print ("longest 2 ms-timer gap before the first frame: %.1f ms\n", gap_before_frame / 1e3);
  g_print ("longest 2 ms-timer gap overall: %.1f ms (main thread CPU %.1f ms, ending at %"
           G_GINT64_FORMAT " ms)\n", gap_overall / 1e3, gap_overall_cpu / 1e3,
           since_start (gap_overall_end));
  return status;
}
