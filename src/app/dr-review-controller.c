/* dr-review-controller.c — see dr-review-controller.h. Everything the reviewer decides is
 * written through the recorder and the edit writer at once (one transaction per edit,
 * verdict or note); what cannot be written is kept, shown as unsaved and never dropped
 * without asking. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dr-damage-style.h"
#include "dr-export-dialog.h"
#include "dr-photo.h"
#include "dr-report-dialog.h"
#include "dr-review-controller.h"
#include "dr-reviewer-dialog.h"
#include "dr-store-error.h"
#include "dr-sync-bar.h"

struct _DrReviewController
{
  GObject parent_instance;

  GtkWindow *window;             /* weak: holds the actions and the widgets below */
  DrTeamController *team;        /* "Next unreviewed" of a team project (not owned) */
  GSettings *settings;
  DrCanvas *canvas;
  DrPhotoList *photo_list;
  DrReviewBar *review_bar;
  DrLegend *legend;
  AdwToastOverlay *toasts;
  GtkRevealer *read_only_revealer;

  DrSession *session;            /* the open project, or NULL */
  DrPhotoItem *current;          /* the photo on screen, or NULL */
  DrEditSession *editor;         /* the layer being edited */
  DrEditTool *tool;
  DrReviewRecorder *recorder;
  DrSyncBar *sync_bar;           /* conflicts and journaled edits, atop the review bar */
  gint64 note_photo_id;          /* photo the note entry shows */
  int photo_w, photo_h;          /* its size as stored (0 × 0: none) */
  gboolean discard_unsaved;      /* the reviewer chose to close without them */
  double brush_default;          /* brush size last set for the photo's size */
  AdwToast *failure_toast;       /* the write-failure toast while it shows (weak), or NULL */
  GArray *pending_follow;        /* PendingFollow: automatic verdicts that could not be decided
                                  * because the team server went away, for pending_location */
  char *pending_location;
};

/* An edit stored whose automatic verdict waits for the project to be open again. */
typedef struct {
  gint64 photo_id;
  int damage;
  gboolean head_lost;
} PendingFollow;

enum { SIG_PHOTOS_CHANGED, SIG_OVERLAYS_STALE, SIG_SHOW_PHOTO, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrReviewController, dr_review_controller, G_TYPE_OBJECT)

/* The open project, or NULL. */
static DrProject *
project_of (DrReviewController *self)
{
  return self->session ? dr_session_get_project (self->session) : NULL;
}

/* The reviewer's name from settings, newly allocated, "" when unset; on a team project the
 * login role, which the server records as the author of everything written. */
static char *
dup_reviewer (DrReviewController *self)
{
  if (self->session != NULL && dr_session_get_login (self->session) != NULL)
    return g_strdup (dr_session_get_login (self->session));
  g_autofree char *name = g_settings_get_string (self->settings, "reviewer-name");
  return g_strstrip (g_steal_pointer (&name));
}

static void
toast (DrReviewController *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toasts, t);
}

static void
set_action_enabled (DrReviewController *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->window), name);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* Shows overlay d on the canvas (a layer edited or judged is never hidden). */
static void
show_layer (DrReviewController *self, DrDamage d)
{
  g_autofree char *name = g_strdup_printf ("overlay-%d", d);
  g_action_group_change_action_state (G_ACTION_GROUP (self->window), name,
                                      g_variant_new_boolean (TRUE));
}

/* Shows the read-only banner exactly while the project's connection cannot write. */
static void
update_read_only (DrReviewController *self)
{
  DrProject *project = project_of (self);
  gtk_revealer_set_reveal_child (self->read_only_revealer,
                                 project != NULL && dr_project_is_read_only (project));
}

/* Tells the reviewer once that a write failed (the store's own wording, naming the file and
 * SQLite's reason, goes to the log): a read-only project already says so in its banner, so
 * only the unsaved mark changes; any other failure gets one plain-language toast, and only
 * one while it shows, so a reviewer who keeps painting is not buried in toasts. */
static void
toast_write_failure (DrReviewController *self, const char *detail)
{
  if (detail != NULL)
    g_message ("%s", detail);
  update_read_only (self);
  DrProject *project = project_of (self);
  if (self->failure_toast != NULL || (project != NULL && dr_project_is_read_only (project)))
    return;
  const char *text =
    _("Your changes could not be saved and are kept, unsaved. Press Retry to try again.");
  self->failure_toast = adw_toast_new (text);
  adw_toast_set_timeout (self->failure_toast, 6);
  g_object_add_weak_pointer (G_OBJECT (self->failure_toast), (gpointer *) &self->failure_toast);
  adw_toast_overlay_add_toast (self->toasts, self->failure_toast);
}

/* The first layer of the current photo, other than the active one, that undo (or redo)
 * would change; -1 when there is none. */
static int
other_layer_with_history (DrReviewController *self, gboolean undo)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrDamage active = dr_edit_session_get_damage (self->editor);
  if (project == NULL)
    return -1;
  for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
    {
      gboolean can_undo = FALSE, can_redo = FALSE;
      if (d != active &&
          dr_revision_get_history_state (project, id, d, &can_undo, &can_redo, NULL) &&
          (undo ? can_undo : can_redo))
        return (int) d;
    }
  return -1;
}

/* The verdict layer d of the photo being edited shows: the one kept unsaved, else the one
 * journaled for the team server, else the stored one (*stored, NULL when kept, journaled or
 * never given) — as last read when the server cannot be reached now. */
