/* dr-team-dialog.h — "Open Team Project…": connection, login and password, checked before the
 * dialog closes.
 *
 * The connection is a URI (postgresql://SERVER/DATABASE) or service=NAME; the login, when
 * given, goes into the location (dr_pg_location_with_login); the password never does: it is
 * registered in memory for that location (dr-pg-password) and, when "Remember password" is on,
 * stored in the GNOME keyring once the server has accepted it. Connecting runs on a worker
 * thread; a failure is one translated line in the dialog and nothing is written. On success
 * the dialog emits "location-chosen" with the location and closes. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DR_TYPE_TEAM_DIALOG (dr_team_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DrTeamDialog, dr_team_dialog, DR, TEAM_DIALOG, AdwWindow)

/* A modal dialog over @parent. */
DrTeamDialog *dr_team_dialog_new (GtkWindow *parent);

/* The one line the last attempt failed with, or NULL (tests). */
const char *dr_team_dialog_get_error (DrTeamDialog *self);

/* Fills the fields and presses Connect, as a person would (tests). */
void dr_team_dialog_connect (DrTeamDialog *self, const char *connection, const char *login,
                             const char *password, gboolean remember);

G_END_DECLS
