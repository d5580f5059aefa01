/* dr-image-webp.c — WebP decoding with libwebp's simple API, as OpenCV 4.6's WebPDecoder:
 * RGB output (alpha, if any, dropped without compositing), EXIF metadata ignored.
 * Animated WebP files are refused (OpenCV cannot read them either).
 */
#include "dr-image-private.h"

#include <webp/decode.h>

/* Reads the bitstream features; a failure is a one-line error naming the file. */
static gboolean
read_features (const DrImageBytes *bytes, WebPBitstreamFeatures *features, GError **error)
{
  VP8StatusCode status = WebPGetFeatures (bytes->data, bytes->len, features);
  if (status == VP8_STATUS_NOT_ENOUGH_DATA)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path, "truncated WebP header");
  if (status != VP8_STATUS_OK)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path,
                          "invalid WebP header (libwebp status %d)", (int) status);
  if (features->has_animation)
    return dr_image_fail (error, DR_STORE_ERROR_UNSUPPORTED, bytes->path,
                          "animated WebP is not supported");
  return dr_image_check_size (bytes->path, features->width, features->height, error);
}

/* See dr-image-private.h. */
DrImage *
dr_image_webp_decode (const DrImageBytes *bytes, GError **error)
{
  WebPBitstreamFeatures features;
  if (!read_features (bytes, &features, error))
    return NULL;
  DrImage *image = dr_image_new (bytes->path, features.width, features.height, error);
  if (image == NULL)
    return NULL;
  gsize size = image->stride * (gsize) image->height;
  if (WebPDecodeRGBInto (bytes->data, bytes->len, image->pixels, size, (int) image->stride)
      == NULL)
    {
      dr_image_free (image);
      dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path,
                     "invalid or truncated WebP image data");
      return NULL;
    }
  return image;
}

/* See dr-image-private.h. */
gboolean
dr_image_webp_probe (const DrImageBytes *head, int *width, int *height, GError **error)
{
  WebPBitstreamFeatures features;
  if (!read_features (head, &features, error))
    return FALSE;
  *width = features.width;
  *height = features.height;
  return TRUE;
}
