/* dr-window-review.c — the window's review part: mask editing on the canvas, undo/redo,
 * verdicts and notes, the reviewer's name, export. Everything is written to the project at
 * once (one transaction per edit or verdict); failures are shown and never dropped. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dr-damage-style.h"
#include "dr-export-dialog.h"
#include "dr-report-dialog.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-reviewer-dialog.h"
#include "dr-rle.h"
#include "dr-window-private.h"

/* The open project, or NULL. */
static DrProject *
project_of (DrWindow *self)
{
  return self->session ? dr_session_get_project (self->session) : NULL;
}

/* The reviewer's name from settings, newly allocated, "" when unset. */
static char *
dup_reviewer (DrWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "reviewer-name");
  return g_strstrip (g_steal_pointer (&name));
}

/* Shows the read-only banner exactly while the project's connection cannot write. */
void
_dr_window_update_read_only (DrWindow *self)
{
  DrProject *project = project_of (self);
  gtk_revealer_set_reveal_child (self->read_only_revealer,
                                 project != NULL && dr_project_is_read_only (project));
}

/* One plain-language toast for a failed write, and only one while it shows (a reviewer who
 * keeps painting on a read-only file is not buried in toasts); the store's own wording,
 * naming the file and SQLite's reason, goes to the log. */
static void
toast_write_failure (DrWindow *self, const char *detail)
{
  if (detail != NULL)
    g_message ("%s", detail);
  _dr_window_update_read_only (self);
  if (self->failure_toast != NULL)
    return;
  DrProject *project = project_of (self);
  const char *text =
    project != NULL && dr_project_is_read_only (project)
      ? _("The project file is read-only: your changes are kept, unsaved. Make the file "
          "writable, then press Retry.")
      : _("Your changes could not be saved and are kept, unsaved. Press Retry to try again.");
  self->failure_toast = adw_toast_new (text);
  adw_toast_set_timeout (self->failure_toast, 6);
  g_object_add_weak_pointer (G_OBJECT (self->failure_toast), (gpointer *) &self->failure_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->failure_toast);
}

/* Whether the active layer's mask now differs from the prediction, and whether the
 * prediction has any pixel. Masks are compared run by run (no decoding). */
static gboolean
layer_differs (DrProject *project, gint64 photo_id, DrDamage d, gboolean *pred_nonempty,
               gboolean *final_empty, GError **error)
{
  guint w, h;
  if (!dr_photo_get_size (project, photo_id, &w, &h, error))
    return FALSE;
  g_autoptr (DrPrediction) pred = dr_prediction_get_current (project, photo_id, d, error);
  if (pred == NULL && error && *error)
    return FALSE;
  g_autofree char *final = dr_revision_dup_layer_rle (project, photo_id, d, error);
  if (final == NULL && error && *error)
    return FALSE;
  g_autoptr (DrRle) a = pred ? dr_rle_new_from_string (pred->rle, h, w, error) : NULL;
  g_autoptr (DrRle) b = final ? dr_rle_new_from_string (final, h, w, error) : NULL;
  if ((pred && !a) || (final && !b))
    return FALSE;
  guint64 area_a = a ? dr_rle_get_area (a) : 0, area_b = b ? dr_rle_get_area (b) : 0;
  guint64 only_a = area_a, only_b = area_b;
  if (a && b)
    dr_rle_compare (a, b, NULL, &only_a, &only_b);
  *pred_nonempty = area_a > 0;
  *final_empty = area_b == 0;
  return only_a + only_b > 0;
}

/* The first layer of the current photo, other than the active one, that undo (or redo)
 * would change; -1 when there is none. */
static int
other_layer_with_history (DrWindow *self, gboolean undo)
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

