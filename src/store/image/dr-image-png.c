/* dr-image-png.c — PNG decoding with libpng, with the transformations of OpenCV 4.6's
 * PngDecoder for IMREAD_COLOR: 16-bit samples stripped to their high byte, alpha stripped
 * (never composited), palette expanded to RGB, low-bit grey expanded to 8 bits, grey copied
 * to R, G and B; orientation from an eXIf chunk before the image data.
 *
 * libpng errors longjmp back here; warnings (e.g. about colour profiles) are ignored, as
 * OpenCV ignores them. A header whose dimensions need more bytes than the file could hold at
 * deflate's best ratio (1032:1) is refused before anything is allocated.
 */
#include "dr-image-private.h"
#include "dr-image-png-private.h"

#include <string.h>

#define DEFLATE_MAX_RATIO 1032 /* two 1-bit codes per 258-byte match */

/* Error state and memory source of one libpng read. */
typedef struct {
  char message[DR_PNG_MESSAGE_BYTES];
  const guint8 *data;
  gsize len, pos;
} PngCtx;

/* See dr-image-png-private.h. */
void
dr_image_png_on_error (png_structp png, png_const_charp msg)
{
  g_strlcpy (png_get_error_ptr (png), msg, DR_PNG_MESSAGE_BYTES);
  png_longjmp (png, 1);
}

/* See dr-image-png-private.h. */
void
dr_image_png_on_warning (png_structp png, png_const_charp msg)
{
}

/* Memory read callback; running out of bytes is a libpng error. */
static void
read_mem (png_structp png, png_bytep out, size_t n)
{
  PngCtx *ctx = png_get_io_ptr (png);
  if (n > ctx->len - ctx->pos)
    png_error (png, "file ends before the image data does");
  memcpy (out, ctx->data + ctx->pos, n);
  ctx->pos += n;
}

/* Bytes of the filtered, uncompressed image the IHDR describes (one filter byte per row). */
static guint64
raw_bytes (png_structp png, png_infop info)
{
  guint64 w = png_get_image_width (png, info), h = png_get_image_height (png, info);
  guint64 bits = (guint64) png_get_channels (png, info) * png_get_bit_depth (png, info);
  return h * (1 + (w * bits + 7) / 8);
}

/* After png_read_info: bounds, the size-versus-file check and the eXIf orientation. Runs
 * inside the caller's setjmp scope. */
static gboolean
check_header (png_structp png, png_infop info, const char *path, guint64 file_len,
              int *orientation, GError **error)
{
  png_uint_32 w = png_get_image_width (png, info), h = png_get_image_height (png, info);
  if (!dr_image_check_size (path, w, h, error))
    return FALSE;
  guint64 raw = raw_bytes (png, info);
  if (raw / DEFLATE_MAX_RATIO > file_len)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path,
                          "header claims %ux%u pixels but the file has only %" G_GUINT64_FORMAT
                          " bytes", w, h, file_len);
  *orientation = 1;
  png_uint_32 n = 0;
  png_bytep exif = NULL;
  if (png_get_valid (png, info, PNG_INFO_eXIf) && png_get_eXIf_1 (png, info, &n, &exif) && n > 0)
    *orientation = dr_image_exif_orientation (exif, n);
  return TRUE;
}

/* Bounds of libpng's own allocations in one decode (see the decode ceiling in
 * dr-image-private.h). libpng 1.6.39 allocates the length an ancillary chunk (tEXt, zTXt,
 * iTXt, sPLT, eXIf) claims before reading it, and png_set_chunk_malloc_max does not stop
 * that: a 45-byte file claiming a 1.2 GB tEXt chunk made it allocate 1.2 GB. So
 * check_chunks walks the chunk headers first and refuses any chunk but IDAT (which libpng
 * reads in small pieces) above PNG_MAX_CHUNK_BYTES or longer than what is left of the file.
 * chunk_malloc_max and chunk_cache_max are set as well, for the chunks libpng does bound
 * with them. libpng's own width and height limits stay off so that dr_image_check_size
 * gives its clearer message. */
#define PNG_MAX_CHUNK_BYTES ((guint32) 4 << 20)
#define PNG_MAX_CHUNKS 64

/* One chunk header against the bounds above; @left is the file's bytes after the header. */
static gboolean
check_chunk (const guint8 head[8], guint64 left, const char *path, GError **error)
{
  guint32 n = (guint32) head[0] << 24 | (guint32) head[1] << 16 | (guint32) head[2] << 8 | head[3];
  char type[5] = { 0 };
  for (int i = 0; i < 4; i++)
    type[i] = g_ascii_isalpha (head[4 + i]) ? (char) head[4 + i] : '?';
  if (memcmp (type, "IDAT", 4) == 0) /* read in small pieces by libpng */
    return TRUE;
  if ((guint64) n + 4 > left)
    return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path,
                          "PNG chunk %s claims %u bytes, more than the file has left", type, n);
  if (n > PNG_MAX_CHUNK_BYTES)
    return dr_image_fail (error, DR_STORE_ERROR_TOO_LARGE, path,
                          "PNG chunk %s has %u bytes, above the limit of %u MiB", type, n,
                          PNG_MAX_CHUNK_BYTES >> 20);
  return TRUE;
}

