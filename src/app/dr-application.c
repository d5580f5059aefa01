/* dr-application.c — application life cycle, app-wide actions and accelerators, and the
 * damage models.
 *
 * One window. Light and dark styles follow the system through AdwStyleManager's default
 * colour scheme; nothing here overrides it. Models are located and loaded on a worker
 * thread at start-up (the window is usable meanwhile); one inference queue over them is
 * shared with the window. With no model the window says so and works as a manual tool. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-application.h"
#include "dr-model-set.h"
#include "dr-overlay.h"
#include "dr-path-settings.h"
#include "dr-pg-conn.h"
#include "dr-preferences-window.h"
#include "dr-resources.h"
#include "dr-thread-priority.h"
#include "dr-window.h"

typedef struct {
  DrModelState state;
  char *path;
  char *sha256;
  char *message;
} ModelInfo;

struct _DrApplication
{
  AdwApplication parent_instance;

  DrModelSet *models;
  ModelInfo info[DR_N_DAMAGE_TYPES];
  DrInferenceQueue *queue;
  GCancellable *load_cancellable;
};

/* How long quitting waits for the inference workers to stop. */
#define QUIT_WAIT_US (100 * G_TIME_SPAN_MILLISECOND)

/* A queue whose workers had not stopped when the application quit (see shutdown). */
static DrInferenceQueue *still_stopping;

enum { SIGNAL_MODELS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrApplication, dr_application, ADW_TYPE_APPLICATION)

static void
clear_info (ModelInfo *info)
{
  g_clear_pointer (&info->path, g_free);
  g_clear_pointer (&info->sha256, g_free);
  g_clear_pointer (&info->message, g_free);
}

/* ---- models ------------------------------------------------------------------------ */

typedef struct {
  DrModelSet *set;
  ModelInfo info[DR_N_DAMAGE_TYPES];
} LoadResult;

static void
load_result_free (gpointer data)
{
  LoadResult *r = data;
  g_clear_object (&r->set);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    clear_info (&r->info[d]);
  g_free (r);
}

/* Worker thread: locates and loads the four models, recording each one's state. */
static void
load_models_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoadResult *r = g_new0 (LoadResult, 1);
  r->set = dr_model_set_locate (NULL);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      g_autoptr (GError) error = NULL;
      const char *path = dr_model_set_get_path (r->set, d);
      r->info[d].path = g_strdup (path);
      if (path == NULL)
        {
          r->info[d].state = DR_MODEL_STATE_MISSING;
          r->info[d].message = dr_model_set_describe_missing (r->set, d);
        }
      else if (!dr_model_set_load (r->set, d, &error))
        {
          r->info[d].state = DR_MODEL_STATE_INVALID;
          r->info[d].message = g_strdup (error->message);
        }
      else
        {
          r->info[d].state = DR_MODEL_STATE_LOADED;
          r->info[d].sha256 = g_strdup (dr_model_set_get_sha256 (r->set, d));
        }
    }
  g_task_return_pointer (task, r, load_result_free);
}

/* The model loader's own thread, at the lowest priority (reading and preparing four
 * checkpoints takes seconds of CPU, which the window needs more while it starts); the task
 * reports to the main loop. */
static gpointer
load_models_main (gpointer data)
{
  g_autoptr (GTask) task = data;
  dr_thread_priority_lower ();
  load_models_thread (task, g_task_get_source_object (task), NULL,
                      g_task_get_cancellable (task));
  return NULL;
}

/* Hands the queue (or NULL) to every window. */
static void
give_queue_to_windows (DrApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (DR_IS_WINDOW (l->data))
      dr_window_set_inference_queue (l->data, self->queue);
}

