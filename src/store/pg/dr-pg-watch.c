/* dr-pg-watch.c — LISTEN on a second connection, driven by a GSource (dr-pg-watch.h).
 *
 * States: CONNECTING (PQconnectPoll) → CHANNEL (the team's channel name asked for) → LISTEN
 * (LISTEN sent) → IDLE (draining notifications). Any failure → WAITING (a timeout source) →
 * CONNECTING again. In every state at most one fd source and one timeout source exist. */
#include "dr-pg-watch.h"
#include "dr-pg-password.h"

#include <glib-unix.h>
#include <string.h>

typedef enum {
  STATE_WAITING,
  STATE_CONNECTING,
  STATE_CHANNEL,
  STATE_LISTEN,
  STATE_IDLE,
} State;

struct _DrPgWatch {
  char *conninfo;
  char *team;              /* team id as text */
  GMainContext *context;
  guint retry_ms;
  DrPgWatchFunc func;
  gpointer user_data;
  DrPgWatchFunc lost_func;  /* told each time the connection fails, or NULL */
  PGconn *conn;
  State state;
  GSource *io;             /* fd source on PQsocket, or NULL */
  GSource *timer;          /* retry timeout, or NULL */
  char *channel;
  char *error;
  gboolean query_failed;   /* a result of the pending query was an error (or no channel) */
  char *query_error;       /* the server's message for it */
};

static void start_connect (DrPgWatch *self);

/* Removes the fd source. */
static void
disarm (DrPgWatch *self)
{
  if (self->io != NULL)
    {
      g_source_destroy (self->io);
      g_clear_pointer (&self->io, g_source_unref);
    }
}

static gboolean on_io (gint fd, GIOCondition cond, gpointer data);

/* Watches the connection's current socket for @cond (libpq may change sockets while
 * connecting, so the source is made anew each time). */