/* Shows the active layer's verdict, numbers and the undo state. */
static void
refresh_review (DrWindow *self)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrDamage d = dr_edit_session_get_damage (self->editor);
  g_autoptr (DrReview) review = project ? dr_review_get_current (project, id, d, NULL) : NULL;
  g_autoptr (DrRevision) head = project ? dr_revision_get_head (project, id, d, NULL) : NULL;
  dr_review_bar_show_review (self->review_bar, review, head != NULL, project != NULL);
  /* Undo / redo stay enabled while any layer of the photo has history, so that Ctrl+Z on a
   * layer without any says which layer has it (move_head) instead of doing nothing. */
  gboolean can_undo, can_redo;
  dr_edit_session_get_history (self->editor, &can_undo, &can_redo);
  can_undo |= other_layer_with_history (self, TRUE) >= 0;
  can_redo |= other_layer_with_history (self, FALSE) >= 0;
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "undo")), can_undo);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "redo")), can_redo);
  dr_review_bar_set_unsaved (self->review_bar, dr_edit_session_has_unsaved (self->editor), NULL);
  DrVerdict verdicts[DR_N_DAMAGE];
  for (DrDamage k = 0; k < DR_N_DAMAGE; k++)
    {
      g_autoptr (DrReview) r = project ? dr_review_get_current (project, id, k, NULL) : NULL;
      verdicts[k] = r ? r->verdict : DR_VERDICT_UNREVIEWED;
    }
  dr_legend_show_review (self->legend, project ? (int) d : -1, verdicts);
}

typedef struct {
  gint64 photo_id;
  DrDamage damage;
  DrVerdict verdict;
  const char *author;
} VerdictWrite;

/* Writer thread: records a verdict through the writer's own connection. */
static gboolean
verdict_write (DrProject *project, gpointer data, GError **error)
{
  VerdictWrite *v = data;
  return dr_review_set_verdict (project, v->photo_id, v->damage, v->verdict, v->author, NULL,
                                error);
}

/* Records a verdict on the editor's writer thread (after the edits made before it); the main
 * thread's connection only reads. */
static gboolean
set_verdict (DrWindow *self, DrProject *project, gint64 photo_id, DrDamage d,
             DrVerdict verdict, const char *author, GError **error)
{
  VerdictWrite v = { photo_id, d, verdict, author };
  return dr_edit_writer_run (dr_edit_session_get_writer (self->editor), project, verdict_write,
                             &v, error);
}

/* After an edit, undo or redo of (photo, d), the verdict follows the mask the layer shows:
 * when a verdict was given on that very mask before (undo or redo back to it), that one comes
 * back; otherwise "corrected" or "added" when the mask differs from the prediction, an
 * automatic one withdrawn when it matches again, and a "rejected" or "none" verdict kept while
 * the mask is empty. A kept verdict whose row was measured on another mask is recorded again,
 * so its IoU and pixel counts describe the mask as it is. Returns whether a row was written. */
static gboolean
auto_verdict (DrWindow *self, DrProject *project, gint64 photo_id, DrDamage d)
{
  g_autoptr (GError) error = NULL;
  gboolean pred_nonempty = FALSE, final_empty = TRUE;
  gboolean differs = layer_differs (project, photo_id, d, &pred_nonempty, &final_empty, &error);
  g_autoptr (DrRevision) head = error ? NULL : dr_revision_get_head (project, photo_id, d,
                                                                      &error);
  gint64 head_id = head != NULL ? head->id : 0;
  g_autoptr (DrReview) cur = error ? NULL : dr_review_get_current (project, photo_id, d, &error);
  g_autoptr (DrReview) earlier = error ? NULL : dr_review_get_on_revision (project, photo_id,
                                                                           d, head_id, &error);
  if (error != NULL)
    {
      dr_window_toast (self, error->message);
      return FALSE;
    }
  DrVerdict have = cur ? cur->verdict : DR_VERDICT_UNREVIEWED, want = have;
  if (earlier != NULL)
    want = earlier->verdict;
  else if (!differs)
    {
      if (have == DR_VERDICT_CORRECTED || have == DR_VERDICT_ADDED)
        want = DR_VERDICT_UNREVIEWED;
    }
  else if (!(final_empty && (have == DR_VERDICT_REJECTED || have == DR_VERDICT_NONE)))
    want = pred_nonempty ? DR_VERDICT_CORRECTED : DR_VERDICT_ADDED;
  gboolean measured_here = cur == NULL || cur->revision_id == head_id;
  if (want == have && (measured_here || want == DR_VERDICT_UNREVIEWED))
    return FALSE;
  g_autofree char *author = dup_reviewer (self);
  if (!set_verdict (self, project, photo_id, d, want, author, &error))
    {
      toast_write_failure (self, error->message);
      return FALSE;
    }
  return TRUE;
}