static DrVerdict
shown_verdict (DrReviewController *self, DrDamage d, DrReview **stored)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrLayerCache *cache = dr_edit_session_get_layer_cache (self->editor);
  DrVerdict kept;
  *stored = NULL;
  if (project == NULL)
    return DR_VERDICT_UNREVIEWED;
  if (dr_review_recorder_lookup_unsaved (self->recorder, project, id, d, &kept)
      || dr_edit_writer_lookup_verdict (dr_edit_session_get_writer (self->editor), project,
                                        id, d, &kept))
    return kept;
  g_autoptr (GError) error = NULL;
  *stored = dr_review_get_current (project, id, d, &error);
  if (error == NULL)
    dr_layer_cache_put_review (cache, id, d, *stored);
  else
    dr_layer_cache_get_review (cache, id, d, stored);
  return *stored ? (*stored)->verdict : DR_VERDICT_UNREVIEWED;
}

/* The note photo id shows: the one journaled for the team server, else the stored one (as last
 * read when the server cannot be reached now); NULL when none (or cleared). */
static char *
dup_note (DrReviewController *self, DrProject *project, gint64 id)
{
  DrLayerCache *cache = dr_edit_session_get_layer_cache (self->editor);
  char *text = NULL;
  if (!dr_edit_writer_lookup_note (dr_edit_session_get_writer (self->editor), project, id,
                                   &text))
    {
      g_autoptr (GError) error = NULL;
      text = dr_review_dup_note (project, id, &error);
      if (error == NULL)
        dr_layer_cache_put_note (cache, id, text);
      else
        dr_layer_cache_get_note (cache, id, &text);
      return text;
    }
  if (text[0] != '\0')
    return text;
  g_free (text);
  return NULL;
}

/* Pixels switched on in the newest unsaved mask of layer d of the photo being edited;
 * -1 when none of its edits failed to be stored (a write in flight is stored a moment
 * later, and the project's figures follow then). A verdict kept unsaved that empties the
 * layer counts 0. */
static gint64
unsaved_area (DrReviewController *self, DrDamage d, DrVerdict shown)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrEditWriter *writer = dr_edit_session_get_writer (self->editor);
  if (dr_verdict_empties_layer (shown))
    {
      DrVerdict kept;
      if (dr_review_recorder_lookup_unsaved (self->recorder, project, id, d, &kept))
        return 0;
    }
  /* Journaled edits (the team server is away): the layer on screen counts as drawn. */
  if (d == dr_edit_session_get_damage (self->editor) && dr_edit_writer_get_n_waiting (writer) > 0)
    return dr_edit_session_count_owned (self->editor);
  if (!dr_edit_session_has_unsaved (self->editor) ||
      !dr_edit_writer_has_layer (writer, project, id, d))
    return -1;
  gsize n = (gsize) self->photo_w * self->photo_h;
  g_autofree guint8 *px = n > 0 ? g_try_malloc (n) : NULL;
  if (px == NULL || !dr_edit_writer_read_layer (writer, project, id, d, px, self->photo_w,
                                                self->photo_h, NULL))
    return -1;
  gint64 area = 0;
  for (gsize i = 0; i < n; i++)
    area += px[i] != 0;
  return area;
}

/* Shows the active layer's verdict and numbers, every layer's verdict and area in the side
 * panel (unsaved ones included), the undo state and the unsaved mark. */
static void
refresh_review (DrReviewController *self)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrDamage d = dr_edit_session_get_damage (self->editor);
  DrVerdict verdicts[DR_N_DAMAGE];
  gint64 areas[DR_N_DAMAGE];
  g_autoptr (DrReview) active = NULL;
  for (DrDamage k = 0; k < DR_N_DAMAGE; k++)
    {
      g_autoptr (DrReview) stored = NULL;
      verdicts[k] = shown_verdict (self, k, &stored);
      areas[k] = project ? unsaved_area (self, k, verdicts[k]) : -1;
      if (k == d)
        active = g_steal_pointer (&stored);
    }
  /* Offline, the layer edited here differs from the prediction "accepted" was given on: the
   * server stores it as "corrected" when the journal is sent (dr_review_policy_given), and the
   * bar says so now instead of "accepted as predicted" with the old numbers. */
  if (verdicts[d] == DR_VERDICT_ACCEPTED && dr_edit_session_owns_layer (self->editor)
      && dr_edit_writer_get_n_waiting (dr_edit_session_get_writer (self->editor)) > 0)
    {
      verdicts[d] = DR_VERDICT_CORRECTED;
      g_clear_pointer (&active, dr_review_free);
    }
  g_autoptr (DrRevision) head = project ? dr_revision_get_head (project, id, d, NULL) : NULL;
  gboolean kept = project != NULL && active == NULL && verdicts[d] != DR_VERDICT_UNREVIEWED;
  /* A kept verdict has no numbers yet: they are measured when it is written. */
  DrReview unsaved = { .verdict = verdicts[d], .iou = -1, .px_added = -1, .px_removed = -1 };
  dr_review_bar_show_review (self->review_bar, kept ? &unsaved : active, head != NULL,
                             project != NULL);
  /* Undo / redo stay enabled while any layer of the photo has history, so that Ctrl+Z on a
   * layer without any says which layer has it (move_head) instead of doing nothing. */
  gboolean can_undo, can_redo;
  dr_edit_session_get_history (self->editor, &can_undo, &can_redo);
  can_undo |= other_layer_with_history (self, TRUE) >= 0;
  can_redo |= other_layer_with_history (self, FALSE) >= 0;
  set_action_enabled (self, "undo", can_undo);
  set_action_enabled (self, "redo", can_redo);
  dr_review_bar_set_unsaved (self->review_bar, dr_review_controller_has_unsaved (self), NULL);
  dr_legend_show_review (self->legend, project ? (int) d : -1, verdicts);
  dr_legend_show_unsaved_areas (self->legend, project ? areas : NULL);
}

