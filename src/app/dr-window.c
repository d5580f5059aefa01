/* dr-window.c — the review window: empty state, photo list, canvas, legend, progress.
 *
 * The window owns the list of photo items and decides what the canvas shows. Everything
 * slow (folder walks, photo decoding) runs in GTask threads with a GCancellable that is
 * cancelled when its result would no longer be wanted, so the main loop only ever swaps
 * finished textures in. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-inference-queue.h"
#include "dr-legend.h"
#include "dr-photo-loader.h"
#include "dr-photo-scan.h"
#include "dr-window.h"

struct _DrWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkRevealer *notice_revealer;
  GtkLabel *notice_label;
  GtkStack *main_stack;
  DrPhotoList *photo_list;
  DrCanvas *canvas;
  GtkLabel *zoom_label;
  GtkLabel *photo_error_label;
  DrLegend *legend;
  GtkWidget *analyse_button;

  GSettings *settings;
  GListStore *items;             /* DrPhotoItem, in import order */
  GHashTable *known_paths;       /* path → DrPhotoItem (borrowed), to skip repeats */
  DrPhotoItem *current;          /* shown on the canvas, or NULL */
  GCancellable *load_cancellable;
  GCancellable *scan_cancellable;
  gint64 next_id;                /* ids of photos outside a project */

  DrInferenceQueue *queue;       /* NULL: no models, manual review only */
  GHashTable *overlays;          /* photo id → OverlaySet*, recent photos only */
  GPtrArray *batch;              /* DrPhotoItem of the running "Analyse All", or NULL */
  gint64 batch_start_us;
};

/* The four overlays of one photo, as far as they are known. */
typedef struct {
  DrOverlay *ov[DR_N_DAMAGE_TYPES];
} OverlaySet;

/* How many photos keep their overlays in memory; others are rebuilt when shown again. */
#define OVERLAY_CACHE_PHOTOS 24

G_DEFINE_FINAL_TYPE (DrWindow, dr_window, ADW_TYPE_APPLICATION_WINDOW)

/* Title and subtitle: the project (or "Damage Review") and the photo count. */
static void
update_title (DrWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *subtitle = n == 0 ? NULL
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_stack_set_visible_child_name (self->main_stack, n == 0 ? "empty" : "review");
}

/* Shows "33 %" etc. beside the zoom buttons. */
static void
update_zoom_label (DrWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", dr_canvas_get_scale (self->canvas) * 100);
  gtk_label_set_label (self->zoom_label, text);
}

static void
canvas_scale_notify_cb (DrWindow *self)
{
  update_zoom_label (self);
}

/* See header. */
void
dr_window_toast (DrWindow *self, const char *message)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Shows or hides the progress strip under the header bar. fraction < 0 pulses. */
static void
show_progress (DrWindow *self, const char *text, double fraction)
{
  gboolean show = text != NULL;
  gtk_revealer_set_reveal_child (self->progress_revealer, show);
  if (!show)
    return;
  gtk_label_set_label (self->progress_label, text);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

/* ---- overlays ---------------------------------------------------------------------- */

static void
overlay_set_free (gpointer data)
{
  OverlaySet *set = data;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    g_clear_pointer (&set->ov[i], dr_overlay_unref);
  g_free (set);
}

/* Remembers photo's overlay of one damage type, evicting other photos' overlays when the
 * cache is full (never the current photo's). */
static void
cache_overlay (DrWindow *self, gint64 photo_id, guint damage, DrOverlay *overlay)
{
  OverlaySet *set = g_hash_table_lookup (self->overlays, &photo_id);
  if (set == NULL)
    {
      gint64 current = self->current ? dr_photo_item_get_id (self->current) : -1;
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, self->overlays);
      while (g_hash_table_size (self->overlays) >= OVERLAY_CACHE_PHOTOS &&
             g_hash_table_iter_next (&iter, &key, NULL))
        if (*(gint64 *) key != current)
          g_hash_table_iter_remove (&iter);
      set = g_new0 (OverlaySet, 1);
      g_hash_table_insert (self->overlays, g_memdup2 (&photo_id, sizeof photo_id), set);
    }
  g_clear_pointer (&set->ov[damage], dr_overlay_unref);
  set->ov[damage] = dr_overlay_ref (overlay);
}

