/* dr-project-controller.c — see dr-project-controller.h.
 *
 * A folder or photo given without a project (command line, "Add Folder…" or a drop on the
 * empty window) opens the folder's own project, dr_session_path_for_folder (), creating it
 * the first time: the reviewer is never asked where to save, and photo folders are never
 * written to. Adding photos to an open project adds them to that project. */
#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "dr-edit-journal.h"
#include "dr-path-settings.h"
#include "dr-pg-conn.h"
#include "dr-pg-location.h"
#include "dr-photo.h"
#include "dr-project-controller.h"
#include "dr-store-error.h"
#include "dr-team-dialog.h"

#define MAX_RECENT 8

struct _DrProjectController
{
  GObject parent_instance;

  GtkWindow *window;             /* weak: holds the actions, parent of the choosers */
  GSettings *settings;
  GMenu *recent_menu;

  DrSession *session;            /* the open project, or NULL */
  GCancellable *opening;         /* a project being opened without blocking, or NULL */
  char *opening_path;            /* … its location */
  char *select_after_import;     /* path of a photo to show once imported, or NULL */
  char *retry_path;              /* a team project whose server did not answer, or NULL */
  guint retry_id;                /* the timeout that tries it again, or 0 */
};

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIG_TOAST, SIG_PROGRESS, SIG_PHOTO_WANTED, SIG_PHOTO_ERROR_STORED, SIG_SERVER_AWAY,
       N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrProjectController, dr_project_controller, G_TYPE_OBJECT)

static void
toast (DrProjectController *self, const char *message)
{
  g_signal_emit (self, signals[SIG_TOAST], 0, message);
}

static void
show_progress (DrProjectController *self, const char *text, double fraction)
{
  g_signal_emit (self, signals[SIG_PROGRESS], 0, text, fraction);
}

/* The recent projects' files, most recent first, as a NULL-terminated array of paths: values
 * that name no file are left out (see dr_path_settings_decode). */
static GStrv
dup_recent (DrProjectController *self)
{
  g_auto (GStrv) values = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *path = dr_path_settings_decode (values[i]);
      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

/* Rebuilds the "Open Recent" submenu from settings, skipping files that no longer exist.
 * Each entry's target is the project's file: URI (a GVariant string must be UTF-8). */
static void
update_recent_menu (DrProjectController *self)
{
  g_auto (GStrv) recent = dup_recent (self);
  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *uri = dr_path_settings_encode (recent[i]);
      gboolean team = dr_pg_is_conninfo (recent[i]);
      if (uri == NULL || (!team && !g_file_test (recent[i], G_FILE_TEST_EXISTS)))
        continue;
      /* A team project is named database@server; its server is not asked whether it exists. */
      g_autofree char *label = team ? dr_pg_location_describe_login (recent[i])
                                    : g_filename_display_basename (recent[i]);
      if (label == NULL)
        continue;
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (uri));
      g_menu_append_item (self->recent_menu, item);
    }
}

/* Puts path first in the recent list and remembers it as the last project, both as file:
 * URIs; entries stored as plain paths by older versions are rewritten as URIs. */
static void
remember_project (DrProjectController *self, const char *path)
{
  g_auto (GStrv) recent = dup_recent (self);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *uri = dr_path_settings_encode (path);
  if (uri == NULL)
    return;
  g_strv_builder_add (builder, uri);
  guint n = 1;
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    {
      g_autofree char *other = dr_path_settings_encode (recent[i]);
      /* A team project typed another way (URI or keywords) is the same entry. */
      if (other != NULL && g_strcmp0 (recent[i], path) != 0
          && !(dr_pg_is_conninfo (path) && dr_pg_location_same (recent[i], path)))
        {
          g_strv_builder_add (builder, other);
          n++;
        }
    }
  g_auto (GStrv) updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char *const *) updated);
  g_settings_set_string (self->settings, "last-project", uri);
  update_recent_menu (self);
}

static void
import_progress_cb (DrSession *session, guint done, guint total, DrProjectController *self)
{
  g_autofree char *text = g_strdup_printf (_("Adding photos: %u of %u…"), done, total);
  show_progress (self, text, total ? (double) done / total : -1);
}

