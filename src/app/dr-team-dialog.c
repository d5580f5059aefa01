/* dr-team-dialog.c — see dr-team-dialog.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-keyring.h"
#include "dr-pg-conn.h"
#include "dr-pg-location.h"
#include "dr-pg-password.h"
#include "dr-team-dialog.h"
#include "dr-team-login.h"

struct _DrTeamDialog
{
  AdwWindow parent_instance;

  AdwEntryRow *connection_row;
  AdwEntryRow *login_row;
  AdwPasswordEntryRow *password_row;
  GtkSwitch *remember_switch;
  GtkWidget *connect_button;
  GtkSpinner *spinner;
  GtkLabel *error_label;

  GCancellable *connecting;      /* the check under way, or NULL */
  char *error;                   /* the last failure's line, or NULL */
};

enum { SIG_LOCATION_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrTeamDialog, dr_team_dialog, ADW_TYPE_WINDOW)

/* Shows @line (NULL hides it) under the rows, and re-enables the fields. */
static void
show_error (DrTeamDialog *self, const char *line)
{
  g_free (self->error);
  self->error = g_strdup (line);
  gtk_label_set_label (self->error_label, line ? line : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), line != NULL);
}

/* Greys the fields out while connecting. */
static void
set_busy (DrTeamDialog *self, gboolean busy)
{
  gtk_widget_set_sensitive (self->connect_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connection_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

/* What the check needs: the location, and the password to remember (or NULL). */
typedef struct {
  char *location;
  char *remember;
  gboolean typed;                /* a password was typed (registered for the location) */
} Attempt;

static void
attempt_free (gpointer data)
{
  Attempt *a = data;
  g_free (a->location);
  dr_pg_password_free (a->remember);
  g_free (a);
}

/* Worker: connects once (dr_team_login_check). */
static void
check_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Attempt *a = data;
  GError *error = NULL;
  if (dr_team_login_check (a->location, cancellable, NULL, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
keyring_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  if (!dr_keyring_store_finish (result, &error))
    g_message ("the password was not remembered: %s", error->message);
}

/* Main loop: the server answered. Success remembers the password if asked and hands the
 * location on; failure shows its line and forgets a password typed for it. */
static void
check_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrTeamDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->connecting);
  set_busy (self, FALSE);
  Attempt *a = g_task_get_task_data (G_TASK (result));
  if (!ok)
    {
      if (a->typed)
        dr_pg_password_set (a->location, NULL);
      show_error (self, error->message);
      return;
    }
  if (a->remember != NULL)
    dr_keyring_store_async (a->location, a->remember, NULL, keyring_stored_cb, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[SIG_LOCATION_CHOSEN], 0, a->location);
  gtk_window_close (GTK_WINDOW (self));
}

/* Builds the location from the fields and checks it on a worker thread. */
static void
connect_clicked_cb (DrTeamDialog *self)
{
  if (self->connecting != NULL)
    return;
  g_autofree char *connection = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->connection_row))));
  g_autofree char *login = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->login_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (!dr_pg_is_conninfo (connection))
    {
      show_error (self, _("This is not a valid connection: use postgresql://SERVER/DATABASE or "
                          "service=NAME"));
      return;
    }
  if (dr_pg_location_has_password (connection))
    {
      show_error (self, _("Type the password in the Password field, not in the connection"));
      return;
    }
  Attempt *a = g_new0 (Attempt, 1);
  a->location = dr_pg_location_with_login (connection, login);
  if (*password != '\0')
    {
      dr_pg_password_set (a->location, password);
      a->typed = TRUE;
      if (gtk_switch_get_active (self->remember_switch))
        a->remember = g_strdup (password);
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  self->connecting = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (NULL, self->connecting, check_done_cb,
                                       g_object_ref (self));
  g_task_set_source_tag (task, connect_clicked_cb);
  g_task_set_task_data (task, a, attempt_free);
  g_task_run_in_thread (task, check_thread);
}

/* See header. */
void
dr_team_dialog_connect (DrTeamDialog *self, const char *connection, const char *login,
                        const char *password, gboolean remember)
{
  g_return_if_fail (DR_IS_TEAM_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->connection_row), connection);
  gtk_editable_set_text (GTK_EDITABLE (self->login_row), login ? login : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
  gtk_switch_set_active (self->remember_switch, remember);
  connect_clicked_cb (self);
}

/* See header. */
const char *
dr_team_dialog_get_error (DrTeamDialog *self)
{
  g_return_val_if_fail (DR_IS_TEAM_DIALOG (self), NULL);
  return self->error;
}

static void
dr_team_dialog_dispose (GObject *object)
{
  DrTeamDialog *self = DR_TEAM_DIALOG (object);
  if (self->connecting != NULL)
    g_cancellable_cancel (self->connecting);
  g_clear_object (&self->connecting);
  G_OBJECT_CLASS (dr_team_dialog_parent_class)->dispose (object);
}

static void
dr_team_dialog_finalize (GObject *object)
{
  DrTeamDialog *self = DR_TEAM_DIALOG (object);
  g_free (self->error);
  G_OBJECT_CLASS (dr_team_dialog_parent_class)->finalize (object);
}

static void
dr_team_dialog_class_init (DrTeamDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_team_dialog_dispose;
  object_class->finalize = dr_team_dialog_finalize;
  signals[SIG_LOCATION_CHOSEN] =
    g_signal_new ("location-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* An entry row titled @title whose Enter presses Connect. */
static AdwEntryRow *
add_entry_row (DrTeamDialog *self, AdwPreferencesGroup *group, GtkWidget *row,
               const char *title)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_signal_connect_swapped (row, "entry-activated", G_CALLBACK (connect_clicked_cb), self);
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

static void
dr_team_dialog_init (DrTeamDialog *self)
{
  gtk_window_set_title (GTK_WINDOW (self), _("Open Team Project"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, -1);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->connect_button = gtk_button_new_with_mnemonic (_("C_onnect"));
  gtk_widget_add_css_class (self->connect_button, "suggested-action");
  g_signal_connect_swapped (self->connect_button, "clicked", G_CALLBACK (connect_clicked_cb),
                            self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->connect_button);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (box), header);

  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_description (group,
    _("A team project lives on a PostgreSQL server. Your team lead gives you its address "
      "(postgresql://SERVER/DATABASE) or a service name, and your own login."));
  self->connection_row = add_entry_row (self, group, adw_entry_row_new (), _("Server"));
  self->login_row = add_entry_row (self, group, adw_entry_row_new (), _("Login"));
  self->password_row = ADW_PASSWORD_ENTRY_ROW (
    add_entry_row (self, group, adw_password_entry_row_new (), _("Password")));
  GtkWidget *remember = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (remember), _("Remember password"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (remember), _("Kept in the GNOME keyring"));
  self->remember_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->remember_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (remember), GTK_WIDGET (self->remember_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (remember),
                                         GTK_WIDGET (self->remember_switch));
  adw_preferences_group_add (group, remember);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (group));

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (box), content);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->connect_button);
}

/* See header. */
DrTeamDialog *
dr_team_dialog_new (GtkWindow *parent)
{
  DrTeamDialog *self = g_object_new (DR_TYPE_TEAM_DIALOG, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  return self;
}