static void
arm (DrPgWatch *self, GIOCondition cond)
{
  disarm (self);
  self->io = g_unix_fd_source_new (PQsocket (self->conn), cond | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (self->io, G_SOURCE_FUNC (on_io), self, NULL);
  g_source_set_name (self->io, "dr-pg-watch");
  g_source_attach (self->io, self->context);
}

/* Timer callback: try connecting again. */
static gboolean
on_retry (gpointer data)
{
  DrPgWatch *self = data;
  g_clear_pointer (&self->timer, g_source_unref);
  start_connect (self);
  return G_SOURCE_REMOVE;
}

/* Drops the connection, records @why (one line naming the server) and schedules a retry. */
static void
fail (DrPgWatch *self, const char *why)
{
  disarm (self);
  g_free (self->error);
  const char *host = self->conn ? PQhost (self->conn) : NULL;
  const char *db = self->conn ? PQdb (self->conn) : NULL;
  const char *user = self->conn ? PQuser (self->conn) : NULL;
  g_autofree char *line = g_strdup (why ? why : "connection lost");
  char *nl = strchr (line, '\n');
  if (nl != NULL)
    *nl = '\0';
  self->error = g_strdup_printf ("%s@%s/%s: live updates paused: %s", user ? user : "?",
                                 host ? host : "?", db ? db : "?", g_strstrip (line));
  g_clear_pointer (&self->conn, PQfinish);
  self->state = STATE_WAITING;
  self->timer = g_timeout_source_new (self->retry_ms);
  g_source_set_callback (self->timer, on_retry, self, NULL);
  g_source_attach (self->timer, self->context);
  if (self->lost_func != NULL)
    self->lost_func (self, self->error, self->user_data);
}

/* See header. */
void
dr_pg_watch_restart (DrPgWatch *self, const char *why)
{
  g_return_if_fail (self != NULL);
  if (self->state != STATE_WAITING)
    fail (self, why);
}

/* After queueing a query: flush it (non-blocking) and wait for the reply (or to write more). */
static void
flush_and_wait (DrPgWatch *self)
{
  int r = PQflush (self->conn);
  if (r < 0)
    fail (self, PQerrorMessage (self->conn));
  else
    arm (self, r == 1 ? G_IO_OUT | G_IO_IN : G_IO_IN);
}

/* Server notices go to the debug log. */
static void
log_notice (void *data, const char *message)
{
  g_debug ("live updates: %s", message);
}

/* Connected: asks for the team's channel (readable only by its members). */
static void
ask_channel (DrPgWatch *self)
{
  const char *params[] = { self->team };
  PQsetnonblocking (self->conn, 1);
  PQsetNoticeProcessor (self->conn, log_notice, NULL);
  self->query_failed = FALSE;
  g_clear_pointer (&self->query_error, g_free);
  if (!PQsendQueryParams (self->conn, "SELECT channel FROM dr.teams WHERE id = $1", 1, NULL,
                          params, NULL, NULL, 0))
    {
      fail (self, PQerrorMessage (self->conn));
      return;
    }
  self->state = STATE_CHANNEL;
  flush_and_wait (self);
}

/* Whether @name is a channel name as 001-team.sql makes them ("dr_" and 32 hex digits); the
 * server's answer is not trusted to be an identifier otherwise. */
static gboolean
valid_channel (const char *name)
{
  if (!g_str_has_prefix (name, "dr_") || strlen (name) != 35)
    return FALSE;
  for (const char *c = name + 3; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

/* Sends LISTEN on the channel. LISTEN takes no parameters: the channel, checked above, is
 * quoted by libpq as an identifier. */
static void
send_listen (DrPgWatch *self)
{
  char *quoted = PQescapeIdentifier (self->conn, self->channel, strlen (self->channel));
  g_autofree char *sql = g_strconcat ("LISTEN ", quoted, NULL);
  PQfreemem (quoted);
  if (!PQsendQuery (self->conn, sql))
    {
      fail (self, PQerrorMessage (self->conn));
      return;
    }
  self->state = STATE_LISTEN;
  flush_and_wait (self);
}

/* Collects finished results of the pending query; returns FALSE while it is still running.
 * Results may arrive over several calls, so a failure is remembered in self->query_failed. */
static gboolean
collect (DrPgWatch *self)
{
  while (!PQisBusy (self->conn))
    {
      PGresult *res = PQgetResult (self->conn);
      if (res == NULL)
        return TRUE;
      ExecStatusType st = PQresultStatus (res);
      if (st == PGRES_TUPLES_OK && self->state == STATE_CHANNEL)
        {
          g_clear_pointer (&self->channel, g_free);
          if (PQntuples (res) == 1 && valid_channel (PQgetvalue (res, 0, 0)))
            self->channel = g_strdup (PQgetvalue (res, 0, 0));
          else
            self->query_failed = TRUE;
        }
      else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        {
          self->query_failed = TRUE;
          g_free (self->query_error);
          self->query_error = g_strdup (PQresultErrorMessage (res));
        }
      PQclear (res);
    }
  return FALSE;
}

/* Delivers every queued notification. */
static void
deliver (DrPgWatch *self)
{
  for (PGnotify *n; self->conn != NULL && (n = PQnotifies (self->conn)) != NULL; PQfreemem (n))
    self->func (self, n->extra, self->user_data);
}

/* The fd source's callback: advances the state machine. */
static gboolean
on_io (gint fd, GIOCondition cond, gpointer data)
{
  DrPgWatch *self = data;
  if (self->state == STATE_CONNECTING)
    {
      switch (PQconnectPoll (self->conn))
        {
        case PGRES_POLLING_READING:
          arm (self, G_IO_IN);
          break;
        case PGRES_POLLING_WRITING:
          arm (self, G_IO_OUT);
          break;
        case PGRES_POLLING_OK:
          ask_channel (self);
          break;
        default:
          fail (self, PQerrorMessage (self->conn));
        }
      return G_SOURCE_CONTINUE;
    }
  if ((cond & G_IO_OUT) && PQflush (self->conn) == 0)
    arm (self, G_IO_IN);
  if ((cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && !PQconsumeInput (self->conn))
    {
      fail (self, PQerrorMessage (self->conn));
      return G_SOURCE_CONTINUE;
    }
  if (self->state == STATE_CHANNEL || self->state == STATE_LISTEN)
    {
      if (!collect (self))
        return G_SOURCE_CONTINUE;
      if (self->query_failed)
        {
          fail (self, self->query_error ? self->query_error : "this role sees no such team");
          return G_SOURCE_CONTINUE;
        }
      if (self->state == STATE_CHANNEL)
        {
          send_listen (self);
          return G_SOURCE_CONTINUE;
        }
      self->state = STATE_IDLE;
      g_clear_pointer (&self->error, g_free);
      /* Listening (again): whatever happened before is unknown, so re-read everything. */
      self->func (self, NULL, self->user_data);
    }
  if (PQstatus (self->conn) == CONNECTION_BAD)
    fail (self, PQerrorMessage (self->conn));
  else
    deliver (self);
  return G_SOURCE_CONTINUE;
}

/* Starts a non-blocking connection attempt (the app's name shows in pg_stat_activity). */
static void
start_connect (DrPgWatch *self)
{
  const char *extra_keys[] = { "application_name" };
  const char *extra_values[] = { "damage-review-watch" };
  char **keys, **values;
  dr_pg_password_params (self->conninfo, extra_keys, extra_values, 1, &keys, &values);
  self->conn = PQconnectStartParams ((const char *const *) keys, (const char *const *) values, 1);
  dr_pg_password_params_free (keys, values);
  if (self->conn == NULL || PQstatus (self->conn) == CONNECTION_BAD)
    {
      fail (self, self->conn ? PQerrorMessage (self->conn) : "out of memory");
      return;
    }
  self->state = STATE_CONNECTING;
  arm (self, G_IO_OUT);
}

/* See dr-pg-watch.h. */
DrPgWatch *
dr_pg_watch_new (const char *conninfo, gint64 team_id, GMainContext *context, guint retry_ms,
                 DrPgWatchFunc func, gpointer user_data)
{
  DrPgWatch *self = g_new0 (DrPgWatch, 1);
  self->conninfo = g_strdup (conninfo);
  self->team = g_strdup_printf ("%" G_GINT64_FORMAT, team_id);
  self->context = g_main_context_ref (context ? context : g_main_context_default ());
  self->retry_ms = retry_ms;
  self->func = func;
  self->user_data = user_data;
  start_connect (self);
  return self;
}

/* See dr-pg-watch.h. */
void
dr_pg_watch_free (DrPgWatch *self)
{
  if (self == NULL)
    return;
  disarm (self);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  g_clear_pointer (&self->conn, PQfinish);
  g_main_context_unref (self->context);
  g_free (self->conninfo);
  g_free (self->team);
  g_free (self->channel);
  g_free (self->error);
  g_free (self->query_error);
  g_free (self);
}

/* See dr-pg-watch.h. */
gboolean
dr_pg_watch_is_listening (DrPgWatch *self)
{
  return self->state == STATE_IDLE;
}

/* See dr-pg-watch.h. */
const char *
dr_pg_watch_get_error (DrPgWatch *self)
{
  return self->state == STATE_IDLE ? NULL : self->error;
}

/* See dr-pg-watch.h. */
int
dr_pg_watch_get_backend_pid (DrPgWatch *self)
{
  return self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK
           ? PQbackendPID (self->conn) : 0;
}

/* See dr-pg-watch.h. */
void
dr_pg_watch_set_lost_func (DrPgWatch *watch, DrPgWatchFunc lost_func)
{
  g_return_if_fail (watch != NULL);
  watch->lost_func = lost_func;
}
