/* dr-window.c — the review window: empty state, photo list, canvas, legend, progress strip;
 * which photo the canvas shows; navigation, overlay and zoom actions; drops.
 *
 * Decoding the photo on screen runs in a GTask thread whose GCancellable is cancelled as soon
 * as another photo is chosen, so the main loop only swaps finished textures in. The window
 * owns four controllers and connects them: projects and imports (DrProjectController),
 * inference and overlays (DrAnalysisController), editing and verdicts (DrReviewController),
 * claim names (DrClaimsController). Each owns its own state; the window tells them which
 * project is open and which photo is shown, and does what their signals ask. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-image.h"
#include "dr-photo.h"
#include "dr-analysis-controller.h"
#include "dr-claims-controller.h"
#include "dr-photo-loader.h"
#include "dr-project-controller.h"
#include "dr-path-settings.h"
#include "dr-team-controller.h"
#include "dr-team-live.h"
#include "dr-team-photo.h"
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
  GtkWidget *cancel_button;
  GtkRevealer *notice_revealer;
  GtkLabel *notice_label;
  GtkRevealer *read_only_revealer;
  GtkRevealer *server_revealer;
  GtkLabel *server_label;
  GtkStack *main_stack;
  DrPhotoList *photo_list;
  DrCanvas *canvas;
  GtkLabel *zoom_label;
  guint zoom_label_idle;         /* pending zoom label update, or 0 */
  GtkLabel *photo_error_label;
  DrLegend *legend;
  GtkWidget *analyse_button;
  GMenu *recent_menu;
  DrReviewBar *review_bar;

  GSettings *settings;
  GListStore *no_items;          /* the empty list shown while no project is open */
  DrSession *session;            /* the open project (the project controller's), or NULL */
  DrPhotoItem *current;          /* shown on the canvas, or NULL */
  GCancellable *load_cancellable;

  DrProjectController *projects;
  DrAnalysisController *analysis;
  DrReviewController *review;
  DrClaimsController *claims;
  DrTeamController *team;
  DrTeamLive *live;              /* a team project's live updates, or NULL */
};

G_DEFINE_FINAL_TYPE (DrWindow, dr_window, ADW_TYPE_APPLICATION_WINDOW)

/* The open project's photos, or an empty list. */
static GListModel *
get_items (DrWindow *self)
{
  return self->session ? dr_session_get_items (self->session) : G_LIST_MODEL (self->no_items);
}

/* Title and subtitle: the project name and its photo count; the empty state without one. */
static void
update_title (DrWindow *self)
{
  guint n = g_list_model_get_n_items (get_items (self));
  /* The list of a project being opened is not "0 photos", nor an empty project. */
  gboolean adopting = self->session != NULL && n == 0 && dr_session_is_adopting (self->session);
  g_autofree char *title = self->session ? dr_session_dup_title (self->session) : NULL;
  g_autofree char *subtitle = self->session == NULL ? NULL
    : adopting ? g_strdup (_("Reading the photo list…"))
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), n);
  const char *login = self->session ? dr_session_get_login (self->session) : NULL;
  if (login != NULL)
    {
      /* TRANSLATORS: the photo count ("12 photos"), then the team project's login. */
      char *with_login = g_strdup_printf (_("%s · signed in as %s"), subtitle, login);
      g_free (subtitle);
      subtitle = with_login;
    }
  adw_window_title_set_title (self->window_title, title ? title : _("Damage Review"));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_stack_set_visible_child_name (self->main_stack, n == 0 && !adopting ? "empty" : "review");
  /* Toasts rise above the review bar, never over the verdict buttons (style.css). */
  if (n == 0)
    gtk_widget_remove_css_class (GTK_WIDGET (self->toast_overlay), "reviewing");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->toast_overlay), "reviewing");
}

/* Shows "33 %" etc. beside the zoom buttons. */
static void
update_zoom_label (DrWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", dr_canvas_get_scale (self->canvas) * 100);
  gtk_label_set_label (self->zoom_label, text);
}

static gboolean
zoom_label_idle_cb (gpointer data)
{
  DrWindow *self = data;
  self->zoom_label_idle = 0;
  update_zoom_label (self);
  return G_SOURCE_REMOVE;
}

