/* dr-photo-loader.c — decode with gdk-pixbuf, rotate upright, wrap as a memory texture. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-photo-loader.h"

/* Rotates pixbuf upright and turns it into a texture; takes ownership of pixbuf. */
static GdkTexture *
texture_from_pixbuf (GdkPixbuf *pixbuf)
{
  g_autoptr (GdkPixbuf) owned = pixbuf;
  g_autoptr (GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (owned);
  return gdk_texture_new_for_pixbuf (upright);
}

/* Prefixes a loader error with the file name, keeping it on one line. */
static void
name_error (GError **error, GError *local, const char *path)
{
  g_autofree char *name = g_filename_display_name (path);
  g_set_error (error, local->domain, local->code, _("%s: cannot read photo: %s"), name,
               local->message);
  g_error_free (local);
}

/* See header. */
GdkTexture *
dr_photo_loader_load (const char *path, GError **error)
{
  GError *local = NULL;
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_file (path, &local);
  if (pixbuf == NULL)
    {
      name_error (error, local, path);
      return NULL;
    }
  return texture_from_pixbuf (pixbuf);
}

/* See header. */
GdkTexture *
dr_photo_loader_load_thumbnail (const char *path, int max_size, GError **error)
{
  GError *local = NULL;
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_file_at_scale (path, max_size, max_size, TRUE, &local);
  if (pixbuf == NULL)
    {
      name_error (error, local, path);
      return NULL;
    }
  return texture_from_pixbuf (pixbuf);
}

/* See header. An alpha channel, if any, is dropped: damage photos are opaque. */
GdkPixbuf *
dr_photo_loader_load_rgb (const char *path, GError **error)
{
  GError *local = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &local);
  if (pixbuf == NULL)
    {
      name_error (error, local, path);
      return NULL;
    }
  g_autoptr (GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (!gdk_pixbuf_get_has_alpha (upright) && gdk_pixbuf_get_bits_per_sample (upright) == 8)
    return g_steal_pointer (&upright);
  int w = gdk_pixbuf_get_width (upright), h = gdk_pixbuf_get_height (upright);
  GdkPixbuf *rgb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  if (rgb == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: photo too large"), name);
      return NULL;
    }
  gdk_pixbuf_copy_area (upright, 0, 0, w, h, rgb, 0, 0);
  return rgb;
}
