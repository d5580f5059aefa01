/* dr-team-controller.c — assignment and the analysis queue of a team project in the window
 * (see dr-team-controller.h). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dr-claim-lease.h"
#include "dr-damage.h"
#include "dr-pg-claims.h"
#include "dr-pg-watch.h"
#include "dr-pg-work-items.h"
#include "dr-team-controller.h"
#include "dr-team-monitor.h"

struct _DrTeamController
{
  GObject parent_instance;
  GtkWindow *window;           /* not owned */
  DrPhotoList *list;           /* not owned */
  DrSession *session;          /* a team project's, or NULL */
  DrTeamMonitor *monitor;
  DrClaimLease *lease;
  DrPgWatch *watch;            /* live hints: a work item changed (assignment, lease) */
  DrTeamSnapshot *snapshot;    /* the last read, or NULL */
  GHashTable *work;            /* claim name → DrPhotoListWork */
  DrPhotoItem *photo;          /* shown */
  gint64 taken;                /* id of a claim just taken by "next", to show; 0: none */
  gboolean read_failing;       /* the last read of the team failed (told once) */
};

/* A broken watch connection is tried again this often. */
#define DR_TEAM_CONTROLLER_WATCH_RETRY_MS 5000

enum { SIG_TOAST, SIG_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrTeamController, dr_team_controller, G_TYPE_OBJECT)

static void
toast (DrTeamController *self, const char *message)
{
  g_signal_emit (self, signals[SIG_TOAST], 0, message);
}

static void
work_free (DrPhotoListWork *work)
{
  g_free (work->assignee);
  g_free (work->lease_holder);
  g_free (work);
}

/* The work item of the claim called @name in the last read, or NULL. */
static const DrPgWorkItem *
find_work_item (DrTeamController *self, const char *name)
{
  for (guint i = 0; self->snapshot != NULL && i < self->snapshot->work_items->len; i++)
    {
      const DrPgWorkItem *w = self->snapshot->work_items->pdata[i];
      if (g_strcmp0 (w->claim_name, name) == 0)
        return w;
    }
  return NULL;
}

/* The work item by claim id in the last read, or NULL. */
static const DrPgWorkItem *
find_work_id (DrTeamController *self, gint64 claim_id)
{
  for (guint i = 0; self->snapshot != NULL && i < self->snapshot->work_items->len; i++)
    {
      const DrPgWorkItem *w = self->snapshot->work_items->pdata[i];
      if (w->claim_id == claim_id)
        return w;
    }
  return NULL;
}

static gboolean
is_lead (DrTeamController *self)
{
  return self->snapshot != NULL && g_strcmp0 (self->snapshot->role, "lead") == 0;
}

/* Enables the lead's claim actions for the shown photo's claim. */
static void
update_actions (DrTeamController *self)
{
  gboolean lead = self->session != NULL && is_lead (self) && self->photo != NULL
                  && find_work_item (self, dr_photo_item_get_claim (self->photo)) != NULL;
  const char *names[] = { "assign-claim", "take-over-claim" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->window), names[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), lead);
    }
}

/* The queue as the progress bar shows it: NULL text when nothing is queued or running. */
static void
show_queue (DrTeamController *self)
{
  const DrPgQueueCounts *n = &self->snapshot->counts;
  gint64 total = n->queued + n->running + n->failed + n->done;
  if (n->queued + n->running == 0)
    {
      g_signal_emit (self, signals[SIG_PROGRESS], 0, NULL, 0.0);
      return;
    }
  /* TRANSLATORS: progress of the team's analysis queue (every worker's), then jobs per second */
  g_autofree char *text = g_strdup_printf (_("Workers: %lld queued, %lld running, %lld failed, "
                                             "%lld done · %.1f jobs/s"),
                                           (long long) n->queued, (long long) n->running,
                                           (long long) n->failed, (long long) n->done,
                                           self->snapshot->rate);
  g_signal_emit (self, signals[SIG_PROGRESS], 0, text,
                 total > 0 ? (double) (n->done + n->failed) / (double) total : 0.0);
}

/* Failed photos become error rows naming the model and the last error. */
static void
show_failed (DrTeamController *self)
{
  for (guint i = 0; i < self->snapshot->failed->len; i++)
    {
      const DrPgFailedJob *job = self->snapshot->failed->pdata[i];
      DrPhotoItem *item = dr_session_find_item (self->session, job->photo_id);
      if (item == NULL || dr_photo_item_get_status (item) == DR_ITEM_STATUS_ERROR)
        continue;
      /* TRANSLATORS: model name, then the last error a worker reported */
      g_autofree char *message = g_strdup_printf (_("Analysis failed (%s): %s"),
                                                  dr_damage_get_model_name ((DrDamage) job->damage),
                                                  job->last_error);
      dr_photo_item_set_error (item, message);
    }
}