/* An import ended: says what happened in one calm sentence and shows the first photo. */
static void
import_finished_cb (DrSession *session, guint added, guint duplicates, guint failed,
                    const char *message, DrProjectController *self)
{
  show_progress (self, NULL, 0);
  g_autofree char *text = NULL;
  if (message != NULL && added == 0)
    text = g_strdup (message);
  else if (added == 0 && duplicates == 0 && failed == 0)
    text = g_strdup (_("No photos found there"));
  else if (failed > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Added %u photo; %u could not be read (see the list)",
                                         "Added %u photos; %u could not be read (see the list)",
                                         added), added, failed);
  else if (duplicates > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Added %u photo; %u were already in the project",
                                         "Added %u photos; %u were already in the project",
                                         added), added, duplicates);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u photo", "Added %u photos",
                                         added), added);
  toast (self, text);
  g_autofree char *wanted = g_steal_pointer (&self->select_after_import);
  g_signal_emit (self, signals[SIG_PHOTO_WANTED], 0, wanted);
}

static void
write_failed_cb (DrSession *session, const char *message, DrProjectController *self)
{
  toast (self, message);
}

static void
photo_error_stored_cb (DrSession *session, gint64 photo_id, DrProjectController *self)
{
  g_signal_emit (self, signals[SIG_PHOTO_ERROR_STORED], 0, photo_id);
}

