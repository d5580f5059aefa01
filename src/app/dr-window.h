/* dr-window.h — the review window. */
#pragma once

#include <adwaita.h>

#include "dr-application.h"
#include "dr-canvas.h"
#include "dr-inference-queue.h"
#include "dr-photo-list.h"

G_BEGIN_DECLS

#define DR_TYPE_WINDOW (dr_window_get_type ())
G_DECLARE_FINAL_TYPE (DrWindow, dr_window, DR, WINDOW, AdwApplicationWindow)

DrWindow    *dr_window_new           (DrApplication *app);

/* Adds photos and folders (recursively) to the open project, like a drop would. */
void         dr_window_add_files     (DrWindow *self, GFile **files, guint n_files);

/* Shows a short, non-blocking message. */
void         dr_window_toast         (DrWindow *self, const char *message);

/* Runs analysis with queue's models (NULL: no models; the window says so, calmly). */
void         dr_window_set_inference_queue (DrWindow *self, DrInferenceQueue *queue);

DrCanvas    *dr_window_get_canvas     (DrWindow *self);
DrPhotoList *dr_window_get_photo_list (DrWindow *self);

G_END_DECLS
