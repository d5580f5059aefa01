/* dr-analysis-controller.c — see dr-analysis-controller.h.
 *
 * Overlays of recently shown photos are kept (OVERLAY_CACHE_PHOTOS); any other photo's
 * overlays are rebuilt from the project on a worker thread when it is shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-analysis-controller.h"
#include "dr-application.h"
#include "dr-overlay.h"
#include "dr-store-error.h"

/* How many photos keep their overlays in memory. */
#define OVERLAY_CACHE_PHOTOS 24

struct _DrAnalysisController
{
  GObject parent_instance;

  GtkWindow *window;             /* weak: holds the actions and the widgets below */
  DrCanvas *canvas;
  DrPhotoList *photo_list;
  DrLegend *legend;
  GtkRevealer *notice_revealer;
  GtkLabel *notice_label;
  GtkWidget *analyse_button;
  DrEditWriter *writer;          /* writes the models' identities into the project */
  DrLayerCache *layer_cache;     /* what was read of a team project's layers (the window's
                                  * edit session owns it and outlives this controller) */

  DrSession *session;            /* the open project, or NULL */
  DrPhotoItem *current;          /* shown on the canvas, or NULL */
  gint64 shown_id;               /* photo whose overlays the canvas shows (0: none) */
  DrInferenceQueue *queue;       /* NULL: no models, manual review only */
  gboolean notice_dismissed;
  guint urgency;                 /* grows with each photo shown: newest goes first */
  GHashTable *overlays;          /* photo id → OverlaySet*, recent photos only */
  GCancellable *overlay_cancellable;
  GPtrArray *batch;              /* DrPhotoItem of the running "Analyse All", or NULL */
  DrTeamController *team;        /* Analyse All of a team project goes there (not owned) */
  gint64 batch_start_us;
};

enum { SIG_TOAST, SIG_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrAnalysisController, dr_analysis_controller, G_TYPE_OBJECT)

static void
toast (DrAnalysisController *self, const char *message)
{
  g_signal_emit (self, signals[SIG_TOAST], 0, message);
}

/* Shows (text non-NULL) or hides the progress strip; fraction < 0 pulses. */
static void
show_progress (DrAnalysisController *self, const char *text, double fraction)
{
  g_signal_emit (self, signals[SIG_PROGRESS], 0, text, fraction);
}

/* The open project's photos, or NULL. */
static GListModel *
get_items (DrAnalysisController *self)
{
  return self->session ? dr_session_get_items (self->session) : NULL;
}

/* The four overlays of one photo, as far as they are known. */
typedef struct {
  DrOverlay *ov[DR_N_DAMAGE_TYPES];
} OverlaySet;

static void
overlay_set_free (gpointer data)
{
  OverlaySet *set = data;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    g_clear_pointer (&set->ov[i], dr_overlay_unref);
  g_free (set);
}

/* Remembers a photo's overlay of one damage type (NULL: no mask), evicting other photos'
 * overlays when the cache is full (never the current photo's). */
static void
cache_overlay (DrAnalysisController *self, gint64 photo_id, guint damage, DrOverlay *overlay)
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
  set->ov[damage] = overlay ? dr_overlay_ref (overlay) : NULL;
}

/* A pending overlay load: the window (a reference) and the photo it is for. */
typedef struct {
  DrAnalysisController *self;
  gint64 id;
} OverlayLoad;

/* Main loop: the overlays of photo load->id were built; shown if it is still on screen. */
static void
overlays_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OverlayLoad *load = user_data;
  gint64 id = load->id;
  g_autoptr (DrAnalysisController) self = load->self;
  g_free (load);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) overlays = dr_session_load_overlays_finish (DR_SESSION (source), result,
                                                                    &error);
  if (overlays == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO)
          && dr_session_is_team (DR_SESSION (source)))
        toast (self, _("The server cannot be reached: the masks of this photo were not loaded"));
      else
        toast (self, error->message);
      return;
    }
  if (self->session != DR_SESSION (source))
    return;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    cache_overlay (self, id, d, overlays->pdata[d]);
  if (self->current != NULL && dr_photo_item_get_id (self->current) == id)
    dr_analysis_controller_show_overlays (self);
}

/* Puts the current photo's overlays on the canvas: from the cache, else loaded from the
 * project in the background (the photo shows at once, its overlays a moment later). */