/* Whether @item still needs a verdict (reviewed and unreadable photos do not). */
static gboolean
needs_review (DrPhotoItem *item)
{
  DrItemStatus status = dr_photo_item_get_status (item);
  return status != DR_ITEM_STATUS_REVIEWED && status != DR_ITEM_STATUS_ERROR;
}

/* The first photo of claim @name in the list as shown that needs a verdict, other than
 * @skip; with @any_photo, else its first photo at all. NULL when none. */
static DrPhotoItem *
find_in_claim (DrTeamController *self, const char *name, DrPhotoItem *skip, gboolean any_photo)
{
  GListModel *visible = dr_photo_list_get_visible (self->list);
  guint n = g_list_model_get_n_items (visible);
  DrPhotoItem *first = NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (visible, i);
      if (g_strcmp0 (dr_photo_item_get_claim (item), name) != 0 || item == skip)
        continue;
      if (needs_review (item))
        return item;  /* the list holds a reference */
      if (first == NULL)
        first = item;
    }
  return any_photo ? first : NULL;
}

/* Shows claim @name: its first photo that needs a verdict, else its first photo. */
static gboolean
show_claim (DrTeamController *self, const char *name)
{
  DrPhotoItem *item = find_in_claim (self, name, NULL, TRUE);
  return item != NULL && dr_photo_list_select_item (self->list, item);
}

/* Shows the claim "next" took once the last read knows it (a claim created or assigned since
 * the last read is shown after the next one). */
static void
show_taken (DrTeamController *self)
{
  const DrPgWorkItem *w = self->taken != 0 ? find_work_id (self, self->taken) : NULL;
  if (w != NULL && show_claim (self, w->claim_name))
    self->taken = 0;
}

/* The lease's answers: the claim taken is shown; refusals and a lost lease are told. */
static void
lease_cb (DrClaimLease *lease, DrClaimLeaseEvent event, gint64 claim_id, const char *message,
          gpointer user_data)
{
  DrTeamController *self = user_data;
  switch (event)
    {
    case DR_CLAIM_LEASE_TAKEN:
    case DR_CLAIM_LEASE_TAKEN_OVER:
      if (claim_id == 0)
        {
          toast (self, _("No claim is left to take"));
          break;
        }
      self->taken = claim_id;
      show_taken (self);
      break;
    case DR_CLAIM_LEASE_LOST:
      toast (self, _("Your lease on this claim ran out and someone else took it"));
      break;
    case DR_CLAIM_LEASE_REFUSED:
      toast (self, message);
      break;
    case DR_CLAIM_LEASE_ASSIGNED:
    case DR_CLAIM_LEASE_RELEASED:
    case DR_CLAIM_LEASE_CLOSED:
      break;
    }
  if (self->monitor != NULL)
    dr_team_monitor_wake (self->monitor);
}

/* The watch: a work item changed (someone took, left or was given a claim), or the watch
 * (re)connected and anything may have: read the team again. Other hints (edits, verdicts) do
 * not change what this controller shows. */
static void
watch_cb (DrPgWatch *watch, const char *payload, gpointer user_data)
{
  DrTeamController *self = user_data;
  if (payload != NULL)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *root = json_parser_load_from_data (parser, payload, -1, NULL)
        ? json_parser_get_root (parser) : NULL;
      JsonObject *hint = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
        ? json_node_get_object (root) : NULL;
      if (hint == NULL
          || g_strcmp0 (json_object_get_string_member_with_default (hint, "kind", ""),
                        "work_items") != 0)
        return;
    }
  if (self->monitor != NULL)
    dr_team_monitor_wake (self->monitor);
}