/* Makes session (a new reference, or NULL) the open project; the previous one closes. */
static void
set_session (DrProjectController *self, DrSession *session)
{
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  self->session = session;
  if (session != NULL)
    {
      g_signal_connect (session, "import-progress", G_CALLBACK (import_progress_cb), self);
      g_signal_connect (session, "import-finished", G_CALLBACK (import_finished_cb), self);
      g_signal_connect (session, "write-failed", G_CALLBACK (write_failed_cb), self);
      g_signal_connect (session, "photo-error-stored", G_CALLBACK (photo_error_stored_cb),
                        self);
    }
  show_progress (self, NULL, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* The photo to ask for once a just-opened project's list has drawn its rows. */
typedef struct {
  GWeakRef controller;
  char *path;                /* NULL: the first photo */
} FirstPhoto;

static void
first_photo_free (gpointer data)
{
  FirstPhoto *first = data;
  g_weak_ref_clear (&first->controller);
  g_free (first->path);
  g_free (first);
}

/* Idle after opening a project: asks for the photo that was on screen when the same project
 * was last closed, so a reviewer who quit goes on where they stopped; the window shows the
 * first photo when that one is gone. */
static gboolean
want_first_photo_cb (gpointer data)
{
  FirstPhoto *first = data;
  g_autoptr (DrProjectController) self = g_weak_ref_get (&first->controller);
  if (self != NULL && self->session != NULL)
    g_signal_emit (self, signals[SIG_PHOTO_WANTED], 0, first->path);
  return G_SOURCE_REMOVE;
}

static void stop_retry (DrProjectController *self);

/* Makes session (owned by the caller until now) the open project: remembered as the last
 * one, and shown on the photo it was left on. A team project being tried again is not any
 * more. */
static void
adopt_session (DrProjectController *self, DrSession *session)
{
  stop_retry (self);
  g_autofree char *first = NULL;
  g_autofree char *last_project = dr_path_settings_get (self->settings, "last-project");
  if (g_strcmp0 (last_project, dr_session_get_path (session)) == 0)
    first = dr_path_settings_get (self->settings, "last-photo");
  set_session (self, session);
  remember_project (self, dr_session_get_path (self->session));
  /* After the list has drawn its rows (selecting into rows not drawn yet can abort GTK 4.8). */
  FirstPhoto *want = g_new0 (FirstPhoto, 1);
  g_weak_ref_init (&want->controller, self);
  want->path = g_steal_pointer (&first);
  g_idle_add_full (G_PRIORITY_LOW, want_first_photo_cb, want, first_photo_free);
}

/* Forgets a project still being opened without blocking: its result is dropped. */
static void
cancel_opening (DrProjectController *self)
{
  if (self->opening == NULL)
    return;
  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  show_progress (self, NULL, 0);
}

/* See header. */
gboolean
dr_project_controller_open (DrProjectController *self, const char *path, gboolean create)
{
  g_return_val_if_fail (DR_IS_PROJECT_CONTROLLER (self) && path != NULL, FALSE);
  cancel_opening (self);
  if (self->session && g_strcmp0 (dr_session_get_path (self->session), path) == 0)
    return TRUE;
  g_autoptr (GError) error = NULL;
  DrSession *session = dr_session_open (path, create, &error);
  if (session == NULL)
    {
      toast (self, error->message);
      return FALSE;
    }
  adopt_session (self, session);
  return TRUE;
}

/* Stops trying a team project again; the window no longer says its server is away. */
static void
stop_retry (DrProjectController *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->retry_path == NULL)
    return;
  g_clear_pointer (&self->retry_path, g_free);
  g_signal_emit (self, signals[SIG_SERVER_AWAY], 0, NULL);
}

static void start_open (DrProjectController *self, const char *path);

static gboolean
retry_cb (gpointer data)
{
  DrProjectController *self = data;
  self->retry_id = 0;
  if (self->retry_path != NULL && self->opening == NULL && self->session == NULL)
    start_open (self, self->retry_path);
  return G_SOURCE_REMOVE;
}

/* path's server did not answer (message: the store's line): the window says so, with what
 * waits on this computer, and path is tried again in DR_PROJECT_CONTROLLER_RETRY_S s. */
static void
retry_later (DrProjectController *self, const char *path, const char *message)
{
  if (g_strcmp0 (self->retry_path, path) != 0)
    {
      g_free (self->retry_path);
      self->retry_path = g_strdup (path);
    }
  g_autofree char *journal = dr_edit_journal_path_for (path);
  GStatBuf st;
  gboolean waiting = journal != NULL && g_stat (journal, &st) == 0 && st.st_size > 0;
  g_autofree char *text = g_strdup_printf (
    waiting ? _("%s. Changes made while it was away are kept on this computer and sent once it "
                "answers; trying again every %d seconds.")
            : _("%s. Trying again every %d seconds."),
    message, DR_PROJECT_CONTROLLER_RETRY_S);
  g_signal_emit (self, signals[SIG_SERVER_AWAY], 0, text);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (DR_PROJECT_CONTROLLER_RETRY_S, retry_cb, self);
}

/* Main loop: the project asked for by dr_project_controller_open_async is checked and
 * listed; opened unless another was asked for since (or the controller went away). A team
 * project whose server does not answer is tried again (retry_later) while no project is open. */
static void
open_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrProjectController) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrSession) session = dr_session_open_finish (result, &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->opening);
  show_progress (self, NULL, 0);
  g_autofree char *path = g_steal_pointer (&self->opening_path);
  if (session != NULL)
    {
      stop_retry (self);
      adopt_session (self, g_steal_pointer (&session));
    }
  else if (self->session == NULL && path != NULL && dr_pg_is_conninfo (path)
           && (g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE)
               || g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO)))
    retry_later (self, path, error->message);
  else
    {
      stop_retry (self);
      toast (self, error->message);
    }
}

/* Starts opening path without blocking (open_done_cb ends it). */
static void
start_open (DrProjectController *self, const char *path)
{
  self->opening = g_cancellable_new ();
  g_free (self->opening_path);
  self->opening_path = g_strdup (path);
  show_progress (self, _("Opening the project…"), -1);
  dr_session_open_async (path, self->opening, open_done_cb, g_object_ref (self));
}

/* See header. */
void
dr_project_controller_open_async (DrProjectController *self, const char *path)
{
  g_return_if_fail (DR_IS_PROJECT_CONTROLLER (self) && path != NULL);
  cancel_opening (self);
  if (g_strcmp0 (self->retry_path, path) != 0)
    stop_retry (self);
  if (self->session && g_strcmp0 (dr_session_get_path (self->session), path) == 0)
    return;
  start_open (self, path);
}

/* See header. */
void
dr_project_controller_reopen (DrProjectController *self)
{
  g_return_if_fail (DR_IS_PROJECT_CONTROLLER (self));
  if (self->session == NULL || self->opening != NULL)
    return;
  self->opening = g_cancellable_new ();
  g_free (self->opening_path);
  self->opening_path = g_strdup (dr_session_get_path (self->session));
  dr_session_open_async (self->opening_path, self->opening, open_done_cb, g_object_ref (self));
}