/* Puts the cached overlays of the current photo on the canvas. */
static void
show_cached_overlays (DrWindow *self)
{
  dr_canvas_clear_overlays (self->canvas);
  if (self->current == NULL)
    return;
  gint64 id = dr_photo_item_get_id (self->current);
  OverlaySet *set = g_hash_table_lookup (self->overlays, &id);
  for (guint i = 0; set && i < DR_N_DAMAGE_TYPES; i++)
    if (set->ov[i])
      dr_canvas_set_overlay (self->canvas, i, set->ov[i]);
}

/* ---- inference --------------------------------------------------------------------- */

/* Bit set of the damage types that have a model but no result for item. */
static guint
missing_results (DrWindow *self, DrPhotoItem *item)
{
  guint missing = 0;
  for (guint i = 0; self->queue && i < DR_N_DAMAGE_TYPES; i++)
    if (dr_inference_queue_has_model (self->queue, i) && !dr_photo_item_has_result (item, i))
      missing |= 1u << i;
  return missing;
}

/* Queues item's missing results; urgent ones go first. Marks it queued if anything was. */
static void
queue_item (DrWindow *self, DrPhotoItem *item, gboolean urgent)
{
  if (self->queue == NULL || dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
    return;
  guint missing = missing_results (self, item);
  if (missing == 0)
    return;
  if (dr_inference_queue_add (self->queue, dr_photo_item_get_id (item),
                              dr_photo_item_get_path (item), missing, urgent) > 0 &&
      dr_photo_item_get_status (item) == DR_ITEM_STATUS_NOT_ANALYSED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_QUEUED);
  else if (urgent)
    dr_inference_queue_prioritize (self->queue, dr_photo_item_get_id (item));
}

/* The photo on screen jumps the queue, the two after it (in list order) come next. */
static void
queue_around_current (DrWindow *self)
{
  if (self->queue == NULL || self->current == NULL)
    return;
  GListModel *visible = dr_photo_list_get_visible (self->photo_list);
  guint n = g_list_model_get_n_items (visible), pos = G_MAXUINT;
  for (guint i = 0; i < n && pos == G_MAXUINT; i++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (visible, i);
      if (it == self->current)
        pos = i;
    }
  for (guint k = 2; pos != G_MAXUINT && k >= 1; k--)
    if (pos + k < n)
      {
        g_autoptr (DrPhotoItem) next = g_list_model_get_item (visible, pos + k);
        queue_item (self, next, TRUE);
      }
  queue_item (self, self->current, TRUE);
}

/* The item with this id, or NULL (photos are few enough for a scan of the hash table). */
static DrPhotoItem *
find_item (DrWindow *self, gint64 id)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->known_paths);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (dr_photo_item_get_id (value) == id)
      return value;
  return NULL;
}

static void
queue_started_cb (DrInferenceQueue *queue, gint64 photo_id, DrWindow *self)
{
  DrPhotoItem *item = find_item (self, photo_id);
  if (item != NULL && dr_photo_item_get_status (item) == DR_ITEM_STATUS_QUEUED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_ANALYSING);
}

/* One model's result: recorded on the item, cached as an overlay, drawn if on screen. */
static void
queue_result_cb (DrInferenceQueue *queue, DrInferenceResult *r, DrWindow *self)
{
  DrPhotoItem *item = find_item (self, r->photo_id);
  if (item == NULL)
    return;
  if (r->error != NULL)
    {
      dr_photo_item_set_error (item, r->error);
      return;
    }
  dr_photo_item_set_size (item, r->width, r->height);
  dr_photo_item_set_result (item, r->damage, r->area, r->confidence);
  if (missing_results (self, item) == 0 && dr_photo_item_get_status (item) != DR_ITEM_STATUS_REVIEWED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_ANALYSED);
  cache_overlay (self, r->photo_id, r->damage, r->overlay);
  if (item == self->current)
    {
      dr_canvas_set_overlay (self->canvas, r->damage, r->overlay);
      dr_legend_update (self->legend, item, G_LIST_MODEL (self->items));
    }
}