/* Main loop: models are loaded; builds the queue over those that loaded. */
static void
load_models_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DrApplication *self = DR_APPLICATION (source);
  g_autoptr (GError) error = NULL;
  LoadResult *r = g_task_propagate_pointer (G_TASK (result), &error);
  if (r == NULL)
    return;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      load_result_free (r);
      return;
    }
  g_clear_object (&self->load_cancellable);
  const NnUnet *models[DR_N_DAMAGE_TYPES];
  const char *shas[DR_N_DAMAGE_TYPES], *paths[DR_N_DAMAGE_TYPES];
  gboolean any = FALSE;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      clear_info (&self->info[d]);
      self->info[d] = r->info[d];
      memset (&r->info[d], 0, sizeof r->info[d]);
      models[d] = dr_model_set_get_model (r->set, d);
      shas[d] = self->info[d].sha256;
      paths[d] = self->info[d].path;
      any |= models[d] != NULL;
    }
  g_set_object (&self->models, r->set);
  g_clear_object (&self->queue);
  if (any)
    {
      self->queue = dr_inference_queue_new (G_OBJECT (self->models), models, shas, paths,
                                            dr_overlay_get_factory (), 0, &error);
      if (self->queue == NULL)
        g_warning ("%s", error->message);
    }
  load_result_free (r);
  give_queue_to_windows (self);
  g_signal_emit (self, signals[SIGNAL_MODELS_CHANGED], 0);
}

/* See header. */
void
dr_application_reload_models (DrApplication *self)
{
  g_return_if_fail (DR_IS_APPLICATION (self));
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_set_object (&self->load_cancellable, g_cancellable_new ());
  g_object_unref (self->load_cancellable);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    self->info[d].state = DR_MODEL_STATE_LOADING;
  g_autoptr (GTask) task = g_task_new (self, self->load_cancellable, load_models_done_cb, NULL);
  g_task_set_source_tag (task, dr_application_reload_models);
  g_task_set_return_on_cancel (task, FALSE);
  g_thread_unref (g_thread_new ("dr-models", load_models_main, g_object_ref (task)));
  g_signal_emit (self, signals[SIGNAL_MODELS_CHANGED], 0);
}

/* See header. */
DrModelState
dr_application_get_model (DrApplication *self, guint damage, const char **path,
                          const char **sha256, const char **message)
{
  g_return_val_if_fail (DR_IS_APPLICATION (self) && damage < DR_N_DAMAGE_TYPES,
                        DR_MODEL_STATE_MISSING);
  const ModelInfo *info = &self->info[damage];
  if (path)
    *path = info->path;
  if (sha256)
    *sha256 = info->sha256;
  if (message)
    *message = info->message;
  return info->state;
}

/* See header. */
char *
dr_application_dup_user_models_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "damage-review", "models", NULL);
}

/* ---- windows and actions ---------------------------------------------------------- */

/* The window, created on first use with the current models. */
static DrWindow *
get_window (DrApplication *self, gboolean *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  *created = window == NULL;
  if (window == NULL)
    {
      window = GTK_WINDOW (dr_window_new (self));
      dr_window_set_inference_queue (DR_WINDOW (window), self->queue);
    }
  return DR_WINDOW (window);
}

/* What a window opens once it has painted its first frame: the last project, or the files
 * of the command line. Reference-counted (GRcBox): held by the frame clock's handler, then by
 * the idle that opens. */
typedef struct {
  GWeakRef window;
  char *project;             /* or NULL */
  GPtrArray *files;          /* GFile*, or NULL */
  gulong handler;
} PendingOpen;

static void
pending_open_clear (gpointer data)
{
  PendingOpen *p = data;
  g_weak_ref_clear (&p->window);
  g_free (p->project);
  g_clear_pointer (&p->files, g_ptr_array_unref);
}

static void
pending_open_release (gpointer data, GClosure *closure)
{
  g_rc_box_release_full (data, pending_open_clear);
}

static void
pending_open_unref (gpointer data)
{
  g_rc_box_release_full (data, pending_open_clear);
}

/* Idle after the first frame: opens what was asked, if the window is still there. */
static gboolean
pending_open_cb (gpointer data)
{
  PendingOpen *p = data;
  g_autoptr (DrWindow) window = g_weak_ref_get (&p->window);
  if (window == NULL)
    return G_SOURCE_REMOVE;
  if (p->project != NULL)
    dr_window_open_project_async (window, p->project);
  if (p->files != NULL)
    dr_window_open_files (window, (GFile **) p->files->pdata, p->files->len);
  return G_SOURCE_REMOVE;
}