void
dr_analysis_controller_show_overlays (DrAnalysisController *self)
{
  gint64 id = self->current != NULL ? dr_photo_item_get_id (self->current) : 0;
  OverlaySet *set = id > 0 ? g_hash_table_lookup (self->overlays, &id) : NULL;
  /* Masks read again for the photo on screen (someone changed one): the old ones stay until
   * the new ones are there, so the canvas does not go bare in between. */
  gboolean reload = set == NULL && id > 0 && id == self->shown_id;
  if (!reload)
    dr_canvas_clear_overlays (self->canvas);
  self->shown_id = id;
  if (self->current == NULL)
    return;
  if (set != NULL)
    {
      for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
        if (set->ov[i])
          dr_canvas_set_overlay (self->canvas, i, set->ov[i]);
      return;
    }
  gboolean any = FALSE;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    any |= dr_photo_item_get_area (self->current, i) > 0;
  if (!any || self->session == NULL)
    {
      dr_canvas_clear_overlays (self->canvas);
      return;
    }
  g_cancellable_cancel (self->overlay_cancellable);
  g_clear_object (&self->overlay_cancellable);
  self->overlay_cancellable = g_cancellable_new ();
  OverlayLoad *load = g_new (OverlayLoad, 1);
  load->self = g_object_ref (self);
  load->id = id;
  dr_session_load_overlays_async (self->session, self->current, dr_overlay_get_factory (),
                                  self->layer_cache, self->overlay_cancellable,
                                  overlays_loaded_cb, load);
}

/* Bit set of the damage types that have a model but no result for item. */
static guint
missing_results (DrAnalysisController *self, DrPhotoItem *item)
{
  guint missing = 0;
  for (guint i = 0; self->queue && i < DR_N_DAMAGE_TYPES; i++)
    if (dr_inference_queue_has_model (self->queue, i) && !dr_photo_item_has_result (item, i))
      missing |= 1u << i;
  return missing;
}

/* Queues item's missing results at priority. Marks it queued if anything was. */
static void
queue_item (DrAnalysisController *self, DrPhotoItem *item, guint priority)
{
  if (self->queue == NULL || dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
    return;
  guint missing = missing_results (self, item);
  if (missing == 0)
    return;
  if (dr_inference_queue_add (self->queue, dr_photo_item_get_id (item),
                              dr_photo_item_get_path (item), missing, priority) > 0 &&
      dr_photo_item_get_status (item) == DR_ITEM_STATUS_NOT_ANALYSED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_QUEUED);
  else if (priority > 0)
    dr_inference_queue_prioritize (self->queue, dr_photo_item_get_id (item), priority);
}

/* The photo on screen jumps the queue; the two after it (in list order) come next. Each
 * call outranks the previous one, so the newest photo on screen always goes first. */
void
dr_analysis_controller_queue_around_current (DrAnalysisController *self)
{
  if (self->queue == NULL || self->current == NULL)
    return;
  self->urgency += 3;
  queue_item (self, self->current, self->urgency + 2);
  GListModel *visible = dr_photo_list_get_visible (self->photo_list);
  guint n = g_list_model_get_n_items (visible), pos = G_MAXUINT;
  for (guint i = 0; i < n && pos == G_MAXUINT; i++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (visible, i);
      if (it == self->current)
        pos = i;
    }
  for (guint k = 1; pos != G_MAXUINT && k <= 2 && pos + k < n; k++)
    {
      g_autoptr (DrPhotoItem) next = g_list_model_get_item (visible, pos + k);
      queue_item (self, next, self->urgency + 2 - k);
    }
}

static DrPhotoItem *
find_item (DrAnalysisController *self, gint64 id)
{
  return self->session ? dr_session_find_item (self->session, id) : NULL;
}

/* A worker began one of the photo's jobs. */
static void
queue_started_cb (DrInferenceRunner *runner, DrModelJob *job, DrAnalysisController *self)
{
  DrPhotoItem *item = find_item (self, job->photo);
  if (item != NULL && dr_photo_item_get_status (item) == DR_ITEM_STATUS_QUEUED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_ANALYSING);
}

/* One model's result: stored in the project, recorded on the item, cached as an overlay and
 * drawn if its photo is on screen. */
static void
queue_result_cb (DrInferenceRunner *runner, DrModelJob *job, DrInferenceResult *r,
                 DrAnalysisController *self)
{
  DrPhotoItem *item = r != NULL ? find_item (self, r->photo_id) : NULL;
  if (item == NULL)
    return;
  if (r->error != NULL)
    {
      /* Every job of a photo that failed to decode reports the same error: record it once. */
      if (dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
        return;
      if (r->unreadable)
        dr_session_store_photo_error (self->session, r->photo_id, r->error);
      else
        dr_photo_item_set_error (item, r->error);
      return;
    }
  dr_session_store_result (self->session, r);
  dr_photo_item_set_size (item, r->width, r->height);
  dr_photo_item_set_result (item, r->damage, r->area, r->confidence);
  if (missing_results (self, item) == 0 &&
      dr_photo_item_get_status (item) != DR_ITEM_STATUS_REVIEWED)
    dr_photo_item_set_status (item, DR_ITEM_STATUS_ANALYSED);
  cache_overlay (self, r->photo_id, r->damage, r->overlay);
  if (item == self->current)
    {
      dr_canvas_set_overlay (self->canvas, r->damage, r->overlay);
      dr_legend_update (self->legend, item, get_items (self));
    }
}

/* Counts the photos of the running "Analyse All" that are finished: *done those with every
 * result or an error, *failed those with an error. */
static void
count_batch (DrAnalysisController *self, guint *done, guint *failed)
{
  *done = *failed = 0;
  for (guint i = 0; self->batch != NULL && i < self->batch->len; i++)
    {
      DrPhotoItem *item = self->batch->pdata[i];
      if (dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
        (*failed)++;
      else if (missing_results (self, item) == 0)
        (*done)++;
    }
  *done += *failed;
}

/* The summary of a finished "Analyse All": photos analysed, the time, and how many could not
 * be read (those are never counted as analysed). */
static char *
batch_summary (guint analysed, guint failed, double elapsed)
{
  if (failed == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Analysed %u photo in %.0f s",
                                         "Analysed %u photos in %.0f s", analysed),
                            analysed, elapsed);
  if (analysed == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u photo could not be read (see the list)",
                                         "%u photos could not be read (see the list)", failed),
                            failed);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Analysed %u photo in %.0f s; %u could not be read "
                                       "(see the list)",
                                       "Analysed %u photos in %.0f s; %u could not be read "
                                       "(see the list)", analysed),
                          analysed, elapsed, failed);
}

