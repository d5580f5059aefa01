/* dr-team-live.c — see dr-team-live.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dr-pg-location.h"
#include "dr-pg-watch.h"
#include "dr-photo.h"
#include "dr-post.h"
#include "dr-project.h"
#include "dr-store-error.h"
#include "dr-team-live.h"

/* One re-read for the reader thread: every photo (all) or the photos in ids. */
typedef struct {
  gboolean stop;
  gboolean all;
  GArray *ids;                   /* gint64 */
} Request;

/* Shared by the window's object and its reader thread (reference-counted, GRcBox). */
typedef struct {
  char *location;
  GAsyncQueue *requests;         /* Request* */
  GMainContext *context;         /* the owner's */
  GWeakRef owner;                /* the DrTeamLive, or NULL once it is gone */
} Reader;

struct _DrTeamLive
{
  GObject parent_instance;

  DrSession *session;
  DrPgWatch *watch;
  Reader *reader;
  gboolean reading;              /* a request is with the reader thread */
  gboolean want_all;             /* gathered for the next request */
  GHashTable *want_ids;          /* gint64* set, gathered for the next request */
  gboolean listening;
  gboolean lost_said;            /* "server-lost" was emitted and no "server-back" since */
  gboolean started;              /* the watch has listened once */
  gboolean session_lost;         /* the session's own connection was found lost */
  guint check_id;                /* the timer that looks for that */
};

enum { SIG_PHOTOS_CHANGED, SIG_CLAIM_CHANGED, SIG_SERVER_LOST, SIG_SERVER_BACK, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrTeamLive, dr_team_live, G_TYPE_OBJECT)

static void
request_free (gpointer data)
{
  Request *r = data;
  if (r->ids != NULL)
    g_array_unref (r->ids);
  g_free (r);
}

static void
reader_clear (gpointer data)
{
  Reader *reader = data;
  g_free (reader->location);
  g_async_queue_unref (reader->requests);
  g_main_context_unref (reader->context);
  g_weak_ref_clear (&reader->owner);
}

/* What the reader read for one request, posted to the owner's context. */
typedef struct {
  Reader *reader;                /* a reference */
  gboolean all;
  GPtrArray *infos;              /* DrPhotoInfo*, or NULL after an error */
  char *error;
} Result;

static void
result_free (gpointer data)
{
  Result *res = data;
  g_rc_box_release_full (res->reader, reader_clear);
  g_clear_pointer (&res->infos, g_ptr_array_unref);
  g_free (res->error);
  g_free (res);
}

static void send_request (DrTeamLive *self);

/* Main loop: a re-read finished. Its rows update the items (if this object and its session
 * are still there), then the gathered hints go out as the next request. */
static gboolean
result_cb (gpointer data)
{
  Result *res = data;
  g_autoptr (DrTeamLive) self = g_weak_ref_get (&res->reader->owner);
  if (self == NULL)
    return G_SOURCE_REMOVE;
  self->reading = FALSE;
  if (res->infos != NULL)
    {
      dr_session_apply (self->session, res->infos);
      if (res->all)
        g_signal_emit (self, signals[SIG_PHOTOS_CHANGED], 0, (gint64) 0);
      else
        for (guint i = 0; i < res->infos->len; i++)
          g_signal_emit (self, signals[SIG_PHOTOS_CHANGED], 0,
                         ((DrPhotoInfo *) res->infos->pdata[i])->id);
    }
  else
    {
      g_debug ("live re-read failed: %s", res->error);
      /* Read again once the watch listens again (it re-reads everything then). */
    }
  send_request (self);
  return G_SOURCE_REMOVE;
}

/* Reader thread: opens its own connection (again after a failure) and answers requests in
 * order until told to stop. */
