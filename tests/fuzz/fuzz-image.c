/* fuzz-image.c — libFuzzer entry point for the photo probe and decoders (dr-image*.c: JPEG,
 * PNG, WebP, EXIF orientation, the thumbnail chain).
 *
 * Any file must give either an image within the bounds of dr-image.h whose size agrees with
 * the probe, or a one-line error naming the file; no allocation may exceed libFuzzer's
 * -malloc_limit_mb (run-fuzz.sh), the per-decode ceiling of dr-image-private.h.
 */
#include "fuzz-common.h"

#include "dr-image.h"

/* Probes, decodes and thumbnails the input; checks sizes and messages. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_file (data, size, "photo");
  GError *error = NULL;
  int pw = 0, ph = 0;
  gboolean probed = dr_image_probe (path, &pw, &ph, &error);
  if (!probed)
    {
      fuzz_check_message (error->message, "photo");
      g_clear_error (&error);
    }
  DrImage *image = dr_image_load (path, &error);
  if (image == NULL)
    {
      fuzz_check_message (error->message, "photo");
      g_clear_error (&error);
    }
  else
    {
      if (image->width < 1 || image->height < 1 || image->width > DR_IMAGE_MAX_SIDE
          || image->height > DR_IMAGE_MAX_SIDE || image->stride != (gsize) image->width * 3
          || (probed && (pw != image->width || ph != image->height)))
        abort ();
      unsigned sum = 0;
      for (gsize i = 0; i < image->stride * (gsize) image->height; i += 4093)
        sum += image->pixels[i];
      volatile unsigned sink = sum;
      (void) sink;
      dr_image_free (image);
    }
  DrImage *thumb = dr_image_load_thumbnail (path, 32, &error);
  if (thumb == NULL)
    {
      fuzz_check_message (error->message, "photo");
      g_clear_error (&error);
    }
  else
    {
      if (thumb->width < 1 || thumb->height < 1 || MAX (thumb->width, thumb->height) > 32)
        abort ();
      dr_image_free (thumb);
    }
  return 0;
}