/* Photo statuses and areas changed in the project: the list and legend follow. */
static void
reload_items (DrWindow *self)
{
  if (self->session && dr_session_reload (self->session, NULL))
    dr_photo_list_invalidate (self->photo_list);
  dr_legend_update (self->legend, self->current, _dr_window_get_items (self));
}

/* ---- editor signals ---------------------------------------------------------------- */

/* A revision was written or the head moved: the stored overlays of that photo are stale,
 * and the verdict may follow the edit. */
static void
editor_committed_cb (DrEditSession *editor, gint64 photo_id, int damage, DrWindow *self)
{
  g_hash_table_remove (self->overlays, &photo_id);
  DrProject *project = dr_edit_session_get_project (editor);
  if (project != NULL)
    auto_verdict (self, project, photo_id, damage);
  reload_items (self);
  refresh_review (self);
}

/* The editor stops drawing a layer of the photo on screen: the canvas shows it again. */
static void
editor_layer_left_cb (DrEditSession *editor, gint64 photo_id, int damage, DrOverlay *overlay,
                      DrWindow *self)
{
  if (self->current && dr_photo_item_get_id (self->current) == photo_id)
    dr_canvas_set_overlay (self->canvas, damage, overlay);
}

/* The bar marks the edit unsaved (its tooltip keeps the detail); one plain toast says why. */
static void
editor_save_failed_cb (DrEditSession *editor, const char *message, DrWindow *self)
{
  dr_review_bar_set_unsaved (self->review_bar, TRUE, message);
  toast_write_failure (self, message);
}

static void
editor_author_needed_cb (DrEditSession *editor, DrWindow *self)
{
  dr_reviewer_dialog_present (GTK_WINDOW (self), self->settings, NULL, NULL, NULL);
}

static void
editor_state_changed_cb (DrWindow *self)
{
  refresh_review (self);
}

/* A newly chosen layer is shown, so nobody edits a hidden mask. */
static void
editor_damage_notify_cb (DrWindow *self)
{
  g_autofree char *name = g_strdup_printf ("overlay-%d", dr_edit_session_get_damage (self->editor));
  g_action_group_change_action_state (G_ACTION_GROUP (self), name, g_variant_new_boolean (TRUE));
  refresh_review (self);
}

static void
reviewer_changed_cb (DrWindow *self)
{
  g_autofree char *name = dup_reviewer (self);
  dr_review_bar_set_reviewer (self->review_bar, name);
}

typedef struct {
  gint64 photo_id;
  const char *text;
  const char *author;
} NoteWrite;

/* Writer thread: records a note through the writer's own connection. */
static gboolean
note_write (DrProject *project, gpointer data, GError **error)
{
  NoteWrite *n = data;
  return dr_review_add_note (project, n->photo_id, n->text, n->author, error);
}

/* The note's text changed: recorded on the editor's writer thread. */
static void
note_changed_cb (DrReviewBar *bar, const char *text, DrWindow *self)
{
  DrProject *project = project_of (self);
  if (project == NULL || self->note_photo_id <= 0)
    return;
  g_autofree char *author = dup_reviewer (self);
  g_autoptr (GError) error = NULL;
  NoteWrite note = { self->note_photo_id, text, *author ? author : _("unknown") };
  if (!dr_edit_writer_run (dr_edit_session_get_writer (self->editor), project, note_write,
                           &note, &error))
    toast_write_failure (self, error->message);
}

