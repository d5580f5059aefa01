/* dr-review-recorder.h — records what the reviewer decides: verdicts (given, or following an
 * edit by the review policy), notes and claim names, all written through the edit writer's
 * own connection after the edits made before them; the window never writes to a project.
 *
 * A verdict that cannot be written now — edits before it still wait unsaved, or its own
 * write fails (read-only file, another writer holds the lock) — is kept in memory, unsaved,
 * in the order given, and written by dr_review_recorder_flush() once the edits are saved;
 * each kept verdict is decided again then by the policy, on the layer as stored. Nothing
 * kept is dropped except by dr_review_recorder_discard(). On a team project whose server
 * cannot be reached, verdicts and notes go to the writer's on-disk journal instead (durable,
 * sent in order later) and count as written. GIO-only (core tier); every
 * function is for the thread that owns the writer. Signal "changed" follows any
 * change to the kept verdicts. */
#pragma once

#include <gio/gio.h>

#include "dr-edit-writer.h"
#include "dr-review.h"

G_BEGIN_DECLS

#define DR_TYPE_REVIEW_RECORDER (dr_review_recorder_get_type ())
G_DECLARE_FINAL_TYPE (DrReviewRecorder, dr_review_recorder, DR, REVIEW_RECORDER, GObject)

DrReviewRecorder *dr_review_recorder_new           (DrEditWriter *writer);

/* The reviewer gives asked on layer d of photo_id. The policy decides what is recorded
 * (*recorded; "accepted" on an edited mask becomes "corrected"). TRUE when it was written;
 * FALSE when it is kept unsaved instead, with error set if a write failed (unset when it
 * only waits for unsaved edits). */
gboolean dr_review_recorder_give            (DrReviewRecorder *self, DrProject *project,
                                             gint64 photo_id, DrDamage d, DrVerdict asked,
                                             const char *author, DrVerdict *recorded,
                                             GError **error);

/* After an edit, undo or redo of layer d was stored: records the verdict the policy wants
 * (dr_review_policy_after_edit), written or kept like a given one; none when head_lost (the
 * edit was stored but another member moved the head first). *changed: whether a
 * verdict was recorded or kept. FALSE with error when the layer could not be read or the
 * write failed (then the verdict is kept). */
gboolean dr_review_recorder_follow_edit     (DrReviewRecorder *self, DrProject *project,
                                             gint64 photo_id, DrDamage d, gboolean head_lost,
                                             const char *author, gboolean *changed,
                                             GError **error);

/* Writes every kept verdict, in order; TRUE when none is left. FALSE with error at the first
 * that still fails: it and those after it stay kept. Call once the edits are saved. */
gboolean dr_review_recorder_flush           (DrReviewRecorder *self, GError **error);

/* Verdicts kept unsaved. */
guint    dr_review_recorder_get_n_unsaved   (DrReviewRecorder *self);
/* The newest verdict kept for layer d of photo_id in project; FALSE when none is. */
gboolean dr_review_recorder_lookup_unsaved  (DrReviewRecorder *self, DrProject *project,
                                             gint64 photo_id, DrDamage d, DrVerdict *verdict);
/* Drops every kept verdict (the reviewer chose to close without them). */
void     dr_review_recorder_discard         (DrReviewRecorder *self);

/* Appends a note on photo_id (empty text clears it). */
gboolean dr_review_recorder_add_note        (DrReviewRecorder *self, DrProject *project,
                                             gint64 photo_id, const char *text,
                                             const char *author, GError **error);
/* Renames claim id. */
gboolean dr_review_recorder_rename_claim    (DrReviewRecorder *self, DrProject *project,
                                             gint64 claim_id, const char *name,
                                             GError **error);

G_END_DECLS
