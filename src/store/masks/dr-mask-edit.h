/* dr-mask-edit.h — pure raster edits on a binary mask at photo resolution.
 *
 * A DrMask is a borrowed view of a row-major byte bitmap: pixel (x, y) is
 * pixels[y * width + x]; 0 means off, any other value means on, and every edit
 * here writes exactly 0 or 1. Pixel (x, y) covers the square [x, x+1) × [y, y+1)
 * of photo coordinates, so its centre is (x + 0.5, y + 0.5). Every rule below is
 * decided on that centre, exactly, with no antialiasing: a mask edited here never
 * contains an in-between value.
 *
 * Each edit touches only the bounding box of what it can change and reports the
 * rectangle of pixels it may have changed (DrRect, empty when nothing changed), so
 * the canvas repaints only that part of a 12-megapixel overlay.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest mask these functions accept (width × height), matching the photo bound. */
#define DR_MASK_MAX_PIXELS ((gsize) 100 * 1000 * 1000)

typedef struct {
  guint8 *pixels; /* height × width bytes, row-major, stride = width */
  int width;
  int height;
} DrMask;

/* A pixel rectangle [x, x + width) × [y, y + height); empty when width or height is 0. */
typedef struct {
  int x;
  int y;
  int width;
  int height;
} DrRect;

/* Whether @rect contains no pixel. */
gboolean dr_rect_is_empty (const DrRect *rect);

/* Grows @rect to the smallest rectangle that also covers @other (empty rects are ignored). */
void dr_rect_union (DrRect *rect, const DrRect *other);

/* Whether @mask is usable: pixels set, both sides ≥ 1, at most DR_MASK_MAX_PIXELS. */
gboolean dr_mask_is_valid (const DrMask *mask);

/* Paints (@on TRUE) or erases (@on FALSE) the capsule swept by a hard-edged disc of @radius
 * moving from (@x0, @y0) to (@x1, @y1): exactly the pixels whose centre lies at distance
 * ≤ @radius from the segment; with both ends equal, the disc of a click. A brush of diameter
 * d is radius d/2. Calling it for each pair of consecutive pointer samples of a drag gives a
 * stroke without gaps however far apart the samples are. Returns the rectangle that may have
 * changed. Non-finite input changes nothing. */
DrRect dr_mask_stamp_segment (DrMask     *mask,
                              double      x0,
                              double      y0,
                              double      x1,
                              double      y1,
                              double      radius,
                              gboolean    on);

/* Paints (add) or erases (subtract) the inside of the closed polygon @xy (n_points pairs
 * x0,y0,x1,y1,…; the last point joins the first). Inside follows the even-odd rule
 * evaluated at pixel centres, with the crossing test of the classic point-in-polygon
 * routine: a horizontal ray from the centre towards +x crosses edge (a, b) when
 * (a.y > cy) != (b.y > cy) and cx < the edge's x at cy. Fewer than 3 points or a
 * non-finite coordinate changes nothing. Returns the changed rectangle. */
DrRect dr_mask_fill_polygon (DrMask       *mask,
                             const double *xy,
                             gsize         n_points,
                             gboolean      on);

/* Flood-fills the 4-connected region of pixels that share the state of pixel (@x, @y),
 * setting it to @on; the region stops at pixels of the other state and at the image
 * border. Scanline algorithm with an explicit span stack (no recursion, memory bounded
 * by the number of pending spans). Seed outside the mask, or already @on: no change. */
DrRect dr_mask_flood_fill (DrMask *mask, int x, int y, gboolean on);

/* Switches every pixel off. Returns the whole mask rectangle. */
DrRect dr_mask_clear (DrMask *mask);

G_END_DECLS
