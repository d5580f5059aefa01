/* dr-report-dialog.c — see dr-report-dialog.h.
 *
 * The worker opens the project file itself (the window's connection stays on the main
 * thread); progress comes back through idle sources attached to the main context. Cancel,
 * Escape or closing the window during a report cancel it between pages, and the store
 * removes the partial file. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-claim.h"
#include "dr-damage-style.h"
#include "dr-report.h"
#include "dr-report-dialog.h"

struct _DrReportDialog
{
  AdwWindow parent_instance;

  GtkWidget *options_box;       /* claims and paper; insensitive while writing */
  GPtrArray *checks;            /* GtkCheckButton per claim, in list order */
  GPtrArray *claim_names;       /* char *, parallel to checks */
  AdwComboRow *paper_row;
  GtkWidget *export_button;
  GtkWidget *cancel_button;
  GtkProgressBar *progress_bar;
  GtkLabel *message_label;
  GtkWidget *open_button;

  char *project_path;
  GFile *written;               /* the last report written, for Open */
  GCancellable *cancellable;    /* set while a report is written */
  gboolean close_when_done;
};

G_DEFINE_FINAL_TYPE (DrReportDialog, dr_report_dialog, ADW_TYPE_WINDOW)

/* Main loop: pages written so far. Ignored once the report has ended or is cancelling. */
static void
progress_cb (guint done, guint total, gpointer user_data)
{
  DrReportDialog *self = user_data;
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, total ? (double) done / total : 0);
  /* TRANSLATORS: progress of the claim report: pages written, page count. */
  g_autofree char *text = g_strdup_printf (_("Page %u of %u"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* Shows @text under the options, styled as "success" or "error". */
static void
show_message (DrReportDialog *self, const char *text, const char *style)
{
  gtk_label_set_text (self->message_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), style);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
}

/* Main loop: the report was written, failed or was cancelled. */
static void
report_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrReportDialog) self = user_data;
  DrReportSummary summary;
  g_autoptr (GError) error = NULL;
  gboolean ok = dr_report_write_finish (result, &summary, &error);
  g_clear_object (&self->cancellable);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  gtk_widget_set_sensitive (self->options_box, TRUE);
  gtk_widget_set_sensitive (self->export_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (ok)
    {
      g_autofree char *path = g_file_get_path (self->written);
      /* TRANSLATORS: result of the claim report: the file, then its page count (always
       * at least 2). */
      g_autofree char *text = g_strdup_printf (_("Report written to %s: %u pages"), path,
                                               summary.n_pages);
      show_message (self, text, "success");
      gtk_widget_set_visible (self->open_button, TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (self, _("Cancelled; no report was written."), "error");
  else
    show_message (self, error->message, "error");
}

/* See header. */
void
dr_report_dialog_export_to (DrReportDialog *self, GFile *file)
{
  g_return_if_fail (DR_IS_REPORT_DIALOG (self) && self->cancellable == NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (self->checks->pdata[i]))
      {
        g_strv_builder_add (builder, self->claim_names->pdata[i]);
        n++;
      }
  if (n == 0)
    {
      show_message (self, _("Choose at least one claim."), "error");
      return;
    }
  g_auto (GStrv) claims = g_strv_builder_end (builder);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *currency = g_settings_get_string (settings, "currency");
  DrReportOptions options = {
    adw_combo_row_get_selected (self->paper_row) == 1 ? DR_REPORT_PAPER_LETTER
                                                      : DR_REPORT_PAPER_A4,
    (const char *const *) claims,
  };
  for (guint d = 0; d < DR_N_DAMAGE; d++)
    options.prices[d] = g_settings_get_double (settings, dr_damage_get_price_key (d));
  options.currency = currency;

  g_set_object (&self->written, file);
  g_autofree char *path = g_file_get_path (file);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->options_box, FALSE);
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Cancel"));
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_widget_set_visible (self->open_button, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the project…"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  dr_report_write_async (self->project_path, path, &options, progress_cb, self,
                         self->cancellable, report_done_cb, g_object_ref (self));
}

/* The file chooser answered. */
static void
chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  DrReportDialog *self = user_data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        dr_report_dialog_export_to (self, file);
    }
  g_object_unref (chooser);
}

/* "Export…": asks where to save, suggesting the first ticked claim's name. */
static void
export_clicked_cb (DrReportDialog *self)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Save Claim Report"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  const char *first = NULL;
  for (guint i = 0; i < self->checks->len && first == NULL; i++)
    if (gtk_check_button_get_active (self->checks->pdata[i]))
      first = self->claim_names->pdata[i];
  /* TRANSLATORS: suggested file name of the claim report; %s is the claim name. */
  g_autofree char *name = g_strdup_printf (_("%s report.pdf"), first ? first : _("Claims"));
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Cancels the running report; Cancel stays insensitive until the worker has cleaned up. */
static void
cancel_report (DrReportDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
}

