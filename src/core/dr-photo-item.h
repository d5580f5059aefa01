/* dr-photo-item.h — one photo of the open project, as the photo list and canvas see it. */
#pragma once

#include <glib-object.h>

#include "dr-damage.h"

G_BEGIN_DECLS

/* The four damage types (the store's DR_N_DAMAGE): an item, the session's overlays and the
 * inference queue keep one slot per type, in model order (Scratch_0 … Breakage_3). */
#define DR_N_DAMAGE_TYPES DR_N_DAMAGE

/* Where a photo stands in the review. */
typedef enum {
  DR_ITEM_STATUS_NOT_ANALYSED,
  DR_ITEM_STATUS_QUEUED,
  DR_ITEM_STATUS_ANALYSING,
  DR_ITEM_STATUS_ANALYSED,
  DR_ITEM_STATUS_ERROR,
  DR_ITEM_STATUS_REVIEWED,
  DR_ITEM_N_STATUS,
} DrItemStatus;

#define DR_TYPE_PHOTO_ITEM (dr_photo_item_get_type ())
G_DECLARE_FINAL_TYPE (DrPhotoItem, dr_photo_item, DR, PHOTO_ITEM, GObject)

DrPhotoItem *dr_photo_item_new (gint64 id, const char *path, const char *claim);

gint64        dr_photo_item_get_id           (DrPhotoItem *self);
const char   *dr_photo_item_get_path         (DrPhotoItem *self);
const char   *dr_photo_item_get_name         (DrPhotoItem *self);
/* The name's key for sorting file names (g_utf8_collate_key_for_filename), owned by the item. */
const char   *dr_photo_item_get_name_key     (DrPhotoItem *self);
const char   *dr_photo_item_get_claim        (DrPhotoItem *self);
void          dr_photo_item_set_claim        (DrPhotoItem *self, const char *claim);
const char   *dr_photo_item_get_sha256       (DrPhotoItem *self);
void          dr_photo_item_set_sha256       (DrPhotoItem *self, const char *sha256);
void          dr_photo_item_get_size         (DrPhotoItem *self, int *width, int *height);
void          dr_photo_item_set_size         (DrPhotoItem *self, int width, int height);

DrItemStatus dr_photo_item_get_status       (DrPhotoItem *self);
void          dr_photo_item_set_status       (DrPhotoItem *self, DrItemStatus status);
const char   *dr_photo_item_get_error        (DrPhotoItem *self);
void          dr_photo_item_set_error        (DrPhotoItem *self, const char *message);

gint64        dr_photo_item_get_area         (DrPhotoItem *self, guint damage);
void          dr_photo_item_set_result       (DrPhotoItem *self, guint damage, gint64 area,
                                              double confidence);
gboolean      dr_photo_item_has_result       (DrPhotoItem *self, guint damage);
gint64        dr_photo_item_get_total_area   (DrPhotoItem *self);
double        dr_photo_item_get_uncertainty  (DrPhotoItem *self);

/* The small preview: a GObject of the face's choosing (the window's is a GdkPaintable),
 * or NULL until it has been made. */
GObject      *dr_photo_item_get_thumbnail    (DrPhotoItem *self);
void          dr_photo_item_set_thumbnail    (DrPhotoItem *self, GObject *thumbnail);
gboolean      dr_photo_item_take_thumbnail_request (DrPhotoItem *self);

const char   *dr_item_status_to_string      (DrItemStatus status);

G_END_DECLS
