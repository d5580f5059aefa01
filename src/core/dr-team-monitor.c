/* dr-team-monitor.c — a team project's role, work items and queue, read on a worker thread
 * (see dr-team-monitor.h). */
#include "config.h"

#include "dr-pg-team.h"
#include "dr-pg-work-items.h"
#include "dr-post.h"
#include "dr-team-analysis.h"
#include "dr-team-monitor.h"

typedef enum { CMD_WAKE = 1, CMD_ENQUEUE, CMD_STOP } Cmd;

/* Shared by owner and worker: the owner's context, and the owner until it is freed (read and
 * cleared on the owner's thread only). */
typedef struct {
  GMainContext *context;
  DrTeamMonitor *owner;
} Shared;

struct _DrTeamMonitor {
  Shared *shared;
  GAsyncQueue *queue;
  DrTeamMonitorFunc func;
  DrTeamMonitorEnqueuedFunc enqueued;
  gpointer user_data;
};

typedef struct {
  Shared *shared;
  GAsyncQueue *queue;
  char *conninfo;
  DrPgConn *conn;
  gint64 team;
} Worker;

typedef struct {
  Shared *shared;
  DrTeamSnapshot *snapshot;  /* a read, or NULL */
  gboolean is_enqueue;
  gint64 added;
  char *message;
} Post;

/* See dr-team-monitor.h. */
void
dr_team_snapshot_free (DrTeamSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->login);
  g_free (snapshot->role);
  g_clear_pointer (&snapshot->work_items, g_ptr_array_unref);
  g_strfreev (snapshot->members);
  g_clear_pointer (&snapshot->failed, g_ptr_array_unref);
  g_free (snapshot);
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
  dr_team_snapshot_free (post->snapshot);
  g_free (post->message);
  g_free (post);
}

/* On the owner's context: hands a read or an enqueue's answer to the owner, if it still is. */
static gboolean
post_dispatch (gpointer data)
{
  Post *post = data;
  DrTeamMonitor *self = post->shared->owner;
  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (post->is_enqueue)
    self->enqueued (self, post->added, post->message, self->user_data);
  else
    self->func (self, post->snapshot, post->message, self->user_data);
  return G_SOURCE_REMOVE;
}

static void
post (Worker *w, Post *p)
{
  p->shared = g_atomic_rc_box_acquire (w->shared);
  dr_post (w->shared->context, G_PRIORITY_DEFAULT, post_dispatch, p, (GDestroyNotify) post_free);
}

/* The connection and team, opened on first use and again after the connection was lost. */
static DrPgConn *
worker_conn (Worker *w, GError **error)
{
  if (w->conn == NULL)
    {
      w->conn = dr_pg_conn_open (w->conninfo, DR_PG_OPEN_DEFAULT, error);
      w->team = w->conn != NULL ? dr_pg_team_resolve (w->conn, NULL, error) : 0;
      if (w->team == 0)
        g_clear_pointer (&w->conn, dr_pg_conn_free);
    }
  return w->conn;
}

/* After a failure: a lost connection is dropped so the next read reconnects. */
static void
worker_check (Worker *w, const GError *error)
{
  if (g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE))
    g_clear_pointer (&w->conn, dr_pg_conn_free);
}

/* One read of everything the window shows; NULL with error. */
static DrTeamSnapshot *
worker_read (Worker *w, GError **error)
{
  DrPgConn *conn = worker_conn (w, error);
  if (conn == NULL)
    return NULL;
  g_autoptr (DrTeamSnapshot) s = g_new0 (DrTeamSnapshot, 1);
  s->team = w->team;
  s->login = g_strdup (dr_pg_conn_get_user (conn));
  if ((s->role = dr_pg_work_items_my_role (conn, w->team, error)) == NULL
      || (s->work_items = dr_pg_work_items_list (conn, w->team, error)) == NULL
      || (s->members = dr_pg_work_items_members (conn, w->team, error)) == NULL
      || !dr_pg_jobs_count (conn, w->team, &s->counts, error)
      || !dr_pg_jobs_rate (conn, w->team, &s->rate, error)
      || (s->failed = dr_pg_jobs_list_failed (conn, w->team, DR_TEAM_MONITOR_MAX_FAILED,
                                              error)) == NULL)
    return NULL;
  return g_steal_pointer (&s);
}