/* Cancel while writing; Close otherwise. */
static void
cancel_clicked_cb (DrReportDialog *self)
{
  if (self->cancellable != NULL)
    cancel_report (self);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

/* "Open": shows the written report in the default PDF viewer. */
static void
open_clicked_cb (DrReportDialog *self)
{
  g_autofree char *uri = g_file_get_uri (self->written);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

/* Closing during a report cancels it and closes once the worker has cleaned up. */
static gboolean
dr_report_dialog_close_request (GtkWindow *window)
{
  DrReportDialog *self = DR_REPORT_DIALOG (window);
  if (self->cancellable == NULL)
    return GTK_WINDOW_CLASS (dr_report_dialog_parent_class)->close_request (window);
  self->close_when_done = TRUE;
  cancel_report (self);
  return TRUE;
}

/* Escape: Cancel while writing, Close otherwise. */
static gboolean
escape_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  cancel_clicked_cb (DR_REPORT_DIALOG (widget));
  return TRUE;
}

static void
dr_report_dialog_finalize (GObject *object)
{
  DrReportDialog *self = DR_REPORT_DIALOG (object);
  g_ptr_array_unref (self->checks);
  g_ptr_array_unref (self->claim_names);
  g_free (self->project_path);
  g_clear_object (&self->written);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (dr_report_dialog_parent_class)->finalize (object);
}

static void
dr_report_dialog_class_init (DrReportDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dr_report_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = dr_report_dialog_close_request;
  gtk_widget_class_add_binding (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, escape_cb, NULL);
}

/* Builds the widgets: header bar with Cancel and Export…, claims, paper, progress, result. */
static void
dr_report_dialog_init (DrReportDialog *self)
{
  self->checks = g_ptr_array_new ();
  self->claim_names = g_ptr_array_new_with_free_func (g_free);
  gtk_window_set_title (GTK_WINDOW (self), _("Export Claim Report"));
  gtk_window_set_default_size (GTK_WINDOW (self), 460, 440);

  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Close"));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb),
                            self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->cancel_button);
  self->export_button = gtk_button_new_with_mnemonic (_("_Export…"));
  gtk_widget_add_css_class (self->export_button, "suggested-action");
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb),
                            self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->export_button);

  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_vexpand (page, TRUE);
  self->options_box = page;

  GtkWidget *status = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (status, 18);
  gtk_widget_set_margin_end (status, 18);
  gtk_widget_set_margin_bottom (status, 18);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress_bar, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_box_append (GTK_BOX (status), GTK_WIDGET (self->progress_bar));
  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_label_set_xalign (self->message_label, 0);
  gtk_label_set_selectable (self->message_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_box_append (GTK_BOX (status), GTK_WIDGET (self->message_label));
  self->open_button = gtk_button_new_with_mnemonic (_("_Open Report"));
  gtk_widget_set_halign (self->open_button, GTK_ALIGN_START);
  gtk_widget_set_visible (self->open_button, FALSE);
  g_signal_connect_swapped (self->open_button, "clicked", G_CALLBACK (open_clicked_cb), self);
  gtk_box_append (GTK_BOX (status), self->open_button);
  gtk_box_append (GTK_BOX (box), status);
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* Adds one row per claim to @group, ticking @claim (every claim when it is NULL). */
static void
add_claim_rows (DrReportDialog *self, GtkWidget *group, DrProject *project, const char *claim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claims = dr_claim_list (project, &error);
  if (claims == NULL)
    {
      show_message (self, error->message, "error");
      return;
    }
  for (guint i = 0; i < claims->len; i++)
    {
      DrClaimInfo *info = claims->pdata[i];
      if (info->n_photos == 0)
        continue;
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo",
                                                             "%u photos", info->n_photos),
                                                info->n_photos);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), count);
      GtkWidget *check = gtk_check_button_new ();
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   claim == NULL || g_strcmp0 (claim, info->name) == 0);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_ptr_array_add (self->checks, check);
      g_ptr_array_add (self->claim_names, g_strdup (info->name));
    }
}

/* See header. */
DrReportDialog *
dr_report_dialog_present (GtkWindow *parent, DrProject *project, const char *claim)
{
  DrReportDialog *self = g_object_new (DR_TYPE_REPORT_DIALOG, "transient-for", parent,
                                       "modal", TRUE, NULL);
  self->project_path = g_strdup (dr_project_get_path (project));

  GtkWidget *claims = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (claims), _("Claims"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (claims),
    _("A summary page per claim, then a page per photo with its final masks, areas and "
      "verdicts."));
  add_claim_rows (self, claims, project, claim);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->options_box),
                            ADW_PREFERENCES_GROUP (claims));

  GtkWidget *paper = adw_preferences_group_new ();
  const char *papers[] = { _("A4"), _("US Letter"), NULL };
  self->paper_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->paper_row), _("Paper"));
  g_autoptr (GtkStringList) list = gtk_string_list_new (papers);
  adw_combo_row_set_model (self->paper_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->paper_row,
                              dr_report_paper_default () == DR_REPORT_PAPER_LETTER ? 1 : 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (paper), GTK_WIDGET (self->paper_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->options_box),
                            ADW_PREFERENCES_GROUP (paper));

  gtk_window_present (GTK_WINDOW (self));
  return self;
}
