/* dr-pg-edit.h — a member's writes to a team project: edits, undo/redo, verdicts, notes.
 *
 * No lost update: a layer's head moves only by compare-and-swap on its version. The caller
 * passes the version it last read (DrPgHead.version); when someone else moved the head since,
 * the move does not happen and the call reports DR_PG_ERROR_CONFLICT with the head as it is
 * now (who moved it, to which revision), so the window can show "NAME changed this layer" with
 * both masks. Nothing is discarded: an edit's revision is stored (committed) even when its head
 * move loses, and its id is returned, so "keep mine" is one more move to that revision
 * (dr_pg_edit_move_head) and "take theirs" is nothing at all.
 *
 * Every write is one short transaction at READ COMMITTED; the CAS relies on PostgreSQL
 * re-checking the UPDATE's WHERE against a concurrent winner's row. Authorship is the login role
 * (the column default; the row-level security policy refuses anything else). */
#pragma once

#include "dr-damage.h"
#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* A layer's head as read from the server. */
typedef struct {
  gint64 revision_id;   /* 0 = the prediction (nothing edited, or everything undone) */
  gint64 version;       /* grows by one with every move */
  char *moved_by;       /* login role of the last mover */
} DrPgHead;

void dr_pg_head_clear (DrPgHead *head);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DrPgHead, dr_pg_head_clear)

/* Reads the head of (@photo_id, @damage) into @head. NOT_FOUND when the layer has no head row
 * (not pushed/imported) or is not visible to the caller. */
gboolean dr_pg_head_read (DrPgConn *conn, gint64 photo_id, DrDamage damage, DrPgHead *head,
                          GError **error);

/* Stores a new revision (parent = @seen's revision, @rle of @area pixels, @kind one of
 * "brush", "eraser", "polygon", "fill", "clear", "reset") and moves the head to it if its
 * version is still @seen->version. On success @head (may be @seen) gets the new head. On a
 * lost race: FALSE with DR_PG_ERROR_CONFLICT, the revision still stored (*revision_id set),
 * @head set to the winner's head. Other errors: nothing stored, *revision_id = 0. */
gboolean dr_pg_edit_commit (DrPgConn       *conn,
                            gint64          photo_id,
                            DrDamage        damage,
                            const DrPgHead *seen,
                            const char     *rle,
                            gint64          area,
                            const char     *kind,
                            gint64         *revision_id,
                            DrPgHead       *head,
                            GError        **error);

/* Moves the head from @seen to @revision_id (0 = the prediction) by CAS (from version 0 a
 * missing head row is created at version 1, as a layer without one reads as version 0): undo passes the
 * parent of the head's revision, redo a child, "keep mine" the caller's stored revision. The
 * revision must belong to the layer (the foreign key refuses others). Conflict as above. */
gboolean dr_pg_edit_move_head (DrPgConn       *conn,
                               gint64          photo_id,
                               DrDamage        damage,
                               const DrPgHead *seen,
                               gint64          revision_id,
                               DrPgHead       *head,
                               GError        **error);

/* The parent of revision @revision_id (0 when it is the first of its layer). */
gboolean dr_pg_edit_parent (DrPgConn *conn, gint64 revision_id, gint64 *parent_id,
                            GError **error);

/* Records @verdict ("accepted", "corrected", "rejected", "added", "none", "unreviewed") on the
 * layer as the caller saw it (@seen: revision and head version are stored with the verdict).
 * The verdict is always stored (*review_id); *stale is TRUE when the head had moved past
 * @seen by the time it was stored, so the verdict was given on a mask that is no longer shown. */
gboolean dr_pg_verdict_add (DrPgConn       *conn,
                            gint64          photo_id,
                            DrDamage        damage,
                            const DrPgHead *seen,
                            const char     *verdict,
                            gint64         *review_id,
                            gboolean       *stale,
                            GError        **error);

/* Appends a note on a photo (empty text clears it); *note_id gets its id. */
gboolean dr_pg_note_add (DrPgConn *conn, gint64 photo_id, const char *text, gint64 *note_id,
                         GError **error);

G_END_DECLS
