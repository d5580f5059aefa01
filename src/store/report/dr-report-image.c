/* dr-report-image.c — the pictures of a claim report: the downscaled photo with its JPEG
 * encoding attached (so cairo's PDF surface embeds the JPEG instead of raw pixels) and the
 * alpha masks of the final masks at the same size, which the page fills with the damage
 * colours (one grey soft mask per layer compresses far better than a colour overlay). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#include "dr-image.h"
#include "dr-report-private.h"
#include "dr-rle.h"

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} EncodeErr;

/* libjpeg's fatal errors (only out of memory can happen here) jump back to the encoder. */
static void
encode_error_exit (j_common_ptr cinfo)
{
  longjmp (((EncodeErr *) cinfo->err)->jump, 1);
}

/* JPEG bytes of @image at @quality (malloc'd into *out, *out_len), or FALSE. */
static gboolean
encode_jpeg (const DrImage *image, int quality, unsigned char **out, unsigned long *out_len)
{
  struct jpeg_compress_struct cinfo;
  EncodeErr err;
  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = encode_error_exit;
  *out = NULL;
  *out_len = 0;
  if (setjmp (err.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (*out);
      *out = NULL;
      return FALSE;
    }
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, out, out_len);
  cinfo.image_width = (JDIMENSION) image->width;
  cinfo.image_height = (JDIMENSION) image->height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);
  cinfo.optimize_coding = TRUE;
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = image->pixels + (gsize) cinfo.next_scanline * image->stride;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  return TRUE;
}

/* See header. */
cairo_surface_t *
dr_report_photo_surface (const char *path, int max_side, int quality, GError **error)
{
  g_autoptr (DrImage) image = dr_image_load_thumbnail (path, max_side, error);
  if (image == NULL)
    return NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width,
                                                         image->height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "%s: %s", path,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *src = image->pixels + (gsize) y * image->stride;
      guint32 *dst = (guint32 *) (gpointer) (data + (gsize) y * stride);
      for (int x = 0; x < image->width; x++, src += 3)
        dst[x] = ((guint32) src[0] << 16) | ((guint32) src[1] << 8) | src[2];
    }
  cairo_surface_mark_dirty (surface);

  /* Should the encoder run out of memory, cairo stores the pixels losslessly instead. */
  unsigned char *jpeg = NULL;
  unsigned long jpeg_len = 0;
  if (encode_jpeg (image, quality, &jpeg, &jpeg_len))
    cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, jpeg, jpeg_len, free, jpeg);
  return surface;
}

/* The outline is OUTLINE_PX overlay pixels wide. */
#define OUTLINE_PX 2

/* See header. Each pixel takes the mask value at its centre (nearest neighbour); an inside
 * pixel with an outside pixel within OUTLINE_PX along its row or column is outline. */
cairo_surface_t *
dr_report_mask_surface (const DrRle *mask, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint mw = dr_rle_get_width (mask), mh = dr_rle_get_height (mask);
  g_autofree guint8 *full = g_malloc ((gsize) mw * mh);
  g_autofree guint8 *small = g_malloc ((gsize) width * height);
  dr_rle_to_mask (mask, full);
  for (int y = 0; y < height; y++)
    {
      gsize sy = MIN ((gsize) ((y + 0.5) * mh / height), mh - 1);
      for (int x = 0; x < width; x++)
        {
          gsize sx = MIN ((gsize) ((x + 0.5) * mw / width), mw - 1);
          small[(gsize) y * width + x] = full[sy * mw + sx];
        }
    }
  guint8 fill = (guint8) (DR_REPORT_FILL_ALPHA * 255.0 + 0.5);
  for (int y = 0; y < height; y++)
    {
      guint8 *row = data + (gsize) y * stride;
      const guint8 *in = small + (gsize) y * width;
      for (int x = 0; x < width; x++)
        {
          if (!in[x])
            continue;
          gboolean edge = FALSE;
          for (int k = 1; k <= OUTLINE_PX && !edge; k++)
            edge = x - k < 0 || x + k >= width || y - k < 0 || y + k >= height
                   || !in[x - k] || !in[x + k] || !in[x - (gsize) k * width]
                   || !in[x + (gsize) k * width];
          row[x] = edge ? 255 : fill;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}
