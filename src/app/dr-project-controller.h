/* dr-project-controller.h — opening, creating and remembering projects (Open Recent, the
 * last project and photo); adding photos and folders to them.
 *
 * It owns the open project (property "session", notified when another opens), adds the
 * project actions (win.new-project, win.open-project, win.open-recent, win.add-photos,
 * win.add-folder) to the window it is made for, and asks the window for the rest through
 * signals: "toast" (message); "progress" (text or NULL to hide, fraction; < 0 pulses);
 * "photo-wanted" (path, or NULL for the first photo) after a project opened or an import
 * ended; "photo-error-stored" (photo_id) when the project now records a photo as
 * undecodable; "server-away" (message, or NULL once it is over) while a team project could not
 * be opened because its server does not answer — it is tried again every
 * DR_PROJECT_CONTROLLER_RETRY_S seconds until it opens or another project is asked for. */
#pragma once

#include <gtk/gtk.h>

#include "dr-session.h"

G_BEGIN_DECLS

/* Seconds between tries at opening a team project whose server did not answer. */
#define DR_PROJECT_CONTROLLER_RETRY_S 10

#define DR_TYPE_PROJECT_CONTROLLER (dr_project_controller_get_type ())
G_DECLARE_FINAL_TYPE (DrProjectController, dr_project_controller, DR, PROJECT_CONTROLLER,
                      GObject)

/* window is the choosers' parent (no reference is held); recent_menu is filled with the
 * recent projects from settings. */
DrProjectController *dr_project_controller_new (GtkWindow *window, GSettings *settings,
                                                GMenu *recent_menu);

DrSession *dr_project_controller_get_session (DrProjectController *self);

/* Opens the project at path (create: creates it if missing). On failure says why in a toast
 * and keeps the open project; returns whether it opened. */
gboolean   dr_project_controller_open        (DrProjectController *self, const char *path,
                                              gboolean create);
/* Opens the existing project at path without blocking the main loop (dr_session_open_async),
 * saying "Opening the project…" meanwhile; the open project stays until the new one is
 * ready. On failure says why in a toast. Another open cancels this one. */
void       dr_project_controller_open_async  (DrProjectController *self, const char *path);
/* Opens the open project again without blocking (new connections, everything re-read) and
 * puts it in place of the current one, on the photo that was shown: after a team server came
 * back, whose old connections died with it. Nothing happens while another opening runs. */
void       dr_project_controller_reopen      (DrProjectController *self);
/* Whether a project is being opened by dr_project_controller_open_async. */
gboolean   dr_project_controller_is_opening  (DrProjectController *self);

/* Adds photos and folders (recursively) to the open project; without one, opens the project
 * of their folder first (see dr_session_path_for_folder). */
void       dr_project_controller_add_files   (DrProjectController *self, GFile **files,
                                              guint n_files);

/* What the command line and drops do: project files are opened, photos and folders added,
 * and a single photo is asked for once it is in. */
void       dr_project_controller_open_files  (DrProjectController *self, GFile **files,
                                              guint n_files);

/* Stops adding photos (those added so far stay). */
void       dr_project_controller_cancel_import (DrProjectController *self);

G_END_DECLS