static gpointer
reader_main (gpointer data)
{
  Reader *reader = data;
  g_autoptr (DrProject) project = NULL;
  for (;;)
    {
      Request *r = g_async_queue_pop (reader->requests);
      if (r->stop)
        {
          request_free (r);
          break;
        }
      Result *res = g_new0 (Result, 1);
      res->reader = g_rc_box_acquire (reader);
      res->all = r->all;
      g_autoptr (GError) error = NULL;
      if (project == NULL)
        project = dr_project_open (reader->location, DR_PROJECT_OPEN_EXISTING, &error);
      if (project != NULL && r->all)
        res->infos = dr_photo_list (project, &error);
      else if (project != NULL)
        {
          res->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
          for (guint i = 0; i < r->ids->len && res->infos != NULL; i++)
            {
              DrPhotoInfo *info = dr_photo_get (project, g_array_index (r->ids, gint64, i),
                                                &error);
              if (info != NULL)
                g_ptr_array_add (res->infos, info);
              else if (!g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND))
                g_clear_pointer (&res->infos, g_ptr_array_unref);
              else
                g_clear_error (&error);
            }
        }
      if (res->infos == NULL)
        {
          res->error = g_strdup (error ? error->message : "?");
          g_clear_object (&project);
        }
      request_free (r);
      dr_post (reader->context, G_PRIORITY_DEFAULT, result_cb, res, result_free);
    }
  g_rc_box_release_full (reader, reader_clear);
  return NULL;
}

/* Sends what was gathered, unless a request is still with the reader or nothing is wanted. */
static void
send_request (DrTeamLive *self)
{
  if (self->reading || (!self->want_all && g_hash_table_size (self->want_ids) == 0))
    return;
  Request *r = g_new0 (Request, 1);
  r->all = self->want_all;
  if (!r->all)
    {
      r->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, self->want_ids);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_array_append_val (r->ids, *(gint64 *) key);
    }
  self->want_all = FALSE;
  g_hash_table_remove_all (self->want_ids);
  self->reading = TRUE;
  g_async_queue_push (self->reader->requests, r);
}