/* Progress of "Analyse All": photos finished out of the batch, and a time estimate. */
static void
update_batch_progress (DrWindow *self)
{
  if (self->batch == NULL)
    return;
  guint done = 0;
  for (guint i = 0; i < self->batch->len; i++)
    {
      DrPhotoItem *item = self->batch->pdata[i];
      if (missing_results (self, item) == 0 ||
          dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
        done++;
    }
  guint total = self->batch->len;
  if (done >= total || dr_inference_queue_get_pending (self->queue) == 0)
    {
      double secs = (g_get_monotonic_time () - self->batch_start_us) / 1e6;
      g_autofree char *msg =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Analysed %u photo in %.0f s",
                                      "Analysed %u photos in %.0f s", total), total, secs);
      g_clear_pointer (&self->batch, g_ptr_array_unref);
      show_progress (self, NULL, 0);
      dr_window_toast (self, msg);
      return;
    }
  g_autofree char *text = NULL;
  double elapsed = (g_get_monotonic_time () - self->batch_start_us) / 1e6;
  if (done == 0)
    text = g_strdup_printf (_("Analysing %u of %u photos…"), done + 1, total);
  else
    {
      double left = elapsed / done * (total - done);
      text = left >= 90
        ? g_strdup_printf (_("Analysed %u of %u photos, about %.0f min left"), done, total, left / 60)
        : g_strdup_printf (_("Analysed %u of %u photos, about %.0f s left"), done, total, left);
    }
  show_progress (self, text, (double) done / total);
}

static void
queue_batch_done_cb (DrInferenceQueue *queue, DrWindow *self)
{
  update_batch_progress (self);
  dr_photo_list_invalidate (self->photo_list);
}

/* Queues every photo still missing a result, in the order the list shows them. */
static void
analyse_all_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  if (self->queue == NULL || self->batch != NULL)
    return;
  GListModel *visible = dr_photo_list_get_visible (self->photo_list);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if (missing_results (self, item) != 0 &&
          dr_photo_item_get_status (item) != DR_ITEM_STATUS_ERROR)
        g_ptr_array_add (batch, g_object_ref (item));
    }
  if (batch->len == 0)
    {
      dr_window_toast (self, _("Every photo is already analysed"));
      return;
    }
  guint nv = g_list_model_get_n_items (visible);
  for (guint i = 0; i < nv; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (visible, i);
      queue_item (self, item, FALSE);
    }
  for (guint i = 0; i < batch->len; i++)
    queue_item (self, batch->pdata[i], FALSE);
  self->batch = g_steal_pointer (&batch);
  self->batch_start_us = g_get_monotonic_time ();
  update_batch_progress (self);
}

/* Stops "Analyse All" (and any folder walk); photos without all results go back to "not
 * analysed", results already stored stay. */
static void
cancel_analysis (DrWindow *self)
{
  if (self->queue)
    dr_inference_queue_cancel_all (self->queue);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      DrItemStatus st = dr_photo_item_get_status (item);
      if (st == DR_ITEM_STATUS_QUEUED || st == DR_ITEM_STATUS_ANALYSING)
        dr_photo_item_set_status (item, DR_ITEM_STATUS_NOT_ANALYSED);
    }
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  show_progress (self, NULL, 0);
}

/* Tells the user, once and without blocking, that there are no models. */
static void
update_notice (DrWindow *self)
{
  gboolean none = self->queue == NULL;
  gtk_label_set_label (self->notice_label,
                       _("No damage models are installed, so photos are not analysed. "
                         "You can still browse and review them."));
  gtk_revealer_set_reveal_child (self->notice_revealer, none);
  gtk_widget_set_visible (GTK_WIDGET (self->analyse_button), !none);
}

