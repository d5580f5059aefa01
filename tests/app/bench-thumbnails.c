/* bench-thumbnails.c — how fast a big project opens and how smoothly its photo list scrolls.
 *
 *   bench-thumbnails FOLDER|PROJECT [--step PIXELS]
 *
 * Opens the path in a real DrWindow as the command line does (a folder is imported into its
 * project under $XDG_DATA_HOME, a .damagereview file is reopened), with no models, and
 * prints: the time until the photo list is filled, the time until every row on screen shows
 * its thumbnail, then scrolls the list to the bottom and back to the top by PIXELS per frame
 * (default 40) and prints the frame count, the longest and 99th-percentile time between
 * frames, the longest gap between two runs of a 2 ms high-priority timer (the longest the
 * window could not react) and how long the thumbnails took to catch up after each pass.
 * Thumbnails are cached under $XDG_CACHE_HOME: point it and XDG_DATA_HOME at scratch
 * directories, run once on the folder (cold cache), then again on the project file it made
 * (warm cache). Needs a display:
 *
 *   XDG_DATA_HOME=/tmp/b/data XDG_CACHE_HOME=/tmp/b/cache GSETTINGS_BACKEND=memory \
 *   GSETTINGS_SCHEMA_DIR=BUILD/data GSK_RENDERER=cairo \
 *   xvfb-run -a -s '-screen 0 1280x1024x24' BUILD/tests/app/bench-thumbnails PHOTOS
 *
 * Not a test: it prints numbers, which depend on the machine and its load. */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "dr-photo-row.h"
#include "dr-resources.h"
#include "dr-window.h"

/* Longest gap between runs of the 2 ms timer since the last reset, in µs. */
static gint64 last_tick, longest_tick_gap;

/* 2 ms timer: records the longest time between two of its runs. */
static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_tick != 0 && now - last_tick > longest_tick_gap)
    longest_tick_gap = now - last_tick;
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* Starts a new measuring phase for the 2 ms timer. */
static void
reset_tick_gap (void)
{
  last_tick = g_get_monotonic_time ();
  longest_tick_gap = 0;
}

/* The first widget of type under root (depth first, not inside popovers such as the
 * drop-downs' lists), or NULL. */
static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  if (GTK_IS_POPOVER (root))
    return NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);
      if (found)
        return found;
    }
  return NULL;
}

/* Counts the rows under root that lie at least partly inside view's height; missing
 * receives how many of them have no thumbnail yet. */
