/* test-canvas-levels.c — a big photo zoomed far out is drawn from its reduced copies, in the
 * right place and colour.
 *
 * Under the cairo renderer the canvas paints photo and overlays from memory and, below 50 %,
 * from copies reduced by powers of two. A 2400 × 1800 photo whose left half is red and right
 * half blue, with a Crushed overlay over its top half at opacity 0.5, is fitted into a
 * 300 × 225 canvas (scale 1/8, so the third reduction is used). The rendered canvas must show
 * red and blue on the right sides of the middle column (within 3 px), the overlay over the top
 * half only (within 5 px of the middle row), and every sampled colour within 3 of what
 * 50 % overlay over the photo colour gives, computed here. Runs under xvfb-run with
 * GSK_RENDERER=cairo. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "dr-canvas.h"
#include "dr-damage.h"
#include "dr-damage-style.h"

#define PW 2400
#define PH 1800

/* Renders widget as the screen would show it: w×h cairo ARGB32 pixels (native endian). */
static guint32 *
render (GtkWidget *widget, int *w, int *h)
{
  *w = gtk_widget_get_width (widget);
  *h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, *w, *h);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_true (GSK_IS_CAIRO_RENDERER (renderer));
  g_autoptr (GdkTexture) texture =
    gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, *w, *h));
  guint32 *px = g_new (guint32, (gsize) *w * *h);
  gdk_texture_download (texture, (guchar *) px, (gsize) *w * 4);
  return px;
}

/* Asserts that pixel (x, y) is within 3 of the expected 8-bit r, g, b. */
static void
assert_rgb (const guint32 *px, int w, int x, int y, int r, int g, int b)
{
  guint32 p = px[(gsize) y * w + x];
  int pr = (p >> 16) & 0xff, pg = (p >> 8) & 0xff, pb = p & 0xff;
  if (ABS (pr - r) > 3 || ABS (pg - g) > 3 || ABS (pb - b) > 3)
    g_error ("pixel (%d, %d) is (%d, %d, %d), expected (%d, %d, %d)", x, y, pr, pg, pb, r, g, b);
}

/* A new window holding only a 300 × 225 canvas, shown; returns the canvas. */
static GtkWidget *
present_canvas (GtkWidget **window)
{
  *window = gtk_window_new ();
  GtkWidget *canvas = dr_canvas_new ();
  gtk_widget_set_size_request (canvas, 300, 225);
  gtk_window_set_child (GTK_WINDOW (*window), canvas);
  gtk_window_set_default_size (GTK_WINDOW (*window), 300, 225);
  gtk_window_present (GTK_WINDOW (*window));
  return canvas;
}

static void
test_reduced_levels (void)
{
  GtkWidget *window;
  GtkWidget *canvas = present_canvas (&window);

  guint32 *photo = g_new (guint32, (gsize) PW * PH);
  for (gsize i = 0; i < (gsize) PW * PH; i++)
    photo[i] = (int) (i % PW) < PW / 2 ? 0xffff0000u : 0xff0000ffu;
  g_autoptr (GBytes) bytes = g_bytes_new_take (photo, (gsize) PW * PH * 4);
  g_autoptr (GdkTexture) texture = dr_canvas_texture_new (PW, PH, bytes, PW * 4);
  dr_canvas_set_photo (DR_CANVAS (canvas), texture);

  g_autofree guint8 *mask = g_malloc0 ((gsize) PW * PH);
  memset (mask, 1, (gsize) PW * PH / 2);
  const GdkRGBA *color = dr_damage_style_color (DR_DAMAGE_CRUSHED);
  g_autoptr (DrOverlay) overlay = dr_overlay_new (mask, PW, PH, color);
  dr_canvas_set_overlay (DR_CANVAS (canvas), DR_DAMAGE_CRUSHED, overlay);
  dr_canvas_set_opacity (DR_CANVAS (canvas), 0.5);

  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (gtk_widget_get_width (canvas) != 300 || dr_canvas_get_scale (DR_CANVAS (canvas)) > 0.2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
    }
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpfloat_with_epsilon (dr_canvas_get_scale (DR_CANVAS (canvas)), 0.125, 1e-6);

  int w, h;
  g_autofree guint32 *px = render (canvas, &w, &h);
  g_assert_cmpint (w, ==, 300);
  g_assert_cmpint (h, ==, 225);
  int cr = (int) (color->red * 255 + .5), cg = (int) (color->green * 255 + .5),
      cb = (int) (color->blue * 255 + .5);
  /* Bottom half: the photo alone; top half: 50 % overlay over it. */
  for (int x = 10; x < 290; x += 7)
    {
      if (ABS (x - 150) <= 3)
        continue;
      gboolean left = x < 150;
      int r = left ? 255 : 0, b = left ? 0 : 255;
      assert_rgb (px, w, x, 200, r, 0, b);
      assert_rgb (px, w, x, 117, r, 0, b);
      assert_rgb (px, w, x, 108, (r + cr) / 2, cg / 2, (b + cb) / 2);
      assert_rgb (px, w, x, 20, (r + cr) / 2, cg / 2, (b + cb) / 2);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Zoomed in (133 % and 200 %), every pixel of the canvas shows the photo: no part of the
 * viewport is left unpainted. The photo is one colour, so any pixel that is not is a gap. */
static void
test_zoomed_in (void)
{
  GtkWidget *window;
  GtkWidget *canvas = present_canvas (&window);
  const int pw = 800, ph = 600;
  guint32 *photo = g_new (guint32, (gsize) pw * ph);
  for (gsize i = 0; i < (gsize) pw * ph; i++)
    photo[i] = 0xff20c040u;
  g_autoptr (GBytes) bytes = g_bytes_new_take (photo, (gsize) pw * ph * 4);
  g_autoptr (GdkTexture) texture = dr_canvas_texture_new (pw, ph, bytes, pw * 4);
  dr_canvas_set_photo (DR_CANVAS (canvas), texture);
  static const double zooms[] = { 4.0 / 3.0, 2.0, 1.0 };
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      while (gtk_widget_get_width (canvas) != 300 || !gtk_widget_get_mapped (canvas))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          g_main_context_iteration (NULL, FALSE);
        }
      dr_canvas_zoom_to (DR_CANVAS (canvas), zooms[z]);
      gint64 settle = g_get_monotonic_time () + 200000;
      while (g_get_monotonic_time () < settle)
        g_main_context_iteration (NULL, FALSE);
      int w, h;
      g_autofree guint32 *px = render (canvas, &w, &h);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          if (px[(gsize) y * w + x] != 0xff20c040u)
            g_error ("at %.0f %%, pixel (%d, %d) is %08x, not the photo's ff20c040",
                     zooms[z] * 100, x, y, px[(gsize) y * w + x]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/canvas/reduced-levels", test_reduced_levels);
  g_test_add_func ("/canvas/zoomed-in", test_zoomed_in);
  return g_test_run ();
}