/* The scale changes while the canvas is being allocated (fit to window): the label, which sits
 * in the same overlay, is set after the frame. Set during the allocation, it left the overlay
 * needing one when it was drawn, and GTK skipped drawing it — the canvas stayed blank (QA F11:
 * "Trying to snapshot GtkOverlay … without a current allocation"). */
static void
canvas_scale_notify_cb (DrWindow *self)
{
  if (self->zoom_label_idle == 0)
    self->zoom_label_idle = g_idle_add (zoom_label_idle_cb, self);
}

/* See header. */
void
dr_window_toast (DrWindow *self, const char *message)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Takes the keyboard focus from a header button (Enter would press it), leaving it where
 * it is anywhere else; Tab still reaches every button. */
static void
release_header_focus (DrWindow *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  if (focus != NULL && gtk_widget_is_ancestor (focus, self->header_bar))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

/* Shows (text non-NULL) or hides the progress strip under the header bar; fraction < 0
 * pulses. Work started from a header button ("Analyse All") takes the focus off it. */
static void
show_progress (DrWindow *self, const char *text, double fraction)
{
  gboolean show = text != NULL;
  gboolean shown = gtk_revealer_get_reveal_child (self->progress_revealer);
  gtk_revealer_set_reveal_child (self->progress_revealer, show);
  if (!show)
    return;
  if (!shown)
    release_header_focus (self);
  gtk_label_set_label (self->progress_label, text);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

/* ---- the photo on the canvas ------------------------------------------------------- */

/* Worker thread: the photo decoded as the models see it (dr_image_load), as a texture the
 * canvas paints without per-frame conversion under the software renderer
 * (dr_canvas_texture_new). Falls back to the loader's RGB texture when the larger buffer
 * cannot be allocated. */
static GdkTexture *
load_native_texture (const char *path, GError **error)
{
  g_autoptr (DrImage) image = dr_image_load (path, error);
  if (image == NULL)
    return NULL;
  gsize stride = (gsize) image->width * 4;
  guint32 *px = g_try_malloc (stride * image->height);
  if (px == NULL)
    {
      g_clear_pointer (&image, dr_image_free);
      return dr_photo_loader_load (path, error);
    }
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *src = image->pixels + (gsize) y * image->stride;
      guint32 *dst = px + (gsize) y * image->width;
      for (int x = 0; x < image->width; x++, src += 3)
        dst[x] = 0xff000000u | (guint32) src[0] << 16 | (guint32) src[1] << 8 | src[2];
    }
  g_autoptr (GBytes) bytes = g_bytes_new_take (px, stride * image->height);
  return dr_canvas_texture_new (image->width, image->height, bytes, stride);
}

/* Which photo a load task decodes. */
typedef struct {
  char *path;
  char *location;    /* the team project's, or NULL for a project file */
  char *sha256;
  gint64 id;
} PhotoLoad;

static void
photo_load_free (gpointer data)
{
  PhotoLoad *load = data;
  g_free (load->path);
  g_free (load->location);
  g_free (load->sha256);
  g_free (load);
}

/* Worker thread: decodes the photo; a team project's photo is first fetched and verified. */
static void
load_photo_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PhotoLoad *load = data;
  GError *error = NULL;
  g_autofree char *fetched = load->location == NULL ? NULL
    : dr_team_photo_fetch (load->location, load->id, load->sha256, load->path, &error);
  if (load->location != NULL && fetched == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GdkTexture *texture = load_native_texture (fetched ? fetched : load->path, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* Empties the canvas and shows message in its place. */
static void
show_photo_error (DrWindow *self, const char *message)
{
  dr_canvas_set_photo (self->canvas, NULL);
  gtk_label_set_label (self->photo_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), TRUE);
}

/* Main loop: the decoded photo arrives; shown only if it is still the one chosen. A photo
 * whose bytes cannot be decoded becomes an error row in the project. */
static void
load_photo_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (texture == NULL)
    {
      show_photo_error (self, error->message);
      /* A team photo whose bytes fail verification is shown as an error row here; the
       * server's copy is not marked (it may be this machine's cache or network at fault). */
      if (dr_photo_error_is_permanent (error) && self->session != NULL &&
          self->current != NULL && dr_session_is_team (self->session))
        {
          dr_photo_item_set_error (self->current, error->message);
          dr_photo_item_set_status (self->current, DR_ITEM_STATUS_ERROR);
          dr_photo_list_invalidate (self->photo_list);
          return;
        }
      if (dr_photo_error_is_permanent (error) && self->session != NULL &&
          self->current != NULL &&
          dr_photo_item_get_status (self->current) != DR_ITEM_STATUS_ERROR)
        dr_session_store_photo_error (self->session, dr_photo_item_get_id (self->current),
                                      error->message);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), FALSE);
  dr_canvas_set_photo (self->canvas, texture);
}