/* Statuses and areas of photo_id (0: of any photo) changed in the project: the window
 * reloads what shows them. */
static void
photos_changed (DrReviewController *self, gint64 photo_id)
{
  g_signal_emit (self, signals[SIG_PHOTOS_CHANGED], 0, photo_id);
}

/* ---- editor signals ---------------------------------------------------------------- */

/* Remembers that the verdict following an edit of (photo_id, damage) in project could not be
 * decided (the team server went away before the window could read the layer); it is decided
 * once the project is open again (replay_follows). */
static void
remember_follow (DrReviewController *self, DrProject *project, gint64 photo_id, int damage,
                 gboolean head_lost)
{
  const char *location = dr_project_get_path (project);
  if (self->pending_follow == NULL)
    return;
  if (g_strcmp0 (self->pending_location, location) != 0)
    {
      g_array_set_size (self->pending_follow, 0);
      g_free (self->pending_location);
      self->pending_location = g_strdup (location);
    }
  PendingFollow f = { photo_id, damage, head_lost };
  g_array_append_val (self->pending_follow, f);
}

/* The project is open again: the verdicts remembered for it follow their edits now. */
static void
replay_follows (DrReviewController *self, DrProject *project)
{
  if (self->pending_follow == NULL || self->pending_follow->len == 0)
    return;
  if (project == NULL || g_strcmp0 (self->pending_location, dr_project_get_path (project)) != 0)
    {
      g_array_set_size (self->pending_follow, 0);
      return;
    }
  g_autoptr (GArray) pending = g_steal_pointer (&self->pending_follow);
  self->pending_follow = g_array_new (FALSE, FALSE, sizeof (PendingFollow));
  g_autofree char *author = dup_reviewer (self);
  for (guint i = 0; i < pending->len; i++)
    {
      PendingFollow *f = &g_array_index (pending, PendingFollow, i);
      g_autoptr (GError) error = NULL;
      gboolean changed;
      if (!dr_review_recorder_follow_edit (self->recorder, project, f->photo_id, f->damage,
                                           f->head_lost, author, &changed, &error))
        g_message ("%s", error->message);
    }
}

/* A revision was written or the head moved: the stored overlays of that photo are stale,
 * and the verdict follows the edit (kept unsaved when it cannot be written) unless the edit
 * lost its head move (head_lost: a conflict, the layer shows someone else's mask). */
static void
editor_committed_cb (DrEditSession *editor, DrProject *project, gint64 photo_id, int damage,
                     gboolean head_lost, DrReviewController *self)
{
  g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0, photo_id, FALSE);
  if (project != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *author = dup_reviewer (self);
      gboolean changed;
      if (!dr_review_recorder_follow_edit (self->recorder, project, photo_id, damage,
                                           head_lost, author, &changed, &error))
        {
          if (changed)
            toast_write_failure (self, error->message);
          /* A team server gone again: the banner says so; the line goes to the log, and the
           * verdict is decided once the project is open again. */
          else if (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO)
                   && dr_session_is_team (self->session))
            {
              g_message ("%s", error->message);
              remember_follow (self, project, photo_id, damage, head_lost);
            }
          else
            toast (self, error->message);
        }
    }
  photos_changed (self, photo_id);
  refresh_review (self);
}

/* The server refused a journaled edit for good and it was set aside: the one line stays
 * until the reviewer dismisses it. */
static void
writer_refused_cb (DrEditWriter *writer, const char *message, DrReviewController *self)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 0);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* The editor stops drawing a layer of the photo on screen: the canvas shows it again. */
static void
editor_layer_left_cb (DrEditSession *editor, gint64 photo_id, int damage, DrOverlay *overlay,
                      DrReviewController *self)
{
  if (self->current && dr_photo_item_get_id (self->current) == photo_id)
    dr_canvas_set_overlay (self->canvas, damage, overlay);
}

/* The bar marks the edit unsaved (its tooltip keeps the detail); one plain toast says why. */
static void
editor_save_failed_cb (DrEditSession *editor, const char *message, DrReviewController *self)
{
  dr_review_bar_set_unsaved (self->review_bar, TRUE, message);
  toast_write_failure (self, message);
}

static void
editor_author_needed_cb (DrEditSession *editor, DrReviewController *self)
{
  dr_reviewer_dialog_present (self->window, self->settings, NULL, NULL, NULL);
}

static void
editor_state_changed_cb (DrReviewController *self)
{
  refresh_review (self);
}

/* The sync bar follows the photo and layer on screen. */
static void
update_sync_bar (DrReviewController *self)
{
  gint64 id = self->photo_w > 0 && self->current ? dr_photo_item_get_id (self->current) : 0;
  dr_sync_bar_set_shown (self->sync_bar, id, self->photo_w, self->photo_h,
                         dr_edit_session_get_damage (self->editor));
}

/* A conflict arrived or was resolved: the photo's stored layers are drawn again, its status
 * and the verdicts shown follow. */
static void
sync_bar_layer_stale_cb (DrSyncBar *bar, gint64 photo_id, DrReviewController *self)
{
  g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0, photo_id, TRUE);
  photos_changed (self, photo_id);
  refresh_review (self);
  update_sync_bar (self);
}

