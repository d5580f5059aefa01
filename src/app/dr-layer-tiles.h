/* dr-layer-tiles.h — a binary mask drawn as a grid of small textures, rebuilt where it changed.
 *
 * A brush stroke on a 12-megapixel layer changes a few hundred pixels per pointer motion;
 * rebuilding one photo-sized texture for that would cost 48 MB of writes per motion. The
 * layer is cut into DR_LAYER_TILE-pixel squares instead: an edit marks the tiles its dirty
 * rectangle touches as stale, and the next frame rebuilds only those. Empty tiles hold no
 * texture at all. */
#pragma once

#include <gtk/gtk.h>

#include "dr-canvas.h"
#include "dr-mask-edit.h"

G_BEGIN_DECLS

/* Side of a tile in photo pixels. */
#define DR_LAYER_TILE 256

typedef struct _DrLayerTiles DrLayerTiles;

/* Tiles for a width × height mask drawn in color; every tile starts stale. */
DrLayerTiles *dr_layer_tiles_new        (int width, int height, const GdkRGBA *color);
void          dr_layer_tiles_free       (DrLayerTiles *tiles);

/* Marks the tiles under rect stale (NULL: all of them). */
void          dr_layer_tiles_invalidate (DrLayerTiles *tiles, const DrRect *rect);

/* Rebuilds the stale tiles from mask (width × height bytes, row-major, non-zero = set) and
 * appends every non-empty tile through canvas (dr_canvas_append_texture) to snapshot in
 * photo coordinates. Returns the number of tiles rebuilt (for tests and measurements). */
guint         dr_layer_tiles_snapshot   (DrLayerTiles *tiles, const guint8 *mask,
                                         DrCanvas *canvas, GtkSnapshot *snapshot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrLayerTiles, dr_layer_tiles_free)

G_END_DECLS
