/* dr-image-jpeg.c — JPEG decoding with libjpeg-turbo, set up as OpenCV 4.6's JpegDecoder.
 *
 * OpenCV leaves libjpeg's defaults (JDCT_ISLOW, fancy upsampling) and asks for JCS_RGB, or
 * JCS_CMYK for 4-component files, which it converts with its own formula; so do we. It takes
 * the orientation from the first APP1 segment. libjpeg errors longjmp back here; warnings are
 * collected, and the two that mean image data is missing ("premature end of JPEG file",
 * "premature end of data segment") turn the decode into an error, where OpenCV would return
 * a partly grey image.
 */
#include "dr-image-private.h"

#include <setjmp.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* Bounds of one JPEG decode (see the decode ceiling in dr-image-private.h):
 * libjpeg's own working memory (whole-image coefficient buffers of progressive files) is
 * capped by max_memory_to_use — beyond it libjpeg fails for want of a backing store; only the
 * first APP1 segment is kept (at most 64 KiB), later ones are skipped, and a file with more
 * APP1 segments or more progressive scans than below is refused (each scan is a full pass
 * over the coefficients, so scan count is the CPU bound, as djpeg -maxscan). */
#define JPEG_MAX_WORK_BYTES ((long) 640 << 20)
#define JPEG_MAX_APP1 64
#define JPEG_MAX_SCANS 500

/* libjpeg error manager that never exits and remembers data-loss warnings; it also carries
 * the first APP1 segment and the segment count for the marker processor. */
typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  gboolean damaged; /* a warning said image data are missing */
  struct jpeg_progress_mgr progress;
  JOCTET *exif;     /* the first APP1 payload, in libjpeg's image pool */
  unsigned exif_len;
  unsigned n_app1;
} JpegErr;

/* Fatal libjpeg error: keep the message and jump back to the decoder. */
static void
on_error_exit (j_common_ptr cinfo)
{
  JpegErr *e = (JpegErr *) cinfo->err;
  e->pub.format_message (cinfo, e->message);
  longjmp (e->jump, 1);
}

/* Warnings (level -1): records the first data-loss warning; never prints. */
static void
on_emit_message (j_common_ptr cinfo, int level)
{
  JpegErr *e = (JpegErr *) cinfo->err;
  if (level >= 0)
    return;
  e->pub.num_warnings++;
  int code = e->pub.msg_code;
  if (!e->damaged && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER))
    {
      e->pub.format_message (cinfo, e->message);
      e->damaged = TRUE;
    }
}

/* Refuses the file with our own message (a bound, not a libjpeg error). */
static void
fail_bound (j_common_ptr cinfo, const char *message)
{
  JpegErr *e = (JpegErr *) cinfo->err;
  g_strlcpy (e->message, message, sizeof e->message);
  longjmp (e->jump, 1);
}

/* Progress monitor: refuses files with more than JPEG_MAX_SCANS scans. */
static void
on_progress (j_common_ptr cinfo)
{
  if (cinfo->is_decompressor
      && ((j_decompress_ptr) cinfo)->input_scan_number > JPEG_MAX_SCANS)
    fail_bound (cinfo, "more than 500 progressive scans");
}

/* One byte from the source; libjpeg's sources never suspend (at the end they insert an EOI
 * and warn, which marks the file damaged). */
static unsigned
next_byte (j_decompress_ptr cinfo)
{
  struct jpeg_source_mgr *src = cinfo->src;
  if (src->bytes_in_buffer == 0 && !src->fill_input_buffer (cinfo))
    fail_bound ((j_common_ptr) cinfo, "JPEG source suspended");
  src->bytes_in_buffer--;
  return *src->next_input_byte++;
}

/* APP1 marker processor: keeps the first payload, skips the others, refuses too many. */
static boolean
on_app1 (j_decompress_ptr cinfo)
{
  JpegErr *e = (JpegErr *) cinfo->err;
  unsigned len = next_byte (cinfo) << 8;
  len |= next_byte (cinfo);
  if (len < 2)
    fail_bound ((j_common_ptr) cinfo, "APP1 segment with a length below 2");
  len -= 2;
  if (++e->n_app1 > JPEG_MAX_APP1)
    fail_bound ((j_common_ptr) cinfo, "more than 64 APP1 (EXIF) segments");
  if (e->exif == NULL && len > 0)
    {
      e->exif = cinfo->mem->alloc_large ((j_common_ptr) cinfo, JPOOL_IMAGE, len);
      for (unsigned i = 0; i < len; i++)
        e->exif[i] = (JOCTET) next_byte (cinfo);
      e->exif_len = len;
    }
  else if (len > 0)
    cinfo->src->skip_input_data (cinfo, (long) len);
  return TRUE;
}

/* Installs the error manager, then creates the decompressor with the bounds above. */
static void
create_decompress (struct jpeg_decompress_struct *cinfo, JpegErr *e)
{
  cinfo->err = jpeg_std_error (&e->pub);
  e->pub.error_exit = on_error_exit;
  e->pub.emit_message = on_emit_message;
  e->message[0] = '\0';
  e->damaged = FALSE;
  e->exif = NULL;
  e->exif_len = 0;
  e->n_app1 = 0;
  jpeg_create_decompress (cinfo);
  cinfo->mem->max_memory_to_use = JPEG_MAX_WORK_BYTES;
  e->progress.progress_monitor = on_progress;
  cinfo->progress = &e->progress;
  jpeg_set_marker_processor (cinfo, JPEG_APP0 + 1, on_app1);
}

