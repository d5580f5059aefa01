/* dr-claim-lease.c — the claim I work on, leased and renewed on a worker thread (see
 * dr-claim-lease.h). */
#include "config.h"

#include "dr-claim-lease.h"
#include "dr-pg-claims.h"
#include "dr-post.h"

typedef enum { CMD_NEXT, CMD_RELEASE, CMD_ASSIGN, CMD_TAKE_OVER, CMD_STOP } CmdKind;

typedef struct {
  CmdKind kind;
  gint64 claim_id;
  char *login;
} Cmd;

/* What the owner and the worker share: the owner's context, and the owner itself until it is
 * freed (read and cleared on the owner's thread only). */
typedef struct {
  GMainContext *context;
  DrClaimLease *owner;
} Shared;

struct _DrClaimLease {
  Shared *shared;
  GAsyncQueue *queue;
  DrClaimLeaseFunc func;
  gpointer user_data;
  gint64 claim_id;
  gboolean closing;
};

/* The worker's own state: only its thread touches it. */
typedef struct {
  Shared *shared;
  GAsyncQueue *queue;
  char *conninfo;
  char *stage;
  gint64 team;
  int lease_seconds;
  int heartbeat_seconds;
  DrPgConn *conn;
  gint64 held;
} Worker;

typedef struct {
  Shared *shared;
  DrClaimLeaseEvent event;
  gint64 claim_id;
  gint64 held;  /* what the worker holds after this event */
  char *message;
} Post;

static void
cmd_free (Cmd *cmd)
{
  g_free (cmd->login);
  g_free (cmd);
}

static void
shared_clear (Shared *shared)
{
  g_main_context_unref (shared->context);
}

static void
post_free (Post *post)
{
  g_atomic_rc_box_release_full (post->shared, (GDestroyNotify) shared_clear);
  g_free (post->message);
  g_free (post);
}

/* On the owner's context: keeps the owner's view of the held claim and tells it. */
static gboolean
post_dispatch (gpointer data)
{
  Post *post = data;
  DrClaimLease *self = post->shared->owner;
  if (self == NULL)
    return G_SOURCE_REMOVE;
  self->claim_id = post->held;
  self->func (self, post->event, post->claim_id, post->message, self->user_data);
  return G_SOURCE_REMOVE;
}

/* From the worker: hands @event to the owner's context. */
static void
post (Worker *w, DrClaimLeaseEvent event, gint64 claim_id, const GError *error)
{
  Post *p = g_new0 (Post, 1);
  p->shared = g_atomic_rc_box_acquire (w->shared);
  p->event = event;
  p->claim_id = claim_id;
  p->held = event == DR_CLAIM_LEASE_CLOSED ? 0 : w->held;
  p->message = error != NULL ? g_strdup (error->message) : NULL;
  dr_post (w->shared->context, G_PRIORITY_DEFAULT, post_dispatch, p, (GDestroyNotify) post_free);
}

/* The worker's connection, opened on first use and again after it was lost. */
static DrPgConn *
worker_conn (Worker *w, GError **error)
{
  if (w->conn == NULL)
    w->conn = dr_pg_conn_open (w->conninfo, DR_PG_OPEN_DEFAULT, error);
  return w->conn;
}

/* After a failed request: a lost connection is dropped, so the next request reconnects. */
static void
worker_check_conn (Worker *w, const GError *error)
{
  if (g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE))
    g_clear_pointer (&w->conn, dr_pg_conn_free);
}

/* Gives back the held claim (if any); TRUE when there was none or it was given back. */
static gboolean
worker_release (Worker *w, GError **error)
{
  if (w->held == 0)
    return TRUE;
  DrPgConn *conn = worker_conn (w, error);
  if (conn == NULL || !dr_pg_claim_release (conn, w->held, error))
    return FALSE;
  w->held = 0;
  return TRUE;
}

/* Runs one request; posts its answer. */
static void
worker_run (Worker *w, const Cmd *cmd)
{
  g_autoptr (GError) error = NULL;
  gint64 before = w->held, got = 0;
  DrPgConn *conn = NULL;
  switch (cmd->kind)
    {
    case CMD_NEXT:
      /* The next claim is taken while the previous one is still leased, so moving on never
       * hands back the claim just left; then that one is given back. */
      if ((conn = worker_conn (w, &error)) != NULL
          && dr_pg_claim_next (conn, w->team, w->stage, w->lease_seconds, &got, &error))
        {
          if (got != before)
            worker_release (w, &error);
          w->held = got;
          post (w, DR_CLAIM_LEASE_TAKEN, got, error);
          return;
        }
      break;
    case CMD_RELEASE:
    case CMD_STOP:
      if (worker_release (w, &error))
        {
          post (w, cmd->kind == CMD_STOP ? DR_CLAIM_LEASE_CLOSED : DR_CLAIM_LEASE_RELEASED,
                before, NULL);
          return;
        }
      if (cmd->kind == CMD_STOP)
        post (w, DR_CLAIM_LEASE_CLOSED, before, error);
      break;
    case CMD_ASSIGN:
      if ((conn = worker_conn (w, &error)) != NULL
          && dr_pg_claim_assign (conn, cmd->claim_id, cmd->login, &error))
        {
          if (w->held == cmd->claim_id)
            w->held = 0;  /* the server dropped the lease with the reassign */
          post (w, DR_CLAIM_LEASE_ASSIGNED, cmd->claim_id, NULL);
          return;
        }
      break;
    case CMD_TAKE_OVER:
      if ((w->held == cmd->claim_id || worker_release (w, &error))
          && (conn = worker_conn (w, &error)) != NULL
          && dr_pg_claim_take_over (conn, cmd->claim_id, w->lease_seconds, &error))
        {
          w->held = cmd->claim_id;
          post (w, DR_CLAIM_LEASE_TAKEN_OVER, cmd->claim_id, NULL);
          return;
        }
      break;
    }
  if (cmd->kind != CMD_STOP)
    post (w, DR_CLAIM_LEASE_REFUSED, cmd->kind == CMD_NEXT ? before : cmd->claim_id, error);
  worker_check_conn (w, error);
}