/* See header. */
gboolean
dr_project_controller_is_opening (DrProjectController *self)
{
  g_return_val_if_fail (DR_IS_PROJECT_CONTROLLER (self), FALSE);
  return self->opening != NULL;
}

/* See header. */
DrSession *
dr_project_controller_get_session (DrProjectController *self)
{
  g_return_val_if_fail (DR_IS_PROJECT_CONTROLLER (self), NULL);
  return self->session;
}

/* The folder whose project photos from files belong to without an open project: the first
 * folder given, else the first photo's folder. */
static char *
folder_for_files (GFile **files, guint n_files)
{
  for (guint i = 0; i < n_files; i++)
    if (g_file_query_file_type (files[i], G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
      return g_file_get_path (files[i]);
  g_autoptr (GFile) parent = n_files > 0 ? g_file_get_parent (files[0]) : NULL;
  return parent ? g_file_get_path (parent) : NULL;
}

/* See header. */
void
dr_project_controller_add_files (DrProjectController *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_PROJECT_CONTROLLER (self));
  if (n_files == 0)
    return;
  if (self->session == NULL)
    {
      g_autofree char *folder = folder_for_files (files, n_files);
      if (folder == NULL)
        return;
      g_autofree char *project = dr_session_path_for_folder (folder);
      if (!dr_project_controller_open (self, project, TRUE))
        return;
    }
  show_progress (self, _("Looking for photos…"), -1);
  dr_session_import (self->session, files, n_files);
}

/* See header. Project files are opened; folders and photos are added (to their folder's
 * project when none is open), and a single photo is shown once it is in. */
void
dr_project_controller_open_files (DrProjectController *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_PROJECT_CONTROLLER (self));
  g_autoptr (GPtrArray) photos = g_ptr_array_new ();
  g_autofree char *project = NULL;
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      if (path != NULL && g_str_has_suffix (path, DR_PROJECT_EXTENSION))
        {
          g_free (project);
          project = g_steal_pointer (&path);
        }
      else
        g_ptr_array_add (photos, files[i]);
    }
  /* Photos go into the project, which must be open first; a project alone opens without
   * blocking. */
  if (project != NULL && photos->len == 0)
    {
      dr_project_controller_open_async (self, project);
      return;
    }
  if (project != NULL)
    dr_project_controller_open (self, project, FALSE);
  if (photos->len == 1 &&
      g_file_query_file_type (photos->pdata[0], G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
    {
      g_free (self->select_after_import);
      self->select_after_import = g_file_get_path (photos->pdata[0]);
    }
  dr_project_controller_add_files (self, (GFile **) photos->pdata, photos->len);
}

/* ---- file choosers ---------------------------------------------------------------- */

static void
add_chooser_response_cb (GtkNativeDialog *dialog, int response, DrProjectController *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GPtrArray) arr = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (arr, g_list_model_get_item (files, i));
      dr_project_controller_add_files (self, (GFile **) arr->pdata, arr->len);
    }
  g_object_unref (dialog);
}

/* Opens a native chooser for photos (multi-select) or folders. */
static void
choose_photos (DrProjectController *self, gboolean folders)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (folders ? _("Add Folder") : _("Add Photos"), self->window,
                                 folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (!folders)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Photos"));
      gtk_file_filter_add_mime_type (filter, "image/jpeg");
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/webp");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (add_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_photos_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_photos (DR_PROJECT_CONTROLLER (user_data), FALSE);
}

static void
add_folder_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_photos (DR_PROJECT_CONTROLLER (user_data), TRUE);
}

/* Opens (OPEN) or creates (SAVE) the chosen project. */
static void
project_chooser_response_cb (GtkNativeDialog *dialog, int response, DrProjectController *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      gboolean create = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) ==
                        GTK_FILE_CHOOSER_ACTION_SAVE;
      if (path != NULL && create && !g_str_has_suffix (path, DR_PROJECT_EXTENSION))
        {
          char *with_ext = g_strconcat (path, DR_PROJECT_EXTENSION, NULL);
          g_free (path);
          path = with_ext;
        }
      if (path != NULL && create)
        dr_project_controller_open (self, path, TRUE);
      else if (path != NULL)
        dr_project_controller_open_async (self, path);
    }
  g_object_unref (dialog);
}

