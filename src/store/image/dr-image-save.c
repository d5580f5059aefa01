/* dr-image-save.c — writing 8-bit greyscale PNGs (masks) atomically with libpng. */
#include "dr-image-private.h"
#include "dr-image-png-private.h"

#include <errno.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* Encodes the image into an open stream; FALSE + error on any libpng failure. */
static gboolean
write_png (FILE *f, const char *path, const guint8 *grey, int width, int height, gsize stride,
           GError **error)
{
  char message[DR_PNG_MESSAGE_BYTES] = "";
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, message,
                                             dr_image_png_on_error, dr_image_png_on_warning);
  png_infop info = png != NULL ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      return dr_image_fail (error, DR_STORE_ERROR_IO, path, "out of memory starting libpng");
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      return dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot write PNG (%s)",
                            message);
    }
  png_init_io (png, f);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, 8, PNG_COLOR_TYPE_GRAY,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (int y = 0; y < height; y++)
    png_write_row (png, grey + (gsize) y * stride);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

/* See dr-image.h: encode to "<path>.XXXXXX" in the same directory, flush, fsync, rename. */
gboolean
dr_image_save_grey_png (const char *path, const guint8 *grey, int width, int height,
                        gsize stride, GError **error)
{
  g_return_val_if_fail (path != NULL && grey != NULL, FALSE);
  if (!dr_image_check_size (path, width, height, error))
    return FALSE;
  if (stride < (gsize) width)
    return dr_image_fail (error, DR_STORE_ERROR_FAILED, path, "row stride below the width");

  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      int e = errno;
      return dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot create: %s",
                            g_strerror (e));
    }
  fchmod (fd, 0644); /* mkstemp's 0600 would hide masks from other readers */
  FILE *f = fdopen (fd, "wb");
  if (f == NULL)
    {
      close (fd);
      g_unlink (tmp);
      return dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot open stream");
    }
  gboolean ok = write_png (f, path, grey, width, height, stride, error);
  if (ok && (fflush (f) != 0 || fsync (fileno (f)) != 0))
    {
      int e = errno;
      ok = dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot write: %s", g_strerror (e));
    }
  if (fclose (f) != 0 && ok)
    {
      int e = errno;
      ok = dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot close: %s", g_strerror (e));
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int e = errno;
      ok = dr_image_fail (error, DR_STORE_ERROR_IO, path, "cannot rename into place: %s",
                          g_strerror (e));
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