/* A size other than the automatic one was chosen ([, ] or the size field): remembered. */
static void
brush_size_notify_cb (DrWindow *self)
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
  DrWindow *self = user_data;
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
  dr_edit_tool_set_subtract (DR_WINDOW (user_data)->tool, g_variant_get_boolean (state));
}

static void
brush_bigger_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrEditTool *tool = DR_WINDOW (user_data)->tool;
  double s = dr_edit_tool_get_brush_size (tool);
  dr_edit_tool_set_brush_size (tool, MAX (s + 1, s * 1.25));
}

static void
brush_smaller_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrEditTool *tool = DR_WINDOW (user_data)->tool;
  double s = dr_edit_tool_get_brush_size (tool);
  dr_edit_tool_set_brush_size (tool, MIN (s - 1, s / 1.25));
}

/* Undo or redo of the active layer, with failures shown. */
static void
move_head (DrWindow *self, gboolean undo)
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
      dr_window_toast (self, text);
      return;
    }
  gboolean moved;
  gboolean ok = undo ? dr_edit_session_undo (self->editor, &moved, &error)
                     : dr_edit_session_redo (self->editor, &moved, &error);
  if (!ok)
    dr_window_toast (self, error->message);
}

static void
undo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_head (DR_WINDOW (user_data), TRUE);
}

static void
redo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_head (DR_WINDOW (user_data), FALSE);
}

static void
clear_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_edit_session_clear (DR_WINDOW (user_data)->editor);
}

static void
reset_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_edit_session_reset (DR_WINDOW (user_data)->editor);
}

static void
edit_layer_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  int d = g_variant_get_int32 (param);
  if (DR_DAMAGE_IS_VALID (d))
    dr_edit_session_set_damage (DR_WINDOW (user_data)->editor, d);
}

/* Writes the unsaved edits (the edit writer's connection reopens read-write by itself once
 * the file is writable); the window's reading connection is refreshed too, for the banner. */
static void
retry_save_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  DrProject *project = project_of (self);
  if (project != NULL)
    dr_project_reopen_if_writable (project, NULL);
  if (dr_edit_session_save (self->editor))
    {
      if (project != NULL && dr_project_is_read_only (project))
        toast_write_failure (self, NULL);
      else
        dr_window_toast (self, _("Saved"));
    }
  _dr_window_update_read_only (self);
  refresh_review (self);
}

/* The verdict on layer d of photo id changed whether the layer is empty: the canvas follows
 * (rejected / none hide the mask at once; withdrawing them loads it from the project). */
static void
show_verdict_layer (DrWindow *self, gint64 id, DrDamage d, DrVerdict verdict)
{
  g_hash_table_remove (self->overlays, &id);
  dr_edit_session_forget_layer (self->editor);
  if (self->current == NULL || dr_photo_item_get_id (self->current) != id)
    return;
  if (dr_verdict_empties_layer (verdict))
    dr_canvas_set_overlay (self->canvas, d, NULL);
  else
    _dr_window_show_overlays (self);
}

static const char *const verdict_ids[] = {
  "unreviewed", "accepted", "corrected", "rejected", "added", "none",
};

