/* dr-session.h — the open project as the window sees it: photo items, imports, results.
 * GIO only: what it shows of a layer is built by the face's DrOverlayFactory.
 *
 * Reads happen on the main thread through the session's own connection (WAL lets them run
 * while something writes). Everything that writes — imports and model results — goes to one
 * writer thread with a second connection, so hashing a folder of photos or storing a burst
 * of predictions never blocks the main loop. Notifications come back to the main loop and
 * are dropped if the session is gone by then. */
#pragma once

#include <gio/gio.h>

#include "dr-edit-writer.h"
#include "dr-layer-cache.h"
#include "dr-inference-queue.h"
#include "dr-overlay-factory.h"
#include "dr-photo-item.h"
#include "dr-project.h"

G_BEGIN_DECLS

/* An opened list is adopted at most this many photos per main-loop iteration, and a chunk
 * stops building items after about this long (a frame is 16 ms; the splice's sort merge and
 * the list's redraw come on top). */
#define DR_SESSION_ADOPT_CHUNK 1024
/* The first chunk is DR_SESSION_ADOPT_CHUNK >> DR_SESSION_ADOPT_RAMP photos, each next one
 * twice the last, up to DR_SESSION_ADOPT_CHUNK. */
#define DR_SESSION_ADOPT_RAMP 7
#define DR_SESSION_ADOPT_BUDGET_US (4 * G_TIME_SPAN_MILLISECOND)

#define DR_TYPE_SESSION (dr_session_get_type ())
G_DECLARE_FINAL_TYPE (DrSession, dr_session, DR, SESSION, GObject)

/* Opens (create: creates if missing) the project at path and lists its photos. Blocks for
 * as long as checking the file and reading the list take (see dr_session_open_async). */
DrSession   *dr_session_open          (const char *path, gboolean create, GError **error);
/* Opens the existing project at path without blocking the calling thread's loop for more
 * than building the items: a worker checks the file and reads the photo list through its
 * own connection, then the session's connection opens on the calling thread without checking
 * the contents again (DR_PROJECT_OPEN_CHECKED) and, for a team project, without blocking
 * (dr_project_open_async: a non-blocking connect; cancelling gives G_IO_ERROR_CANCELLED). A project of 10,000 photos took about a second on the main
 * thread through dr_session_open. */
void         dr_session_open_async    (const char *path, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* The session's items fill from the main loop in chunks (dr_session_is_adopting), so no
 * iteration builds more than DR_SESSION_ADOPT_CHUNK items; DR_DEBUG_ADOPT=1 prints the
 * chunks' count and longest time on stderr. */
DrSession   *dr_session_open_finish   (GAsyncResult *result, GError **error);
/* TRUE while a list opened by dr_session_open_async is still being adopted. */
gboolean     dr_session_is_adopting   (DrSession *self);

/* The project file for a folder of photos opened without a project: one per folder, in
 * $XDG_DATA_HOME/damage-review/projects, named after the folder (plus a short hash of its
 * full path so two folders of the same name never share a project). Photo folders are never
 * written to. */
char        *dr_session_path_for_folder (const char *folder);

const char  *dr_session_get_path      (DrSession *self);
/* The file name without the .damagereview extension; a team project's database@server. */
char        *dr_session_dup_title     (DrSession *self);
/* Whether the project is a team project on a server (its path is a connection string). */
gboolean     dr_session_is_team       (DrSession *self);
/* A team project's login role (the server's session_user: every revision, verdict and note
 * is recorded under it), or NULL for a project file. */
const char  *dr_session_get_login     (DrSession *self);
/* A team project's team id (as its connections resolve it), or 0 for a project file. */
gint64       dr_session_get_team_id   (DrSession *self);
/* Brings the items in line with @infos (DrPhotoInfo*, read on any thread from the same
 * project, e.g. after another member's change): new photos appended, known ones updated. */
void         dr_session_apply         (DrSession *self, GPtrArray *infos);
DrProject   *dr_session_get_project   (DrSession *self);
/* The photos: a GListModel of DrPhotoItem, sorted by claim then path. */
GListModel  *dr_session_get_items     (DrSession *self);
DrPhotoItem *dr_session_find_item     (DrSession *self, gint64 photo_id);
DrPhotoItem *dr_session_find_path     (DrSession *self, const char *path);

/* Re-reads every photo's status and areas from the project, updating items in place. */
gboolean     dr_session_reload        (DrSession *self, GError **error);
/* The same for one photo (all of them when it has no item yet). */
gboolean     dr_session_reload_photo  (DrSession *self, gint64 photo_id, GError **error);

/* Adds files and folders (recursively) on the writer thread. Emits "import-progress"
 * (done, total) and finally "import-finished" (added, duplicates, failed, message-or-NULL),
 * after the items were reloaded. Another import while one runs is queued after it. */
void         dr_session_import        (DrSession *self, GFile **files, guint n_files);
void         dr_session_cancel_import (DrSession *self);
gboolean     dr_session_is_importing  (DrSession *self);

/* Makes the queue's models the project's current models, so photos without a prediction by
 * them count as not analysed (a changed model file makes old predictions stale). The rows are
 * written on writer's thread (dr_edit_writer_run: the main connection only reads), then the
 * items are reloaded. */
gboolean     dr_session_register_models (DrSession *self, DrInferenceQueue *queue,
                                         DrEditWriter *writer, GError **error);

/* Stores a model result on the writer thread (batched into one transaction per batch). On
 * failure emits "write-failed" (message); the result stays shown. */
void         dr_session_store_result  (DrSession *self, const DrInferenceResult *result);
/* Sends the results stored since the last flush to the writer thread. */
void         dr_session_flush         (DrSession *self);

/* Records that the photo's file cannot be decoded (its bytes are damaged, though its header
 * passed at import): its item becomes an error row with message at once, and the project
 * gets the error on the writer thread. Emits "photo-error-stored" (photo_id) once the
 * project has it, or "write-failed" (message). */
void         dr_session_store_photo_error (DrSession *self, gint64 photo_id,
                                           const char *message);

/* Builds the overlays of the layers item shows now (a reviewer's revision, else the current
 * prediction) on a worker thread, which decodes each layer's mask and hands it to factory.
 * The result is a GPtrArray of DR_N_DAMAGE_TYPES overlays as factory builds them (NULL where
 * there is no mask), freed with factory's free. factory is borrowed until the callback. For a
 * team project with a cache (may be NULL), each layer read is remembered there with its head,
 * and a layer the server cannot give now is taken from there when it was read before. */
void         dr_session_load_overlays_async  (DrSession *self, DrPhotoItem *item,
                                              const DrOverlayFactory *factory,
                                              DrLayerCache *cache,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GPtrArray   *dr_session_load_overlays_finish (DrSession *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
