/* dr-export-dialog.c — see dr-export-dialog.h.
 *
 * The items are loaded from the project on the main thread (the project is not
 * thread-safe); writing, re-reading and comparing run on dr_export_run_async's worker, which
 * reports progress and the end on the dialog's own thread. Cancel, Escape or closing the dialog
 * during an export cancel it at
 * once on screen ("Cancelling…") and in the store, which then removes its staging folder, so
 * nothing half-written is left behind. Escape closes the dialog when no export runs. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-export-dialog.h"
#include "dr-export.h"

struct _DrExportDialog
{
  AdwWindow parent_instance;

  GtkWidget *cancel_button;
  GtkWidget *export_button;
  GtkWidget *options_group;
  AdwActionRow *folder_row;
  AdwComboRow *format_row;
  GtkSpinButton *split_spin;
  GtkSpinButton *seed_spin;
  GtkSwitch *reviewed_switch;
  GtkProgressBar *progress_bar;
  GtkLabel *result_label;

  DrProject *project;
  GFile *folder;
  GCancellable *cancellable;   /* set while an export runs */
  gboolean close_when_done;
};

G_DEFINE_FINAL_TYPE (DrExportDialog, dr_export_dialog, ADW_TYPE_WINDOW)

/* What the dialog keeps of a running export, for its result message; the callback's data. */
typedef struct {
  DrExportDialog *dialog;      /* a reference, dropped when the export has ended */
  char *out_dir;
  gboolean in_new_folder;      /* out_dir is a new folder inside the chosen, non-empty one */
  double val_fraction;
} ExportRun;

/* Frees the run and drops its reference on the dialog. */
static void
export_run_free (ExportRun *run)
{
  g_object_unref (run->dialog);
  g_free (run->out_dir);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportRun, export_run_free)

/* Main loop: shows the part done unless the export is being cancelled (or has ended). */
static void
progress_cb (guint done, guint total, gpointer user_data)
{
  DrExportDialog *self = user_data;
  if (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable))
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
}

/* Shows @text under the options, styled with @css_class ("success", "warning", "error") or
 * plainly when it is NULL; the style of an earlier message is dropped. */
static void
show_message (DrExportDialog *self, const char *text, const char *css_class)
{
  GtkWidget *label = GTK_WIDGET (self->result_label);
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "success");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_label_set_label (self->result_label, text);
  gtk_widget_set_visible (label, TRUE);
}

/* Hides the message and the progress of an earlier attempt, so that nothing stale stays on
 * screen once the options change. */
static void
clear_result (DrExportDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
}

/* The success message: counts, the full path written to (saying so when it is a new folder
 * inside the chosen one), photos left out, and why validation is empty when a share was asked
 * for and the split by claim could not honour it. Sets *warn when that last part is present. */
static char *
success_text (const ExportRun *run, const DrExportSummary *sum, gboolean *warn)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "Exported %u image (%u train, %u validation, "
                                             "%u annotations), verified pixel for pixel.",
                                             "Exported %u images (%u train, %u validation, "
                                             "%u annotations), verified pixel for pixel.",
                                             sum->n_images),
                          sum->n_images, sum->n_train, sum->n_val, sum->n_annotations);
  g_string_append_c (text, '\n');
  if (run->in_new_folder)
    g_string_append_printf (text, _("The chosen folder was not empty, so the dataset was "
                                    "written to a new folder inside it: %s"), run->out_dir);
  else
    g_string_append_printf (text, _("Written to %s"), run->out_dir);
  if (sum->n_skipped > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u unreviewed photo left out.",
                                                 "%u unreviewed photos left out.",
                                                 sum->n_skipped), sum->n_skipped);
    }
  *warn = run->val_fraction > 0.0 && sum->n_images > 0 && sum->n_val == 0;
  if (*warn)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "No photo went to validation although the "
                                                 "validation share is %.2f: photos are split by "
                                                 "claim so that no claim is in both sets, and "
                                                 "these photos belong to only %u claim.",
                                                 "No photo went to validation although the "
                                                 "validation share is %.2f: photos are split by "
                                                 "claim so that no claim is in both sets, and "
                                                 "these photos belong to only %u claims.",
                                                 sum->n_claims),
                              run->val_fraction, sum->n_claims);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Main loop: the export finished, failed or was cancelled. */
static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ExportRun) run = user_data;
  DrExportDialog *self = run->dialog;
  DrExportSummary summary;
  g_autoptr (GError) error = NULL;
  gboolean ok = dr_export_run_finish (result, &summary, &error);
  g_clear_object (&self->cancellable);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  gtk_widget_set_sensitive (self->options_group, TRUE);
  gtk_widget_set_sensitive (self->export_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  if (ok)
    {
      gboolean warn = FALSE;
      g_autofree char *text = success_text (run, &summary, &warn);
      show_message (self, text, warn ? "warning" : "success");
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_message (self, _("Export cancelled; nothing was written."), NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Export failed, nothing was kept: %s"),
                                               error->message);
      show_message (self, text, "error");
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
    }
}

/* The folder to write: the chosen one if it is empty or no longer exists, else a new dated
 * folder inside it that does not exist yet (*in_new_folder is then TRUE). */
