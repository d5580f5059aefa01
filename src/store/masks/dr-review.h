/* dr-review.h — verdicts per photo × damage type, and notes per photo; both append-only.
 *
 * A verdict records who decided what, when, on which mask (the head revision, if any) and which
 * model's prediction (the current one, if any), with how far the final mask is from that
 * prediction: IoU and pixels added / removed. The newest verdict of a layer is its state. */
#pragma once

#include "dr-damage.h"
#include "dr-project.h"

G_BEGIN_DECLS

typedef enum {
  DR_VERDICT_UNREVIEWED, /* withdraws an earlier verdict */
  DR_VERDICT_ACCEPTED,   /* the prediction is right as it is */
  DR_VERDICT_CORRECTED,  /* the prediction needed edits (the head revision is the answer) */
  DR_VERDICT_REJECTED,   /* false positive: there is no such damage */
  DR_VERDICT_ADDED,      /* the model missed damage the reviewer drew */
  DR_VERDICT_NONE,       /* confirmed: no damage of this type */
} DrVerdict;

/* Stable id stored in the file ("unreviewed", "accepted", "corrected", "rejected", "added",
 * "none"); NULL when out of range. */
const char *dr_verdict_to_string (DrVerdict verdict);

/* The verdict of a stored id; unknown ids and NULL read as DR_VERDICT_UNREVIEWED. */
DrVerdict dr_verdict_from_string (const char *id);

/* TRUE for "rejected" and "none": the reviewer says the layer has no such damage, so its
 * final mask is empty whatever the prediction or the edits before the verdict held. */
gboolean dr_verdict_empties_layer (DrVerdict verdict);

typedef struct {
  gint64 id;
  gint64 photo_id;
  DrDamage damage;
  DrVerdict verdict;
  gint64 revision_id;   /* head revision judged; 0 when the layer showed the prediction */
  char *model_sha256;   /* current model of the damage type then; NULL if none */
  char *author;
  gint64 created;       /* µs since the epoch */
  double iou;           /* prediction vs final mask; -1 without a prediction. Two empty masks
                         * agree perfectly: 1. */
  gint64 px_added;      /* final but not predicted; -1 without a prediction */
  gint64 px_removed;    /* predicted but not final; -1 without a prediction */
  char *key;            /* a UUID the client chose, so a verdict sent again is stored once
                         * (NULL: none; team projects only, never read back) */
} DrReview;

void dr_review_free (DrReview *review);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrReview, dr_review_free)

/* Records a verdict by author on the layer as it is now, computing IoU and pixel differences
 * between the current model's prediction and the final mask (the head revision, or the
 * prediction itself when nothing was edited). One transaction; returns the stored row through
 * *review when not NULL. key (a UUID, NULL: none) makes sending the same verdict again
 * harmless on a team project: it is stored once (a project file ignores it). */
gboolean dr_review_set_verdict (DrProject *project, gint64 photo_id, DrDamage damage,
                                DrVerdict verdict, const char *author, const char *key,
                                DrReview **review, GError **error);

/* The newest verdict of the layer; NULL without error when there is none. */
DrReview *dr_review_get_current (DrProject *project, gint64 photo_id, DrDamage damage,
                                 GError **error);

/* The newest verdict given while the layer showed revision @revision_id (0: no revision, the
 * prediction); NULL without error when none was. Undo and redo use it to bring back the
 * verdict that went with the mask they return to. */
DrReview *dr_review_get_on_revision (DrProject *project, gint64 photo_id, DrDamage damage,
                                     gint64 revision_id, GError **error);

/* Appends a note on a photo (an empty text clears it: the newest note is the photo's note);
 * key as for dr_review_set_verdict(). */
gboolean dr_review_add_note (DrProject *project, gint64 photo_id, const char *text,
                             const char *author, const char *key, GError **error);

/* The photo's newest note, or NULL (without error) when it has none or it was cleared. */
char *dr_review_dup_note (DrProject *project, gint64 photo_id, GError **error);

G_END_DECLS