/* Records verdict on the active layer (after the reviewer is named). */
static void
apply_verdict (DrWindow *self, DrVerdict verdict)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  gint64 id = dr_edit_session_get_photo_id (self->editor);
  DrDamage d = dr_edit_session_get_damage (self->editor);
  if (project == NULL)
    return;
  if (!dr_edit_session_save (self->editor))
    return;
  /* The layer judged is shown, so a verdict never goes to a mask the reviewer cannot see. */
  g_autofree char *overlay = g_strdup_printf ("overlay-%d", d);
  g_action_group_change_action_state (G_ACTION_GROUP (self), overlay,
                                      g_variant_new_boolean (TRUE));
  g_autoptr (GError) error = NULL;
  gboolean pred_nonempty, final_empty;
  gboolean differs = layer_differs (project, id, d, &pred_nonempty, &final_empty, &error);
  if (verdict == DR_VERDICT_ACCEPTED && differs)
    {
      verdict = DR_VERDICT_CORRECTED;
      dr_window_toast (self, _("The mask was edited, so it is recorded as corrected"));
    }
  g_autoptr (DrReview) before = dr_review_get_current (project, id, d, NULL);
  gboolean emptied_before = before != NULL && dr_verdict_empties_layer (before->verdict);
  g_autofree char *author = dup_reviewer (self);
  if (!set_verdict (self, project, id, d, verdict, author, &error))
    {
      toast_write_failure (self, error->message);
      return;
    }
  reload_items (self);
  if (emptied_before != dr_verdict_empties_layer (verdict))
    show_verdict_layer (self, id, d, verdict);
  refresh_review (self);
}

typedef struct {
  DrWindow *window;
  DrVerdict verdict;
} PendingVerdict;

static void
pending_verdict_ready (gpointer data)
{
  PendingVerdict *p = data;
  apply_verdict (p->window, p->verdict);
}

static void
pending_verdict_free (gpointer data)
{
  PendingVerdict *p = data;
  g_object_unref (p->window);
  g_free (p);
}

static void
verdict_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
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
        p->window = g_object_ref (self);
        p->verdict = v;
        dr_reviewer_dialog_present (GTK_WINDOW (self), self->settings, pending_verdict_ready, p,
                                    pending_verdict_free);
        return;
      }
}

/* Goes to the next photo × damage type without a verdict, in list order, starting after
 * the active layer of the photo on screen and wrapping around. */
static void
next_unreviewed_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  DrProject *project = project_of (self);
  if (project == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = dr_photo_list (project, &error);
  if (infos == NULL)
    {
      dr_window_toast (self, error->message);
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
            dr_photo_list_select_item (self->photo_list, it);
            _dr_window_show_item (self, it);
            dr_edit_session_set_damage (self->editor, d);
            return;
          }
    }
  dr_window_toast (self, _("Every photo shown has a verdict for every damage type"));
}

static void
focus_note_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_review_bar_focus_note (DR_WINDOW (user_data)->review_bar);
}

static void
reviewer_name_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  dr_reviewer_dialog_present (GTK_WINDOW (self), self->settings, NULL, NULL, NULL);
}

static void
export_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  DrProject *project = project_of (self);
  if (project == NULL)
    {
      dr_window_toast (self, _("Open a project to export it"));
      return;
    }
  if (!dr_edit_session_save (self->editor))
    return;
  dr_export_dialog_present (GTK_WINDOW (self), project);
}

/* "Export Claim Report…": for the shown photo's claim (every claim when none is shown), once
 * the layer being edited is saved, since the report reads the project file. */
