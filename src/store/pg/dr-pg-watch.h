/* dr-pg-watch.h — live hints from a team server, watched from a GLib main loop.
 *
 * A DrPgWatch owns a second, idle connection that LISTENs on the team's channel (a random name
 * only members can read; the triggers of 001-team.sql notify it at every commit that changes a
 * head, a verdict, a note or a work item). Everything runs on the main context it was created
 * on, without blocking it: the connection is made with PQconnectStartParams/PQconnectPoll, the
 * queries are sent with PQsendQueryParams in non-blocking mode, and the socket is watched with
 * a GSource (g_unix_fd_source_new on PQsocket) re-armed for reading or writing as libpq asks.
 *
 * A notification is only a hint to re-read rows: @func gets its JSON payload
 * ({"kind": "reviews", "photo": 12, "damage": 0, "by": "alice"}). A client that was not
 * listening missed whatever happened meanwhile, so @func is called with payload NULL — "re-read
 * everything" — each time the watch (re)starts listening: first at start, then after every
 * reconnect. When the connection breaks, the watch retries every @retry_ms until it is freed.
 * Must be created, used and freed on the thread that runs @context. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

typedef struct _DrPgWatch DrPgWatch;

/* Called on the watch's context with a notification's payload, or NULL after (re)connecting. */
typedef void (*DrPgWatchFunc) (DrPgWatch *watch, const char *payload, gpointer user_data);

/* Starts watching team @team_id on the server @conninfo names. Never blocks; connection errors
 * only delay the first call of @func (see dr_pg_watch_get_error). */
DrPgWatch *dr_pg_watch_new (const char   *conninfo,
                            gint64        team_id,
                            GMainContext *context,
                            guint         retry_ms,
                            DrPgWatchFunc func,
                            gpointer      user_data);

/* Calls @lost_func (with the watch's user data) on the watch's context each time the
 * connection fails or a connection attempt fails, with the one-line error (as
 * dr_pg_watch_get_error); the next call of the watch's func with payload NULL means it
 * listens again. NULL stops these calls. */
void dr_pg_watch_set_lost_func (DrPgWatch *watch, DrPgWatchFunc lost_func);

/* Drops the connection as if it had failed with @why (one line): the lost func is called and
 * the watch connects again after retry_ms — for when another connection to the same server
 * was found lost while this idle one could not tell. Nothing happens while it is already
 * waiting to connect again. */
void dr_pg_watch_restart (DrPgWatch *watch, const char *why);

/* Stops watching and closes the connection; NULL is allowed. */
void dr_pg_watch_free (DrPgWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgWatch, dr_pg_watch_free)

/* Whether the watch is listening now. */
gboolean dr_pg_watch_is_listening (DrPgWatch *watch);

/* The last connection problem as one line naming the server, or NULL while all is well. */
const char *dr_pg_watch_get_error (DrPgWatch *watch);

/* The server process id of the listening connection (0 when not connected), e.g. to recognise
 * one's own notifications or, in tests, to cut the connection. */
int dr_pg_watch_get_backend_pid (DrPgWatch *watch);

G_END_DECLS
