/* dr-reviewer-dialog.c — see dr-reviewer-dialog.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-reviewer-dialog.h"

typedef struct {
  GSettings *settings;
  GtkEntry *entry;
  DrReviewerReady ready;
  gpointer user_data;
  GDestroyNotify destroy;
} Ask;

static void
ask_free (Ask *ask)
{
  if (ask->destroy)
    ask->destroy (ask->user_data);
  g_object_unref (ask->settings);
  g_free (ask);
}

/* "save": stores the trimmed name and continues; anything else just closes. */
static void
response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ask->entry))));
  if (g_str_equal (response, "save") && *name != '\0')
    {
      g_settings_set_string (ask->settings, "reviewer-name", name);
      if (ask->ready)
        ask->ready (ask->user_data);
    }
  ask_free (ask);
}

/* Enables "save" only for a non-empty name. */
static void
entry_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "save", *name != '\0');
}

/* See header. */
void
dr_reviewer_dialog_present (GtkWindow *parent, GSettings *settings, DrReviewerReady ready,
                            gpointer user_data, GDestroyNotify destroy)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Who Is Reviewing?"),
                                              _("Your name is recorded with every edit and "
                                                "verdict, so the training data says who "
                                                "decided what. You are asked once."));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Your name"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  g_autofree char *current = g_settings_get_string (settings, "reviewer-name");
  gtk_editable_set_text (GTK_EDITABLE (entry), current);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  entry_changed_cb (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));

  Ask *ask = g_new0 (Ask, 1);
  ask->settings = g_object_ref (settings);
  ask->entry = GTK_ENTRY (entry);
  ask->ready = ready;
  ask->user_data = user_data;
  ask->destroy = destroy;
  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}