/* Keep Mine moved the head to my revision: the verdict follows it as it follows an edit (the
 * layer's verdict was given on their mask). */
static void
sync_bar_kept_mine_cb (DrSyncBar *bar, DrProject *project, gint64 photo_id, int damage,
                       DrReviewController *self)
{
  editor_committed_cb (self->editor, project, photo_id, damage, FALSE, self);
}

/* A newly chosen layer is shown, so nobody edits a hidden mask. */
static void
editor_damage_notify_cb (DrReviewController *self)
{
  show_layer (self, dr_edit_session_get_damage (self->editor));
  update_sync_bar (self);
  refresh_review (self);
}

static void
reviewer_changed_cb (DrReviewController *self)
{
  g_autofree char *name = dup_reviewer (self);
  dr_review_bar_set_reviewer (self->review_bar, name);
}

/* The note's text changed: recorded after the edits before it. */
static void
note_changed_cb (DrReviewBar *bar, const char *text, DrReviewController *self)
{
  DrProject *project = project_of (self);
  if (project == NULL || self->note_photo_id <= 0)
    return;
  g_autofree char *author = dup_reviewer (self);
  g_autoptr (GError) error = NULL;
  if (!dr_review_recorder_add_note (self->recorder, project, self->note_photo_id, text,
                                    *author ? author : _("unknown"), &error))
    toast_write_failure (self, error->message);
}

/* A size other than the automatic one was chosen ([, ] or the size field): remembered. */
static void
brush_size_notify_cb (DrReviewController *self)
{
  double size = dr_edit_tool_get_brush_size (self->tool);
  if (size != self->brush_default)
    {
      self->brush_default = 0;
      g_settings_set_double (self->settings, "brush-size", size);
    }
}

/* ---- actions ------------------------------------------------------------------------ */

static void
tool_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  DrReviewController *self = user_data;
  DrToolKind kind;
  if (!dr_tool_kind_from_string (g_variant_get_string (state, NULL), &kind))
    return;
  g_simple_action_set_state (action, state);
  dr_edit_tool_set_kind (self->tool, kind);
  if (kind != DR_TOOL_NONE)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
subtract_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  g_simple_action_set_state (action, state);
  dr_edit_tool_set_subtract (DR_REVIEW_CONTROLLER (user_data)->tool, g_variant_get_boolean (state));
}

static void
brush_bigger_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrEditTool *tool = DR_REVIEW_CONTROLLER (user_data)->tool;
  double s = dr_edit_tool_get_brush_size (tool);
  dr_edit_tool_set_brush_size (tool, MAX (s + 1, s * 1.25));
}

static void
brush_smaller_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrEditTool *tool = DR_REVIEW_CONTROLLER (user_data)->tool;
  double s = dr_edit_tool_get_brush_size (tool);
  dr_edit_tool_set_brush_size (tool, MIN (s - 1, s / 1.25));
}

/* Undo or redo of the active layer, with failures shown. */
static void
move_head (DrReviewController *self, gboolean undo)
{
  g_autoptr (GError) error = NULL;
  gboolean can_undo, can_redo;
  dr_edit_session_get_history (self->editor, &can_undo, &can_redo);
  int other = other_layer_with_history (self, undo);
  if (!(undo ? can_undo : can_redo) && other >= 0)
    {
      const char *active = dr_damage_style_name (dr_edit_session_get_damage (self->editor));
      const char *name = dr_damage_style_name ((guint) other);
      g_autofree char *text =
        undo ? g_strdup_printf (_("Nothing to undo on %s; %s has edits (Alt+%d)"), active,
                                name, other + 1)
             : g_strdup_printf (_("Nothing to redo on %s; %s has undone edits (Alt+%d)"), active,
                                name, other + 1);
      toast (self, text);
      return;
    }
  gboolean moved;
  gboolean ok = undo ? dr_edit_session_undo (self->editor, &moved, &error)
                     : dr_edit_session_redo (self->editor, &moved, &error);
  if (!ok)
    toast (self, error->message);
}

static void
undo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_head (DR_REVIEW_CONTROLLER (user_data), TRUE);
}

static void
redo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_head (DR_REVIEW_CONTROLLER (user_data), FALSE);
}

static void
clear_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_edit_session_clear (DR_REVIEW_CONTROLLER (user_data)->editor);
}

static void
reset_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_edit_session_reset (DR_REVIEW_CONTROLLER (user_data)->editor);
}

static void
edit_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  int d = g_variant_get_int32 (param);
  if (DR_DAMAGE_IS_VALID (d))
    dr_edit_session_set_damage (DR_REVIEW_CONTROLLER (user_data)->editor, d);
}

/* Writes the unsaved edits and verdicts (the edit writer's connection reopens read-write by
 * itself once the file is writable); the window's reading connection is refreshed too, for
 * the banner. */
static void
retry_save_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  DrProject *project = project_of (self);
  if (project != NULL)
    dr_project_reopen_if_writable (project, NULL);
  if (dr_review_controller_save (self))
    {
      if (project != NULL && dr_project_is_read_only (project))
        toast_write_failure (self, NULL);
      else
        toast (self, _("Saved"));
    }
  update_read_only (self);
  refresh_review (self);
}

/* The verdict on layer d of photo id changed whether the layer is empty: the canvas follows
 * (rejected / none hide the mask at once; withdrawing them loads it from the project). */
