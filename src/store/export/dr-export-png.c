/* dr-export-png.c — per-photo, per-damage binary mask PNGs (8-bit grey, 0/255) and their check. */
#include "dr-export-private.h"

#include <png.h>
#include <string.h>

#include "dr-image.h"
#include "dr-store-error.h"

/* Writes masks/<stem>_<damage>.png for the four layers, 0 → 0 and on → 255. */
gboolean
dr_export_png_write (const DrExportEntry *entry, const char *dir, GError **error)
{
  const DrExportItem *item = entry->item;
  gsize n = (gsize) item->width * item->height;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree guint8 *mask = dr_export_item_decode (item, d);
      for (gsize i = 0; i < n; i++)
        mask[i] = mask[i] ? 255 : 0;
      g_autofree char *path = g_build_filename (dir, "masks", entry->mask_name[d], NULL);
      if (!dr_image_save_grey_png (path, mask, (int) item->width, (int) item->height, item->width,
                                   error))
        return FALSE;
    }
  return TRUE;
}

/* Decodes one PNG with libpng's simplified API, refusing anything but 8-bit grey without alpha
 * of the expected size. Returns the pixels (width × height) or NULL with @error. */
static guint8 *
read_grey_png (const char *path, guint width, guint height, GError **error)
{
  png_image img;
  memset (&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file (&img, path))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: not a readable PNG: %s",
                   path, img.message);
      return NULL;
    }
  if (img.format != PNG_FORMAT_GRAY || img.width != width || img.height != height)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: expected an 8-bit grey PNG of %u × %u, found format %u of %u × %u",
                   path, width, height, img.format, img.width, img.height);
      png_image_free (&img);
      return NULL;
    }
  guint8 *pixels = g_malloc ((gsize) width * height);
  if (!png_image_finish_read (&img, NULL, pixels, (png_int_32) width, NULL))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: cannot decode: %s", path,
                   img.message);
      g_free (pixels);
      return NULL;
    }
  return pixels;
}

/* Compares each of the four PNGs with the item's masks; names the file and the first pixel. */
gboolean
dr_export_png_verify (const DrExportEntry *entry, const char *dir, GError **error)
{
  const DrExportItem *item = entry->item;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree char *path = g_build_filename (dir, "masks", entry->mask_name[d], NULL);
      g_autofree guint8 *png = read_grey_png (path, item->width, item->height, error);
      if (png == NULL)
        return FALSE;
      g_autofree guint8 *mask = dr_export_item_decode (item, d);
      for (gsize i = 0; i < (gsize) item->width * item->height; i++)
        if (png[i] != (mask[i] ? 255 : 0))
          {
            g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                         "%s: pixel (%zu, %zu) is %u but the project's %s mask says %u", path,
                         i % item->width, i / item->width, png[i],
                         dr_export_category_name (d), mask[i] ? 255u : 0u);
            return FALSE;
          }
    }
  return TRUE;
}
