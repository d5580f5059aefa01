/* dr-photo-loader.c — wraps the store's decoder (dr-image) as memory textures, so the canvas
 * shows exactly the pixels the models analysed (same decoder, same EXIF orientation). */
#include "config.h"

#include "dr-image.h"
#include "dr-photo-loader.h"

static void
free_image (gpointer data)
{
  dr_image_free (data);
}

/* Turns image into an RGB8 texture without copying; takes ownership of image. */
static GdkTexture *
texture_from_image (DrImage *image)
{
  g_autoptr (GBytes) bytes = g_bytes_new_with_free_func (image->pixels,
                                                         image->stride * (gsize) image->height,
                                                         free_image, image);
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8, bytes,
                                 image->stride);
}

/* See header. */
GdkTexture *
dr_photo_loader_load (const char *path, GError **error)
{
  DrImage *image = dr_image_load (path, error);
  return image ? texture_from_image (image) : NULL;
}

/* See header. */
GdkTexture *
dr_photo_loader_load_thumbnail (const char *path, int max_size, GError **error)
{
  DrImage *image = dr_image_load_thumbnail (path, max_size, error);
  return image ? texture_from_image (image) : NULL;
}