/* Shows a chooser for a project file: to open (create FALSE) or to create. */
static void
choose_project (DrProjectController *self, gboolean create)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (create ? _("New Project") : _("Open Project"), self->window,
                                 create ? GTK_FILE_CHOOSER_ACTION_SAVE
                                        : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 create ? _("_Create") : _("_Open"), _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Damage Review Projects"));
  gtk_file_filter_add_pattern (filter, "*" DR_PROJECT_EXTENSION);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (create)
    {
      g_autofree char *name = g_strconcat (_("Untitled"), DR_PROJECT_EXTENSION, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (project_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
new_project_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_project (DR_PROJECT_CONTROLLER (user_data), TRUE);
}

static void
open_project_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  choose_project (DR_PROJECT_CONTROLLER (user_data), FALSE);
}

/* The team dialog checked @location: it opens like any project. */
static void
team_location_chosen_cb (DrTeamDialog *dialog, const char *location, gpointer user_data)
{
  DrProjectController *self = user_data;
  dr_project_controller_open_async (self, location);
}

/* "Open Team Project…": the connect dialog over the window. */
static void
open_team_project_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrProjectController *self = DR_PROJECT_CONTROLLER (user_data);
  DrTeamDialog *dialog = dr_team_dialog_new (self->window);
  g_signal_connect_object (dialog, "location-chosen", G_CALLBACK (team_location_chosen_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The target is the project's file: URI (or, from older menus, its path). */
static void
open_recent_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_autofree char *path = dr_path_settings_decode (g_variant_get_string (param, NULL));
  if (path != NULL)
    dr_project_controller_open_async (DR_PROJECT_CONTROLLER (user_data), path);
}

static const GActionEntry project_entries[] = {
  { "new-project", new_project_activated },
  { "open-project", open_project_activated },
  { "open-team-project", open_team_project_activated },
  { "open-recent", open_recent_activated, "s" },
  { "add-photos", add_photos_activated },
  { "add-folder", add_folder_activated },
};

/* Closes the project (its writer finishes and stops); the actions leave the window. */
static void
dr_project_controller_dispose (GObject *object)
{
  DrProjectController *self = DR_PROJECT_CONTROLLER (object);
  if (self->opening != NULL)
    g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  g_clear_pointer (&self->opening_path, g_free);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_pointer (&self->retry_path, g_free);
  if (self->session)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  if (self->window != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (project_entries); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->window), project_entries[i].name);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_pointer (&self->select_after_import, g_free);
  g_clear_object (&self->recent_menu);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (dr_project_controller_parent_class)->dispose (object);
}

static void
dr_project_controller_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  DrProjectController *self = DR_PROJECT_CONTROLLER (object);
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_project_controller_class_init (DrProjectControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = dr_project_controller_dispose;
  object_class->get_property = dr_project_controller_get_property;
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DR_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIG_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[SIG_PHOTO_WANTED] = g_signal_new ("photo-wanted", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_PHOTO_ERROR_STORED] = g_signal_new ("photo-error-stored",
                                                  G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                  G_TYPE_INT64);
  signals[SIG_SERVER_AWAY] = g_signal_new ("server-away", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, G_TYPE_STRING);
}

static void
dr_project_controller_init (DrProjectController *self)
{
}

/* See header. */
DrProjectController *
dr_project_controller_new (GtkWindow *window, GSettings *settings, GMenu *recent_menu)
{
  DrProjectController *self = g_object_new (DR_TYPE_PROJECT_CONTROLLER, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->settings = g_object_ref (settings);
  self->recent_menu = g_object_ref (recent_menu);
  g_action_map_add_action_entries (G_ACTION_MAP (window), project_entries,
                                   G_N_ELEMENTS (project_entries), self);
  update_recent_menu (self);
  return self;
}

/* See header. */
void
dr_project_controller_cancel_import (DrProjectController *self)
{
  g_return_if_fail (DR_IS_PROJECT_CONTROLLER (self));
  if (self->session)
    dr_session_cancel_import (self->session);
}