/* The project now records photo_id as undecodable: the canvas shows the error, the review
 * bar no longer offers verdicts (the project has no size for the photo any more). */
static void
photo_error_stored_cb (DrWindow *self, gint64 photo_id)
{
  dr_photo_list_invalidate (self->photo_list);
  if (self->current == NULL || dr_photo_item_get_id (self->current) != photo_id)
    return;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  show_photo_error (self, dr_photo_item_get_error (self->current));
  dr_analysis_controller_show_overlays (self->analysis);
  dr_review_controller_set_photo (self->review, self->current);
  dr_legend_update (self->legend, self->current, get_items (self));
}

/* Makes item the photo on the canvas: decoding starts, overlays follow. The previous photo
 * stays until the new one is decoded, so switching never flashes an empty canvas. */
static void
show_item (DrWindow *self, DrPhotoItem *item)
{
  if (self->current == item)
    return;
  g_set_object (&self->current, item);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  dr_analysis_controller_set_photo (self->analysis, item);
  dr_claims_controller_set_photo (self->claims, item);
  dr_team_controller_set_photo (self->team, item);
  dr_analysis_controller_show_overlays (self->analysis);
  dr_review_controller_set_photo (self->review, item);
  dr_legend_update (self->legend, item, get_items (self));
  if (item == NULL)
    {
      dr_canvas_set_photo (self->canvas, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), FALSE);
      return;
    }
  dr_path_settings_set (self->settings, "last-photo", dr_photo_item_get_path (item));
  const char *error = dr_photo_item_get_error (item);
  if (error != NULL && dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
    {
      show_photo_error (self, error);
      return;
    }
  dr_analysis_controller_queue_around_current (self->analysis);
  self->load_cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (NULL, self->load_cancellable, load_photo_done_cb,
                                       g_object_ref (self));
  g_task_set_source_tag (task, show_item);
  PhotoLoad *load = g_new0 (PhotoLoad, 1);
  load->path = g_strdup (dr_photo_item_get_path (item));
  load->sha256 = g_strdup (dr_photo_item_get_sha256 (item));
  load->id = dr_photo_item_get_id (item);
  if (self->session != NULL && dr_session_is_team (self->session))
    load->location = g_strdup (dr_session_get_path (self->session));
  g_task_set_task_data (task, load, photo_load_free);
  g_task_run_in_thread (task, load_photo_thread);
}

static void
selected_item_notify_cb (DrWindow *self)
{
  DrPhotoItem *item = dr_photo_list_get_selected (self->photo_list);
  /* A filter that hides the current photo does not blank the canvas. */
  if (item != NULL)
    show_item (self, item);
}

/* The legend follows results and prices of the photo on screen. */
static void
current_changed_cb (DrWindow *self)
{
  dr_legend_update (self->legend, self->current, get_items (self));
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

/* Shows only damage type i and makes it the layer that edits and verdicts apply to (the
 * reviewer is looking at it alone); if it is already shown alone, shows all four again. */
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
  if (!already)
    dr_edit_session_set_damage (dr_review_controller_get_edit_session (self->review), solo);
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

static const GActionEntry win_entries[] = {
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
};

/* Shift+1 … Shift+4 solo a damage type. Matched on the key's unshifted symbol, because the
 * shifted one depends on the keyboard layout. */
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

/* Drop of files or folders anywhere on the window: added like "Add Folder…" would. */
static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, DrWindow *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  g_autoptr (GPtrArray) arr = g_ptr_array_new ();
  for (GSList *l = files; l; l = l->next)
    g_ptr_array_add (arr, l->data);
  g_slist_free (files);
  dr_window_open_files (self, (GFile **) arr->pdata, arr->len);
  return arr->len > 0;
}

/* ---- the controllers ---------------------------------------------------------------- */

/* Another team member changed photo_id (0: any photo, after a whole re-read), already applied
 * to the items: the list, the legend and, for the photo on screen, the side panel follow. */
