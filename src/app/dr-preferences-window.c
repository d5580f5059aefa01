/* dr-preferences-window.c — settings bound to GSettings, and the state of the four models
 * with "Import Checkpoint…" per damage type.
 *
 * An imported checkpoint is first loaded by the engine on a worker thread (the same
 * validation the app applies at start-up); only a file that loads is copied into the user
 * models directory, under the file name the model lookup expects. A file already there for
 * that damage type is kept beside it with ".old" appended, never deleted. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dr-damage-style.h"
#include "dr-model-set.h"
#include "dr-preferences-window.h"
#include "nn-unet.h"

struct _DrPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *reviewer_row;
  GtkAdjustment *opacity_adjustment;
  GtkSwitch *outline_switch;
  AdwPreferencesGroup *prices_group;
  AdwEntryRow *currency_row;
  AdwPreferencesGroup *models_group;
  GtkLabel *dirs_label;

  DrApplication *app;
  GSettings *settings;
  AdwActionRow *model_rows[DR_N_DAMAGE_TYPES];
  GtkWidget *import_buttons[DR_N_DAMAGE_TYPES];
  gulong models_changed_id;
};

G_DEFINE_FINAL_TYPE (DrPreferencesWindow, dr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Rewrites each model row's subtitle from the application's model states. Paths may wrap
 * only after a "/" (a zero-width space follows each), never inside a folder or file name;
 * the row's tooltip holds the text as is. */
static void
update_models (DrPreferencesWindow *self)
{
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      const char *path, *sha, *message;
      DrModelState state = dr_application_get_model (self->app, d, &path, &sha, &message);
      g_autofree char *text = NULL;
      switch (state)
        {
        case DR_MODEL_STATE_LOADING:
          text = g_strdup (_("Loading…"));
          break;
        case DR_MODEL_STATE_LOADED:
          text = g_strdup_printf (_("Loaded from %s\nSHA-256 %s"), path, sha);
          break;
        case DR_MODEL_STATE_MISSING:
          text = g_strdup_printf (_("Missing: %s"), message ? message : "");
          break;
        case DR_MODEL_STATE_INVALID:
        default:
          text = g_strdup_printf (_("Not usable: %s"), message ? message : "");
          break;
        }
      g_auto (GStrv) parts = g_strsplit (text, "/", -1);
      g_autofree char *breakable = g_strjoinv ("/\u200B", parts);
      g_autofree char *escaped = g_markup_escape_text (breakable, -1);
      adw_action_row_set_subtitle (self->model_rows[d], escaped);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_rows[d]), text);
      gtk_widget_set_sensitive (self->import_buttons[d], state != DR_MODEL_STATE_LOADING);
    }
}

/* ---- import ----------------------------------------------------------------------- */

typedef struct {
  guint damage;
  char *source;
  char *dest;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;
  g_free (job->source);
  g_free (job->dest);
  g_free (job);
}

/* Worker thread: loads the checkpoint with the engine, then copies it into place. */
static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ImportJob *job = data;
  NnUnet *model = NULL;
  NnError err;
  if (nn_unet_load (job->source, &model, &err) != NN_OK)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", err.message);
      return;
    }
  nn_unet_free (model);

  g_autofree char *dir = g_path_get_dirname (job->dest);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                               _("%s: cannot create the folder: %s"), dir, g_strerror (errno));
      return;
    }
  /* Earlier files of this type in the user folder would shadow the new one: keep them as .old */
  const char *const *names = dr_damage_get_file_names (job->damage);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *other = g_build_filename (dir, names[i], NULL);
      g_autofree char *old = g_strconcat (other, ".old", NULL);
      if (g_strcmp0 (other, job->source) != 0 && g_file_test (other, G_FILE_TEST_EXISTS))
        g_rename (other, old);
    }
  g_autoptr (GFile) from = g_file_new_for_path (job->source);
  g_autoptr (GFile) to = g_file_new_for_path (job->dest);
  g_autoptr (GError) error = NULL;
  if (!g_file_equal (from, to) &&
      !g_file_copy (from, to, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DrPreferencesWindow *self = DR_PREFERENCES_WINDOW (source);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      text = g_strdup_printf (_("%s model imported"), dr_damage_style_name (job->damage));
      dr_application_reload_models (self->app);
    }
  else
    text = g_strdup (error->message);
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 0);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
  update_models (self);
}