/* The monitor read the team again: filter, progress, error rows, actions. */
static void
snapshot_cb (DrTeamMonitor *monitor, const DrTeamSnapshot *snapshot, const char *message,
             gpointer user_data)
{
  DrTeamController *self = user_data;
  if (snapshot == NULL)
    {
      /* Told once per failing spell (the monitor retries every few seconds); an unreachable
       * server comes without a message: the window's banner says so. */
      if (!self->read_failing && message != NULL)
        toast (self, message);
      self->read_failing = TRUE;
      return;
    }
  self->read_failing = FALSE;
  gboolean first = self->snapshot == NULL;
  /* The monitor frees its copy after this call; keep our own (fields are moved). */
  dr_team_snapshot_free (self->snapshot);
  self->snapshot = g_new0 (DrTeamSnapshot, 1);
  DrTeamSnapshot *s = (DrTeamSnapshot *) snapshot;
  *self->snapshot = *s;
  memset (s, 0, sizeof *s);

  g_autoptr (GHashTable) work = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) work_free);
  for (guint i = 0; i < self->snapshot->work_items->len; i++)
    {
      const DrPgWorkItem *w = self->snapshot->work_items->pdata[i];
      DrPhotoListWork *entry = g_new0 (DrPhotoListWork, 1);
      entry->assignee = g_strdup (w->assignee);
      entry->lease_holder = g_strdup (w->lease_holder);
      g_hash_table_replace (work, g_strdup (w->claim_name), entry);
    }
  g_clear_pointer (&self->work, g_hash_table_unref);
  self->work = g_hash_table_ref (work);
  dr_photo_list_set_work (self->list, work, self->snapshot->login);
  if (first)
    self->watch = dr_pg_watch_new (dr_session_get_path (self->session), self->snapshot->team,
                                   g_main_context_get_thread_default ()
                                     ? g_main_context_get_thread_default ()
                                     : g_main_context_default (),
                                   DR_TEAM_CONTROLLER_WATCH_RETRY_MS, watch_cb, self);
  if (first && g_strcmp0 (self->snapshot->role, "worker") != 0)
    self->lease = dr_claim_lease_new (dr_session_get_path (self->session), self->snapshot->team,
                                      g_strcmp0 (self->snapshot->role, "reviewer") == 0
                                        ? DR_PG_STAGE_REVIEW : DR_PG_STAGE_ANNOTATION,
                                      DR_CLAIM_LEASE_SECONDS, DR_CLAIM_LEASE_HEARTBEAT_SECONDS,
                                      lease_cb, self);
  show_queue (self);
  show_failed (self);
  update_actions (self);
  show_taken (self);
}

/* Analyse All's answer: how many jobs the workers got, or why not. */
static void
enqueued_cb (DrTeamMonitor *monitor, gint64 added, const char *message, gpointer user_data)
{
  DrTeamController *self = user_data;
  if (message != NULL)
    {
      toast (self, message);
      return;
    }
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%lld job queued for the workers",
                                                        "%lld jobs queued for the workers",
                                                        (gulong) MIN (added, G_MAXLONG)),
                                           (long long) added);
  toast (self, added > 0 ? text : _("Nothing is left to analyse: every photo has a result"));
}

/* See header. */
void
dr_team_controller_set_session (DrTeamController *self, DrSession *session)
{
  g_return_if_fail (DR_IS_TEAM_CONTROLLER (self));
  if (session != NULL && !dr_session_is_team (session))
    session = NULL;
  if (self->session == session)
    return;
  g_clear_pointer (&self->watch, dr_pg_watch_free);
  g_clear_pointer (&self->lease, dr_claim_lease_free);
  g_clear_pointer (&self->monitor, dr_team_monitor_free);
  g_clear_pointer (&self->snapshot, dr_team_snapshot_free);
  g_clear_pointer (&self->work, g_hash_table_unref);
  self->taken = 0;
  self->read_failing = FALSE;
  g_set_object (&self->session, session);
  dr_photo_list_set_work (self->list, NULL, NULL);
  g_signal_emit (self, signals[SIG_PROGRESS], 0, NULL, 0.0);
  if (session != NULL)
    self->monitor = dr_team_monitor_new (dr_session_get_path (session), snapshot_cb,
                                         enqueued_cb, self);
  update_actions (self);
}

/* See header. */
void
dr_team_controller_set_photo (DrTeamController *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_TEAM_CONTROLLER (self));
  g_set_object (&self->photo, item);
  update_actions (self);
}

/* See header. */
gboolean
dr_team_controller_is_active (DrTeamController *self)
{
  g_return_val_if_fail (DR_IS_TEAM_CONTROLLER (self), FALSE);
  return self->session != NULL;
}

/* See header. */
void
dr_team_controller_analyse_all (DrTeamController *self)
{
  g_return_if_fail (DR_IS_TEAM_CONTROLLER (self));
  /* The server refuses the others anyway; this says so in the user's words. */
  if (self->snapshot != NULL && g_strcmp0 (self->snapshot->role, "lead") != 0
      && g_strcmp0 (self->snapshot->role, "worker") != 0)
    toast (self, _("Only a team lead can queue photos for the workers"));
  else if (self->monitor != NULL)
    dr_team_monitor_enqueue (self->monitor);
}

