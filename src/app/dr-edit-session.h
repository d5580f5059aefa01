/* dr-edit-session.h — the layer a reviewer is editing: one photo × damage type as a bitmap.
 *
 * The session holds the active layer at photo resolution while it is edited. An edit is
 * begin → pixel changes (through the DrMask view, reporting dirty rectangles) → end; end
 * hands a copy of the mask to a DrEditWriter, which encodes it as COCO RLE and appends it as
 * one revision in one transaction right after the frame, in order, and "committed" follows once
 * it is stored. A write that fails (read-only file, disk full) keeps that edit and every later
 * one in memory, marked unsaved, until dr_edit_session_save() writes them; loading that layer
 * again shows the newest queued mask, never the older stored one. Undo and redo move the
 * layer's head in the project, so history survives quitting.
 *
 * Every edit is pushed with the head the layer was loaded from (read before its mask), so a
 * newer mask of someone else is never overwritten: the writer stores the edit and reports a
 * conflict instead (shown by DrSyncBar). While a team server cannot be reached, a layer that a
 * re-read made the session forget is edited from its last loaded copy and head (the edits go
 * to the writer's journal).
 *
 * Drawing: once the session has changed a layer it draws that layer itself (tiles rebuilt
 * only where pixels changed); otherwise the canvas keeps drawing its own overlay. */
#pragma once

#include <gtk/gtk.h>

#include "dr-canvas.h"
#include "dr-damage.h"
#include "dr-edit-writer.h"
#include "dr-layer-cache.h"
#include "dr-mask-edit.h"
#include "dr-project.h"
#include "dr-revision.h"

G_BEGIN_DECLS

#define DR_TYPE_EDIT_SESSION (dr_edit_session_get_type ())
G_DECLARE_FINAL_TYPE (DrEditSession, dr_edit_session, DR, EDIT_SESSION, GObject)

DrEditSession *dr_edit_session_new          (void);

/* Which photo of which project is edited (project NULL or photo_id 0: nothing). The size is
 * the photo's oriented size, as stored. Keeps the active damage type. */
void           dr_edit_session_set_photo    (DrEditSession *self, DrProject *project,
                                             gint64 photo_id, int width, int height);
DrProject     *dr_edit_session_get_project  (DrEditSession *self);
/* What the window last read of the project's layers and verdicts (cleared when another project
 * is set, kept when the same one is opened again), for when a team server cannot be reached;
 * owned by the session. */
DrLayerCache  *dr_edit_session_get_layer_cache (DrEditSession *self);
/* The writer that stores this session's edits; every other write of the window goes through
 * dr_edit_writer_run() on it, after the edits made before it. */
DrEditWriter  *dr_edit_session_get_writer   (DrEditSession *self);
gint64         dr_edit_session_get_photo_id (DrEditSession *self);

/* The damage type whose layer edits change (property "damage"). */
void           dr_edit_session_set_damage   (DrEditSession *self, DrDamage damage);
DrDamage       dr_edit_session_get_damage   (DrEditSession *self);

/* Who edits (property "author"); recorded with every revision. */
void           dr_edit_session_set_author   (DrEditSession *self, const char *author);

/* Starts an edit of the active layer, loading it if needed. FALSE (and nothing started) when
 * there is no photo, when the layer cannot be read (error set), or when nobody is named as
 * author: then "author-needed" is emitted and error is left unset. */
gboolean       dr_edit_session_begin        (DrEditSession *self, GError **error);
/* The active layer's bitmap during an edit (NULL outside one). Change it with dr-mask-edit
 * and report each change with dr_edit_session_changed. */
DrMask        *dr_edit_session_get_mask     (DrEditSession *self);
void           dr_edit_session_changed      (DrEditSession *self, const DrRect *rect);
/* Pixels switched on in the active layer while the session draws it (edited in this visit);
 * -1 otherwise. */
gint64         dr_edit_session_count_owned  (DrEditSession *self);
/* Whether the session draws the active layer (edited in this visit, which the canvas's
 * overlay of it does not show). */
gboolean       dr_edit_session_owns_layer   (DrEditSession *self);
/* Ends the edit: when any pixel changed, queues one revision of kind to be written (see the
 * header comment for failures). */
void           dr_edit_session_end          (DrEditSession *self, DrRevisionKind kind);

/* Drops the loaded active layer (unless it is being edited or has edits still to write), so
 * what the project shows is drawn and the next edit starts from it — after a verdict changed
 * what the layer shows. */
void           dr_edit_session_forget_layer (DrEditSession *self);

/* One-step edits of the active layer, each one revision: switch every pixel off; go back to
 * the current model's prediction (empty without one). FALSE when the edit could not begin. */
gboolean       dr_edit_session_clear        (DrEditSession *self);
gboolean       dr_edit_session_reset        (DrEditSession *self);

/* Undo / redo of the active layer through the project. *moved tells whether the head moved.
 * Refused with an error while edits are unsaved. */
gboolean       dr_edit_session_undo         (DrEditSession *self, gboolean *moved, GError **error);
gboolean       dr_edit_session_redo         (DrEditSession *self, gboolean *moved, GError **error);
void           dr_edit_session_get_history  (DrEditSession *self, gboolean *can_undo,
                                             gboolean *can_redo);

/* Edits whose write failed and wait for dr_edit_session_save() (property "unsaved"). */
gboolean       dr_edit_session_has_unsaved  (DrEditSession *self);
/* Edits queued and about to be written (not failed). */
gboolean       dr_edit_session_is_writing   (DrEditSession *self);
/* Writes every edit not stored yet, now.
 * TRUE when all are stored; otherwise emits "save-failed" and they stay, unsaved. */
gboolean       dr_edit_session_save         (DrEditSession *self);

/* Microseconds the last end blocked the caller (copying the mask and queueing it). */
gint64         dr_edit_session_get_last_commit_us (DrEditSession *self);
/* Milliseconds from the last stored edit being queued to its revision being stored. */
double         dr_edit_session_get_last_write_ms  (DrEditSession *self);

/* Draws layer damage of the current photo if the session owns its pixels (it changed them);
 * returns FALSE when the caller should draw its own overlay instead. */
gboolean       dr_edit_session_snapshot_layer (DrEditSession *self, DrCanvas *canvas,
                                               GtkSnapshot *snapshot, guint damage);

G_END_DECLS
