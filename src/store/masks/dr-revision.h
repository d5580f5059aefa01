/* dr-revision.h — a reviewer's edits of one layer (photo × damage type), kept forever.
 *
 * Every completed edit appends a revision holding the whole mask (COCO RLE at photo resolution)
 * and moves the layer's head to it, in one transaction. Revisions form a tree through their
 * parent: undo moves the head to the parent (or to "no revision", meaning the model's
 * prediction), redo to the newest child of the head. Nothing is ever deleted, so undo history
 * survives quitting, crashes and reopening. */
#pragma once

#include "dr-damage.h"
#include "dr-project.h"

G_BEGIN_DECLS

typedef enum {
  DR_REVISION_BRUSH,
  DR_REVISION_ERASER,
  DR_REVISION_POLYGON,
  DR_REVISION_FILL,
  DR_REVISION_CLEAR,
  DR_REVISION_RESET,   /* back to the model's prediction */
  DR_REVISION_IMPORT,  /* taken from a label file */
} DrRevisionKind;

/* Stable id stored in the file ("brush", "eraser", …). */
const char *dr_revision_kind_to_string (DrRevisionKind kind);

/* The kind of a stored id; unknown ids (impossible under the schema) read as brush. */
DrRevisionKind dr_revision_kind_from_string (const char *id);

typedef struct {
  gint64 id;
  gint64 photo_id;
  DrDamage damage;
  gint64 parent_id;  /* 0 for the first revision of a layer */
  char *rle;         /* COCO compressed RLE at the photo's width × height */
  gint64 area;       /* foreground pixels, computed from rle */
  char *author;
  gint64 created;    /* µs since the epoch */
  DrRevisionKind kind;
  char *key;         /* a UUID the client chose, so a re-sent edit is stored once (NULL: none);
                      * written by team projects, never read back */
} DrRevision;

void dr_revision_free (DrRevision *revision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrRevision, dr_revision_free)

/* Appends a revision whose parent is the layer's current head and makes it the head, in one
 * transaction: after success the edit survives a crash; after failure nothing changed. The
 * RLE must decode to exactly the photo's width × height; author must not be empty. Stores the
 * new id in *revision_id (may be NULL). */
gboolean dr_revision_append (DrProject *project, gint64 photo_id, DrDamage damage,
                             const char *rle, DrRevisionKind kind, const char *author,
                             gint64 *revision_id, GError **error);

/* A layer's head as someone read it: the revision shown (0 = the prediction) and the head's
 * version (0 = the layer never had a head), which every move increments. */
typedef struct {
  gint64 revision_id;
  gint64 version;
} DrHeadSeen;

/* What dr_revision_commit / dr_revision_move_head_to did. */
typedef struct {
  gint64 revision_id;  /* the caller's revision (stored, whether or not the head moved) */
  gboolean moved;      /* the head is now at revision_id */
  DrHeadSeen head;     /* the head as it is after the call */
  char *moved_by;      /* !moved: who moved the head last (a login; NULL when not recorded) */
} DrRevisionOutcome;

void dr_revision_outcome_clear (DrRevisionOutcome *outcome);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DrRevisionOutcome, dr_revision_outcome_clear)

/* Reads the layer's head (revision and version) into *head. */
gboolean dr_revision_read_head (DrProject *project, gint64 photo_id, DrDamage damage,
                                DrHeadSeen *head, GError **error);

/* The no-lost-update append: stores a revision whose parent is seen->revision_id (what the
 * editor was shown) and moves the head to it only if its version is still seen->version (seen
 * NULL: the head as read now, like dr_revision_append). Someone else having moved the head is
 * not an error: the revision is stored all the same, out->moved is FALSE and out->head /
 * out->moved_by say where the head is and who moved it. key (a UUID, NULL: none) makes a
 * re-sent edit idempotent on a team project: the revision stored under it before is used and,
 * when the head is on it or on a later revision made on it, counts as moved. All in one
 * transaction; FALSE (nothing stored) only on other errors. */
gboolean dr_revision_commit (DrProject *project, gint64 photo_id, DrDamage damage,
                             const DrHeadSeen *seen, const char *rle, DrRevisionKind kind,
                             const char *author, const char *key, DrRevisionOutcome *out,
                             GError **error);

/* Moves the head from seen (compare-and-swap on seen->version) to revision_id, a revision of
 * the layer ("keep mine"). A lost race is reported in out as for dr_revision_commit. */
gboolean dr_revision_move_head_to (DrProject *project, gint64 photo_id, DrDamage damage,
                                   const DrHeadSeen *seen, gint64 revision_id,
                                   DrRevisionOutcome *out, GError **error);

/* One revision by id (NOT_FOUND when there is none). */
DrRevision *dr_revision_get (DrProject *project, gint64 revision_id, GError **error);

/* The revision the layer shows now; NULL without error when it shows the prediction. */
DrRevision *dr_revision_get_head (DrProject *project, gint64 photo_id, DrDamage damage,
                                  GError **error);

/* The mask the layer shows now, as COCO RLE: nothing when its newest verdict is "rejected" or
 * "none" and was given on the current head; else the head revision's, else the current
 * model's prediction; NULL without error when it shows nothing (nothing to draw). */
char *dr_revision_dup_layer_rle (DrProject *project, gint64 photo_id, DrDamage damage,
                                 GError **error);

/* The undo history of the layer: the revisions from the first one down to the head, oldest
 * first (a GPtrArray of DrRevision; empty when the layer shows the prediction). Branches left
 * behind by undo-then-edit are kept in the file but are not on this path. */
GPtrArray *dr_revision_list_history (DrProject *project, gint64 photo_id, DrDamage damage,
                                     GError **error);

/* Moves the head to its parent. *moved is FALSE (and nothing changes) at the bottom. */
gboolean dr_revision_undo (DrProject *project, gint64 photo_id, DrDamage damage,
                           gboolean *moved, GError **error);

/* Moves the head to its newest child. *moved is FALSE (and nothing changes) at the top. */
gboolean dr_revision_redo (DrProject *project, gint64 photo_id, DrDamage damage,
                           gboolean *moved, GError **error);

/* Whether undo and redo would move the head now. */
gboolean dr_revision_get_history_state (DrProject *project, gint64 photo_id, DrDamage damage,
                                        gboolean *can_undo, gboolean *can_redo,
                                        GError **error);

G_END_DECLS
