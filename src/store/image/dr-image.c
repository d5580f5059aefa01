/* dr-image.c — reading photo files, format detection, bounds, EXIF orientation, thumbnails.
 * The per-format decoders live in dr-image-{jpeg,png,webp}.c; the grey PNG writer in
 * dr-image-save.c.
 */
#include "dr-image-private.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libexif/exif-data.h>

#include "dr-safe-file.h"
#include "nn-image.h"

#define MAX_FILE_BYTES (G_GINT64_CONSTANT (1) << 30) /* 1 GiB */
#define WEBP_HEAD_BYTES 4096 /* more than any WebP header needs */

typedef enum {
  FORMAT_UNKNOWN,
  FORMAT_JPEG,
  FORMAT_PNG,
  FORMAT_WEBP,
} Format;

/* See dr-image-private.h. */
gboolean
dr_image_fail (GError **error, DrStoreError code, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *name = g_filename_display_name (path);
  g_strdelimit (reason, "\r\n", ' ');
  g_set_error (error, DR_STORE_ERROR, code, "%s: %s", name, reason);
  return FALSE;
}

/* See dr-image-private.h. */
gboolean
dr_image_check_size (const char *path, gint64 width, gint64 height, GError **error)
{
  if (width <= 0 || height <= 0)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path,
                          "header gives an empty image (%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ")",
                          width, height);
  if (width > DR_IMAGE_MAX_SIDE || height > DR_IMAGE_MAX_SIDE
      || width * height > DR_IMAGE_MAX_PIXELS)
    return dr_image_fail (error, DR_STORE_ERROR_TOO_LARGE, path,
                          "image is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                          ", above the limit of 100 megapixels and 65535 pixels a side",
                          width, height);
  return TRUE;
}

/* See dr-image-private.h. */
DrImage *
dr_image_new (const char *path, int width, int height, GError **error)
{
  if (!dr_image_check_size (path, width, height, error))
    return NULL;
  gsize stride = (gsize) width * 3;
  guint8 *pixels = g_try_malloc (stride * (gsize) height);
  if (pixels == NULL)
    {
      dr_image_fail (error, DR_STORE_ERROR_TOO_LARGE, path,
                     "not enough memory for a %dx%d image", width, height);
      return NULL;
    }
  DrImage *image = g_new0 (DrImage, 1);
  image->width = width;
  image->height = height;
  image->stride = stride;
  image->pixels = pixels;
  return image;
}

