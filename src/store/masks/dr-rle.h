/* dr-rle.h — COCO run-length encoding of binary masks at photo resolution.
 *
 * A mask of height × width pixels is flattened column-major (down each column, then the next
 * column); the counts alternate background and foreground runs and start with background, so
 * counts[0] is 0 when pixel (0, 0) is set. The counts always sum to height × width. The
 * compressed string form is byte-for-byte the one pycocotools' mask.encode produces
 * (cocoapi common/maskApi.c, rleToString/rleFrString). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest mask we accept, in pixels: 2^28 (268 megapixels). It keeps every count, and every
 * difference of counts, within the 30 signed bits that cocoapi's own decoder handles. */
#define DR_RLE_MAX_PIXELS (G_GUINT64_CONSTANT (1) << 28)

typedef struct _DrRle DrRle;

/* Encodes a row-major mask of height × width bytes (nonzero = foreground). Returns NULL and sets
 * error (DR_STORE_ERROR_TOO_LARGE / _FAILED) when a side is 0 or the mask is too large. */
DrRle *dr_rle_new_from_mask (const guint8 *mask, guint height, guint width, GError **error);

/* Builds an RLE from n_counts uncompressed counts; fails with DR_STORE_ERROR_CORRUPT unless they
 * sum to exactly height × width. */
DrRle *dr_rle_new_from_counts (const guint32 *counts, gsize n_counts, guint height, guint width,
                               GError **error);

/* Parses a compressed COCO string (pycocotools' rleFrString) of a height × width mask. Rejects,
 * with DR_STORE_ERROR_CORRUPT and a one-line reason, any character outside '0'…'o', a number cut
 * off at the end of the string, a number longer than the format allows, a negative count and
 * counts that do not sum to height × width. Never reads past the terminating NUL. */
DrRle *dr_rle_new_from_string (const char *string, guint height, guint width, GError **error);

/* Frees rle; NULL is allowed. */
void dr_rle_free (DrRle *rle);

/* A deep copy of rle. */
DrRle *dr_rle_copy (const DrRle *rle);

guint dr_rle_get_height (const DrRle *rle);
guint dr_rle_get_width (const DrRle *rle);

/* The counts (owned by rle) and their number through *n_counts. */
const guint32 *dr_rle_get_counts (const DrRle *rle, gsize *n_counts);

/* The compressed COCO string (pycocotools' rleToString), newly allocated, NUL-terminated. */
char *dr_rle_to_string (const DrRle *rle);

/* Writes the mask row-major into mask (height × width bytes): 1 for foreground, 0 otherwise. */
void dr_rle_to_mask (const DrRle *rle, guint8 *mask);

/* Number of foreground pixels. */
guint64 dr_rle_get_area (const DrRle *rle);

/* Tight bounding box of the foreground as COCO's [x, y, w, h]; FALSE (and all zeros) when the
 * mask is empty. */
gboolean dr_rle_get_bbox (const DrRle *rle, guint *x, guint *y, guint *w, guint *h);

/* Compares two masks of the same size run by run, without decoding: *both = pixels set in both,
 * *only_a / *only_b = pixels set in one only. Any output may be NULL. FALSE if sizes differ. */
gboolean dr_rle_compare (const DrRle *a, const DrRle *b, guint64 *both, guint64 *only_a,
                         guint64 *only_b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrRle, dr_rle_free)

G_END_DECLS
