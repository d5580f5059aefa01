/* dr-thumbnailer.h — makes photo-list thumbnails on worker threads and keeps an LRU of them.
 * Thumbnails of photos with a known SHA-256 are also kept on disk (dr-thumbnail-cache.h). */
#pragma once

#include "dr-photo-item.h"

G_BEGIN_DECLS

#define DR_THUMBNAIL_SIZE 96

#define DR_TYPE_THUMBNAILER (dr_thumbnailer_get_type ())
G_DECLARE_FINAL_TYPE (DrThumbnailer, dr_thumbnailer, DR, THUMBNAILER, GObject)

/* capacity: how many thumbnails stay in memory; the least recently made that no row shows
 * are dropped. */
DrThumbnailer *dr_thumbnailer_new     (guint capacity);

/* A row now shows item: queues a thumbnail for it unless it has one or one is pending; the
 * newest request is served first (the rows on screen). The result, at most
 * DR_THUMBNAIL_SIZE * 2 pixels on its longer side, is set on the item in the main loop.
 * While shown, the item keeps its thumbnail whatever the capacity. */
void           dr_thumbnailer_request (DrThumbnailer *self, DrPhotoItem *item);

/* A row no longer shows item (one call per request): its thumbnail may be evicted, and a
 * pending one that no worker has started yet is not made. */
void           dr_thumbnailer_release (DrThumbnailer *self, DrPhotoItem *item);

/* The team project (a connection string) the items requested from now on belong to, whose
 * photos are fetched from its server before decoding; NULL for a project file. */
void           dr_thumbnailer_set_location (DrThumbnailer *self, const char *location);

G_END_DECLS