static char *
output_dir (DrExportDialog *self, gboolean *in_new_folder)
{
  g_autofree char *path = g_file_get_path (self->folder);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  *in_new_folder = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS) || (dir != NULL && g_dir_read_name (dir) == NULL))
    return g_steal_pointer (&path);
  *in_new_folder = TRUE;
  g_autofree char *base = g_path_get_basename (dr_project_get_path (self->project));
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s-dataset-%s", base, stamp);
  char *out = g_build_filename (path, name, NULL);
  /* A second export within the same second gets "-2", "-3", … rather than failing. */
  for (guint n = 2; g_file_test (out, G_FILE_TEST_EXISTS); n++)
    {
      g_free (out);
      g_autofree char *numbered = g_strdup_printf ("%s-%u", name, n);
      out = g_build_filename (path, numbered, NULL);
    }
  return out;
}

/* Whether any of @items (DrExportItem *) has a verdict on all four damage types. */
static gboolean
any_reviewed (GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    if (dr_export_item_is_reviewed (items->pdata[i]))
      return TRUE;
  return FALSE;
}

/* Starts the export with the options on screen; instead explains, and writes nothing, when no
 * folder is chosen or "Reviewed Photos Only" would leave an empty dataset. */
static void
export_clicked_cb (DrExportDialog *self)
{
  if (self->cancellable != NULL)
    return;
  clear_result (self);
  if (self->folder == NULL)
    {
      show_message (self, _("Choose a folder first."), NULL);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = dr_export_load_items (self->project, &error);
  if (items == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Export failed, nothing was kept: %s"),
                                               error->message);
      show_message (self, text, "error");
      return;
    }
  gboolean reviewed_only = gtk_switch_get_active (self->reviewed_switch);
  if (reviewed_only && !any_reviewed (items))
    {
      show_message (self, _("No photo in this project has a verdict on all four damage types "
                            "yet, so with “Reviewed Photos Only” on the dataset would be empty. "
                            "Nothing was written. Review some photos first, or turn “Reviewed "
                            "Photos Only” off to export the masks as they are."), NULL);
      return;
    }
  static const DrExportFormat formats[] = {
    DR_EXPORT_FORMAT_BOTH, DR_EXPORT_FORMAT_COCO, DR_EXPORT_FORMAT_PNG,
  };
  guint fmt = adw_combo_row_get_selected (self->format_row);
  DrExportOptions options = {
    .formats = formats[MIN (fmt, G_N_ELEMENTS (formats) - 1)],
    .val_fraction = gtk_spin_button_get_value (self->split_spin),
    .seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin),
    .reviewed_only = reviewed_only,
  };
  ExportRun *run = g_new0 (ExportRun, 1);
  run->dialog = g_object_ref (self);
  run->out_dir = output_dir (self, &run->in_new_folder);
  run->val_fraction = options.val_fraction;

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->options_group, FALSE);
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Cancel"));
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);

  dr_export_run_async (items, run->out_dir, &options, progress_cb, self, self->cancellable,
                       export_done_cb, run);
}

/* Cancels the running export and says so at once: the progress bar reads "Cancelling…" and
 * Cancel is disabled until the worker has removed what it wrote (export_done_cb). */
static void
cancel_export (DrExportDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
}

/* Cancel while exporting; Close otherwise. */
static void
cancel_clicked_cb (DrExportDialog *self)
{
  if (self->cancellable != NULL)
    cancel_export (self);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Escape: the Cancel button while exporting; closes the dialog otherwise. */
static gboolean
escape_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  DrExportDialog *self = DR_EXPORT_DIALOG (widget);
  if (self->cancellable != NULL)
    cancel_export (self);
  else
    gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

/* Closing during an export cancels it and closes once the worker has cleaned up. */
static gboolean
dr_export_dialog_close_request (GtkWindow *window)
{
  DrExportDialog *self = DR_EXPORT_DIALOG (window);
  if (self->cancellable == NULL)
    return GTK_WINDOW_CLASS (dr_export_dialog_parent_class)->close_request (window);
  self->close_when_done = TRUE;
  cancel_export (self);
  return TRUE;
}

/* See header. A message left from an earlier attempt (e.g. "Choose a folder first.") goes away
 * as soon as a folder is chosen, unless an export is running. */
void
dr_export_dialog_set_folder (DrExportDialog *self, GFile *folder)
{
  g_return_if_fail (DR_IS_EXPORT_DIALOG (self));
  g_set_object (&self->folder, folder);
  g_autofree char *path = folder ? g_file_get_path (folder) : NULL;
  adw_action_row_set_subtitle (self->folder_row, path ? path : _("None chosen"));
  if (self->cancellable == NULL)
    clear_result (self);
}

/* The folder chooser closed: takes the folder when one was selected, then frees the chooser. */
static void
chooser_response_cb (GtkNativeDialog *chooser, int response, DrExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      dr_export_dialog_set_folder (self, folder);
    }
  g_object_unref (chooser);
}

/* "Choose…": asks for the output folder in a modal native chooser. */
static void
choose_folder_cb (DrExportDialog *self)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Export To Folder"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
                                 _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
dr_export_dialog_dispose (GObject *object)
{
  DrExportDialog *self = DR_EXPORT_DIALOG (object);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->folder);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (dr_export_dialog_parent_class)->dispose (object);
}

static void
dr_export_dialog_class_init (DrExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  object_class->dispose = dr_export_dialog_dispose;
  window_class->close_request = dr_export_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dr-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, split_spin);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, reviewed_switch);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DrExportDialog, result_label);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_cb);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
dr_export_dialog_init (DrExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
}

/* See header. */
DrExportDialog *
dr_export_dialog_present (GtkWindow *parent, DrProject *project)
{
  g_return_val_if_fail (DR_IS_PROJECT (project), NULL);
  DrExportDialog *self = g_object_new (DR_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