/* Progress of "Analyse All": photos finished out of the batch, and a time estimate. */
static void
update_batch_progress (DrAnalysisController *self)
{
  if (self->batch == NULL)
    return;
  guint done, failed;
  count_batch (self, &done, &failed);
  guint total = self->batch->len;
  double elapsed = (g_get_monotonic_time () - self->batch_start_us) / 1e6;
  if (done >= total || dr_inference_queue_get_pending (self->queue) == 0)
    {
      g_autofree char *msg = batch_summary (done - failed, failed, elapsed);
      g_clear_pointer (&self->batch, g_ptr_array_unref);
      show_progress (self, NULL, 0);
      toast (self, msg);
      return;
    }
  g_autofree char *text = NULL;
  if (done == 0)
    text = g_strdup_printf (_("Analysing %u photos…"), total);
  else
    {
      double left = elapsed / done * (total - done);
      text = left >= 90
        ? g_strdup_printf (_("Analysed %u of %u photos, about %.0f min left"), done, total,
                           left / 60)
        : g_strdup_printf (_("Analysed %u of %u photos, about %.0f s left"), done, total, left);
    }
  show_progress (self, text, (double) done / total);
}

static void
queue_batch_done_cb (DrInferenceRunner *runner, DrAnalysisController *self)
{
  if (self->session)
    dr_session_flush (self->session);
  update_batch_progress (self);
  dr_photo_list_invalidate (self->photo_list);
}

/* See header. */
void
dr_analysis_controller_set_team (DrAnalysisController *self, DrTeamController *team)
{
  g_return_if_fail (DR_IS_ANALYSIS_CONTROLLER (self));
  self->team = team;
}

/* Queues every photo still missing a result, in the order the list shows them; on a team
 * project the workers get the missing jobs instead (dr_team_controller_analyse_all). */