static void
live_photos_changed_cb (DrTeamLive *live, gint64 photo_id, DrWindow *self)
{
  dr_photo_list_invalidate (self->photo_list);
  dr_legend_update (self->legend, self->current, get_items (self));
  dr_review_controller_reload (self->review, photo_id);
}

/* The team server went away (message non-NULL: its line) or is back (NULL): a banner says so
 * while it is away; what is on screen stays. */
static void
show_server_state (DrWindow *self, const char *message)
{
  if (message != NULL)
    gtk_label_set_label (self->server_label, message);
  gtk_revealer_set_reveal_child (self->server_revealer, message != NULL);
}

static void
live_server_lost_cb (DrTeamLive *live, const char *message, DrWindow *self)
{
  show_server_state (self, message);
}

/* The server is back. The window's own connections (reads on the main thread, the writer)
 * died with it and libpq does not reconnect them: the project is opened again, on the same
 * photo, unless work not saved yet is on screen (it stays, and its Retry says what failed). */
static void
live_server_back_cb (DrTeamLive *live, DrWindow *self)
{
  show_server_state (self, NULL);
  if (!dr_review_controller_has_unsaved (self->review))
    dr_project_controller_reopen (self->projects);
}

/* A team project could not be opened because its server does not answer (message), or that
 * is over (NULL): the banner says so meanwhile. */
static void
projects_server_away_cb (DrProjectController *projects, const char *message, DrWindow *self)
{
  show_server_state (self, message);
}

/* Live updates follow the open project: a team project gets its own watch. */
static void
follow_team_project (DrWindow *self, DrSession *session)
{
  if (self->live != NULL)
    g_signal_handlers_disconnect_by_data (self->live, self);
  g_clear_object (&self->live);
  show_server_state (self, NULL);
  if (session == NULL || !dr_session_is_team (session))
    return;
  self->live = dr_team_live_new (session);
  g_signal_connect (self->live, "photos-changed", G_CALLBACK (live_photos_changed_cb), self);
  g_signal_connect (self->live, "server-lost", G_CALLBACK (live_server_lost_cb), self);
  g_signal_connect (self->live, "server-back", G_CALLBACK (live_server_back_cb), self);
}

/* Another project opened (or none is): every part follows, on an empty canvas. */
static void
session_notify_cb (DrWindow *self)
{
  DrSession *session = dr_project_controller_get_session (self->projects);
  follow_team_project (self, session);
  show_item (self, NULL);
  g_set_object (&self->session, session);
  dr_analysis_controller_set_session (self->analysis, session);
  dr_review_controller_set_session (self->review, session);
  dr_claims_controller_set_session (self->claims, session);
  /* Last: the list selects its first row at once, and the photo shown must find every
   * controller on the new project (else the review controller kept no project for it, and
   * strokes and verdicts on that photo did nothing until another photo was chosen). */
  dr_photo_list_set_location (self->photo_list, session && dr_session_is_team (session)
                                                  ? dr_session_get_path (session) : NULL);
  dr_photo_list_set_items (self->photo_list, get_items (self));
  dr_team_controller_set_session (self->team, session);
  update_title (self);
}

/* A project opened or an import ended: shows the photo at path, else the first photo unless
 * one is shown already. */
static void
photo_wanted_cb (DrProjectController *projects, const char *path, DrWindow *self)
{
  update_title (self);
  DrPhotoItem *item = self->session && path ? dr_session_find_path (self->session, path) : NULL;
  if (item != NULL && dr_photo_list_select_item (self->photo_list, item))
    return;
  if (self->session != NULL && self->current == NULL)
    dr_photo_list_move_selection (self->photo_list, 0);
}

static void
toast_cb (GObject *controller, const char *message, DrWindow *self)
{
  dr_window_toast (self, message);
}

static void
progress_cb (GObject *controller, const char *text, double fraction, DrWindow *self)
{
  /* The team's queue belongs to its workers: this window has nothing there to cancel. */
  gtk_widget_set_visible (self->cancel_button, controller != G_OBJECT (self->team));
  show_progress (self, text, fraction);
}

/* Photo statuses and areas changed in the project: the list and legend follow. Only
 * photo_id is read again when it is given: re-reading every photo took 57-99 ms of the main
 * loop per verdict in a project of 10,000. */