static void
show_verdict_layer (DrReviewController *self, gint64 id, DrDamage d, DrVerdict verdict)
{
  gboolean empties = dr_verdict_empties_layer (verdict);
  g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0, id, !empties);
  dr_edit_session_forget_layer (self->editor);
  if (empties && self->current != NULL && dr_photo_item_get_id (self->current) == id)
    dr_canvas_set_overlay (self->canvas, d, NULL);
}

static const char *const verdict_ids[] = {
  "unreviewed", "accepted", "corrected", "rejected", "added", "none",
};

/* Records verdict on the active layer (after the reviewer is named). Edits waiting to be
 * written are tried first; when they, or the verdict itself, still cannot be written the
 * verdict is kept and shown unsaved. */
static void
apply_verdict (DrReviewController *self, DrVerdict verdict)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrDamage d = dr_edit_session_get_damage (self->editor);
  if (project == NULL)
    return;
  dr_review_controller_save (self);
  /* The layer judged is shown, so a verdict never goes to a mask the reviewer cannot see. */
  show_layer (self, d);
  g_autoptr (DrReview) stored = NULL;
  gboolean emptied_before = dr_verdict_empties_layer (shown_verdict (self, d, &stored));
  g_autoptr (GError) error = NULL;
  g_autofree char *author = dup_reviewer (self);
  DrVerdict recorded;
  gboolean written = dr_review_recorder_give (self->recorder, project, id, d, verdict, author,
                                              &recorded, &error);
  if (recorded != verdict)
    toast (self, _("The mask was edited, so it is recorded as corrected"));
  if (error != NULL)
    toast_write_failure (self, error->message);
  if (written)
    photos_changed (self, id);
  if (emptied_before != dr_verdict_empties_layer (recorded))
    show_verdict_layer (self, id, d, recorded);
  refresh_review (self);
}

typedef struct {
  DrReviewController *controller;
  DrVerdict verdict;
} PendingVerdict;

static void
pending_verdict_ready (gpointer data)
{
  PendingVerdict *p = data;
  apply_verdict (p->controller, p->verdict);
}

static void
pending_verdict_free (gpointer data)
{
  PendingVerdict *p = data;
  g_object_unref (p->controller);
  g_free (p);
}

static void
verdict_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  const char *id = g_variant_get_string (param, NULL);
  for (guint v = 0; v < G_N_ELEMENTS (verdict_ids); v++)
    if (g_str_equal (id, verdict_ids[v]))
      {
        g_autofree char *name = dup_reviewer (self);
        if (*name != '\0')
          {
            apply_verdict (self, v);
            return;
          }
        PendingVerdict *p = g_new0 (PendingVerdict, 1);
        p->controller = g_object_ref (self);
        p->verdict = v;
        dr_reviewer_dialog_present (self->window, self->settings, pending_verdict_ready, p,
                                    pending_verdict_free);
        return;
      }
}

/* See header. */
void
dr_review_controller_set_team (DrReviewController *self, DrTeamController *team)
{
  g_return_if_fail (DR_IS_REVIEW_CONTROLLER (self));
  self->team = team;
}

/* Goes to the next photo × damage type without a verdict, in list order, starting after
 * the active layer of the photo on screen and wrapping around. On a team project: the next
 * claim by lease (dr_team_controller_next), my assignment first. */
static void
next_unreviewed_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  if (self->team != NULL && dr_team_controller_is_active (self->team))
    {
      dr_team_controller_next (self->team);
      return;
    }
  DrProject *project = project_of (self);
  if (project == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = dr_photo_list (project, &error);
  if (infos == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_autoptr (GHashTable) reviewed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < infos->len; i++)
    {
      DrPhotoInfo *info = infos->pdata[i];
      guint bits = info->error ? 0xf : info->reviewed;
      g_hash_table_insert (reviewed, g_memdup2 (&info->id, sizeof info->id), GUINT_TO_POINTER (bits | 0x10));
    }
  GListModel *visible = dr_photo_list_get_visible (self->photo_list);
  guint n = g_list_model_get_n_items (visible), start = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (visible, i);
      if (it == self->current)
        start = i;
    }
  int d0 = self->current ? dr_edit_session_get_damage (self->editor) + 1 : 0;
  for (guint k = 0; k <= n; k++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (visible, (start + k) % MAX (n, 1));
      if (it == NULL)
        break;
      gint64 id = dr_photo_item_get_id (it);
      guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (reviewed, &id));
      if (bits == 0)
        continue;
      for (int d = k == 0 ? d0 : 0; d < DR_N_DAMAGE; d++)
        if (!(bits & (1u << d)))
          {
            g_signal_emit (self, signals[SIG_SHOW_PHOTO], 0, it);
            dr_edit_session_set_damage (self->editor, d);
            return;
          }
    }
  toast (self, _("Every photo shown has a verdict for every damage type"));
}

static void
focus_note_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_review_bar_focus_note (DR_REVIEW_CONTROLLER (user_data)->review_bar);
}

static void
reviewer_name_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  const char *login = self->session ? dr_session_get_login (self->session) : NULL;
  if (login != NULL)
    {
      /* TRANSLATORS: %s is the login role of a team project. */
      g_autofree char *text = g_strdup_printf (_("In a team project, everything you do is "
                                                 "recorded under your login, %s"), login);
      toast (self, text);
      return;
    }
  dr_reviewer_dialog_present (self->window, self->settings, NULL, NULL, NULL);
}

static void
export_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  DrProject *project = project_of (self);
  if (project == NULL)
    {
      toast (self, _("Open a project to export it"));
      return;
    }
  if (!dr_review_controller_save (self))
    return;
  dr_export_dialog_present (self->window, project);
}

