/* dr-thumbnailer.h — makes photo-list thumbnails on worker threads and keeps an LRU of them. */
#pragma once

#include "dr-photo-item.h"

G_BEGIN_DECLS

#define DR_THUMBNAIL_SIZE 96

#define DR_TYPE_THUMBNAILER (dr_thumbnailer_get_type ())
G_DECLARE_FINAL_TYPE (DrThumbnailer, dr_thumbnailer, DR, THUMBNAILER, GObject)

/* capacity: how many thumbnails stay in memory; the least recently made are dropped. */
DrThumbnailer *dr_thumbnailer_new     (guint capacity);

/* Queues a thumbnail for item unless it has one or one is pending; the newest request is
 * served first (the rows on screen). The result is set on the item in the main loop. */
void           dr_thumbnailer_request (DrThumbnailer *self, DrPhotoItem *item);

G_END_DECLS