/* See header. */
void
dr_window_set_inference_queue (DrWindow *self, DrInferenceQueue *queue)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  if (self->queue)
    {
      cancel_analysis (self);
      g_signal_handlers_disconnect_by_data (self->queue, self);
    }
  g_set_object (&self->queue, queue);
  if (queue)
    {
      g_signal_connect (queue, "started", G_CALLBACK (queue_started_cb), self);
      g_signal_connect (queue, "result", G_CALLBACK (queue_result_cb), self);
      g_signal_connect (queue, "batch-done", G_CALLBACK (queue_batch_done_cb), self);
    }
  update_notice (self);
  queue_around_current (self);
}

/* ---- the photo on the canvas ------------------------------------------------------- */

static void
load_photo_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = dr_photo_loader_load (data, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* Main loop: the decoded photo arrives; shown only if it is still the current one (the
 * task's cancellable is cancelled as soon as another photo is chosen). */
static void
load_photo_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), texture == NULL);
  if (texture == NULL)
    {
      dr_canvas_set_photo (self->canvas, NULL);
      gtk_label_set_label (self->photo_error_label, error->message);
      if (self->current)
        dr_photo_item_set_error (self->current, error->message);
      return;
    }
  if (self->current)
    dr_photo_item_set_size (self->current, gdk_texture_get_width (texture),
                            gdk_texture_get_height (texture));
  dr_canvas_set_photo (self->canvas, texture);
  dr_legend_update (self->legend, self->current, G_LIST_MODEL (self->items));
}

/* Makes item the photo on the canvas: starts decoding it and drops the old overlays. The
 * old photo stays visible until the new one is decoded, so switching never flashes. */
static void
show_item (DrWindow *self, DrPhotoItem *item)
{
  if (self->current == item)
    return;
  g_set_object (&self->current, item);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  show_cached_overlays (self);
  dr_legend_update (self->legend, item, G_LIST_MODEL (self->items));
  queue_around_current (self);
  if (item == NULL)
    {
      dr_canvas_set_photo (self->canvas, NULL);
      return;
    }
  self->load_cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (NULL, self->load_cancellable, load_photo_done_cb,
                                       g_object_ref (self));
  g_task_set_source_tag (task, show_item);
  g_task_set_task_data (task, g_strdup (dr_photo_item_get_path (item)), g_free);
  g_task_run_in_thread (task, load_photo_thread);
}

static void
selected_item_notify_cb (DrWindow *self)
{
  DrPhotoItem *item = dr_photo_list_get_selected (self->photo_list);
  /* A filter that hides the current photo must not blank the canvas. */
  if (item != NULL)
    show_item (self, item);
}

/* ---- adding photos ---------------------------------------------------------------- */

/* The claim a photo belongs to by default: the name of its folder. */
static char *
claim_for_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  return g_path_get_basename (dir);
}

static void
scan_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = dr_photo_scan_finish (result, &error);
  if (paths == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dr_window_toast (self, error->message);
      show_progress (self, NULL, 0);
      return;
    }
  show_progress (self, NULL, 0);
  g_clear_object (&self->scan_cancellable);

  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint skipped = 0;
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      if (g_hash_table_contains (self->known_paths, path))
        {
          skipped++;
          continue;
        }
      g_autofree char *claim = claim_for_path (path);
      DrPhotoItem *item = dr_photo_item_new (++self->next_id, path, claim);
      g_hash_table_insert (self->known_paths, g_strdup (path), item);
      g_ptr_array_add (added, item);
    }
  g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                       added->pdata, added->len);
  update_title (self);

  g_autofree char *msg = NULL;
  if (added->len == 0 && skipped == 0)
    msg = g_strdup (_("No photos found there"));
  else if (skipped > 0)
    msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u photo, %u already in the project",
                                        "Added %u photos, %u already in the project", added->len),
                           added->len, skipped);
  else
    msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u photo", "Added %u photos",
                                        added->len), added->len);
  dr_window_toast (self, msg);
  if (self->current == NULL && added->len > 0)
    dr_photo_list_move_selection (self->photo_list, 0);
}

