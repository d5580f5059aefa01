/* dr-photo-row.h — one row of the photo list: thumbnail, name, claim, status, damage chips. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"

G_BEGIN_DECLS

#define DR_TYPE_PHOTO_ROW (dr_photo_row_get_type ())
G_DECLARE_FINAL_TYPE (DrPhotoRow, dr_photo_row, DR, PHOTO_ROW, GtkWidget)

GtkWidget   *dr_photo_row_new      (void);
/* Shows item (NULL to unbind); follows its changes until the next call. */
void         dr_photo_row_set_item (DrPhotoRow *self, DrPhotoItem *item);
DrPhotoItem *dr_photo_row_get_item (DrPhotoRow *self);

G_END_DECLS