/* Walks every chunk header of a PNG in memory (after the signature) up to IEND. */
static gboolean
check_chunks (const guint8 *data, gsize len, const char *path, GError **error)
{
  gsize pos = 8;
  while (pos + 8 <= len)
    {
      if (!check_chunk (data + pos, len - pos - 8, path, error))
        return FALSE;
      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        break;
      guint32 n = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16
                  | (guint32) data[pos + 2] << 8 | data[pos + 3];
      pos += 12 + (gsize) n;
    }
  return TRUE;
}

/* The same for the chunks before the first IDAT of an open file (what png_read_info reads);
 * leaves the file position at 0. */
static gboolean
check_file_chunks (FILE *file, guint64 file_len, const char *path, GError **error)
{
  guint64 pos = 8;
  guint8 head[8];
  gboolean ok = TRUE;
  while (ok && pos + 8 <= file_len && fseek (file, (long) pos, SEEK_SET) == 0
         && fread (head, 1, 8, file) == 8 && memcmp (head + 4, "IDAT", 4) != 0)
    {
      ok = check_chunk (head, file_len - pos - 8, path, error);
      guint32 n = (guint32) head[0] << 24 | (guint32) head[1] << 16 | (guint32) head[2] << 8
                  | head[3];
      pos += 12 + (guint64) n;
    }
  if (fseek (file, 0, SEEK_SET) != 0 && ok)
    return dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot seek");
  return ok;
}

/* Creates the read structs with our error handlers and the bounds above. */
static gboolean
create_read (PngCtx *ctx, png_structp *png, png_infop *info)
{
  *png = png_create_read_struct (PNG_LIBPNG_VER_STRING, ctx->message, dr_image_png_on_error,
                                 dr_image_png_on_warning);
  if (*png == NULL)
    return FALSE;
  *info = png_create_info_struct (*png);
  if (*info == NULL)
    {
      png_destroy_read_struct (png, NULL, NULL);
      return FALSE;
    }
  png_set_user_limits (*png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_chunk_malloc_max (*png, PNG_MAX_CHUNK_BYTES);
  png_set_chunk_cache_max (*png, PNG_MAX_CHUNKS);
  return TRUE;
}

/* See dr-image-private.h. */
DrImage *
dr_image_png_decode (const DrImageBytes *bytes, int *orientation, GError **error)
{
  PngCtx ctx = { .data = bytes->data, .len = bytes->len };
  png_structp png;
  png_infop info;
  DrImage *volatile image = NULL;
  png_bytepp volatile rows = NULL;

  if (!check_chunks (bytes->data, bytes->len, bytes->path, error))
    return NULL;
  if (!create_read (&ctx, &png, &info))
    {
      dr_image_fail (error, DR_STORE_ERROR_IO, bytes->path, "out of memory starting libpng");
      return NULL;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      dr_image_fail (error, DR_STORE_ERROR_CORRUPT, bytes->path, "invalid PNG data (%s)",
                     ctx.message);
      goto fail;
    }
  png_set_read_fn (png, &ctx, read_mem);
  png_read_info (png, info);
  if (!check_header (png, info, bytes->path, bytes->len, orientation, error))
    goto fail;

  int color = png_get_color_type (png, info), depth = png_get_bit_depth (png, info);
  if (depth == 16)
    png_set_strip_16 (png);
  png_set_strip_alpha (png);
  if (color == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if ((color & PNG_COLOR_MASK_COLOR) == 0 && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if ((color & PNG_COLOR_MASK_COLOR) == 0)
    png_set_gray_to_rgb (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  int w = (int) png_get_image_width (png, info), h = (int) png_get_image_height (png, info);
  if (png_get_rowbytes (png, info) != (gsize) w * 3)
    {
      dr_image_fail (error, DR_STORE_ERROR_UNSUPPORTED, bytes->path,
                     "unsupported PNG pixel layout (colour type %d, %d bits)", color, depth);
      goto fail;
    }
  image = dr_image_new (bytes->path, w, h, error);
  if (image == NULL)
    goto fail;
  rows = g_new (png_bytep, h);
  for (int y = 0; y < h; y++)
    rows[y] = image->pixels + (gsize) y * image->stride;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  return image;

fail:
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  dr_image_free (image);
  return NULL;
}

/* See dr-image-private.h: png_read_info only, from the open file. */
gboolean
dr_image_png_probe (const char *path, FILE *file, int *width, int *height, int *orientation,
                    GError **error)
{
  PngCtx ctx = { 0 };
  png_structp png;
  png_infop info;
  volatile gboolean ok = FALSE;

  volatile guint64 file_len = 0;
  if (fseek (file, 0, SEEK_END) == 0 && ftell (file) >= 0)
    file_len = (guint64) ftell (file);
  if (!check_file_chunks (file, file_len, path, error))
    return FALSE;
  if (!create_read (&ctx, &png, &info))
    return dr_image_fail (error, DR_STORE_ERROR_IO, path, "out of memory starting libpng");
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      return dr_image_fail (error, DR_STORE_ERROR_CORRUPT, path, "invalid PNG header (%s)",
                            ctx.message);
    }
  png_init_io (png, file);
  png_read_info (png, info);
  if (check_header (png, info, path, file_len, orientation, error))
    {
      *width = (int) png_get_image_width (png, info);
      *height = (int) png_get_image_height (png, info);
      ok = TRUE;
    }
  png_destroy_read_struct (&png, &info, NULL);
  return ok;
}
