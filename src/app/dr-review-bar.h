/* dr-review-bar.h — the bar under the canvas: layer and tools, verdict state and keys,
 * prediction-vs-final numbers, the photo's note, the reviewer, unsaved edits.
 *
 * A view: buttons activate window actions (win.tool, win.verdict, …); the window tells the
 * bar what to show. */
#pragma once

#include <gtk/gtk.h>

#include "dr-review.h"

G_BEGIN_DECLS

#define DR_TYPE_REVIEW_BAR (dr_review_bar_get_type ())
G_DECLARE_FINAL_TYPE (DrReviewBar, dr_review_bar, DR, REVIEW_BAR, GtkBox)

/* The damage type picked in the layer chooser (property "damage", int 0 … 3). */
void           dr_review_bar_set_damage   (DrReviewBar *self, int damage);
int            dr_review_bar_get_damage   (DrReviewBar *self);

/* Shows the layer's newest verdict (NULL: never reviewed) and whether it was edited;
 * without a photo (sensitive FALSE) the review row is disabled. A verdict not stored yet
 * (id 0) shows no numbers: they are measured when it is written. */
void           dr_review_bar_show_review  (DrReviewBar *self, const DrReview *review,
                                           gboolean edited, gboolean sensitive);

/* The text under the state: a short translated label of verdict. */
const char    *dr_review_bar_verdict_label (DrVerdict verdict);

/* The photo's note (without emitting "note-changed"). */
void           dr_review_bar_set_note     (DrReviewBar *self, const char *note);
/* The same, unless the reviewer is typing a note of their own (the entry differs from the
 * note last shown): then that stays. */
void           dr_review_bar_update_note  (DrReviewBar *self, const char *note);
/* Emits "note-changed" (text) when the entry's text differs from the note last set or
 * emitted; the entry does so itself on Enter and when it loses the focus. */
void           dr_review_bar_flush_note   (DrReviewBar *self);
/* Puts the keyboard focus in the note entry. */
void           dr_review_bar_focus_note   (DrReviewBar *self);

void           dr_review_bar_set_reviewer (DrReviewBar *self, const char *name);
void           dr_review_bar_set_unsaved  (DrReviewBar *self, gboolean unsaved,
                                           const char *message);
/* Whether the unsaved-edit warning and its Retry button show. */
gboolean       dr_review_bar_get_unsaved  (DrReviewBar *self);

/* The brush size the spin button edits (photo px). */
GtkAdjustment *dr_review_bar_get_brush_adjustment (DrReviewBar *self);

G_END_DECLS