/* Reads and posts the snapshot (or the error). */
static void
worker_refresh (Worker *w)
{
  g_autoptr (GError) error = NULL;
  Post *p = g_new0 (Post, 1);
  p->snapshot = worker_read (w, &error);
  if (p->snapshot == NULL)
    {
      if (!g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE))
        p->message = g_strdup (error->message);
      worker_check (w, error);
    }
  post (w, p);
}

/* Runs Analyse All and posts its answer. */
static void
worker_enqueue (Worker *w)
{
  g_autoptr (GError) error = NULL;
  Post *p = g_new0 (Post, 1);
  p->is_enqueue = TRUE;
  DrPgConn *conn = worker_conn (w, &error);
  if (conn == NULL || !dr_team_analysis_enqueue (conn, w->team, NULL,
                                                 DR_TEAM_ANALYSIS_MAX_ATTEMPTS, FALSE, NULL,
                                                 NULL, &p->added, &error))
    {
      p->message = g_strdup (error->message);
      worker_check (w, error);
    }
  post (w, p);
}

/* The worker: reads every DR_TEAM_MONITOR_POLL_SECONDS or when woken; wakes queued while it
 * read are folded into one read. */
static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  gboolean running = TRUE;
  worker_refresh (w);
  while (running)
    {
      gpointer cmd = g_async_queue_timeout_pop (w->queue,
                                                DR_TEAM_MONITOR_POLL_SECONDS * G_USEC_PER_SEC);
      gboolean enqueue = FALSE;
      for (; cmd != NULL; cmd = g_async_queue_try_pop (w->queue))
        {
          running &= GPOINTER_TO_INT (cmd) != CMD_STOP;
          enqueue |= GPOINTER_TO_INT (cmd) == CMD_ENQUEUE;
        }
      if (!running)
        break;
      if (enqueue)
        worker_enqueue (w);
      worker_refresh (w);
    }
  g_clear_pointer (&w->conn, dr_pg_conn_free);
  g_async_queue_unref (w->queue);
  g_atomic_rc_box_release_full (w->shared, (GDestroyNotify) shared_clear);
  g_free (w->conninfo);
  g_free (w);
  return NULL;
}

/* See dr-team-monitor.h. */
DrTeamMonitor *
dr_team_monitor_new (const char *conninfo, DrTeamMonitorFunc func,
                     DrTeamMonitorEnqueuedFunc enqueued, gpointer user_data)
{
  DrTeamMonitor *self = g_new0 (DrTeamMonitor, 1);
  self->shared = g_atomic_rc_box_new0 (Shared);
  self->shared->context = g_main_context_ref_thread_default ();
  self->shared->owner = self;
  self->queue = g_async_queue_new ();
  self->func = func;
  self->enqueued = enqueued;
  self->user_data = user_data;
  Worker *w = g_new0 (Worker, 1);
  w->shared = g_atomic_rc_box_acquire (self->shared);
  w->queue = g_async_queue_ref (self->queue);
  w->conninfo = g_strdup (conninfo);
  g_thread_unref (g_thread_new ("dr-team-monitor", worker_main, w));
  return self;
}

/* See dr-team-monitor.h. */
void
dr_team_monitor_wake (DrTeamMonitor *self)
{
  g_async_queue_push (self->queue, GINT_TO_POINTER (CMD_WAKE));
}

/* See dr-team-monitor.h. */
void
dr_team_monitor_enqueue (DrTeamMonitor *self)
{
  g_async_queue_push (self->queue, GINT_TO_POINTER (CMD_ENQUEUE));
}

/* See dr-team-monitor.h. */
void
dr_team_monitor_free (DrTeamMonitor *self)
{
  if (self == NULL)
    return;
  g_async_queue_push (self->queue, GINT_TO_POINTER (CMD_STOP));
  self->shared->owner = NULL;
  g_atomic_rc_box_release_full (self->shared, (GDestroyNotify) shared_clear);
  g_async_queue_unref (self->queue);
  g_free (self);
}