static void
analyse_all_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrAnalysisController *self = user_data;
  if (self->team != NULL && dr_team_controller_is_active (self->team))
    {
      dr_team_controller_analyse_all (self->team);
      return;
    }
  if (self->queue == NULL || self->batch != NULL || self->session == NULL)
    return;
  GListModel *items = get_items (self);
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (items);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      if (missing_results (self, item) != 0 &&
          dr_photo_item_get_status (item) != DR_ITEM_STATUS_ERROR)
        g_ptr_array_add (batch, g_object_ref (item));
    }
  if (batch->len == 0)
    {
      toast (self, _("Every photo is already analysed"));
      return;
    }
  GListModel *visible = dr_photo_list_get_visible (self->photo_list);
  guint nv = g_list_model_get_n_items (visible);
  for (guint i = 0; i < nv; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (visible, i);
      queue_item (self, item, 0);
    }
  for (guint i = 0; i < batch->len; i++)
    queue_item (self, batch->pdata[i], 0);
  self->batch = g_steal_pointer (&batch);
  self->batch_start_us = g_get_monotonic_time ();
  update_batch_progress (self);
}

/* Stops analysis: queued jobs are dropped, running ones aborted; photos without all results
 * go back to "not analysed"; results already stored stay. With announce, a running "Analyse
 * All" ends with a toast saying how far it got. */
void
dr_analysis_controller_cancel (DrAnalysisController *self, gboolean announce)
{
  if (announce && self->batch != NULL)
    {
      guint done, failed;
      count_batch (self, &done, &failed);
      g_autofree char *msg =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Analysis cancelled: %u of %u photo analysed",
                                      "Analysis cancelled: %u of %u photos analysed",
                                      self->batch->len),
                         done - failed, self->batch->len);
      toast (self, msg);
    }
  if (self->queue)
    dr_inference_queue_cancel_all (self->queue);
  GListModel *items = get_items (self);
  guint n = items ? g_list_model_get_n_items (items) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      DrItemStatus st = dr_photo_item_get_status (item);
      if (st == DR_ITEM_STATUS_QUEUED || st == DR_ITEM_STATUS_ANALYSING)
        dr_photo_item_set_status (item, DR_ITEM_STATUS_NOT_ANALYSED);
    }
  if (self->batch != NULL)
    {
      g_clear_pointer (&self->batch, g_ptr_array_unref);
      show_progress (self, NULL, 0);
    }
}

/* Whether the application is still loading the models (never in a window without one). */
static gboolean
models_loading (DrAnalysisController *self)
{
  GtkApplication *app = self->window ? gtk_window_get_application (self->window) : NULL;
  if (!DR_IS_APPLICATION (app))
    return FALSE;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    if (dr_application_get_model (DR_APPLICATION (app), d, NULL, NULL, NULL) ==
        DR_MODEL_STATE_LOADING)
      return TRUE;
  return FALSE;
}

/* Says, once and without blocking, that there are no models, and hides "Analyse All" then;
 * only after loading found none. While the models load, "Analyse All" is shown but disabled,
 * so nothing moves when they arrive. */
void
dr_analysis_controller_update_notice (DrAnalysisController *self)
{
  /* A team project is analysed by its workers: no local model is needed. */
  gboolean team = self->session != NULL && dr_session_is_team (self->session);
  gboolean loading = !team && self->queue == NULL && models_loading (self);
  gboolean none = !team && self->queue == NULL && !loading;
  gtk_label_set_label (self->notice_label,
                       _("No damage models are installed, so photos are not analysed. "
                         "You can still browse and review them."));
  gtk_revealer_set_reveal_child (self->notice_revealer,
                                 none && self->session != NULL && !self->notice_dismissed);
  gtk_widget_set_visible (self->analyse_button, !none && self->session != NULL);
  gtk_widget_set_tooltip_text (self->analyse_button,
                               team ? _("Queue every photo not analysed yet for the team’s "
                                        "workers")
                               : loading ? _("The damage models are still loading")
                                         : _("Run the damage models on every photo not "
                                             "analysed yet"));
  GAction *analyse = self->window == NULL ? NULL
    : g_action_map_lookup_action (G_ACTION_MAP (self->window), "analyse-all");
  if (analyse != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (analyse), !loading);
}

/* See header. */
void
dr_analysis_controller_set_session (DrAnalysisController *self, DrSession *session)
{
  g_return_if_fail (DR_IS_ANALYSIS_CONTROLLER (self));
  if (self->session != NULL && session != self->session)
    dr_analysis_controller_cancel (self, FALSE);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_hash_table_remove_all (self->overlays);
  self->shown_id = 0;
  if (self->session && self->queue)
    {
      g_autoptr (GError) error = NULL;
      if (!dr_session_register_models (self->session, self->queue, self->writer, &error))
        toast (self, error->message);
    }
  dr_analysis_controller_update_notice (self);
}