static void
photos_changed_cb (DrWindow *self, gint64 photo_id)
{
  /* A team project's rows are read on the live reader's thread (reading one fetches and
   * verifies the photo's bytes); the list and legend follow when they arrive. */
  if (self->live != NULL)
    {
      dr_team_live_refresh (self->live, photo_id);
      return;
    }
  gboolean reloaded = self->session != NULL &&
                      (photo_id > 0 ? dr_session_reload_photo (self->session, photo_id, NULL)
                                    : dr_session_reload (self->session, NULL));
  if (reloaded)
    dr_photo_list_invalidate (self->photo_list);
  dr_legend_update (self->legend, self->current, get_items (self));
}

/* The masks of photo_id changed in the project: its kept overlays are dropped, and shown
 * again from the project when asked and it is on screen. */
static void
overlays_stale_cb (DrReviewController *review, gint64 photo_id, gboolean reload, DrWindow *self)
{
  dr_analysis_controller_forget_overlays (self->analysis, photo_id);
  if (reload && self->current != NULL && dr_photo_item_get_id (self->current) == photo_id)
    dr_analysis_controller_show_overlays (self->analysis);
}

static void
show_photo_cb (DrReviewController *review, DrPhotoItem *item, DrWindow *self)
{
  dr_photo_list_select_item (self->photo_list, item);
  show_item (self, item);
}

/* A claim was renamed: the rows, the claim filter and the estimates follow. */
static void
claim_renamed_cb (DrClaimsController *claims, const char *old_name, const char *new_name,
                  DrWindow *self)
{
  dr_photo_list_claim_renamed (self->photo_list, old_name, new_name);
  dr_legend_update (self->legend, self->current, get_items (self));
}

/* Cancel on the progress strip: stops adding photos and analysis. */
static void
cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrWindow *self = user_data;
  dr_project_controller_cancel_import (self->projects);
  dr_analysis_controller_cancel (self->analysis, TRUE);
}

/* Makes the four controllers and connects them. */
static void
init_controllers (DrWindow *self)
{
  GtkWindow *window = GTK_WINDOW (self);
  self->projects = dr_project_controller_new (window, self->settings, self->recent_menu);
  self->review = dr_review_controller_new (window, self->settings, self->canvas,
                                           self->photo_list, self->review_bar, self->legend,
                                           self->toast_overlay, self->read_only_revealer);
  DrEditSession *editor = dr_review_controller_get_edit_session (self->review);
  self->analysis = dr_analysis_controller_new (window, self->canvas, self->photo_list,
                                               self->legend, self->notice_revealer,
                                               self->notice_label, self->analyse_button,
                                               dr_edit_session_get_writer (editor),
                                               dr_edit_session_get_layer_cache (editor));
  self->claims = dr_claims_controller_new (window,
                                           dr_review_controller_get_recorder (self->review));
  self->team = dr_team_controller_new (window, self->photo_list);
  dr_analysis_controller_set_team (self->analysis, self->team);
  dr_review_controller_set_team (self->review, self->team);
  static const GActionEntry cancel_entry[] = { { "cancel", cancel_activated } };
  g_action_map_add_action_entries (G_ACTION_MAP (self), cancel_entry, 1, self);

  g_signal_connect_swapped (self->projects, "notify::session", G_CALLBACK (session_notify_cb),
                            self);
  g_signal_connect (self->projects, "photo-wanted", G_CALLBACK (photo_wanted_cb), self);
  g_signal_connect_swapped (self->projects, "photo-error-stored",
                            G_CALLBACK (photo_error_stored_cb), self);
  g_signal_connect (self->projects, "toast", G_CALLBACK (toast_cb), self);
  g_signal_connect (self->projects, "server-away", G_CALLBACK (projects_server_away_cb), self);
  g_signal_connect (self->projects, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->analysis, "toast", G_CALLBACK (toast_cb), self);
  g_signal_connect (self->analysis, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->claims, "toast", G_CALLBACK (toast_cb), self);
  g_signal_connect (self->team, "toast", G_CALLBACK (toast_cb), self);
  g_signal_connect (self->team, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->claims, "renamed", G_CALLBACK (claim_renamed_cb), self);
  g_signal_connect_swapped (self->review, "photos-changed", G_CALLBACK (photos_changed_cb),
                            self);
  g_signal_connect (self->review, "overlays-stale", G_CALLBACK (overlays_stale_cb), self);
  g_signal_connect (self->review, "show-photo", G_CALLBACK (show_photo_cb), self);
}

