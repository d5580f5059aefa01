/* dr-mask-components.h — connected components of a binary mask, for per-instance export.
 *
 * Connectivity is 8-neighbour: two on pixels touching only at a corner belong to the same
 * component, so a thin diagonal scratch stays one instance instead of shattering into single
 * pixels. Components are numbered 1..n in the order their first pixel appears in a row-major
 * scan (top row first, left to right), which makes the export order deterministic.
 */
#pragma once

#include <glib.h>

#include "dr-rle.h"

G_BEGIN_DECLS

/* Writes into @labels (height × width, row-major) 0 for off pixels and the component number
 * 1..n for on pixels (nonzero bytes of @mask). Two passes with union–find on provisional
 * labels; no recursion. Returns n. */
guint dr_mask_label_components (const guint8 *mask,
                                guint         width,
                                guint         height,
                                guint32      *labels);

/* One DrRle per 8-connected component of @mask (row-major, nonzero = on), in component order;
 * an empty array for an empty mask. The union of the returned masks is exactly @mask and they
 * are pairwise disjoint. NULL with @error set when the size is refused by the RLE encoder. */
GPtrArray *dr_mask_split_components (const guint8 *mask,
                                     guint         width,
                                     guint         height,
                                     GError      **error);

G_END_DECLS
