/* dr-reviewer-dialog.h — asks once who is reviewing; the name goes into GSettings
 * "reviewer-name" and is recorded with every revision and verdict. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef void (*DrReviewerReady) (gpointer user_data);

/* Shows a small dialog asking for the reviewer's name (pre-filled with the current one).
 * When the reviewer confirms a non-empty name it is stored in settings and ready (may be
 * NULL) is called with user_data; destroy (may be NULL) frees user_data in every case. */
void dr_reviewer_dialog_present (GtkWindow      *parent,
                                 GSettings      *settings,
                                 DrReviewerReady ready,
                                 gpointer        user_data,
                                 GDestroyNotify  destroy);

G_END_DECLS
