/* dr-review-controller.h — the window's review part: mask editing on the canvas, undo and
 * redo, verdicts and notes, the reviewer's name, the unsaved state and the read-only banner,
 * export and the claim report.
 *
 * It owns the edit session, the edit tool and the review recorder; it adds its actions
 * (win.tool, win.verdict, win.undo, …) and keys to the window it is made for, and asks the
 * window for the rest through signals:
 * "photos-changed" (photo_id)         statuses or areas changed in the project: of photo_id
 *                                     alone, or of any photo when it is 0;
 * "overlays-stale" (photo_id, reload) the stored overlays of photo_id are out of date (reload:
 *                                     show them again from the project);
 * "show-photo" (DrPhotoItem)          put this photo on screen. */
#pragma once

#include <adwaita.h>

#include "dr-canvas.h"
#include "dr-edit-session.h"
#include "dr-edit-tool.h"
#include "dr-legend.h"
#include "dr-photo-item.h"
#include "dr-photo-list.h"
#include "dr-review-bar.h"
#include "dr-review-recorder.h"
#include "dr-session.h"
#include "dr-team-controller.h"

G_BEGIN_DECLS

#define DR_TYPE_REVIEW_CONTROLLER (dr_review_controller_get_type ())
G_DECLARE_FINAL_TYPE (DrReviewController, dr_review_controller, DR, REVIEW_CONTROLLER, GObject)

/* The widgets it drives belong to window (it holds no reference to window). */
DrReviewController *dr_review_controller_new (GtkWindow *window, GSettings *settings,
                                              DrCanvas *canvas, DrPhotoList *photo_list,
                                              DrReviewBar *review_bar, DrLegend *legend,
                                              AdwToastOverlay *toasts,
                                              GtkRevealer *read_only_revealer);

/* The open project (NULL: none); shows the read-only banner while it cannot be written. */
void              dr_review_controller_set_session (DrReviewController *self,
                                                    DrSession *session);
/* The photo on screen (NULL: none): the editor follows it, its note and verdicts show. A
 * note typed for the previous photo is saved first. */
void              dr_review_controller_set_photo   (DrReviewController *self,
                                                    DrPhotoItem *item);

DrEditSession    *dr_review_controller_get_edit_session (DrReviewController *self);
DrEditTool       *dr_review_controller_get_edit_tool    (DrReviewController *self);
DrReviewRecorder *dr_review_controller_get_recorder     (DrReviewController *self);

/* The shown photo (@photo_id, or any when 0) changed in the project through someone else
 * (a team member): its verdicts, head, note and overlays are read again. Unsaved edits and a
 * note being typed are kept. */
void              dr_review_controller_reload      (DrReviewController *self,
                                                    gint64              photo_id);

/* Writes the unsaved edits, then the unsaved verdicts. TRUE when nothing is left unsaved. */
gboolean          dr_review_controller_save        (DrReviewController *self);
/* Whether edits or verdicts are kept unsaved. */
gboolean          dr_review_controller_has_unsaved (DrReviewController *self);

/* On a team project "Next unreviewed" takes the next claim through @team (not owned). */
void dr_review_controller_set_team (DrReviewController *self, DrTeamController *team);

G_END_DECLS