/* See header. */
void
dr_window_add_files (DrWindow *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  if (n_files == 0)
    return;
  if (self->scan_cancellable)
    g_cancellable_cancel (self->scan_cancellable);
  g_set_object (&self->scan_cancellable, g_cancellable_new ());
  g_object_unref (self->scan_cancellable);
  show_progress (self, _("Looking for photos…"), -1);
  dr_photo_scan_async (files, n_files, self->scan_cancellable, scan_done_cb, g_object_ref (self));
}

/* Adds the files chosen in a file chooser. */
static void
chooser_response_cb (GtkNativeDialog *dialog, int response, DrWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (files);
      g_autoptr (GPtrArray) arr = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (arr, g_list_model_get_item (files, i));
      dr_window_add_files (self, (GFile **) arr->pdata, arr->len);
    }
  g_object_unref (dialog);
}

/* Opens a native chooser for photos (multi-select) or folders. */
static void
choose_photos (DrWindow *self, gboolean folders)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (folders ? _("Add Folder") : _("Add Photos"), GTK_WINDOW (self),
                                 folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (!folders)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Photos"));
      gtk_file_filter_add_pixbuf_formats (filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_photos_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_photos (DR_WINDOW (user_data), FALSE);
}

static void
add_folder_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_photos (DR_WINDOW (user_data), TRUE);
}

/* Drop of files or folders anywhere on the window. */
static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, DrWindow *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  g_autoptr (GPtrArray) arr = g_ptr_array_new ();
  for (GSList *l = files; l; l = l->next)
    g_ptr_array_add (arr, l->data);
  g_slist_free (files);
  dr_window_add_files (self, (GFile **) arr->pdata, arr->len);
  return arr->len > 0;
}

/* ---- navigation, overlays, zoom ---------------------------------------------------- */

static void
next_photo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_photo_list_move_selection (DR_WINDOW (user_data)->photo_list, 1);
}

static void
previous_photo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_photo_list_move_selection (DR_WINDOW (user_data)->photo_list, -1);
}

/* Shows only damage type i; if it is already shown alone, shows all four again. */
static void
solo_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  int solo = g_variant_get_int32 (param);
  if (solo < 0 || solo >= DR_N_DAMAGE_TYPES)
    return;
  gboolean already = TRUE;
  for (int i = 0; i < DR_N_DAMAGE_TYPES; i++)
    already &= dr_canvas_get_overlay_visible (self->canvas, i) == (i == solo);
  for (int i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      g_autofree char *name = g_strdup_printf ("overlay-%d", i);
      g_action_group_change_action_state (G_ACTION_GROUP (self), name,
                                          g_variant_new_boolean (already || i == solo));
    }
}

/* State change of win.overlay-N: shows or hides that overlay on the canvas. */
static void
overlay_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  DrWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  guint i = (guint) g_ascii_strtoull (name + strlen ("overlay-"), NULL, 10);
  g_simple_action_set_state (action, state);
  dr_canvas_set_overlay_visible (self->canvas, i, g_variant_get_boolean (state));
}

static void
zoom_in_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_canvas_zoom_by (DR_WINDOW (user_data)->canvas, 1.25);
}

static void
zoom_out_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_canvas_zoom_by (DR_WINDOW (user_data)->canvas, 1 / 1.25);
}

static void
zoom_fit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_canvas_zoom_fit (DR_WINDOW (user_data)->canvas);
}

static void
zoom_100_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  dr_canvas_zoom_to (DR_WINDOW (user_data)->canvas, 1.0);
}

static void
cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  if (self->scan_cancellable)
    g_cancellable_cancel (self->scan_cancellable);
  cancel_analysis (self);
}

static void
dismiss_notice_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gtk_revealer_set_reveal_child (DR_WINDOW (user_data)->notice_revealer, FALSE);
}

