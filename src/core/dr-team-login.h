/* dr-team-login.h — getting ready to open a team project (a location dr_pg_is_conninfo
 * accepts) and saying in one translated line why it cannot be opened. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Blocking (a worker thread): the password a face keeps for @location (the window's: the
 * GNOME keyring), or NULL; freed with dr_pg_password_free. */
typedef char *(*DrTeamPasswordLookup) (const char *location, GCancellable *cancellable);

/* Where dr_team_login_check looks for a password no one registered: set once, before any
 * check runs (the window's main; without it, e.g. on a headless machine, there is none). */
void dr_team_login_set_password_lookup (DrTeamPasswordLookup lookup);

/* Blocking (a worker thread): when no password is registered for @location (dr-pg-password),
 * looks one up through the password lookup (if set) and registers it; then connects once and
 * checks the schema and team membership, writing nothing. FALSE with one translated line
 * naming the project (database@server) and the reason — bad location, no server, login or
 * password refused, not a member of a team, schema missing, older or newer — in the
 * DR_PG_ERROR domain with the store's code. On success *@login and *@team_id (each may be
 * NULL) get the login role the server knows us as and the team the project works on (as the
 * store picks it: the dr.team setting, else the login's only team). */
gboolean dr_team_login_check (const char   *location,
                              GCancellable *cancellable,
                              char        **login,
                              gint64       *team_id,
                              GError      **error);

G_END_DECLS