/* The window's first frame is painted: the opening is scheduled, once. */
static void
first_paint_cb (GdkFrameClock *clock, gpointer data)
{
  PendingOpen *p = data;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pending_open_cb, g_rc_box_acquire (p),
                   pending_open_unref);
  g_signal_handler_disconnect (clock, p->handler);
}

/* Presents window and opens project (or files) only once it has painted its first frame: a
 * project of thousands of photos takes a moment to open, and the window must not stay black
 * meanwhile (issue 15, item 14). */
static void
present_then_open (DrWindow *window, const char *project, GFile **files, int n_files)
{
  gtk_window_present (GTK_WINDOW (window));
  if (project == NULL && n_files == 0)
    return;
  PendingOpen *p = g_rc_box_new0 (PendingOpen);
  g_weak_ref_init (&p->window, window);
  p->project = g_strdup (project);
  if (n_files > 0)
    {
      p->files = g_ptr_array_new_with_free_func (g_object_unref);
      for (int i = 0; i < n_files; i++)
        g_ptr_array_add (p->files, g_object_ref (files[i]));
    }
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (clock == NULL)
    {
      pending_open_cb (p);
      pending_open_unref (p);
      return;
    }
  p->handler = g_signal_connect_data (clock, "after-paint", G_CALLBACK (first_paint_cb), p,
                                      pending_open_release, 0);
}

/* Presents the window; a new one reopens the last project if it still exists, once it has
 * painted its first frame. */
static void
dr_application_activate (GApplication *app)
{
  gboolean created;
  DrWindow *window = get_window (DR_APPLICATION (app), &created);
  g_autofree char *last = NULL;
  if (created)
    {
      g_autoptr (GSettings) settings = g_settings_new (APP_ID);
      last = dr_path_settings_get (settings, "last-project");
      if (last != NULL && !dr_pg_is_conninfo (last) && !g_file_test (last, G_FILE_TEST_EXISTS))
        g_clear_pointer (&last, g_free);
    }
  present_then_open (window, last, NULL, 0);
}

/* Opens the window on the given photos, folders or projects (a new window first paints). */
static void
dr_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  gboolean created;
  DrWindow *window = get_window (DR_APPLICATION (app), &created);
  if (created)
    present_then_open (window, NULL, files, n_files);
  else
    {
      gtk_window_present (GTK_WINDOW (window));
      dr_window_open_files (window, files, (guint) n_files);
    }
}

/* Opens the team project a connection string names (the action's string target, passed to
 * the project unchanged); a new window first paints. */
static void
open_location_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gboolean created;
  DrWindow *window = get_window (DR_APPLICATION (user_data), &created);
  const char *location = g_variant_get_string (param, NULL);
  if (created)
    present_then_open (window, location, NULL, 0);
  else
    {
      gtk_window_present (GTK_WINDOW (window));
      dr_window_open_project_async (window, location);
    }
}

/* Connection strings (postgresql://…, postgres://…, service=NAME, keyword=value) on the
 * command line are not files: GApplication would make each a GFile relative to the current
 * folder. They are taken out of the arguments and opened through the "open-location" action,
 * which reaches the primary instance as they are; whatever else was given is handled as
 * before. */
