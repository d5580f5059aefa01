/* dr-window-private.h — what the window's three source files share: the instance struct and
 * the functions each part offers the others. dr-window.c: widgets, the photo on the canvas,
 * navigation and view actions. dr-window-project.c: opening projects and adding photos.
 * dr-window-analysis.c: the inference queue, overlays and "Analyse All".
 * dr-window-claims.c: renaming claims. */
#pragma once

#include "dr-inference-queue.h"
#include "dr-edit-session.h"
#include "dr-edit-tool.h"
#include "dr-legend.h"
#include "dr-review-bar.h"
#include "dr-session.h"
#include "dr-window.h"

struct _DrWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkWidget *header_bar;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkRevealer *notice_revealer;
  GtkLabel *notice_label;
  GtkRevealer *read_only_revealer;
  GtkStack *main_stack;
  DrPhotoList *photo_list;
  DrCanvas *canvas;
  GtkLabel *zoom_label;
  GtkLabel *photo_error_label;
  DrLegend *legend;
  GtkWidget *analyse_button;
  GMenu *recent_menu;

  GSettings *settings;
  GListStore *no_items;          /* the empty list shown while no project is open */
  DrSession *session;            /* the open project, or NULL */
  DrPhotoItem *current;          /* shown on the canvas, or NULL */
  GCancellable *load_cancellable;
  char *select_after_import;     /* path of a photo to show once imported, or NULL */

  DrInferenceQueue *queue;       /* NULL: no models, manual review only */
  gboolean notice_dismissed;
  guint urgency;                 /* grows with each photo shown: newest goes first */
  GHashTable *overlays;          /* photo id → OverlaySet*, recent photos only */
  GCancellable *overlay_cancellable;
  GPtrArray *batch;              /* DrPhotoItem of the running "Analyse All", or NULL */
  gint64 batch_start_us;

  /* dr-window-review.c */
  DrReviewBar *review_bar;
  DrEditSession *editor;         /* the layer being edited */
  DrEditTool *tool;
  gint64 note_photo_id;          /* photo the note entry shows */
  gboolean discard_unsaved;      /* the reviewer chose to close without them */
  double brush_default;          /* brush size last set for the photo's size */
  AdwToast *failure_toast;       /* the write-failure toast while it shows (weak), or NULL */
};

/* dr-window.c */
GListModel *_dr_window_get_items      (DrWindow *self);
void        _dr_window_show_progress  (DrWindow *self, const char *text, double fraction);
void        _dr_window_update_title   (DrWindow *self);
void        _dr_window_show_item      (DrWindow *self, DrPhotoItem *item);
/* Takes the keyboard focus from a header button (Enter would press it), leaving it where
 * it is anywhere else; Tab still reaches every button. */
void        _dr_window_release_header_focus (DrWindow *self);
/* The project now records photo_id as undecodable; refreshes what shows it. */
void        _dr_window_photo_error_stored (DrWindow *self, gint64 photo_id);

/* dr-window-project.c */
void        _dr_window_project_init    (DrWindow *self);
void        _dr_window_project_dispose (DrWindow *self);

/* dr-window-review.c */
void        _dr_window_review_init          (DrWindow *self);
void        _dr_window_review_dispose       (DrWindow *self);
void        _dr_window_review_photo_changed (DrWindow *self);
void        _dr_window_update_read_only     (DrWindow *self);

/* dr-window-claims.c */
void        _dr_window_claims_init          (DrWindow *self);
/* Renames the claim called old_name to new_name in the open project and refreshes the
 * list rows, the claim filter and the legend, keeping the photo shown and its view. Fails
 * with the store's message, e.g. when another claim already has that name. */
gboolean    _dr_window_rename_claim         (DrWindow *self, const char *old_name,
                                             const char *new_name, GError **error);

/* dr-window-analysis.c */
void        _dr_window_analysis_init      (DrWindow *self);
void        _dr_window_analysis_dispose   (DrWindow *self);
void        _dr_window_cancel_analysis    (DrWindow *self, gboolean announce);
void        _dr_window_update_notice      (DrWindow *self);
void        _dr_window_show_overlays      (DrWindow *self);
void        _dr_window_queue_around_current (DrWindow *self);
void        _dr_window_session_changed    (DrWindow *self);