/* The file name the lookup expects for damage, with the extension of the chosen file. */
static const char *
dest_name (guint damage, const char *source)
{
  const char *const *names = dr_damage_get_file_names (damage);
  gboolean safetensors = g_str_has_suffix (source, ".safetensors");
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".safetensors") == safetensors)
      return names[i];
  return names[0];
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, DrPreferencesWindow *self)
{
  guint damage = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "damage"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      if (path != NULL)
        {
          ImportJob *job = g_new0 (ImportJob, 1);
          job->damage = damage;
          job->source = g_strdup (path);
          g_autofree char *dir = dr_application_dup_user_models_dir ();
          job->dest = g_build_filename (dir, dest_name (damage, path), NULL);
          g_autoptr (GTask) task = g_task_new (self, NULL, import_done_cb, NULL);
          g_task_set_task_data (task, job, import_job_free);
          g_task_run_in_thread (task, import_thread);
          adw_action_row_set_subtitle (self->model_rows[damage], _("Checking the checkpoint…"));
        }
    }
  g_object_unref (dialog);
}

static void
import_clicked_cb (GtkButton *button, DrPreferencesWindow *self)
{
  guint damage = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "damage"));
  g_autofree char *title = g_strdup_printf (_("Import %s Checkpoint"),
                                            dr_damage_style_name (damage));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Import"), _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PyTorch or safetensors checkpoints"));
  gtk_file_filter_add_pattern (filter, "*.pt");
  gtk_file_filter_add_pattern (filter, "*.pth");
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "damage", GUINT_TO_POINTER (damage));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- construction ----------------------------------------------------------------- */

/* One price row per damage type: a spin button bound to its settings key. */
static void
add_price_rows (DrPreferencesWindow *self)
{
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dr_damage_style_name (d));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Price per percent of the photo"));
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 1e9, 100);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      g_settings_bind (self->settings, dr_damage_get_price_key (d),
                       gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin)), "value",
                       G_SETTINGS_BIND_DEFAULT);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (self->prices_group, row);
    }
}

/* One row per model: its state as subtitle and an import button. */
static void
add_model_rows (DrPreferencesWindow *self)
{
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dr_damage_style_name (d));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      gtk_widget_add_css_class (row, "property");
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Import Checkpoint…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (button), "damage", GUINT_TO_POINTER (d));
      g_signal_connect (button, "clicked", G_CALLBACK (import_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->models_group, row);
      self->model_rows[d] = ADW_ACTION_ROW (row);
      self->import_buttons[d] = button;
    }

  g_autoptr (DrModelSet) set = dr_model_set_locate (NULL);
  g_autofree char *dirs = g_strjoinv ("\n", (char **) dr_model_set_get_search_dirs (set));
  g_autofree char *text = g_strdup_printf (_("Models are looked up in these folders, first match "
                                             "first; imported checkpoints go to the user folder:\n%s"),
                                           dirs);
  gtk_label_set_label (self->dirs_label, text);
}

static void
dr_preferences_window_dispose (GObject *object)
{
  DrPreferencesWindow *self = DR_PREFERENCES_WINDOW (object);
  if (self->app)
    g_clear_signal_handler (&self->models_changed_id, self->app);
  g_clear_object (&self->app);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (dr_preferences_window_parent_class)->dispose (object);
}

static void
dr_preferences_window_class_init (DrPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, reviewer_row);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, opacity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, outline_switch);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, prices_group);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, models_group);
  gtk_widget_class_bind_template_child (widget_class, DrPreferencesWindow, dirs_label);
}

static void
dr_preferences_window_init (DrPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "reviewer-name", self->reviewer_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "currency", self->currency_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "overlay-opacity", self->opacity_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "overlay-outline", self->outline_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  add_price_rows (self);
  add_model_rows (self);
}

/* Creates the preferences window showing app's models. */
DrPreferencesWindow *
dr_preferences_window_new (DrApplication *app)
{
  DrPreferencesWindow *self = g_object_new (DR_TYPE_PREFERENCES_WINDOW, NULL);
  self->app = g_object_ref (app);
  self->models_changed_id = g_signal_connect_swapped (app, "models-changed",
                                                      G_CALLBACK (update_models), self);
  update_models (self);
  return self;
}
