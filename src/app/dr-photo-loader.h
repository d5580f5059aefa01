/* dr-photo-loader.h — photo files to GdkTextures, upright (EXIF orientation applied).
 * Blocking and thread-safe: call from worker threads, never from the main loop. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The whole photo at full resolution. On failure returns NULL and a one-line error naming
 * the file and the reason. */
GdkTexture *dr_photo_loader_load           (const char *path, GError **error);

/* A preview whose longer side is at most max_size pixels (decoded at reduced scale). */
GdkTexture *dr_photo_loader_load_thumbnail (const char *path, int max_size, GError **error);

/* The photo upright as 8-bit RGB without alpha (the models' input), for inference. */
GdkPixbuf  *dr_photo_loader_load_rgb       (const char *path, GError **error);

G_END_DECLS
