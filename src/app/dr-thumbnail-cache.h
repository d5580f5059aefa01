/* dr-thumbnail-cache.h — photo-list thumbnails kept between runs as PNG files under
 * $XDG_CACHE_HOME/damage-review/thumbnails/<first 2 hex>/<sha256>-<size>.png, keyed by the
 * SHA-256 of the photo's bytes and the thumbnail's maximum size. Blocking and thread-safe:
 * call from worker threads. It is only a cache: every failure reads as a miss. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The cache file for a photo's thumbnail of at most size pixels, or NULL when sha256 is not
 * 64 hexadecimal digits (then nothing is cached for that photo). */
char       *dr_thumbnail_cache_path  (const char *sha256, int size);

/* The cached thumbnail, or NULL on a miss: no file, unreadable, not an image, damaged, or
 * larger than size on either side. A damaged file is left for dr_thumbnail_cache_store to
 * replace. */
GdkTexture *dr_thumbnail_cache_load  (const char *sha256, int size);

/* Stores texture as the thumbnail of sha256 at size, atomically (temporary file + rename),
 * so readers see the old file or the whole new one. Failures are logged with g_debug only. */
void        dr_thumbnail_cache_store (const char *sha256, int size, GdkTexture *texture);

G_END_DECLS
