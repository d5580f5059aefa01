/* dr-claims-controller.h — renaming the shown photo's claim (win.rename-claim).
 *
 * Like a review edit, a rename is one small statement written through the edit writer
 * (dr-review-recorder.h). The photo items are relabelled in place and "renamed" (old, new)
 * lets the window update the list rows, the claim filter and the claim's cost estimate; the
 * selected photo, its zoom and its pan stay as they were. "toast" (message) reports a
 * refusal. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"
#include "dr-review-recorder.h"
#include "dr-session.h"

G_BEGIN_DECLS

#define DR_TYPE_CLAIMS_CONTROLLER (dr_claims_controller_get_type ())
G_DECLARE_FINAL_TYPE (DrClaimsController, dr_claims_controller, DR, CLAIMS_CONTROLLER, GObject)

/* window holds the action and is the dialog's parent (no reference is held). */
DrClaimsController *dr_claims_controller_new         (GtkWindow *window,
                                                      DrReviewRecorder *recorder);
void                dr_claims_controller_set_session (DrClaimsController *self,
                                                      DrSession *session);
void                dr_claims_controller_set_photo   (DrClaimsController *self,
                                                      DrPhotoItem *item);

/* Renames the claim called old_name to new_name in the open project. Fails with the store's
 * message, e.g. when another claim already has that name. */
gboolean            dr_claims_controller_rename      (DrClaimsController *self,
                                                      const char *old_name,
                                                      const char *new_name, GError **error);

G_END_DECLS
