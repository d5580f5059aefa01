/* dr-window.h — the review window. */
#pragma once

#include <adwaita.h>

#include "dr-application.h"
#include "dr-canvas.h"
#include "dr-inference-queue.h"
#include "dr-photo-list.h"
#include "dr-review-controller.h"
#include "dr-session.h"

G_BEGIN_DECLS

#define DR_TYPE_WINDOW (dr_window_get_type ())
G_DECLARE_FINAL_TYPE (DrWindow, dr_window, DR, WINDOW, AdwApplicationWindow)

DrWindow    *dr_window_new           (DrApplication *app);

/* Opens the project at path (create: creates it if missing). On failure says why in a toast
 * and keeps the open project; returns whether it opened. */
gboolean     dr_window_open_project  (DrWindow *self, const char *path, gboolean create);
/* Opens the existing project at path without blocking the main loop (see
 * dr_project_controller_open_async); dr_window_is_opening () until it is open or failed. */
void         dr_window_open_project_async (DrWindow *self, const char *path);
gboolean     dr_window_is_opening    (DrWindow *self);
DrSession   *dr_window_get_session   (DrWindow *self);

/* Adds photos and folders (recursively) to the open project; without one, opens the project
 * of their folder first (see dr_session_path_for_folder). */
void         dr_window_add_files     (DrWindow *self, GFile **files, guint n_files);

/* What the command line and drops do: project files are opened, photos and folders added. */
void         dr_window_open_files    (DrWindow *self, GFile **files, guint n_files);

/* Shows a short, non-blocking message. */
void         dr_window_toast         (DrWindow *self, const char *message);

/* Runs analysis with queue's models (NULL: no models; the window says so, calmly). */
void         dr_window_set_inference_queue (DrWindow *self, DrInferenceQueue *queue);

DrCanvas    *dr_window_get_canvas     (DrWindow *self);
DrPhotoList *dr_window_get_photo_list (DrWindow *self);
/* The photo on the canvas, or NULL. */
DrPhotoItem *dr_window_get_current    (DrWindow *self);
/* The review part: its edit session, edit tool and unsaved state. */
DrReviewController *dr_window_get_review (DrWindow *self);
/* Whether a team project is open and its live updates listen now (no banner). */
gboolean     dr_window_is_live        (DrWindow *self);
/* The review bar under the canvas (verdict, note, reviewer). */
DrReviewBar *dr_window_get_review_bar (DrWindow *self);

G_END_DECLS
