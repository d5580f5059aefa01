/* dr-pg-team.h — which team of a server a command works on. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* The id of team @name among the caller's teams, or with @name NULL the caller's only team.
 * Errors (one line naming the server): NOT_FOUND when no visible team has that name or the
 * caller is in no team; FAILED when @name is NULL and the caller is in several (the line lists
 * them, so the user can pick one with --team). Returns 0 on error. */
gint64 dr_pg_team_resolve (DrPgConn *conn, const char *name, GError **error);

/* "%" G_GINT64_FORMAT as a string, for statement parameters. */
char *dr_pg_int (gint64 value);

/* dr_pg_conn_exec of the prepared statement @name (@sql) whose one parameter, $1, is team id
 * @team. */
PGresult *dr_pg_team_exec (DrPgConn *conn, gint64 team, const char *name, const char *sql,
                           GError **error);

G_END_DECLS