/* "Export Claim Report…": for the shown photo's claim (every claim when none is shown), once
 * the layer being edited is saved, since the report reads the project file. */
static void
report_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrReviewController *self = user_data;
  DrProject *project = project_of (self);
  if (project == NULL)
    {
      toast (self, _("Open a project to report on it"));
      return;
    }
  if (!dr_review_controller_save (self))
    return;
  dr_report_dialog_present (self->window, project,
                            self->current ? dr_photo_item_get_claim (self->current) : NULL);
}

static const GActionEntry review_entries[] = {
  { "tool", NULL, "s", "'none'", tool_change_state },
  { "subtract", NULL, NULL, "false", subtract_change_state },
  { "brush-bigger", brush_bigger_activated },
  { "brush-smaller", brush_smaller_activated },
  { "undo", undo_activated },
  { "redo", redo_activated },
  { "clear-layer", clear_layer_activated },
  { "reset-layer", reset_layer_activated },
  { "edit-layer", edit_layer_activated, "i" },
  { "retry-save", retry_save_activated },
  { "verdict", verdict_activated, "s" },
  { "next-unreviewed", next_unreviewed_activated },
  { "focus-note", focus_note_activated },
  { "reviewer-name", reviewer_name_activated },
  { "export", export_activated },
  { "export-report", report_activated },
};

/* Keys without a modifier, for the review actions and the window's view actions. They act
 * only when no text entry has the focus: this controller runs after the focused widget had
 * its chance, unlike application accelerators. */
static const struct {
  const char *trigger;
  const char *action;
  const char *target;   /* GVariant text, or NULL */
} review_keys[] = {
  { "v", "win.tool", "'none'" },
  { "b", "win.tool", "'brush'" },
  { "e", "win.tool", "'eraser'" },
  { "p", "win.tool", "'polygon'" },
  { "g", "win.tool", "'fill'" },
  { "x", "win.subtract", NULL },
  { "bracketright", "win.brush-bigger", NULL },
  { "bracketleft", "win.brush-smaller", NULL },
  { "<Control>z", "win.undo", NULL },
  { "<Control><Shift>z", "win.redo", NULL },
  { "Delete", "win.clear-layer", NULL },
  { "a", "win.verdict", "'accepted'" },
  { "c", "win.verdict", "'corrected'" },
  { "r", "win.verdict", "'rejected'" },
  { "d", "win.verdict", "'added'" },
  { "n", "win.verdict", "'none'" },
  { "u", "win.next-unreviewed", NULL },
  { "<Alt>1", "win.edit-layer", "0" },
  { "<Alt>2", "win.edit-layer", "1" },
  { "<Alt>3", "win.edit-layer", "2" },
  { "<Alt>4", "win.edit-layer", "3" },
  { "<Control>m", "win.focus-note", NULL },
  { "j", "win.next-photo", NULL },
  { "k", "win.previous-photo", NULL },
  { "1", "win.overlay-0", NULL },
  { "KP_1", "win.overlay-0", NULL },
  { "2", "win.overlay-1", NULL },
  { "KP_2", "win.overlay-1", NULL },
  { "3", "win.overlay-2", NULL },
  { "KP_3", "win.overlay-2", NULL },
  { "4", "win.overlay-3", NULL },
  { "KP_4", "win.overlay-3", NULL },
  { "o", "win.overlay-outline", NULL },
  { "f", "win.zoom-fit", NULL },
  { "plus", "win.zoom-in", NULL },
  { "minus", "win.zoom-out", NULL },
  { "<Control>e", "win.export", NULL },
};

/* Installs review_keys on the window. */
static void
add_shortcuts (DrReviewController *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_LOCAL);
  for (guint i = 0; i < G_N_ELEMENTS (review_keys); i++)
    {
      GtkShortcut *s = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (review_keys[i].trigger),
                                         gtk_named_action_new (review_keys[i].action));
      if (review_keys[i].target)
        gtk_shortcut_set_arguments (s, g_variant_parse (NULL, review_keys[i].target, NULL,
                                                        NULL, NULL));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), s);
    }
  gtk_widget_add_controller (GTK_WIDGET (self->window), controller);
}

/* ---- life cycle --------------------------------------------------------------------- */

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, DrReviewController *self)
{
  if (!g_str_equal (response, "discard"))
    return;
  self->discard_unsaved = TRUE;
  dr_review_recorder_discard (self->recorder);
  gtk_window_close (self->window);
}

/* Closing with edits or verdicts that still cannot be written asks first: they would be
 * lost. */
