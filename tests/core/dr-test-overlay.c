/* dr-test-overlay.c — see dr-test-overlay.h. */
#include "config.h"

#include "dr-test-overlay.h"

/* Factory build (a worker thread): copies mask and records who built it. */
static gpointer
build (const guint8 *mask, int width, int height, guint damage)
{
  DrTestOverlay *overlay = g_new0 (DrTestOverlay, 1);
  overlay->width = width;
  overlay->height = height;
  overlay->damage = damage;
  overlay->thread = g_thread_self ();
  overlay->mask = g_memdup2 (mask, (gsize) width * height);
  return overlay;
}

/* Factory free; NULL is allowed. */
static void
free_overlay (gpointer data)
{
  DrTestOverlay *overlay = data;
  if (overlay == NULL)
    return;
  g_free (overlay->mask);
  g_free (overlay);
}

/* See header. */
const DrOverlayFactory *
dr_test_overlay_factory (void)
{
  static const DrOverlayFactory factory = { build, free_overlay };
  return &factory;
}

/* See header. */
gint64
dr_test_overlay_area (const DrTestOverlay *overlay)
{
  gint64 area = 0;
  for (gsize i = 0; i < (gsize) overlay->width * overlay->height; i++)
    area += overlay->mask[i] != 0;
  return area;
}
