/* dr-image-private.h — what the per-format decoders share with dr-image.c. Not public. */
#pragma once

#include <stdio.h>

#include "dr-image.h"
#include "dr-store-error.h"

G_BEGIN_DECLS

/* The memory ceiling of one decode, which no file can push a decoder past:
 *   the file itself               ≤ 1 GiB   (dr-image.c MAX_FILE_BYTES, read whole)
 * + the RGB output                ≤ 300 MB  (DR_IMAGE_MAX_PIXELS × 3, checked from the header)
 * + the codec's own working memory:
 *     JPEG ≤ 640 MiB (libjpeg max_memory_to_use; whole-image coefficient buffers of
 *          progressive files) + one 64 KiB APP1 segment (dr-image-jpeg.c),
 *     PNG  ≤ 64 ancillary chunks of ≤ 4 MiB each, refused before libpng sees them
 *          (dr-image-png.c), plus row pointers (8 bytes a row),
 *     WebP decodes straight into the output buffer (libwebp's row caches are a few rows);
 * + one EXIF copy ≤ 16 MiB (dr_image_exif_orientation).
 * So at most about 2.3 GB per decode whatever the file claims, and no single allocation
 * above 1 GiB (the fuzz-image fuzzer runs with that as libFuzzer's -malloc_limit_mb). */

/* A whole image file in memory; path is only for messages. */
typedef struct {
  const char *path;
  const guint8 *data;
  gsize len;
} DrImageBytes;

/* Sets a DR_STORE_ERROR "<path>: <reason>" error; always returns FALSE. */
gboolean dr_image_fail (GError **error, DrStoreError code, const char *path, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

/* Checks header dimensions against the bounds (TOO_LARGE above them, CORRUPT for 0). */
gboolean dr_image_check_size (const char *path, gint64 width, gint64 height, GError **error);

/* Allocates an unoriented RGB8 image of a size that passed dr_image_check_size; NULL + error
 * if memory is short. */
DrImage *dr_image_new (const char *path, int width, int height, GError **error);

/* The EXIF orientation (1..8) stored in IFD0 of a TIFF-structured EXIF block (with or
 * without the "Exif\0\0" prefix of a JPEG APP1 segment); 1 if absent, invalid or out of
 * range, as OpenCV treats those. */
int dr_image_exif_orientation (const guint8 *exif, gsize len);

/* JPEG: full decode (reduce_to <= 0) or reduced decode at the smallest libjpeg scale
 * 1/2, 1/4 or 1/8 that keeps the longest side >= reduce_to, and header probe. Both report the
 * EXIF orientation found in the first APP1 segment (1 if none). */
DrImage *dr_image_jpeg_decode (const DrImageBytes *bytes, int reduce_to, int *orientation,
                               GError **error);
gboolean dr_image_jpeg_probe (const char *path, FILE *file, int *width, int *height,
                              int *orientation, GError **error);

/* PNG: full decode and header probe, orientation from an eXIf chunk before the image data. */
DrImage *dr_image_png_decode (const DrImageBytes *bytes, int *orientation, GError **error);
gboolean dr_image_png_probe (const char *path, FILE *file, int *width, int *height,
                             int *orientation, GError **error);

/* WebP: full decode and header probe (the first bytes of the file are enough). */
DrImage *dr_image_webp_decode (const DrImageBytes *bytes, GError **error);
gboolean dr_image_webp_probe (const DrImageBytes *head, int *width, int *height, GError **error);

G_END_DECLS