static gboolean
close_request_cb (GtkWindow *window, DrReviewController *self)
{
  dr_review_bar_flush_note (self->review_bar);
  if (self->discard_unsaved || dr_review_controller_save (self))
    return FALSE;
  GtkWidget *dialog =
    adw_message_dialog_new (self->window, _("Unsaved Edits"),
                            _("The last edits could not be written to the project file "
                              "(see the message in the window). If you close now they are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Window Open"),
                                    "discard", _("_Close and Lose Them"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* See header. */
void
dr_review_controller_set_photo (DrReviewController *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_REVIEW_CONTROLLER (self));
  dr_review_bar_flush_note (self->review_bar);
  g_set_object (&self->current, item);
  DrProject *project = project_of (self);
  gint64 id = item ? dr_photo_item_get_id (item) : 0;
  guint w = 0, h = 0;
  g_autoptr (GError) error = NULL;
  if (project == NULL || id <= 0 || !dr_photo_get_size (project, id, &w, &h, &error))
    w = h = 0;
  /* A team server that cannot be reached: a photo read before keeps the size the photo list
   * read, so that its verdicts, notes and edits go to the journal; one never read cannot be
   * judged (its verdicts are not known). */
  if (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO)
      && dr_session_is_team (self->session)
      && dr_layer_cache_knows_photo (dr_edit_session_get_layer_cache (self->editor), id))
    {
      int iw, ih;
      dr_photo_item_get_size (item, &iw, &ih);
      w = (guint) MAX (iw, 0);
      h = (guint) MAX (ih, 0);
    }
  self->photo_w = (int) w;
  self->photo_h = (int) h;
  /* A layer edited on the photo left (offline: its edits only in the journal) is drawn from
   * what the editor kept the next time, not from the overlays shown before the edit. */
  gint64 left = dr_edit_session_get_photo_id (self->editor);
  gboolean edited = dr_edit_session_owns_layer (self->editor);
  dr_edit_session_set_photo (self->editor, project, id, (int) w, (int) h);
  if (edited && left > 0 && left != id)
    g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0, left, FALSE);
  /* Fill is a one-click tool: it does not stay armed for the next photo. */
  if (dr_edit_tool_get_kind (self->tool) == DR_TOOL_FILL)
    g_action_group_change_action_state (G_ACTION_GROUP (self->window), "tool",
                                        g_variant_new_string ("none"));
  /* A brush the reviewer has not resized follows the photo: about 1/60 of its short side. */
  if (w > 0 && dr_edit_tool_get_brush_size (self->tool) == self->brush_default)
    {
      self->brush_default = CLAMP (round (MIN (w, h) / 60.0), 4, 200);
      dr_edit_tool_set_brush_size (self->tool, self->brush_default);
    }
  self->note_photo_id = w > 0 ? id : 0;
  g_autofree char *note = w > 0 ? dup_note (self, project, id) : NULL;
  dr_review_bar_set_note (self->review_bar, note);
  update_sync_bar (self);
  refresh_review (self);
}

/* See header. */
void
dr_review_controller_set_session (DrReviewController *self, DrSession *session)
{
  g_return_if_fail (DR_IS_REVIEW_CONTROLLER (self));
  g_set_object (&self->session, session);
  update_read_only (self);
  /* A team project's author is its login (the server's session_user), not a typed name. */
  gboolean team = session != NULL && dr_session_get_login (session) != NULL;
  g_settings_unbind (self->editor, "author");
  if (team)
    g_object_set (self->editor, "author", dr_session_get_login (session), NULL);
  else
    g_settings_bind (self->settings, "reviewer-name", self->editor, "author",
                     G_SETTINGS_BIND_GET);
  reviewer_changed_cb (self);
  /* Edits a crash left in the journal of this team project are sent now. */
  DrProject *project = project_of (self);
  if (project != NULL)
    dr_edit_writer_resume (dr_edit_session_get_writer (self->editor), project);
  replay_follows (self, project);
}

/* See header. */
void
dr_review_controller_reload (DrReviewController *self, gint64 photo_id)
{
  g_return_if_fail (DR_IS_REVIEW_CONTROLLER (self));
  DrProject *project = project_of (self);
  if (project == NULL || self->current == NULL
      || (photo_id > 0 && dr_photo_item_get_id (self->current) != photo_id))
    return;
  gint64 id = dr_photo_item_get_id (self->current);
  dr_edit_session_forget_layer (self->editor);
  if (self->note_photo_id == id)
    {
      g_autofree char *note = dup_note (self, project, id);
      dr_review_bar_update_note (self->review_bar, note);
    }
  refresh_review (self);
  g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0, id, TRUE);
}

/* See header. */
gboolean
dr_review_controller_save (DrReviewController *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_CONTROLLER (self), FALSE);
  if (!dr_edit_session_save (self->editor))
    return FALSE;
  g_autoptr (GError) error = NULL;
  if (dr_review_recorder_get_n_unsaved (self->recorder) == 0)
    return TRUE;
  gboolean saved = dr_review_recorder_flush (self->recorder, &error);
  if (!saved)
    {
      dr_review_bar_set_unsaved (self->review_bar, TRUE, error->message);
      toast_write_failure (self, error->message);
    }
  /* Kept verdicts may belong to any photo. */
  photos_changed (self, 0);
  g_signal_emit (self, signals[SIG_OVERLAYS_STALE], 0,
                 self->current ? dr_photo_item_get_id (self->current) : 0, TRUE);
  dr_edit_session_forget_layer (self->editor);
  refresh_review (self);
  return saved;
}

/* See header. */
gboolean
dr_review_controller_has_unsaved (DrReviewController *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_CONTROLLER (self), FALSE);
  return dr_edit_session_has_unsaved (self->editor) ||
         dr_review_recorder_get_n_unsaved (self->recorder) > 0;
}

/* See header. */
DrEditSession *
dr_review_controller_get_edit_session (DrReviewController *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_CONTROLLER (self), NULL);
  return self->editor;
}

/* See header. */
DrEditTool *
dr_review_controller_get_edit_tool (DrReviewController *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_CONTROLLER (self), NULL);
  return self->tool;
}

/* See header. */
DrReviewRecorder *
dr_review_controller_get_recorder (DrReviewController *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_CONTROLLER (self), NULL);
  return self->recorder;
}