/* ---- window life cycle ------------------------------------------------------------ */

/* GTK focuses the first focusable widget when a window without a focus is shown: "Add
 * Folder…" in the header, where Enter would open a chooser. Nothing has the focus instead. */
static void
dr_window_show (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (dr_window_parent_class)->show (widget);
  release_header_focus (DR_WINDOW (widget));
}

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
  g_clear_handle_id (&self->zoom_label_idle, g_source_remove);
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->live != NULL)
    g_signal_handlers_disconnect_by_data (self->live, self);
  g_clear_object (&self->live);
  g_clear_object (&self->claims);
  g_clear_object (&self->team);
  /* The analysis controller borrows the review controller's layer cache. */
  g_clear_object (&self->analysis);
  g_clear_object (&self->review);
  g_clear_object (&self->current);
  if (self->projects)
    g_signal_handlers_disconnect_by_data (self->projects, self);
  g_clear_object (&self->projects);
  g_clear_object (&self->session);
  g_clear_object (&self->no_items);
  /* self->settings may outlive the window (others can hold it): no handler of ours may. */
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (dr_window_parent_class)->dispose (object);
}

/* Shows widget's tooltip text on one line: GTK 4.8 wraps a short tooltip at every space
 * (Korean "주 메뉴" came out one word per line), so short ones get a label that does not wrap. */
static gboolean
one_line_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard_mode,
                     GtkTooltip *tooltip, gpointer user_data)
{
  const char *text = gtk_widget_get_tooltip_text (widget);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_custom (tooltip, gtk_label_new (text));
  return TRUE;
}

static void
dr_window_class_init (DrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dr_window_dispose;
  window_class->close_request = dr_window_close_request;
  widget_class->show = dr_window_show;

  g_type_ensure (DR_TYPE_PHOTO_LIST);
  g_type_ensure (DR_TYPE_CANVAS);
  g_type_ensure (DR_TYPE_LEGEND);
  g_type_ensure (DR_TYPE_REVIEW_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, read_only_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, server_revealer);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, server_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, photo_list);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, photo_error_label);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, analyse_button);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, DrWindow, review_bar);
  gtk_widget_class_bind_template_callback (widget_class, one_line_tooltip_cb);
}

static void
dr_window_init (DrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);

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
  g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (current_changed_cb), self);

  self->no_items = g_list_store_new (DR_TYPE_PHOTO_ITEM);
  dr_photo_list_set_items (self->photo_list, G_LIST_MODEL (self->no_items));
  init_controllers (self);

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
}

/* Creates a window attached to app (may be NULL in tests). */
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

/* See header. */
gboolean
dr_window_open_project (DrWindow *self, const char *path, gboolean create)
{
  g_return_val_if_fail (DR_IS_WINDOW (self) && path != NULL, FALSE);
  return dr_project_controller_open (self->projects, path, create);
}

/* See header. */
void
dr_window_open_project_async (DrWindow *self, const char *path)
{
  g_return_if_fail (DR_IS_WINDOW (self) && path != NULL);
  dr_project_controller_open_async (self->projects, path);
}

/* See header. */
gboolean
dr_window_is_opening (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), FALSE);
  return dr_project_controller_is_opening (self->projects);
}

/* See header. */
DrSession *
dr_window_get_session (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->session;
}

/* See header. */
void
dr_window_add_files (DrWindow *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  dr_project_controller_add_files (self->projects, files, n_files);
}

/* See header. */
void
dr_window_open_files (DrWindow *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  dr_project_controller_open_files (self->projects, files, n_files);
}

/* See header. */
void
dr_window_set_inference_queue (DrWindow *self, DrInferenceQueue *queue)
{
  g_return_if_fail (DR_IS_WINDOW (self));
  dr_analysis_controller_set_queue (self->analysis, queue);
}

/* See header. */
DrPhotoItem *
dr_window_get_current (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->current;
}

/* See header. */
DrReviewController *
dr_window_get_review (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->review;
}

/* See header. */
DrReviewBar *
dr_window_get_review_bar (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), NULL);
  return self->review_bar;
}

/* See header. */
gboolean
dr_window_is_live (DrWindow *self)
{
  g_return_val_if_fail (DR_IS_WINDOW (self), FALSE);
  return self->live != NULL && dr_team_live_is_listening (self->live);
}