static void
report_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  DrProject *project = project_of (self);
  if (project == NULL)
    {
      dr_window_toast (self, _("Open a project to report on it"));
      return;
    }
  if (!dr_edit_session_save (self->editor))
    return;
  dr_report_dialog_present (GTK_WINDOW (self), project,
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
add_shortcuts (DrWindow *self)
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
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- life cycle --------------------------------------------------------------------- */

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, DrWindow *self)
{
  if (!g_str_equal (response, "discard"))
    return;
  self->discard_unsaved = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Closing with edits that still cannot be written asks first: they would be lost. */
static gboolean
close_request_cb (DrWindow *self)
{
  dr_review_bar_flush_note (self->review_bar);
  if (self->discard_unsaved || dr_edit_session_save (self->editor))
    return FALSE;
  GtkWidget *dialog =
    adw_message_dialog_new (GTK_WINDOW (self), _("Unsaved Edits"),
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

/* See dr-window-private.h: the editor follows the photo on screen, the note and verdict
 * show for it. A note typed for the previous photo is saved first. */
void
_dr_window_review_photo_changed (DrWindow *self)
{
  dr_review_bar_flush_note (self->review_bar);
  DrProject *project = project_of (self);
  gint64 id = self->current ? dr_photo_item_get_id (self->current) : 0;
  guint w = 0, h = 0;
  if (project == NULL || id <= 0 || !dr_photo_get_size (project, id, &w, &h, NULL))
    w = h = 0;
  dr_edit_session_set_photo (self->editor, project, id, (int) w, (int) h);
  /* Fill is a one-click tool: it does not stay armed for the next photo. */
  if (dr_edit_tool_get_kind (self->tool) == DR_TOOL_FILL)
    g_action_group_change_action_state (G_ACTION_GROUP (self), "tool",
                                        g_variant_new_string ("none"));
  /* A brush the reviewer has not resized follows the photo: about 1/60 of its short side. */
  if (w > 0 && dr_edit_tool_get_brush_size (self->tool) == self->brush_default)
    {
      self->brush_default = CLAMP (round (MIN (w, h) / 60.0), 4, 200);
      dr_edit_tool_set_brush_size (self->tool, self->brush_default);
    }
  self->note_photo_id = w > 0 ? id : 0;
  g_autofree char *note = w > 0 ? dr_review_dup_note (project, id, NULL) : NULL;
  dr_review_bar_set_note (self->review_bar, note);
  refresh_review (self);
}

/* See dr-window-private.h. */
void
_dr_window_review_init (DrWindow *self)
{
  self->editor = dr_edit_session_new ();
  self->tool = dr_edit_tool_new (self->canvas, self->editor);
  g_signal_connect_swapped (self->tool, "refused", G_CALLBACK (dr_window_toast), self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), review_entries,
                                   G_N_ELEMENTS (review_entries), self);
  add_shortcuts (self);

  g_settings_bind (self->settings, "reviewer-name", self->editor, "author", G_SETTINGS_BIND_GET);
  g_signal_connect_swapped (self->settings, "changed::reviewer-name",
                            G_CALLBACK (reviewer_changed_cb), self);
  reviewer_changed_cb (self);
  g_object_bind_property (self->review_bar, "damage", self->editor, "damage",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (dr_review_bar_get_brush_adjustment (self->review_bar), "value",
                          self->tool, "brush-size",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* A size the reviewer chose holds for every photo and across restarts; until then the
   * brush follows each photo's size (brush_default, see _dr_window_review_photo_changed). */
  double chosen = g_settings_get_double (self->settings, "brush-size");
  if (chosen > 0)
    dr_edit_tool_set_brush_size (self->tool, chosen);
  self->brush_default = chosen > 0 ? 0 : dr_edit_tool_get_brush_size (self->tool);
  g_signal_connect_swapped (self->tool, "notify::brush-size", G_CALLBACK (brush_size_notify_cb),
                            self);
  g_signal_connect_object (self->editor, "committed", G_CALLBACK (editor_committed_cb), self, 0);
  g_signal_connect_object (self->editor, "layer-left", G_CALLBACK (editor_layer_left_cb), self, 0);
  g_signal_connect_object (self->editor, "save-failed", G_CALLBACK (editor_save_failed_cb), self, 0);
  g_signal_connect_object (self->editor, "author-needed", G_CALLBACK (editor_author_needed_cb),
                           self, 0);
  g_signal_connect_object (self->editor, "state-changed", G_CALLBACK (editor_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::damage", G_CALLBACK (editor_damage_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->review_bar, "note-changed", G_CALLBACK (note_changed_cb), self, 0);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  refresh_review (self);
}

/* See dr-window-private.h. */
void
_dr_window_review_dispose (DrWindow *self)
{
  if (self->review_bar)
    dr_review_bar_flush_note (self->review_bar);
  if (self->editor && !dr_edit_session_save (self->editor))
    g_message ("closing with unsaved edits the reviewer chose to discard");
  g_clear_object (&self->tool);
  g_clear_object (&self->editor);
  if (self->failure_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->failure_toast),
                                  (gpointer *) &self->failure_toast);
  self->failure_toast = NULL;
}
