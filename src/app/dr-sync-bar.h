/* dr-sync-bar.h — where my edits stand with a team server, above the review tools.
 *
 * "NAME changed this layer": when the edit writer reports that a head move of mine lost
 * (DrEditConflict) on the photo and layer shown, the bar says who changed it, lets the reviewer
 * look at their mask or mine on the canvas (a Theirs / Mine switch, theirs first: it is what
 * the layer shows), and resolve it: Keep Mine (one more compare-and-swap of the head to my
 * revision, which can conflict again and is then shown again) or Take Theirs (no write; my
 * revision stays in the history). Conflicts of other photos or layers wait until they are
 * shown. It also says how many edits, verdicts and notes wait in the offline journal
 * ("N changes waiting for the server"), from the writer's "waiting" signal.
 *
 * Signal "layer-stale" (photo_id): the stored layer of photo_id changed or must be drawn from
 * the project again (after a conflict arrived or was resolved). Signal "kept-mine" (project,
 * photo_id, damage): Keep Mine moved the layer's head to my revision (the verdict follows it
 * as it follows an edit). */
#pragma once

#include <gtk/gtk.h>

#include "dr-canvas.h"
#include "dr-edit-session.h"

G_BEGIN_DECLS

#define DR_TYPE_SYNC_BAR (dr_sync_bar_get_type ())
G_DECLARE_FINAL_TYPE (DrSyncBar, dr_sync_bar, DR, SYNC_BAR, GtkBox)

/* A bar following editor's writer, drawing the masks it compares on canvas. */
GtkWidget *dr_sync_bar_new       (DrEditSession *editor, DrCanvas *canvas);

/* The photo (and its size as stored) and layer on screen; 0: none. */
void       dr_sync_bar_set_shown (DrSyncBar *self, gint64 photo_id, int width, int height,
                                  DrDamage damage);

G_END_DECLS