/* The photo (or claim) a hint names: @member of the JSON object @payload, >= 1, else 0. */
static gint64
hint_id (JsonObject *hint, const char *member)
{
  if (!json_object_has_member (hint, member))
    return 0;
  JsonNode *node = json_object_get_member (hint, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  gint64 id = json_node_get_int (node);
  return id >= 1 ? id : 0;
}

/* A hint from the watch: NULL (listening again after a loss) re-reads everything; a photo's hint that
 * photo; a claim's hint is passed on. A hint that is not such JSON re-reads everything. */
static void
hint_cb (DrPgWatch *watch, const char *payload, gpointer user_data)
{
  DrTeamLive *self = user_data;
  if (payload == NULL && !self->started)
    {
      /* Listening for the first time: the session's list was read just before (re-reading a
       * 100,000-photo list at once would stall the window it has just adopted in chunks). */
      self->started = TRUE;
      self->listening = TRUE;
      return;
    }
  if (payload == NULL)
    {
      gboolean was_lost = self->lost_said;
      self->listening = TRUE;
      self->lost_said = FALSE;
      self->want_all = TRUE;
      send_request (self);
      if (was_lost)
        g_signal_emit (self, signals[SIG_SERVER_BACK], 0);
      return;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root = json_parser_load_from_data (parser, payload, -1, NULL)
                     ? json_parser_get_root (parser) : NULL;
  JsonObject *hint = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  gint64 photo = hint ? hint_id (hint, "photo") : 0;
  gint64 claim = hint ? hint_id (hint, "claim") : 0;
  if (claim > 0)
    g_signal_emit (self, signals[SIG_CLAIM_CHANGED], 0, claim);
  else if (photo > 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = photo;
      g_hash_table_add (self->want_ids, key);
    }
  else
    self->want_all = TRUE;
  send_request (self);
}

/* The watch's connection failed: said once per loss, in one translated line. */
static void
lost_cb (DrPgWatch *watch, const char *message, gpointer user_data)
{
  DrTeamLive *self = user_data;
  g_debug ("%s", message);
  self->listening = FALSE;
  if (self->lost_said)
    return;
  self->lost_said = TRUE;
  g_autofree char *name = dr_pg_location_describe (dr_session_get_path (self->session));
  /* TRANSLATORS: %s is a team project ("claims@db.example"). */
  g_autofree char *line = g_strdup_printf (_("The server of %s cannot be reached. You still see "
                                             "what was loaded; changes by others show again "
                                             "once it is back."), name);
  g_signal_emit (self, signals[SIG_SERVER_LOST], 0, line);
}

/* Every DR_TEAM_LIVE_CHECK_MS: the window's own connection (its reads on the main thread)
 * lost — the server stopped answering it, or it died — while the idle watch could not tell.
 * The watch is restarted, so the loss is said ("server-lost") and "server-back" follows once
 * the server answers a new connection; said once per session (the window reopens the project
 * then, with new connections). */
static gboolean
check_session_cb (gpointer user_data)
{
  DrTeamLive *self = user_data;
  DrProject *project = dr_session_get_project (self->session);
  if (!self->session_lost && project != NULL && dr_project_is_lost (project))
    {
      self->session_lost = TRUE;
      dr_pg_watch_restart (self->watch, "the window's connection to the server was lost");
    }
  return G_SOURCE_CONTINUE;
}

static void
dr_team_live_dispose (GObject *object)
{
  DrTeamLive *self = DR_TEAM_LIVE (object);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_pointer (&self->watch, dr_pg_watch_free);
  if (self->reader != NULL)
    {
      /* The reader thread ends by itself after its current read (not waited for: a read
       * from a server that went away may take long); its results are dropped. */
      g_weak_ref_set (&self->reader->owner, NULL);
      Request *stop = g_new0 (Request, 1);
      stop->stop = TRUE;
      g_async_queue_push (self->reader->requests, stop);
      g_rc_box_release_full (g_steal_pointer (&self->reader), reader_clear);
    }
  g_clear_object (&self->session);
  G_OBJECT_CLASS (dr_team_live_parent_class)->dispose (object);
}

static void
dr_team_live_finalize (GObject *object)
{
  DrTeamLive *self = DR_TEAM_LIVE (object);
  g_hash_table_unref (self->want_ids);
  G_OBJECT_CLASS (dr_team_live_parent_class)->finalize (object);
}

static void
dr_team_live_class_init (DrTeamLiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = dr_team_live_dispose;
  object_class->finalize = dr_team_live_finalize;
  signals[SIG_PHOTOS_CHANGED] =
    g_signal_new ("photos-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIG_CLAIM_CHANGED] =
    g_signal_new ("claim-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIG_SERVER_LOST] =
    g_signal_new ("server-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_SERVER_BACK] =
    g_signal_new ("server-back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
dr_team_live_init (DrTeamLive *self)
{
  self->want_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* See header. */
DrTeamLive *
dr_team_live_new (DrSession *session)
{
  g_return_val_if_fail (DR_IS_SESSION (session) && dr_session_is_team (session), NULL);
  DrTeamLive *self = g_object_new (DR_TYPE_TEAM_LIVE, NULL);
  self->session = g_object_ref (session);
  self->reader = g_rc_box_new0 (Reader);
  self->reader->location = g_strdup (dr_session_get_path (session));
  self->reader->requests = g_async_queue_new_full (request_free);
  self->reader->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->reader->owner, self);
  g_thread_unref (g_thread_new ("dr-team-reader", reader_main, g_rc_box_acquire (self->reader)));
  self->watch = dr_pg_watch_new (dr_session_get_path (session), dr_session_get_team_id (session),
                                 self->reader->context, DR_TEAM_LIVE_RETRY_MS, hint_cb, self);
  dr_pg_watch_set_lost_func (self->watch, lost_cb);
  self->check_id = g_timeout_add (DR_TEAM_LIVE_CHECK_MS, check_session_cb, self);
  return self;
}

/* See header. */
gboolean
dr_team_live_is_listening (DrTeamLive *self)
{
  g_return_val_if_fail (DR_IS_TEAM_LIVE (self), FALSE);
  return self->listening;
}

/* See header. */
void
dr_team_live_refresh (DrTeamLive *self, gint64 photo_id)
{
  g_return_if_fail (DR_IS_TEAM_LIVE (self));
  if (photo_id > 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = photo_id;
      g_hash_table_add (self->want_ids, key);
    }
  else
    self->want_all = TRUE;
  send_request (self);
}
