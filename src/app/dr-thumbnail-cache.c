/* dr-thumbnail-cache.c — thumbnails as PNG files named after the photo's SHA-256.
 *
 * The key is the hash of the photo's bytes recorded at import, so a renamed or moved photo
 * keeps its thumbnail and the same photo in two projects shares one. Cache files are read
 * with the store's decoder (dr-image), which checks the header against the expected size
 * before decoding and turns damaged data into an error, never a crash or a partial image.
 * Writers replace a file by renaming a complete temporary file over it, so concurrent
 * readers and writers (two workers, two windows) never see half a file. New files are not
 * fsynced: losing a thumbnail in a crash only costs a decode. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "dr-file-hash.h"
#include "dr-image.h"
#include "dr-photo-loader.h"
#include "dr-thumbnail-cache.h"

/* See header. */
char *
dr_thumbnail_cache_path (const char *sha256, int size)
{
  g_return_val_if_fail (size > 0, NULL);
  if (sha256 == NULL)
    return NULL;
  g_autofree char *lower = g_ascii_strdown (sha256, -1);
  if (!dr_sha256_is_valid (lower))
    return NULL;
  g_autofree char *name = g_strdup_printf ("%s-%d.png", lower, size);
  char prefix[3] = { lower[0], lower[1], '\0' };
  return g_build_filename (g_get_user_cache_dir (), "damage-review", "thumbnails", prefix,
                           name, NULL);
}

/* See header. */
GdkTexture *
dr_thumbnail_cache_load (const char *sha256, int size)
{
  g_autofree char *path = dr_thumbnail_cache_path (sha256, size);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  g_autoptr (GError) error = NULL;
  int w = 0, h = 0;
  if (!dr_image_probe (path, &w, &h, &error))
    {
      g_debug ("Thumbnail cache miss: %s", error->message);
      return NULL;
    }
  if (w > size || h > size)
    {
      g_debug ("Thumbnail cache miss: %s: %d×%d is larger than %d pixels", path, w, h, size);
      return NULL;
    }
  GdkTexture *texture = dr_photo_loader_load (path, &error);
  if (texture == NULL)
    g_debug ("Thumbnail cache miss: %s", error->message);
  return texture;
}

/* See header. */
void
dr_thumbnail_cache_store (const char *sha256, int size, GdkTexture *texture)
{
  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_autofree char *path = dr_thumbnail_cache_path (sha256, size);
  if (path == NULL)
    return;
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_debug ("Thumbnail cache %s: %s", dir, g_strerror (e));
      return;
    }
  g_autoptr (GBytes) png = gdk_texture_save_to_png_bytes (texture);
  gsize length = 0;
  const char *data = g_bytes_get_data (png, &length);
  g_autoptr (GError) error = NULL;
  /* ONLY_EXISTING: no fsync for new files (a lost thumbnail is just decoded again). */
  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &error))
    g_debug ("Thumbnail cache %s: %s", path, error->message);
}