/* See dr-image.h. */
void
dr_image_free (DrImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

/* See dr-image-private.h. libexif wants the "Exif\0\0" prefix, so a bare TIFF block (PNG
 * eXIf) is copied behind one. Only IFD0 counts, as in OpenCV's ExifReader. */
int
dr_image_exif_orientation (const guint8 *exif, gsize len)
{
  static const guint8 prefix[6] = { 'E', 'x', 'i', 'f', 0, 0 };
  if (exif == NULL || len < 8 || len > (16u << 20))
    return 1;
  g_autofree guint8 *copy = NULL;
  if (memcmp (exif, prefix, sizeof prefix) != 0)
    {
      if (memcmp (exif, "II*", 4) != 0 && memcmp (exif, "MM\0*", 4) != 0)
        return 1;
      copy = g_malloc (len + sizeof prefix);
      memcpy (copy, prefix, sizeof prefix);
      memcpy (copy + sizeof prefix, exif, len);
      exif = copy;
      len += sizeof prefix;
    }
  ExifData *ed = exif_data_new ();
  if (ed == NULL)
    return 1;
  exif_data_unset_option (ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data (ed, exif, (unsigned) len);
  int orientation = 1;
  ExifEntry *e = exif_content_get_entry (ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  if (e != NULL && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->size >= 2)
    {
      int v = exif_get_short (e->data, exif_data_get_byte_order (ed));
      if (v >= 1 && v <= 8)
        orientation = v;
    }
  exif_data_unref (ed);
  return orientation;
}

/* Identifies the format from the first bytes (at least 12 available, else UNKNOWN). */
static Format
sniff (const guint8 *head, gsize len)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  if (len >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return FORMAT_JPEG;
  if (len >= 8 && memcmp (head, png_magic, 8) == 0)
    return FORMAT_PNG;
  if (len >= 12 && memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0)
    return FORMAT_WEBP;
  return FORMAT_UNKNOWN;
}

/* The one-line error for bytes that are no image format we read. */
static gboolean
fail_unknown (const char *path, gsize len, GError **error)
{
  if (len == 0)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path, "empty file");
  return dr_image_fail (error, DR_STORE_ERROR_UNSUPPORTED, path,
                        "not a JPEG, PNG or WebP image");
}

/* Reads a whole regular file of at most 1 GiB into memory, never blocking on a FIFO. */
static guint8 *
read_file (const char *path, gsize *len, GError **error)
{
  guint8 *data = NULL;
  if (!dr_safe_read_all (path, MAX_FILE_BYTES, &data, len, error))
    return NULL;
  return data;
}

/* Returns a new image turned upright for EXIF orientation 2..8 (OpenCV's ExifTransform:
 * flips, and for 5..8 a transpose first); NULL + error only if memory is short. */
static DrImage *
orient (const DrImage *src, int orientation, const char *path, GError **error)
{
  gboolean swap = orientation >= 5;
  int w = swap ? src->height : src->width, h = swap ? src->width : src->height;
  DrImage *dst = dr_image_new (path, w, h, error);
  if (dst == NULL)
    return NULL;
  for (int y = 0; y < h; y++)
    {
      guint8 *d = dst->pixels + (gsize) y * dst->stride;
      for (int x = 0; x < w; x++, d += 3)
        {
          int sx, sy;
          switch (orientation)
            {
            case 2: sx = w - 1 - x; sy = y; break;
            case 3: sx = w - 1 - x; sy = h - 1 - y; break;
            case 4: sx = x; sy = h - 1 - y; break;
            case 5: sx = y; sy = x; break;
            case 6: sx = y; sy = w - 1 - x; break;
            case 7: sx = h - 1 - y; sy = w - 1 - x; break;
            default: sx = h - 1 - y; sy = x; break; /* 8 */
            }
          const guint8 *s = src->pixels + (gsize) sy * src->stride + (gsize) sx * 3;
          d[0] = s[0];
          d[1] = s[1];
          d[2] = s[2];
        }
    }
  return dst;
}

/* Decodes a file; reduce_to > 0 allows a reduced JPEG decode (see dr_image_jpeg_decode). */
static DrImage *
load (const char *path, int reduce_to, GError **error)
{
  gsize len = 0;
  g_autofree guint8 *data = read_file (path, &len, error);
  if (data == NULL)
    return NULL;
  DrImageBytes bytes = { path, data, len };
  int orientation = 1;
  DrImage *image = NULL;
  switch (sniff (data, len))
    {
    case FORMAT_JPEG:
      image = dr_image_jpeg_decode (&bytes, reduce_to, &orientation, error);
      break;
    case FORMAT_PNG:
      image = dr_image_png_decode (&bytes, &orientation, error);
      break;
    case FORMAT_WEBP:
      image = dr_image_webp_decode (&bytes, error);
      break;
    case FORMAT_UNKNOWN:
    default:
      fail_unknown (path, len, error);
      return NULL;
    }
  if (image == NULL || orientation == 1)
    return image;
  DrImage *upright = orient (image, orientation, path, error);
  dr_image_free (image);
  return upright;
}

/* See dr-image.h. */
DrImage *
dr_image_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return load (path, 0, error);
}

/* One step of the thumbnail chain: a new image resized to w x h with the bilinear resize. */
static DrImage *
resize_step (const DrImage *src, int w, int h, const char *path, GError **error)
{
  DrImage *dst = dr_image_new (path, w, h, error);
  if (dst == NULL)
    return NULL;
  NnError err;
  if (nn_resize_u8_linear (src->pixels, src->width, src->height, src->stride, dst->pixels, w, h,
                           dst->stride, 3, NULL, 0, &err) != NN_OK)
    {
      dr_image_free (dst);
      dr_image_fail (error, DR_STORE_ERROR_FAILED, path, "thumbnail resize failed (%s)",
                     err.message);
      return NULL;
    }
  return dst;
}

/* See dr-image.h. After the JPEG scale step the image is halved (bilinear, at most 2x per
 * step, so every source pixel contributes and nothing aliases) until the target fits. */
DrImage *
dr_image_load_thumbnail (const char *path, int max_size, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_size >= 1, NULL);
  g_autoptr (DrImage) image = load (path, max_size, error);
  if (image == NULL)
    return NULL;
  int longest = MAX (image->width, image->height);
  if (longest <= max_size)
    return g_steal_pointer (&image);
  double s = (double) max_size / longest;
  int tw = CLAMP ((int) (image->width * s + 0.5), 1, max_size);
  int th = CLAMP ((int) (image->height * s + 0.5), 1, max_size);
  while (image->width != tw || image->height != th)
    {
      int w = MAX (tw, (image->width + 1) / 2), h = MAX (th, (image->height + 1) / 2);
      DrImage *next = resize_step (image, w, h, path, error);
      if (next == NULL)
        return NULL;
      dr_image_free (image);
      image = next;
    }
  return g_steal_pointer (&image);
}

/* See dr-image.h. JPEG and PNG headers are parsed from the open file; WebP from its first
 * bytes. The file is never read whole. */
gboolean
dr_image_probe (const char *path, int *width, int *height, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  FILE *f = dr_safe_fopen (path, MAX_FILE_BYTES, NULL, error);
  if (f == NULL)
    return FALSE;
  guint8 *head = g_malloc (WEBP_HEAD_BYTES);
  gsize n = fread (head, 1, WEBP_HEAD_BYTES, f);
  int w = 0, h = 0, orientation = 1;
  gboolean ok = FALSE;
  Format format = sniff (head, n);
  if (format != FORMAT_UNKNOWN && fseek (f, 0, SEEK_SET) != 0)
    dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot seek");
  else if (format == FORMAT_JPEG)
    ok = dr_image_jpeg_probe (path, f, &w, &h, &orientation, error);
  else if (format == FORMAT_PNG)
    ok = dr_image_png_probe (path, f, &w, &h, &orientation, error);
  else if (format == FORMAT_WEBP)
    {
      DrImageBytes bytes = { path, head, n };
      ok = dr_image_webp_probe (&bytes, &w, &h, error);
    }
  else
    fail_unknown (path, n, error);
  fclose (f);
  g_free (head);
  if (!ok)
    return FALSE;
  if (width != NULL)
    *width = orientation >= 5 ? h : w;
  if (height != NULL)
    *height = orientation >= 5 ? w : h;
  return TRUE;
}