/* Renews the lease; a lost one is reported and forgotten. */
static void
worker_heartbeat (Worker *w)
{
  g_autoptr (GError) error = NULL;
  DrPgConn *conn = worker_conn (w, &error);
  if (conn != NULL && dr_pg_claim_heartbeat (conn, w->held, w->lease_seconds, &error))
    return;
  if (g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT))
    {
      gint64 lost = w->held;
      w->held = 0;
      post (w, DR_CLAIM_LEASE_LOST, lost, error);
    }
  worker_check_conn (w, error);
}

/* The worker thread: requests in order; a heartbeat every heartbeat_seconds while it holds a
 * claim (requests do not postpone it). */
static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  gint64 next_beat = 0;
  for (gboolean running = TRUE; running;)
    {
      Cmd *cmd;
      if (w->held == 0)
        cmd = g_async_queue_pop (w->queue);
      else
        {
          gint64 wait = next_beat - g_get_monotonic_time ();
          cmd = wait > 0 ? g_async_queue_timeout_pop (w->queue, (guint64) wait) : NULL;
        }
      gint64 held_before = w->held;
      if (cmd == NULL)
        worker_heartbeat (w);
      else
        {
          worker_run (w, cmd);
          running = cmd->kind != CMD_STOP;
          cmd_free (cmd);
        }
      if (w->held != held_before || cmd == NULL)
        next_beat = g_get_monotonic_time () + w->heartbeat_seconds * G_USEC_PER_SEC;
    }
  g_clear_pointer (&w->conn, dr_pg_conn_free);
  g_async_queue_unref (w->queue);
  g_atomic_rc_box_release_full (w->shared, (GDestroyNotify) shared_clear);
  g_free (w->conninfo);
  g_free (w->stage);
  g_free (w);
  return NULL;
}

/* See dr-claim-lease.h. */
DrClaimLease *
dr_claim_lease_new (const char *conninfo, gint64 team, const char *stage, int lease_seconds,
                    int heartbeat_seconds, DrClaimLeaseFunc func, gpointer user_data)
{
  g_return_val_if_fail (heartbeat_seconds > 0 && heartbeat_seconds < lease_seconds, NULL);
  DrClaimLease *self = g_new0 (DrClaimLease, 1);
  self->shared = g_atomic_rc_box_new0 (Shared);
  self->shared->context = g_main_context_ref_thread_default ();
  self->shared->owner = self;
  self->queue = g_async_queue_new_full ((GDestroyNotify) cmd_free);
  self->func = func;
  self->user_data = user_data;

  Worker *w = g_new0 (Worker, 1);
  w->shared = g_atomic_rc_box_acquire (self->shared);
  w->queue = g_async_queue_ref (self->queue);
  w->conninfo = g_strdup (conninfo);
  w->stage = g_strdup (stage);
  w->team = team;
  w->lease_seconds = lease_seconds;
  w->heartbeat_seconds = heartbeat_seconds;
  g_thread_unref (g_thread_new ("dr-claim-lease", worker_main, w));
  return self;
}

/* Queues a request for the worker (none after close). */
static void
push (DrClaimLease *self, CmdKind kind, gint64 claim_id, const char *login)
{
  if (self->closing)
    return;
  Cmd *cmd = g_new0 (Cmd, 1);
  cmd->kind = kind;
  cmd->claim_id = claim_id;
  cmd->login = g_strdup (login);
  self->closing = kind == CMD_STOP;
  g_async_queue_push (self->queue, cmd);
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_next (DrClaimLease *self)
{
  push (self, CMD_NEXT, 0, NULL);
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_release (DrClaimLease *self)
{
  push (self, CMD_RELEASE, 0, NULL);
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_assign (DrClaimLease *self, gint64 claim_id, const char *login)
{
  push (self, CMD_ASSIGN, claim_id, login);
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_take_over (DrClaimLease *self, gint64 claim_id)
{
  push (self, CMD_TAKE_OVER, claim_id, NULL);
}

/* See dr-claim-lease.h. */
gint64
dr_claim_lease_get_claim (DrClaimLease *self)
{
  return self->claim_id;
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_close (DrClaimLease *self)
{
  push (self, CMD_STOP, 0, NULL);
}

/* See dr-claim-lease.h. */
void
dr_claim_lease_free (DrClaimLease *self)
{
  if (self == NULL)
    return;
  dr_claim_lease_close (self);
  self->shared->owner = NULL;
  g_atomic_rc_box_release_full (self->shared, (GDestroyNotify) shared_clear);
  g_async_queue_unref (self->queue);
  g_free (self);
}
