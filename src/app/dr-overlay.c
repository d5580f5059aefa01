/* dr-overlay.c — filled and outline textures of a binary mask, cropped to its bounding box. */
#include "config.h"

#include <string.h>

#include "dr-canvas.h"
#include "dr-damage-style.h"
#include "dr-overlay.h"

struct _DrOverlay
{
  gatomicrefcount ref;
  gint64 area;               /* set pixels */
  int x0, y0, x1, y1;        /* bounding box and one pixel around it, x1/y1 exclusive;
                              * empty when x1 <= x0 */
  GdkTexture *fill;          /* [y1-y0][x1-x0] premultiplied RGBA, or NULL */
  GdkTexture *outline;       /* same box, only the mask's border band, or NULL */
};

G_DEFINE_BOXED_TYPE (DrOverlay, dr_overlay, dr_overlay_ref, dr_overlay_unref)

/* Writes into out[bw×bh] the erosion of the mask's bounding box by a square of radius r: a
 * pixel stays set only when every pixel within r (Chebyshev) is set. Everything outside the
 * box is unset by definition of the box. Two separable passes, O(pixels × r). */
static void
erode_box (const guint8 *bits, int bw, int bh, int r, guint8 *out)
{
  g_autofree guint8 *tmp = g_malloc ((gsize) bw * bh);
  for (int y = 0; y < bh; y++)
    for (int x = 0; x < bw; x++)
      {
        int ok = 1;
        for (int k = -r; k <= r && ok; k++)
          ok = x + k >= 0 && x + k < bw && bits[(gsize) y * bw + x + k];
        tmp[(gsize) y * bw + x] = (guint8) ok;
      }
  for (int y = 0; y < bh; y++)
    for (int x = 0; x < bw; x++)
      {
        int ok = 1;
        for (int k = -r; k <= r && ok; k++)
          ok = y + k >= 0 && y + k < bh && tmp[(gsize) (y + k) * bw + x];
        out[(gsize) y * bw + x] = (guint8) ok;
      }
}

/* Makes a texture of a bw×bh selection bitmap in colour (opaque where set, transparent
 * elsewhere) that the canvas paints without per-frame conversion (dr_canvas_texture_new). */
static GdkTexture *
texture_from_bits (const guint8 *bits, int bw, int bh, const GdkRGBA *color)
{
  gsize stride = (gsize) bw * 4;
  guint32 *px = g_malloc0 (stride * bh);
  guint32 r = (guint8) (color->red * 255.f + .5f);
  guint32 g = (guint8) (color->green * 255.f + .5f);
  guint32 b = (guint8) (color->blue * 255.f + .5f);
  guint32 opaque = 0xff000000u | r << 16 | g << 8 | b;
  for (gsize i = 0; i < (gsize) bw * bh; i++)
    if (bits[i])
      px[i] = opaque;
  g_autoptr (GBytes) bytes = g_bytes_new_take (px, stride * bh);
  return dr_canvas_texture_new (bw, bh, bytes, stride);
}

/* See header. The outline band is about 1/300 of the short photo side thick (at least one
 * pixel), so it stays visible when a large photo is shown scaled to fit. */
DrOverlay *
dr_overlay_new (const guint8 *mask, int width, int height, const GdkRGBA *color)
{
  g_return_val_if_fail (mask != NULL && width > 0 && height > 0 && color != NULL, NULL);
  DrOverlay *self = g_new0 (DrOverlay, 1);
  g_atomic_ref_count_init (&self->ref);
  self->x0 = width;
  self->y0 = height;

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = mask + (gsize) y * width;
      for (int x = 0; x < width; x++)
        if (row[x])
          {
            self->area++;
            self->x0 = MIN (self->x0, x);
            self->x1 = MAX (self->x1, x + 1);
            self->y0 = MIN (self->y0, y);
            self->y1 = MAX (self->y1, y + 1);
          }
    }
  if (self->area == 0)
    return self;

  /* One transparent pixel around the box: a texture scaled up with linear filtering samples
   * half a texel past its edge, which the GL renderer takes from whatever lies beside it in
   * its texture atlas (a line of mask colour along the box's edge, seen at high zoom). */
  self->x0--;
  self->y0--;
  self->x1++;
  self->y1++;
  int bw = self->x1 - self->x0, bh = self->y1 - self->y0;
  g_autofree guint8 *bits = g_malloc0 ((gsize) bw * bh);
  for (int y = 1; y < bh - 1; y++)
    memcpy (bits + (gsize) y * bw + 1, mask + (gsize) (self->y0 + y) * width + self->x0 + 1,
            bw - 2);
  self->fill = texture_from_bits (bits, bw, bh, color);

  int r = MAX (1, MIN (width, height) / 300);
  g_autofree guint8 *inner = g_malloc ((gsize) bw * bh);
  erode_box (bits, bw, bh, r, inner);
  for (gsize i = 0; i < (gsize) bw * bh; i++)
    bits[i] = (guint8) (bits[i] && !inner[i]);
  self->outline = texture_from_bits (bits, bw, bh, color);
  return self;
}

/* Adds a reference; thread-safe. */
DrOverlay *
dr_overlay_ref (DrOverlay *overlay)
{
  g_atomic_ref_count_inc (&overlay->ref);
  return overlay;
}

/* Drops a reference; the last one frees the textures. Thread-safe. */
void
dr_overlay_unref (DrOverlay *overlay)
{
  if (!g_atomic_ref_count_dec (&overlay->ref))
    return;
  g_clear_object (&overlay->fill);
  g_clear_object (&overlay->outline);
  g_free (overlay);
}

/* Number of set pixels. */
gint64
dr_overlay_get_area (const DrOverlay *overlay)
{
  return overlay->area;
}

/* Stores the bounding box in photo pixels; returns FALSE (box untouched) for an empty mask. */
gboolean
dr_overlay_get_bounds (const DrOverlay *overlay, graphene_rect_t *bounds)
{
  if (overlay->area == 0)
    return FALSE;
  graphene_rect_init (bounds, overlay->x0, overlay->y0,
                      overlay->x1 - overlay->x0, overlay->y1 - overlay->y0);
  return TRUE;
}

/* Filled texture of the bounding box, or NULL for an empty mask. */
GdkTexture *
dr_overlay_get_fill (const DrOverlay *overlay)
{
  return overlay->fill;
}

/* Outline texture of the bounding box, or NULL for an empty mask. */
GdkTexture *
dr_overlay_get_outline (const DrOverlay *overlay)
{
  return overlay->outline;
}

/* Factory build (any thread): the overlay of mask in damage's colour. */
static gpointer
factory_build (const guint8 *mask, int width, int height, guint damage)
{
  return dr_overlay_new (mask, width, height, dr_damage_style_color (damage));
}

/* Factory free: drops overlay's reference; NULL is allowed. */
static void
factory_free (gpointer overlay)
{
  if (overlay != NULL)
    dr_overlay_unref (overlay);
}

/* See header. */
const DrOverlayFactory *
dr_overlay_get_factory (void)
{
  static const DrOverlayFactory factory = { factory_build, factory_free };
  return &factory;
}
