/* dr-review-policy.h — which verdict a layer gets: the rules, as pure functions.
 *
 * The callers read what a layer looks like now (dr-layer-state.h) and write what these
 * functions decide; nothing here reads or writes a project, so every rule is tested on its
 * own (tests/core/test-review-policy.c, no display). GIO-only (core tier). */
#pragma once

#include <glib.h>

#include "dr-review.h"

G_BEGIN_DECLS

/* What the rules look at for one photo × damage type. */
typedef struct {
  DrVerdict current;         /* the newest verdict (DR_VERDICT_UNREVIEWED: none) */
  gboolean current_on_mask;  /* the newest verdict was measured on the mask shown now (TRUE
                              * when there is none) */
  gboolean has_earlier;      /* a verdict was given before on the mask shown now (undo or redo
                              * came back to it) */
  DrVerdict earlier;         /* that verdict, when has_earlier */
  gboolean differs;          /* the mask shown differs from the model's prediction */
  gboolean predicted;        /* the prediction has at least one pixel */
  gboolean empty;            /* the mask shown has no pixel */
  gboolean head_lost;        /* the edit being followed was stored, but another member moved
                              * the head first: the layer shows their mask, not the edit */
} DrLayerState;

/* After an edit, undo or redo, the verdict follows the mask the layer shows: none for an
 * edit whose head move lost (a conflict: the layer shows another member's mask until keep
 * mine or take theirs); a verdict given on that very mask before comes back; otherwise "corrected" (or "added" when nothing was
 * predicted) when the mask differs from the prediction, an automatic one withdrawn when it
 * matches again, and a "rejected" or "none" kept while the mask is empty. A kept verdict
 * measured on another mask is recorded again so its numbers describe this mask.
 * Returns TRUE, with *verdict the one to record, when a row must be written. */
gboolean  dr_review_policy_after_edit (const DrLayerState *state, DrVerdict *verdict);

/* The verdict recorded when the reviewer gives asked: "accepted" on a mask that differs from
 * the prediction is recorded as "corrected" (*changed TRUE); any other is recorded as given. */
DrVerdict dr_review_policy_given      (const DrLayerState *state, DrVerdict asked,
                                       gboolean *changed);

G_END_DECLS
