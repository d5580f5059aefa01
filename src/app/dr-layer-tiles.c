/* dr-layer-tiles.c — see dr-layer-tiles.h. */
#include "config.h"

#include "dr-layer-tiles.h"

struct _DrLayerTiles
{
  int width, height;
  int cols, rows;
  guint32 argb;              /* opaque colour of a set pixel, cairo's native ARGB32 */
  GdkTexture **texture;      /* [rows × cols], NULL for an empty tile */
  gboolean *stale;           /* [rows × cols] */
};

/* See header. */
DrLayerTiles *
dr_layer_tiles_new (int width, int height, const GdkRGBA *color)
{
  g_return_val_if_fail (width > 0 && height > 0 && color != NULL, NULL);
  DrLayerTiles *self = g_new0 (DrLayerTiles, 1);
  self->width = width;
  self->height = height;
  self->cols = (width + DR_LAYER_TILE - 1) / DR_LAYER_TILE;
  self->rows = (height + DR_LAYER_TILE - 1) / DR_LAYER_TILE;
  self->argb = 0xff000000u | (guint32) (guint8) (color->red * 255.f + .5f) << 16
               | (guint32) (guint8) (color->green * 255.f + .5f) << 8
               | (guint8) (color->blue * 255.f + .5f);
  self->texture = g_new0 (GdkTexture *, (gsize) self->cols * self->rows);
  self->stale = g_new (gboolean, (gsize) self->cols * self->rows);
  dr_layer_tiles_invalidate (self, NULL);
  return self;
}

/* Frees the tiles and their textures; NULL is allowed. */
void
dr_layer_tiles_free (DrLayerTiles *self)
{
  if (self == NULL)
    return;
  for (gsize i = 0; i < (gsize) self->cols * self->rows; i++)
    g_clear_object (&self->texture[i]);
  g_free (self->texture);
  g_free (self->stale);
  g_free (self);
}

/* See header. Rectangles are clamped to the mask. */
void
dr_layer_tiles_invalidate (DrLayerTiles *self, const DrRect *rect)
{
  int c0 = 0, r0 = 0, c1 = self->cols, r1 = self->rows;
  if (rect != NULL)
    {
      if (dr_rect_is_empty (rect))
        return;
      c0 = MAX (0, rect->x) / DR_LAYER_TILE;
      r0 = MAX (0, rect->y) / DR_LAYER_TILE;
      c1 = MIN (self->cols, (MIN (self->width, rect->x + rect->width) + DR_LAYER_TILE - 1)
                            / DR_LAYER_TILE);
      r1 = MIN (self->rows, (MIN (self->height, rect->y + rect->height) + DR_LAYER_TILE - 1)
                            / DR_LAYER_TILE);
    }
  for (int r = r0; r < r1; r++)
    for (int c = c0; c < c1; c++)
      self->stale[(gsize) r * self->cols + c] = TRUE;
}

/* Builds the texture of tile (c, r) from mask, in the canvas's paint-from-memory layout
 * (dr_canvas_texture_new); NULL when no pixel of it is set. */
static GdkTexture *
build_tile (DrLayerTiles *self, const guint8 *mask, int c, int r)
{
  int x0 = c * DR_LAYER_TILE, y0 = r * DR_LAYER_TILE;
  int tw = MIN (DR_LAYER_TILE, self->width - x0), th = MIN (DR_LAYER_TILE, self->height - y0);
  guint32 *px = NULL;   /* [th × tw] */
  for (int y = 0; y < th; y++)
    {
      const guint8 *row = mask + (gsize) (y0 + y) * self->width + x0;
      for (int x = 0; x < tw; x++)
        if (row[x])
          {
            if (px == NULL)
              px = g_new0 (guint32, (gsize) tw * th);
            px[(gsize) y * tw + x] = self->argb;
          }
    }
  if (px == NULL)
    return NULL;
  gsize stride = (gsize) tw * 4;
  g_autoptr (GBytes) bytes = g_bytes_new_take (px, stride * th);
  return dr_canvas_texture_new (tw, th, bytes, stride);
}

/* See header. */
guint
dr_layer_tiles_snapshot (DrLayerTiles *self, const guint8 *mask, DrCanvas *canvas,
                         GtkSnapshot *snapshot)
{
  guint rebuilt = 0;
  for (int r = 0; r < self->rows; r++)
    for (int c = 0; c < self->cols; c++)
      {
        gsize i = (gsize) r * self->cols + c;
        if (self->stale[i])
          {
            g_clear_object (&self->texture[i]);
            self->texture[i] = build_tile (self, mask, c, r);
            self->stale[i] = FALSE;
            rebuilt++;
          }
        GdkTexture *tex = self->texture[i];
        if (tex != NULL)
          dr_canvas_append_texture (canvas, snapshot, tex,
                                    &GRAPHENE_RECT_INIT (c * DR_LAYER_TILE, r * DR_LAYER_TILE,
                                                         gdk_texture_get_width (tex),
                                                         gdk_texture_get_height (tex)));
      }
  return rebuilt;
}
