/* dr-image.h — decoding photos exactly as the models' training pipeline saw them.
 *
 * The models were trained on images read with OpenCV 4.6 `cv2.imread(path, IMREAD_COLOR)`
 * (then converted to RGB), so this decoder reproduces what that call gives on Debian 12:
 *  - the format comes from the magic bytes, never the file name (JPEG, PNG, WebP);
 *  - JPEG: libjpeg-turbo with OpenCV's settings (islow DCT, fancy upsampling, libjpeg's
 *    YCbCr->RGB, CMYK converted as OpenCV does); EXIF orientation from the APP1 segment;
 *  - PNG: 16-bit strip to 8 bits, alpha dropped (not composited), palette and grey expanded
 *    to RGB; EXIF orientation from an eXIf chunk before the image data (OpenCV 4.6 does);
 *  - WebP: libwebp's RGB decode, alpha dropped; EXIF is ignored (OpenCV 4.6 ignores it).
 * Unlike OpenCV, damaged files are errors, not grey-filled images: a truncated JPEG or a PNG
 * whose data ends early is DR_STORE_ERROR_CORRUPT.
 *
 * Bounds (checked from the header, before any allocation): width and height 1..65535 and at
 * most 100 megapixels, else DR_STORE_ERROR_TOO_LARGE; files above 1 GiB are refused too.
 * Every error is one line: "<file>: <reason>".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DR_IMAGE_MAX_SIDE 65535
#define DR_IMAGE_MAX_PIXELS G_GINT64_CONSTANT (100000000)

/* RGB8 interleaved, already oriented (row 0 is the visual top). */
typedef struct {
  int width, height;
  gsize stride; /* bytes between rows, >= 3 * width */
  guint8 *pixels;
} DrImage;

/* Full-resolution decode with EXIF orientation applied. NULL + error on failure. */
DrImage *dr_image_load (const char *path, GError **error);

/* Fast reduced decode for previews: JPEGs decode at 1/2, 1/4 or 1/8 scale (libjpeg
 * scale_denom) as far as that stays >= max_size, then every format is resized so that the
 * longest side is <= max_size (never enlarged). Oriented. max_size must be >= 1. */
DrImage *dr_image_load_thumbnail (const char *path, int max_size, GError **error);

/* Oriented width and height from the header only (no pixel decode); the same bounds and
 * format checks as dr_image_load, so a probed file that passes may still fail to decode if
 * its data are damaged. */
gboolean dr_image_probe (const char *path, int *width, int *height, GError **error);

/* Writes an 8-bit greyscale PNG (e.g. a mask): grey holds height rows of width bytes,
 * stride bytes apart. Written to a temporary file and renamed, so an existing file is
 * replaced only when the new one is complete. */
gboolean dr_image_save_grey_png (const char *path, const guint8 *grey, int width, int height,
                                 gsize stride, GError **error);

/* Frees the image and its pixels; NULL is allowed. */
void dr_image_free (DrImage *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrImage, dr_image_free)

G_END_DECLS