/* See header. */
void
dr_team_controller_next (DrTeamController *self)
{
  g_return_if_fail (DR_IS_TEAM_CONTROLLER (self));
  /* The claim I hold first: its next photo that needs a verdict; the next claim only once
   * none is left (leaving a claim gives its lease back). */
  const DrPgWorkItem *held = self->lease != NULL
    ? find_work_id (self, dr_claim_lease_get_claim (self->lease)) : NULL;
  DrPhotoItem *item = held != NULL ? find_in_claim (self, held->claim_name, self->photo, FALSE)
                                   : NULL;
  if (item != NULL)
    dr_photo_list_select_item (self->list, item);
  else if (self->lease != NULL)
    dr_claim_lease_next (self->lease);
  else if (self->session != NULL)
    toast (self, _("Your role does not take claims to work on"));
}

/* The shown photo's claim, for the lead's actions; NULL (with a toast) when there is none. */
static const DrPgWorkItem *
current_claim (DrTeamController *self)
{
  const DrPgWorkItem *w = self->photo != NULL
    ? find_work_item (self, dr_photo_item_get_claim (self->photo)) : NULL;
  if (w == NULL)
    toast (self, _("Choose a photo of the claim first"));
  return w;
}

static void
take_over_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrTeamController *self = user_data;
  const DrPgWorkItem *w = current_claim (self);
  if (w != NULL && self->lease != NULL)
    dr_claim_lease_take_over (self->lease, w->claim_id);
}

typedef struct {
  DrTeamController *controller;
  DrSession *session;          /* the project the dialog was opened on */
  GtkDropDown *members;
  GtkStringList *names;        /* what the dialog shows: "Nobody", then the members */
  gint64 claim_id;
} Assign;

static void
assign_free (Assign *assign)
{
  g_object_unref (assign->controller);
  g_object_unref (assign->session);
  g_object_unref (assign->names);
  g_free (assign);
}

/* "assign": hands the claim to the member chosen (the first choice is nobody), named from the
 * dialog's own list (the team read every few seconds may have changed meanwhile); nothing when
 * another project was opened while the dialog was up. */
static void
assign_response_cb (AdwMessageDialog *dialog, const char *response, Assign *assign)
{
  DrTeamController *self = assign->controller;
  guint pos = gtk_drop_down_get_selected (assign->members);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (assign->names));
  if (g_str_equal (response, "assign") && self->lease != NULL
      && self->session == assign->session && pos < n)
    dr_claim_lease_assign (self->lease, assign->claim_id,
                           pos == 0 ? NULL : gtk_string_list_get_string (assign->names, pos));
  assign_free (assign);
}

static void
assign_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  DrTeamController *self = user_data;
  const DrPgWorkItem *w = current_claim (self);
  if (w == NULL)
    return;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("Nobody"));
  guint chosen = 0;
  for (guint i = 0; self->snapshot->members[i] != NULL; i++)
    {
      gtk_string_list_append (names, self->snapshot->members[i]);
      if (g_strcmp0 (self->snapshot->members[i], w->assignee) == 0)
        chosen = i + 1;
    }
  GtkWidget *dialog = adw_message_dialog_new (self->window, _("Assign Claim"), NULL);
  /* TRANSLATORS: claim name */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Who works on “%s”? Their lease, if any, is dropped."),
                                  w->claim_name);
  GtkWidget *members = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (members), chosen);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), members);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "assign", _("_Assign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "assign",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "assign");
  Assign *assign = g_new0 (Assign, 1);
  assign->controller = g_object_ref (self);
  assign->session = g_object_ref (self->session);
  assign->members = GTK_DROP_DOWN (members);
  assign->names = g_object_ref (names);
  assign->claim_id = w->claim_id;
  g_signal_connect (dialog, "response", G_CALLBACK (assign_response_cb), assign);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry actions[] = {
  { "assign-claim", assign_activated },
  { "take-over-claim", take_over_activated },
};

static void
dr_team_controller_dispose (GObject *object)
{
  DrTeamController *self = DR_TEAM_CONTROLLER (object);
  g_clear_pointer (&self->watch, dr_pg_watch_free);
  g_clear_pointer (&self->lease, dr_claim_lease_free);
  g_clear_pointer (&self->monitor, dr_team_monitor_free);
  g_clear_pointer (&self->snapshot, dr_team_snapshot_free);
  g_clear_pointer (&self->work, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->photo);
  G_OBJECT_CLASS (dr_team_controller_parent_class)->dispose (object);
}

static void
dr_team_controller_class_init (DrTeamControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_team_controller_dispose;
  signals[SIG_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
dr_team_controller_init (DrTeamController *self)
{
}

/* See header. */
DrTeamController *
dr_team_controller_new (GtkWindow *window, DrPhotoList *list)
{
  DrTeamController *self = g_object_new (DR_TYPE_TEAM_CONTROLLER, NULL);
  self->window = window;
  self->list = list;
  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), self);
  update_actions (self);
  return self;
}
