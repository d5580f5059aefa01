/* dr-photo-loader.h — photo files to GdkTextures, upright, decoded as the models see them.
 * Blocking and thread-safe: call from worker threads, never from the main loop. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The whole photo at full resolution (dr_image_load). On failure returns NULL and a
 * one-line error naming the file and the reason. */
GdkTexture *dr_photo_loader_load           (const char *path, GError **error);

/* A preview whose longer side is at most max_size pixels (decoded at reduced scale). */
GdkTexture *dr_photo_loader_load_thumbnail (const char *path, int max_size, GError **error);

G_END_DECLS