/* See header. */
void
dr_analysis_controller_set_photo (DrAnalysisController *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_ANALYSIS_CONTROLLER (self));
  g_set_object (&self->current, item);
}

/* See header. */
void
dr_analysis_controller_forget_overlays (DrAnalysisController *self, gint64 photo_id)
{
  g_return_if_fail (DR_IS_ANALYSIS_CONTROLLER (self));
  g_hash_table_remove (self->overlays, &photo_id);
}

/* See header. */
void
dr_analysis_controller_set_queue (DrAnalysisController *self, DrInferenceQueue *queue)
{
  g_return_if_fail (DR_IS_ANALYSIS_CONTROLLER (self));
  if (self->queue)
    {
      dr_analysis_controller_cancel (self, FALSE);
      g_signal_handlers_disconnect_by_data (dr_inference_queue_get_runner (self->queue), self);
    }
  g_set_object (&self->queue, queue);
  if (queue)
    {
      DrInferenceRunner *runner = dr_inference_queue_get_runner (queue);
      g_signal_connect (runner, "job-started", G_CALLBACK (queue_started_cb), self);
      g_signal_connect (runner, "job-done", G_CALLBACK (queue_result_cb), self);
      g_signal_connect (runner, "batch-done", G_CALLBACK (queue_batch_done_cb), self);
    }
  dr_analysis_controller_set_session (self, self->session);
  dr_analysis_controller_queue_around_current (self);
}

static void
dismiss_notice_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrAnalysisController *self = user_data;
  self->notice_dismissed = TRUE;
  dr_analysis_controller_update_notice (self);
}

static const GActionEntry analysis_entries[] = {
  { "analyse-all", analyse_all_activated },
  { "dismiss-notice", dismiss_notice_activated },
};

/* Stops analysis and lets go of the queue; the actions leave the window. */
static void
dr_analysis_controller_dispose (GObject *object)
{
  DrAnalysisController *self = DR_ANALYSIS_CONTROLLER (object);
  if (self->queue)
    {
      dr_inference_queue_cancel_all (self->queue);
      g_signal_handlers_disconnect_by_data (dr_inference_queue_get_runner (self->queue), self);
      g_clear_object (&self->queue);
    }
  if (self->overlay_cancellable)
    g_cancellable_cancel (self->overlay_cancellable);
  g_clear_object (&self->overlay_cancellable);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_clear_pointer (&self->overlays, g_hash_table_unref);
  if (self->window != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (analysis_entries); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->window), analysis_entries[i].name);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_object (&self->current);
  g_clear_object (&self->session);
  g_clear_object (&self->writer);
  g_clear_object (&self->canvas);
  g_clear_object (&self->photo_list);
  g_clear_object (&self->legend);
  g_clear_object (&self->notice_revealer);
  g_clear_object (&self->notice_label);
  g_clear_object (&self->analyse_button);
  G_OBJECT_CLASS (dr_analysis_controller_parent_class)->dispose (object);
}

static void
dr_analysis_controller_class_init (DrAnalysisControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_analysis_controller_dispose;
  signals[SIG_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
dr_analysis_controller_init (DrAnalysisController *self)
{
  self->overlays = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, overlay_set_free);
}

/* See header. */
DrAnalysisController *
dr_analysis_controller_new (GtkWindow *window, DrCanvas *canvas, DrPhotoList *photo_list,
                            DrLegend *legend, GtkRevealer *notice_revealer,
                            GtkLabel *notice_label, GtkWidget *analyse_button,
                            DrEditWriter *writer, DrLayerCache *layer_cache)
{
  DrAnalysisController *self = g_object_new (DR_TYPE_ANALYSIS_CONTROLLER, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->canvas = g_object_ref (canvas);
  self->photo_list = g_object_ref (photo_list);
  self->legend = g_object_ref (legend);
  self->notice_revealer = g_object_ref (notice_revealer);
  self->notice_label = g_object_ref (notice_label);
  self->analyse_button = g_object_ref (analyse_button);
  self->writer = g_object_ref (writer);
  self->layer_cache = layer_cache;
  g_action_map_add_action_entries (G_ACTION_MAP (window), analysis_entries,
                                   G_N_ELEMENTS (analysis_entries), self);
  dr_analysis_controller_update_notice (self);
  return self;
}