static guint
count_visible_rows (GtkWidget *root, GtkWidget *view, guint *missing)
{
  guint n = 0;
  if (DR_IS_PHOTO_ROW (root))
    {
      DrPhotoItem *item = dr_photo_row_get_item (DR_PHOTO_ROW (root));
      graphene_rect_t b;
      if (item != NULL && gtk_widget_get_mapped (root) &&
          gtk_widget_compute_bounds (root, view, &b) &&
          b.origin.y + b.size.height > 0 && b.origin.y < gtk_widget_get_height (view))
        {
          n = 1;
          if (dr_photo_item_get_thumbnail (item) == NULL)
            (*missing)++;
        }
      return n;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    n += count_visible_rows (c, view, missing);
  return n;
}

/* Runs the main loop until every row on screen shows a thumbnail (or 120 s pass); returns
 * the number of such rows. */
static guint
wait_for_visible_thumbnails (GtkWidget *view)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  for (;;)
    {
      guint missing = 0;
      guint rows = count_visible_rows (view, view, &missing);
      if ((rows > 0 && missing == 0) || g_get_monotonic_time () > deadline)
        return rows;
      g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct {
  GtkAdjustment *adj;
  double step;          /* pixels per frame, negative to scroll up */
  GArray *frame_gaps;   /* gint64 µs between consecutive frames */
  gint64 last_frame;
  gboolean done;
} Scroll;

/* Frame clock tick: moves the list by one step and records the time since the last frame. */
static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Scroll *s = data;
  gint64 now = g_get_monotonic_time ();
  if (s->last_frame != 0)
    {
      gint64 gap = now - s->last_frame;
      g_array_append_val (s->frame_gaps, gap);
    }
  s->last_frame = now;
  double lo = gtk_adjustment_get_lower (s->adj);
  double hi = gtk_adjustment_get_upper (s->adj) - gtk_adjustment_get_page_size (s->adj);
  double value = CLAMP (gtk_adjustment_get_value (s->adj) + s->step, lo, hi);
  gtk_adjustment_set_value (s->adj, value);
  if ((s->step > 0 && value >= hi) || (s->step < 0 && value <= lo))
    {
      s->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Scrolls the whole list one way, then waits for the thumbnails on screen; prints what it
 * measured under the given label. */
static void
scroll_pass (GtkWidget *view, GtkAdjustment *adj, double step, const char *label)
{
  Scroll s = { adj, step, g_array_new (FALSE, FALSE, sizeof (gint64)), 0, FALSE };
  reset_tick_gap ();
  gint64 t0 = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (view, scroll_tick_cb, &s, NULL);
  while (!s.done)
    g_main_context_iteration (NULL, TRUE);
  gint64 t1 = g_get_monotonic_time ();
  gint64 tick_gap = longest_tick_gap;
  wait_for_visible_thumbnails (view);
  gint64 t2 = g_get_monotonic_time ();

  g_array_sort (s.frame_gaps, compare_gint64);
  guint n = s.frame_gaps->len;
  gint64 longest = n ? g_array_index (s.frame_gaps, gint64, n - 1) : 0;
  gint64 p99 = n ? g_array_index (s.frame_gaps, gint64, (n - 1) * 99 / 100) : 0;
  gint64 median = n ? g_array_index (s.frame_gaps, gint64, (n - 1) / 2) : 0;
  guint over_50 = 0;
  for (guint i = 0; i < n; i++)
    over_50 += g_array_index (s.frame_gaps, gint64, i) > 50000;
  g_print ("%s: %u frames in %.2f s; frame gap median %.1f ms, p99 %.1f ms, max %.1f ms, "
           "%u over 50 ms; longest 2 ms-timer gap %.1f ms; thumbnails on screen %.2f s after "
           "the last frame\n",
           label, n + 1, (t1 - t0) / 1e6, median / 1e3, p99 / 1e3, longest / 1e3, over_50,
           tick_gap / 1e3, (t2 - t1) / 1e6);
  g_array_unref (s.frame_gaps);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("usage: %s FOLDER|PROJECT [--step PIXELS]\n", argv[0]);
      return 2;
    }
  double step = 40;
  if (argc >= 4 && g_strcmp0 (argv[2], "--step") == 0)
    step = MAX (atof (argv[3]), 1);
  gtk_init ();
  adw_init ();
  dr_register_resource ();

  DrWindow *window = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));
  GtkWidget *view = find_widget (GTK_WIDGET (dr_window_get_photo_list (window)),
                                 GTK_TYPE_LIST_VIEW);
  g_assert (view != NULL);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_timeout_add_full (G_PRIORITY_HIGH, 2, tick_cb, NULL, NULL);

  g_autoptr (GFile) file = g_file_new_for_commandline_arg (argv[1]);
  reset_tick_gap ();
  gint64 t0 = g_get_monotonic_time ();
  dr_window_open_files (window, &file, 1);
  GListModel *visible = dr_photo_list_get_visible (dr_window_get_photo_list (window));
  while (dr_window_get_session (window) == NULL ||
         dr_session_is_importing (dr_window_get_session (window)) ||
         g_list_model_get_n_items (visible) == 0)
    g_main_context_iteration (NULL, TRUE);
  gint64 t1 = g_get_monotonic_time ();
  gint64 open_gap = longest_tick_gap;
  guint rows = wait_for_visible_thumbnails (view);
  gint64 t2 = g_get_monotonic_time ();
  guint n = g_list_model_get_n_items (dr_session_get_items (dr_window_get_session (window)));

  g_print ("photos: %u, rows on screen: %u\n", n, rows);
  g_print ("open (+ import): %.2f s, longest 2 ms-timer gap meanwhile %.1f ms\n",
           (t1 - t0) / 1e6, open_gap / 1e3);
  g_print ("thumbnails on screen: %.2f s after the list was filled (%.2f s after opening)\n",
           (t2 - t1) / 1e6, (t2 - t0) / 1e6);
  scroll_pass (view, adj, step, "scroll down");
  scroll_pass (view, adj, -step, "scroll up");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
