/* dr-overlay.h — the drawable form of one damage mask: textures built once per mask change.
 *
 * A mask is a binary bitmap at photo resolution. Its overlay holds a filled texture and an
 * outline texture, both cropped to the mask's bounding box so a small dent on a 12 MP photo
 * costs kilobytes, not 48 MB. Building is pure computation and may run on any thread; the
 * canvas only draws finished overlays, so it never touches pixels per frame. (Mask editing
 * can rebuild just the dirty part of a layer by building an overlay for the changed box.) */
#pragma once

#include <gtk/gtk.h>

#include "dr-overlay-factory.h"

G_BEGIN_DECLS

typedef struct _DrOverlay DrOverlay;

#define DR_TYPE_OVERLAY (dr_overlay_get_type ())
GType dr_overlay_get_type (void) G_GNUC_CONST;

/* Builds the overlay of mask (width×height bytes, row-major, non-zero = damage) in colour.
 * Returns an overlay with no textures when the mask is empty. Thread-safe. */
DrOverlay  *dr_overlay_new      (const guint8 *mask, int width, int height, const GdkRGBA *color);
DrOverlay  *dr_overlay_ref      (DrOverlay *overlay);
void        dr_overlay_unref    (DrOverlay *overlay);

/* Damaged pixels. */
gint64      dr_overlay_get_area   (const DrOverlay *overlay);
/* Extent of the textures in photo pixels: the damage's bounding box and one transparent pixel
 * around it; FALSE when the mask is empty. */
gboolean    dr_overlay_get_bounds (const DrOverlay *overlay, graphene_rect_t *bounds);
/* Textures covering the bounding box; NULL when the mask is empty. */
GdkTexture *dr_overlay_get_fill    (const DrOverlay *overlay);
GdkTexture *dr_overlay_get_outline (const DrOverlay *overlay);

/* The window's factory for the session and the inference queue (src/core): builds a
 * DrOverlay in the damage type's colour (dr_damage_style_color) on their workers; its free
 * drops the reference (NULL allowed). Static. */
const DrOverlayFactory *dr_overlay_get_factory (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrOverlay, dr_overlay_unref)

G_END_DECLS
