/* dr-photo-list.h — the sidebar: the project's photos, filtered, sorted and selectable. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"

G_BEGIN_DECLS

#define DR_TYPE_PHOTO_LIST (dr_photo_list_get_type ())
G_DECLARE_FINAL_TYPE (DrPhotoList, dr_photo_list, DR, PHOTO_LIST, GtkWidget)

/* Who works on one claim of a team project (strings never NULL, "" for nobody). */
typedef struct {
  char *assignee;
  char *lease_holder;
} DrPhotoListWork;

/* A team project's work: @work maps claim name → DrPhotoListWork (NULL: a project file, the
 * Mine / Unassigned / Everyone's filter is hidden and off); @login is mine. Re-filters when
 * the filter in use depends on it. */
void         dr_photo_list_set_work       (DrPhotoList *self, GHashTable *work,
                                           const char *login);
/* Shows items (a GListModel of DrPhotoItem; NULL for none). */
void         dr_photo_list_set_items      (DrPhotoList *self, GListModel *items);
/* The team project (connection string) the items belong to, for fetching their thumbnails'
 * photos; NULL for a project file. Set it before the items. */
void         dr_photo_list_set_location   (DrPhotoList *self, const char *location);
/* The selected photo, or NULL. Notifies "selected-item" when it changes. */
DrPhotoItem *dr_photo_list_get_selected   (DrPhotoList *self);
/* Selects item if it passes the filters; returns whether it did. */
gboolean     dr_photo_list_select_item    (DrPhotoList *self, DrPhotoItem *item);
/* Moves the selection by delta rows (clamped) and scrolls it into view. */
void         dr_photo_list_move_selection (DrPhotoList *self, int delta);
/* The items as filtered and sorted on screen (a GListModel of DrPhotoItem). */
GListModel  *dr_photo_list_get_visible    (DrPhotoList *self);
/* Re-applies filters and sorting soon; call when statuses or results changed. */
void         dr_photo_list_invalidate     (DrPhotoList *self);
/* The items' claim old_name is now called new_name (items already updated): rebuilds the
 * claim filter, keeping that claim chosen if it was, and re-filters at once. */
void         dr_photo_list_claim_renamed  (DrPhotoList *self, const char *old_name,
                                           const char *new_name);

G_END_DECLS