static gboolean
dr_application_local_command_line (GApplication *app, char ***arguments, int *exit_status)
{
  char **argv = *arguments;
  g_autoptr (GPtrArray) locations = g_ptr_array_new ();
  g_autoptr (GStrvBuilder) rest = g_strv_builder_new ();
  for (guint i = 0; argv[i] != NULL; i++)
    {
      if (i > 0 && dr_pg_is_conninfo (argv[i]) && g_utf8_validate (argv[i], -1, NULL))
        g_ptr_array_add (locations, argv[i]);
      else
        g_strv_builder_add (rest, argv[i]);
    }
  if (locations->len == 0)
    return G_APPLICATION_CLASS (dr_application_parent_class)->local_command_line (app, arguments,
                                                                                 exit_status);
  g_autoptr (GError) error = NULL;
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      *exit_status = 1;
      return TRUE;
    }
  for (guint i = 0; i < locations->len; i++)
    g_action_group_activate_action (G_ACTION_GROUP (app), "open-location",
                                    g_variant_new_string (locations->pdata[i]));
  g_auto (GStrv) others = g_strv_builder_end (rest);
  *exit_status = 0;
  if (g_strv_length (others) <= 1)
    return TRUE;
  /* Files given beside the locations: the default handling opens them. */
  g_strfreev (*arguments);
  *arguments = g_steal_pointer (&others);
  return G_APPLICATION_CLASS (dr_application_parent_class)->local_command_line (app, arguments,
                                                                               exit_status);
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = GTK_WINDOW (dr_preferences_window_new (self));
  gtk_window_set_transient_for (prefs, parent);
  gtk_window_present (prefs);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "Damage Review contributors", NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", gtk_application_get_active_window (app),
                                   "application-name", _("Damage Review"),
                                   "application-icon", APP_ID,
                                   "version", PACKAGE_VERSION,
                                   "developer-name", "Damage Review contributors",
                                   "developers", developers,
                                   "comments", _("Review car-damage photos with four segmentation models, correct the masks and export a training set."),
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   "translator-credits", _("translator-credits"),
                                   NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = g_list_copy (gtk_application_get_windows (app));
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_entries[] = {
  { "open-location", open_location_activated, "s" },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
};

/* Keyboard accelerators of every action, app- and window-wide. */
static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.new-project", { "<Control>n", NULL } },
  { "win.open-project", { "<Control>o", NULL } },
  { "win.add-photos", { "<Control>i", NULL } },
  { "win.add-folder", { "<Control><Shift>o", NULL } },
  { "win.analyse-all", { "<Control>r", NULL } },
  /* Keys without a modifier (j, k, 1 … 4, o, f, +, −) are window shortcuts that act only
   * when no text entry takes the key: see dr-review-controller.c. Application accels would
   * fire before the entry and steal letters from notes and search. */
  { "win.next-photo", { "Page_Down", NULL } },
  { "win.previous-photo", { "Page_Up", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
  { "win.zoom-out", { "<Control>minus", NULL } },
  { "win.zoom-fit", { "<Control>0", NULL } },
  { "win.zoom-100", { "<Control>1", NULL } },
};

static void
dr_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (dr_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries),
                                   app);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
  dr_application_reload_models (DR_APPLICATION (app));
}

/* Stops the inference workers without making quitting wait for one that is finishing a step
 * the engine cannot interrupt (a 12 MP photo's overlay takes about a second): such a queue
 * is kept, still referenced, until the process exits, so nothing it uses is freed under it.
 * Results were stored by the window's session, which has been closed by now. */
static void
dr_application_shutdown (GApplication *app)
{
  DrApplication *self = DR_APPLICATION (app);
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  if (self->queue != NULL && !dr_inference_queue_stop (self->queue, QUIT_WAIT_US))
    still_stopping = g_steal_pointer (&self->queue);
  G_APPLICATION_CLASS (dr_application_parent_class)->shutdown (app);
}

static void
dr_application_finalize (GObject *object)
{
  DrApplication *self = DR_APPLICATION (object);
  g_clear_object (&self->queue);
  g_clear_object (&self->models);
  g_clear_object (&self->load_cancellable);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    clear_info (&self->info[d]);
  G_OBJECT_CLASS (dr_application_parent_class)->finalize (object);
}

static void
dr_application_class_init (DrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  object_class->finalize = dr_application_finalize;
  app_class->startup = dr_application_startup;
  app_class->shutdown = dr_application_shutdown;
  app_class->activate = dr_application_activate;
  app_class->open = dr_application_open;
  app_class->local_command_line = dr_application_local_command_line;

  signals[SIGNAL_MODELS_CHANGED] =
    g_signal_new ("models-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
dr_application_init (DrApplication *self)
{
}

/* Creates the application with its fixed id; files on the command line are opened. */
DrApplication *
dr_application_new (void)
{
  dr_register_resource ();
  return g_object_new (DR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