/* Saves what can be saved and lets go of the editor; the actions leave the window. */
static void
dr_review_controller_dispose (GObject *object)
{
  DrReviewController *self = DR_REVIEW_CONTROLLER (object);
  if (self->review_bar)
    dr_review_bar_flush_note (self->review_bar);
  if (self->editor && !dr_edit_session_save (self->editor))
    g_message ("closing with unsaved edits the reviewer chose to discard");
  if (self->window != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (review_entries); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->window), review_entries[i].name);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_object (&self->recorder);
  g_clear_object (&self->tool);
  g_clear_object (&self->editor);
  if (self->failure_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->failure_toast),
                                  (gpointer *) &self->failure_toast);
  self->failure_toast = NULL;
  g_clear_object (&self->current);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->canvas);
  g_clear_object (&self->photo_list);
  g_clear_object (&self->review_bar);
  g_clear_object (&self->legend);
  g_clear_object (&self->toasts);
  g_clear_object (&self->read_only_revealer);
  g_clear_pointer (&self->pending_follow, g_array_unref);
  g_clear_pointer (&self->pending_location, g_free);
  G_OBJECT_CLASS (dr_review_controller_parent_class)->dispose (object);
}

static void
dr_review_controller_class_init (DrReviewControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_review_controller_dispose;
  signals[SIG_PHOTOS_CHANGED] =
    g_signal_new ("photos-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIG_OVERLAYS_STALE] =
    g_signal_new ("overlays-stale", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);
  signals[SIG_SHOW_PHOTO] =
    g_signal_new ("show-photo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, DR_TYPE_PHOTO_ITEM);
}

static void
dr_review_controller_init (DrReviewController *self)
{
  self->pending_follow = g_array_new (FALSE, FALSE, sizeof (PendingFollow));
}

/* See header. */
DrReviewController *
dr_review_controller_new (GtkWindow *window, GSettings *settings, DrCanvas *canvas,
                          DrPhotoList *photo_list, DrReviewBar *review_bar, DrLegend *legend,
                          AdwToastOverlay *toasts, GtkRevealer *read_only_revealer)
{
  DrReviewController *self = g_object_new (DR_TYPE_REVIEW_CONTROLLER, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->settings = g_object_ref (settings);
  self->canvas = g_object_ref (canvas);
  self->photo_list = g_object_ref (photo_list);
  self->review_bar = g_object_ref (review_bar);
  self->legend = g_object_ref (legend);
  self->toasts = g_object_ref (toasts);
  self->read_only_revealer = g_object_ref (read_only_revealer);

  self->editor = dr_edit_session_new ();
  self->tool = dr_edit_tool_new (canvas, self->editor);
  self->recorder = dr_review_recorder_new (dr_edit_session_get_writer (self->editor));
  g_signal_connect_object (self->tool, "refused", G_CALLBACK (toast), self, G_CONNECT_SWAPPED);
  self->sync_bar = DR_SYNC_BAR (dr_sync_bar_new (self->editor, canvas));
  gtk_box_prepend (GTK_BOX (review_bar), GTK_WIDGET (self->sync_bar));
  g_signal_connect_object (self->sync_bar, "kept-mine", G_CALLBACK (sync_bar_kept_mine_cb),
                           self, 0);
  g_signal_connect_object (self->sync_bar, "layer-stale", G_CALLBACK (sync_bar_layer_stale_cb),
                           self, 0);
  g_action_map_add_action_entries (G_ACTION_MAP (window), review_entries,
                                   G_N_ELEMENTS (review_entries), self);
  add_shortcuts (self);

  g_settings_bind (settings, "reviewer-name", self->editor, "author", G_SETTINGS_BIND_GET);
  g_signal_connect_object (settings, "changed::reviewer-name", G_CALLBACK (reviewer_changed_cb),
                           self, G_CONNECT_SWAPPED);
  reviewer_changed_cb (self);
  g_object_bind_property (review_bar, "damage", self->editor, "damage",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (dr_review_bar_get_brush_adjustment (review_bar), "value",
                          self->tool, "brush-size",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* A size the reviewer chose holds for every photo and across restarts; until then the
   * brush follows each photo's size (brush_default, see dr_review_controller_set_photo). */
  double chosen = g_settings_get_double (settings, "brush-size");
  if (chosen > 0)
    dr_edit_tool_set_brush_size (self->tool, chosen);
  self->brush_default = chosen > 0 ? 0 : dr_edit_tool_get_brush_size (self->tool);
  g_signal_connect_object (self->tool, "notify::brush-size", G_CALLBACK (brush_size_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "committed", G_CALLBACK (editor_committed_cb), self, 0);
  g_signal_connect_object (dr_edit_session_get_writer (self->editor), "refused",
                           G_CALLBACK (writer_refused_cb), self, 0);
  /* A stroke reaches the journal after it was drawn: the counts follow then. */
  g_signal_connect_object (dr_edit_session_get_writer (self->editor), "waiting",
                           G_CALLBACK (editor_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "layer-left", G_CALLBACK (editor_layer_left_cb), self, 0);
  g_signal_connect_object (self->editor, "save-failed", G_CALLBACK (editor_save_failed_cb), self, 0);
  g_signal_connect_object (self->editor, "author-needed", G_CALLBACK (editor_author_needed_cb),
                           self, 0);
  g_signal_connect_object (self->editor, "state-changed", G_CALLBACK (editor_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::damage", G_CALLBACK (editor_damage_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "changed", G_CALLBACK (refresh_review), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (review_bar, "note-changed", G_CALLBACK (note_changed_cb), self, 0);
  g_signal_connect_object (window, "close-request", G_CALLBACK (close_request_cb), self, 0);
  refresh_review (self);
  return self;
}