static const GActionEntry win_entries[] = {
  { "add-photos", add_photos_activated },
  { "add-folder", add_folder_activated },
  { "next-photo", next_photo_activated },
  { "previous-photo", previous_photo_activated },
  { "overlay-0", NULL, NULL, "true", overlay_change_state },
  { "overlay-1", NULL, NULL, "true", overlay_change_state },
  { "overlay-2", NULL, NULL, "true", overlay_change_state },
  { "overlay-3", NULL, NULL, "true", overlay_change_state },
  { "solo", solo_activated, "i" },
  { "zoom-in", zoom_in_activated },
  { "zoom-out", zoom_out_activated },
  { "zoom-fit", zoom_fit_activated },
  { "zoom-100", zoom_100_activated },
  { "cancel", cancel_activated },
  { "analyse-all", analyse_all_activated },
  { "dismiss-notice", dismiss_notice_activated },
};

/* Shift+1 … Shift+4 solo a damage type. Matched on the key's unshifted symbol, because the
 * shifted one depends on the keyboard layout ("!" on US, "!" or others elsewhere). */
static gboolean
solo_key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                     GdkModifierType state, DrWindow *self)
{
  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != GDK_SHIFT_MASK)
    return FALSE;
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  guint base = 0;
  if (!gdk_display_translate_key (display, keycode, 0, 0, &base, NULL, NULL, NULL))
    return FALSE;
  if (base < GDK_KEY_1 || base > GDK_KEY_4)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.solo", "i", (int) (base - GDK_KEY_1));
  return TRUE;
}

/* ---- window life cycle ------------------------------------------------------------ */

static gboolean
dr_window_close_request (GtkWindow *window)
{
  DrWindow *self = DR_WINDOW (window);
  int w, h;
  gtk_window_get_default_size (window, &w, &h);
  g_settings_set_int (self->settings, "window-width", w);
  g_settings_set_int (self->settings, "window-height", h);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  return GTK_WINDOW_CLASS (dr_window_parent_class)->close_request (window);
}

static void
dr_window_dispose (GObject *object)
{
  DrWindow *self = DR_WINDOW (object);
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  if (self->scan_cancellable)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_object (&self->current);
  if (self->queue)
    {
      dr_inference_queue_cancel_all (self->queue);
      g_signal_handlers_disconnect_by_data (self->queue, self);
      g_clear_object (&self->queue);
    }
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_clear_pointer (&self->overlays, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_WINDOW);
  g_clear_pointer (&self->known_paths, g_hash_table_unref);
  g_clear_object (&self->items);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (dr_window_parent_class)->dispose (object);
}

static void
dr_window_class_init (DrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dr_window_dispose;
  window_class->close_request = dr_window_close_request;

  g_type_ensure (DR_TYPE_PHOTO_LIST);
  g_type_ensure (DR_TYPE_CANVAS);
  g_type_ensure (DR_TYPE_LEGEND);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, photo_list);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, photo_error_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, analyse_button);
}

static void
dr_window_init (DrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  self->items = g_list_store_new (DR_TYPE_PHOTO_ITEM);
  self->known_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->overlays = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, overlay_set_free);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  g_autoptr (GAction) outline = g_settings_create_action (self->settings, "overlay-outline");
  g_action_map_add_action (G_ACTION_MAP (self), outline);
  g_settings_bind (self->settings, "overlay-opacity", self->canvas, "opacity",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "overlay-outline", self->canvas, "outline",
                   G_SETTINGS_BIND_GET);

  dr_photo_list_set_items (self->photo_list, G_LIST_MODEL (self->items));
  g_signal_connect_swapped (self->photo_list, "notify::selected-item",
                            G_CALLBACK (selected_item_notify_cb), self);
  g_signal_connect_swapped (self->canvas, "notify::scale", G_CALLBACK (canvas_scale_notify_cb),
                            self);
  update_zoom_label (self);

  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (solo_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  update_title (self);
  update_notice (self);
}

/* Creates a window attached to app. */
DrWindow *
dr_window_new (DrApplication *app)
{
  return g_object_new (DR_TYPE_WINDOW, "application", app, NULL);
}

/* The canvas, for tests and the application. */
DrCanvas *
dr_window_get_canvas (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->canvas;
}

/* The photo list, for tests and the application. */
DrPhotoList *
dr_window_get_photo_list (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->photo_list;
}
