/* dr-claims-controller.c — see dr-claims-controller.h. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dr-claim.h"
#include "dr-claims-controller.h"

struct _DrClaimsController
{
  GObject parent_instance;

  GtkWindow *window;             /* weak: holds the action, parent of the dialog */
  DrReviewRecorder *recorder;
  DrSession *session;            /* the open project, or NULL */
  DrPhotoItem *current;          /* the photo on screen, or NULL */
};

enum { SIG_TOAST, SIG_RENAMED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrClaimsController, dr_claims_controller, G_TYPE_OBJECT)

/* The name the store keeps for claim id (newly allocated), or NULL with error set. With
 * name not NULL, finds the claim called name instead and stores its id in *id. */
static char *
lookup_claim (DrProject *project, const char *name, gint64 *id, GError **error)
{
  g_autoptr (GPtrArray) claims = dr_claim_list (project, error);
  if (claims == NULL)
    return NULL;
  for (guint i = 0; i < claims->len; i++)
    {
      DrClaimInfo *info = claims->pdata[i];
      if (name != NULL ? g_strcmp0 (info->name, name) == 0 : info->id == *id)
        {
          *id = info->id;
          return g_strdup (info->name);
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The claim “%s” no longer exists"),
               name ? name : "");
  return NULL;
}

/* See header. The rename is written on the edit writer's thread. */
gboolean
dr_claims_controller_rename (DrClaimsController *self, const char *old_name,
                             const char *new_name, GError **error)
{
  g_return_val_if_fail (DR_IS_CLAIMS_CONTROLLER (self) && self->session != NULL, FALSE);
  DrProject *project = dr_session_get_project (self->session);
  gint64 id = 0;
  g_autofree char *found = lookup_claim (project, old_name, &id, error);
  if (found == NULL
      || !dr_review_recorder_rename_claim (self->recorder, project, id, new_name, error))
    return FALSE;
  g_autofree char *stored = lookup_claim (project, NULL, &id, error);
  if (stored == NULL)
    return FALSE;
  /* Only the name changed, so the items are relabelled in place: a reload would announce
   * the list as changed and reset the claim filter before it could follow the new name. */
  GListModel *items = dr_session_get_items (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      if (g_strcmp0 (dr_photo_item_get_claim (item), old_name) == 0)
        dr_photo_item_set_claim (item, stored);
    }
  g_signal_emit (self, signals[SIG_RENAMED], 0, old_name, stored);
  return TRUE;
}

typedef struct {
  DrClaimsController *controller;
  GtkEntry *entry;
  char *old_name;
} Rename;

static void
rename_free (Rename *rename)
{
  g_object_unref (rename->controller);
  g_free (rename->old_name);
  g_free (rename);
}

/* Whether the store can take name (already trimmed) as a claim name. */
static gboolean
name_acceptable (const char *name)
{
  glong n = g_utf8_strlen (name, -1);
  return n > 0 && n <= DR_CLAIM_NAME_MAX;
}

/* "rename": renames unless the name is unchanged, showing a refusal as a toast; anything
 * else just closes. */
static void
rename_response_cb (AdwMessageDialog *dialog, const char *response, Rename *rename)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (rename->entry))));
  DrClaimsController *self = rename->controller;
  if (g_str_equal (response, "rename") && name_acceptable (name) && self->session != NULL &&
      g_strcmp0 (name, rename->old_name) != 0)
    {
      g_autoptr (GError) error = NULL;
      if (!dr_claims_controller_rename (self, rename->old_name, name, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not rename the claim: %s"),
                                                  error->message);
          g_signal_emit (self, signals[SIG_TOAST], 0, msg);
        }
    }
  rename_free (rename);
}

/* Enables "rename" only for a name the store accepts. */
static void
rename_entry_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "rename", name_acceptable (name));
}

/* Asks for a new name for the shown photo's claim. */
static void
rename_claim_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrClaimsController *self = user_data;
  const char *claim = self->current ? dr_photo_item_get_claim (self->current) : NULL;
  if (self->session == NULL || claim == NULL || *claim == '\0')
    {
      g_signal_emit (self, signals[SIG_TOAST], 0, _("Select a photo to rename its claim"));
      return;
    }
  GtkWidget *dialog = adw_message_dialog_new (self->window, _("Rename Claim"),
                                              _("Every photo of this claim gets the new name."));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Claim name"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), DR_CLAIM_NAME_MAX);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), claim);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  rename_entry_changed_cb (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));

  Rename *rename = g_new0 (Rename, 1);
  rename->controller = g_object_ref (self);
  rename->entry = GTK_ENTRY (entry);
  rename->old_name = g_strdup (claim);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_entry_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (rename_response_cb), rename);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static const GActionEntry claims_entries[] = {
  { "rename-claim", rename_claim_activated },
};

/* See header. */
void
dr_claims_controller_set_session (DrClaimsController *self, DrSession *session)
{
  g_return_if_fail (DR_IS_CLAIMS_CONTROLLER (self));
  g_set_object (&self->session, session);
}

/* See header. */
void
dr_claims_controller_set_photo (DrClaimsController *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_CLAIMS_CONTROLLER (self));
  g_set_object (&self->current, item);
}

/* The action leaves the window. */
static void
dr_claims_controller_dispose (GObject *object)
{
  DrClaimsController *self = DR_CLAIMS_CONTROLLER (object);
  if (self->window != NULL)
    {
      g_action_map_remove_action (G_ACTION_MAP (self->window), claims_entries[0].name);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_object (&self->recorder);
  g_clear_object (&self->session);
  g_clear_object (&self->current);
  G_OBJECT_CLASS (dr_claims_controller_parent_class)->dispose (object);
}

static void
dr_claims_controller_class_init (DrClaimsControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_claims_controller_dispose;
  signals[SIG_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_RENAMED] = g_signal_new ("renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                       G_TYPE_STRING);
}

static void
dr_claims_controller_init (DrClaimsController *self)
{
}

/* See header. */
DrClaimsController *
dr_claims_controller_new (GtkWindow *window, DrReviewRecorder *recorder)
{
  DrClaimsController *self = g_object_new (DR_TYPE_CLAIMS_CONTROLLER, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->recorder = g_object_ref (recorder);
  g_action_map_add_action_entries (G_ACTION_MAP (window), claims_entries,
                                   G_N_ELEMENTS (claims_entries), self);
  return self;
}