/* Orientation from the first APP1 segment, as OpenCV reads it (1 when absent). */
static int
app1_orientation (const JpegErr *e)
{
  return e->exif != NULL ? dr_image_exif_orientation (e->exif, e->exif_len) : 1;
}

/* The 1/denom scale that keeps the longest side >= reduce_to (1 when reduce_to <= 0). */
static int
pick_scale_denom (unsigned width, unsigned height, int reduce_to)
{
  unsigned longest = MAX (width, height);
  if (reduce_to <= 0)
    return 1;
  for (int denom = 8; denom > 1; denom /= 2)
    if ((longest + (unsigned) denom - 1) / (unsigned) denom >= (unsigned) reduce_to)
      return denom;
  return 1;
}

/* OpenCV's icvCvt_CMYK2BGR_8u_C4C3R, written out to RGB order. */
static void
cmyk_row_to_rgb (const guint8 *cmyk, guint8 *rgb, int width)
{
  for (int x = 0; x < width; x++, cmyk += 4, rgb += 3)
    {
      int k = cmyk[3];
      rgb[0] = (guint8) (k - ((255 - cmyk[0]) * k >> 8));
      rgb[1] = (guint8) (k - ((255 - cmyk[1]) * k >> 8));
      rgb[2] = (guint8) (k - ((255 - cmyk[2]) * k >> 8));
    }
}

/* See dr-image-private.h. reduce_to > 0 selects the largest libjpeg scale_denom (2, 4, 8)
 * whose output keeps the longest side >= reduce_to. */
DrImage *
dr_image_jpeg_decode (const DrImageBytes *bytes, int reduce_to, int *orientation,
                      GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErr jerr;
  DrImage *volatile image = NULL;
  guint8 *volatile cmyk = NULL;

  if (setjmp (jerr.jump))
    {
      dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path, "invalid JPEG data (%s)",
                     jerr.message);
      goto fail;
    }
  create_decompress (&cinfo, &jerr);
  jpeg_mem_src (&cinfo, bytes->data, bytes->len);
  jpeg_read_header (&cinfo, TRUE);
  if (!dr_image_check_size (bytes->path, cinfo.image_width, cinfo.image_height, error))
    goto fail;
  *orientation = app1_orientation (&jerr);

  cinfo.scale_num = 1;
  cinfo.scale_denom = pick_scale_denom (cinfo.image_width, cinfo.image_height, reduce_to);
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  cinfo.out_color_space = cinfo.num_components == 4 ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  if (cinfo.output_components != (cinfo.out_color_space == JCS_CMYK ? 4 : 3))
    {
      dr_image_fail (error, DR_STORE_ERROR_UNSUPPORTED, bytes->path,
                     "unsupported JPEG colour layout (%d components)", cinfo.output_components);
      goto fail;
    }
  image = dr_image_new (bytes->path, (int) cinfo.output_width, (int) cinfo.output_height, error);
  if (image == NULL)
    goto fail;
  if (cinfo.out_color_space == JCS_CMYK)
    cmyk = g_malloc ((gsize) cinfo.output_width * 4);

  while (cinfo.output_scanline < cinfo.output_height && !jerr.damaged)
    {
      guint8 *dst = image->pixels + (gsize) cinfo.output_scanline * image->stride;
      JSAMPROW row = cmyk != NULL ? cmyk : dst;
      if (jpeg_read_scanlines (&cinfo, &row, 1) != 1)
        break;
      if (cmyk != NULL)
        cmyk_row_to_rgb (cmyk, dst, image->width);
    }
  if (!jerr.damaged && cinfo.output_scanline == cinfo.output_height)
    jpeg_finish_decompress (&cinfo);
  if (jerr.damaged || cinfo.output_scanline != cinfo.output_height)
    {
      dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path, "truncated JPEG data (%s)",
                     jerr.damaged ? jerr.message : "missing scanlines");
      goto fail;
    }
  jpeg_destroy_decompress (&cinfo);
  g_free (cmyk);
  return image;

fail:
  jpeg_destroy_decompress (&cinfo);
  g_free (cmyk);
  dr_image_free (image);
  return NULL;
}

/* See dr-image-private.h: jpeg_read_header only, reading from the open file. */
gboolean
dr_image_jpeg_probe (const char *path, FILE *file, int *width, int *height, int *orientation,
                     GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErr jerr;

  if (setjmp (jerr.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path, "invalid JPEG header (%s)",
                            jerr.message);
    }
  create_decompress (&cinfo, &jerr);
  jpeg_stdio_src (&cinfo, file);
  jpeg_read_header (&cinfo, TRUE);
  gboolean ok = !jerr.damaged;
  if (!ok)
    dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path, "truncated JPEG header (%s)",
                   jerr.message);
  else
    ok = dr_image_check_size (path, cinfo.image_width, cinfo.image_height, error);
  if (ok)
    {
      *width = (int) cinfo.image_width;
      *height = (int) cinfo.image_height;
      *orientation = app1_orientation (&jerr);
    }
  jpeg_destroy_decompress (&cinfo);
  return ok;
}
