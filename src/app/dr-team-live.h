/* dr-team-live.h — another member's work on a team project, shown live in this window.
 *
 * A DrPgWatch (a second connection that LISTENs, driven by the main loop without blocking it)
 * gives hints: "photo P changed" for a verdict, an edit (head moved) or a note, "claim C
 * changed" for an assignment. A hint is only a reason to re-read: the photo rows it names are
 * read again on this object's own reader thread, on its own connection, and the result is
 * applied to the session's items on the main thread ("photos-changed" per photo). Whenever the
 * watch listens again after a reconnect, everything is re-read (changes made meanwhile sent no
 * hint to us), and "photos-changed" says 0. Its first listen re-reads nothing: the session's
 * list was read just before (a change between that read and the LISTEN is missed until the
 * next hint for that photo). Hints arriving while a read runs are gathered into the next one.
 *
 * When the watch's connection fails, "server-lost" gives one translated line naming the
 * project; the window keeps what it shows. "server-back" follows when it listens again. The
 * session's own connection (the window's reads) is checked every DR_TEAM_LIVE_CHECK_MS: once it
 * is lost (a statement found the server gone or not answering), the watch starts over, so the
 * same two signals follow even when the watch's idle connection could not tell. */
#pragma once

#include <glib-object.h>

#include "dr-session.h"

G_BEGIN_DECLS

/* How long the watch waits before connecting again after its connection failed. */
#define DR_TEAM_LIVE_RETRY_MS 1000
/* How often the session's own connection is checked for a loss. */
#define DR_TEAM_LIVE_CHECK_MS 1000

#define DR_TYPE_TEAM_LIVE (dr_team_live_get_type ())
G_DECLARE_FINAL_TYPE (DrTeamLive, dr_team_live, DR, TEAM_LIVE, GObject)

/* Starts watching @session (a team project: dr_session_is_team) from the thread-default main
 * context; stops when the object is disposed. */
DrTeamLive *dr_team_live_new (DrSession *session);

/* Reads photo @photo_id (every photo when 0) again on the reader thread, as a hint would:
 * for changes this window made itself, so that reading a team photo's row (which fetches and
 * verifies its bytes) never runs on the main thread. "photos-changed" follows. */
void dr_team_live_refresh (DrTeamLive *self, gint64 photo_id);

/* Whether the watch listens now (FALSE before the first connection and while the server is
 * away). */
gboolean dr_team_live_is_listening (DrTeamLive *self);

G_END_DECLS
