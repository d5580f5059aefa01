/* dr-analysis-controller.h — the window's side of inference: queueing photos, receiving
 * results, storing them in the project, overlays on the canvas, "Analyse All" progress and
 * cancel, and the notice shown without models.
 *
 * It adds win.analyse-all and win.dismiss-notice to the window it is made for and asks the
 * window for the rest through signals: "toast" (message) and "progress" (text or NULL to
 * hide, fraction; < 0 pulses). */
#pragma once

#include <gtk/gtk.h>

#include "dr-canvas.h"
#include "dr-edit-writer.h"
#include "dr-inference-queue.h"
#include "dr-legend.h"
#include "dr-photo-item.h"
#include "dr-photo-list.h"
#include "dr-session.h"
#include "dr-team-controller.h"

G_BEGIN_DECLS

#define DR_TYPE_ANALYSIS_CONTROLLER (dr_analysis_controller_get_type ())
G_DECLARE_FINAL_TYPE (DrAnalysisController, dr_analysis_controller, DR, ANALYSIS_CONTROLLER,
                      GObject)

/* The widgets belong to window (it holds no reference to window); writer records the
 * models' identities in each project opened. */
DrAnalysisController *dr_analysis_controller_new (GtkWindow *window, DrCanvas *canvas,
                                                  DrPhotoList *photo_list, DrLegend *legend,
                                                  GtkRevealer *notice_revealer,
                                                  GtkLabel *notice_label,
                                                  GtkWidget *analyse_button,
                                                  DrEditWriter *writer,
                                                  DrLayerCache *layer_cache);

/* Runs analysis with queue's models (NULL: no models; the notice says so, calmly). */
void dr_analysis_controller_set_queue   (DrAnalysisController *self, DrInferenceQueue *queue);
/* The open project changed (NULL: none): analysis of the previous one stops, overlays are
 * forgotten, the models become current in the new one. */
void dr_analysis_controller_set_session (DrAnalysisController *self, DrSession *session);
/* The photo on the canvas (NULL: none). */
void dr_analysis_controller_set_photo   (DrAnalysisController *self, DrPhotoItem *item);

void dr_analysis_controller_show_overlays        (DrAnalysisController *self);
void dr_analysis_controller_queue_around_current (DrAnalysisController *self);
/* Drops the overlays kept for photo_id (its masks changed in the project). */
void dr_analysis_controller_forget_overlays      (DrAnalysisController *self, gint64 photo_id);
void dr_analysis_controller_cancel               (DrAnalysisController *self, gboolean announce);
void dr_analysis_controller_update_notice        (DrAnalysisController *self);

/* On a team project Analyse All queues the jobs for the workers through @team (not owned). */
void dr_analysis_controller_set_team (DrAnalysisController *self, DrTeamController *team);

G_END_DECLS
