/* dr-pg-team.c — resolve a team name (row-level security shows only the caller's teams). */
#include "dr-pg-team.h"

/* Decimal text of @value. */
char *
dr_pg_int (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* See dr-pg-team.h. */
PGresult *
dr_pg_team_exec (DrPgConn *conn, gint64 team, const char *name, const char *sql, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  const char *params[] = { team_s };
  return dr_pg_conn_exec (conn, name, sql, 1, params, error);
}

/* See dr-pg-team.h. */
gint64
dr_pg_team_resolve (DrPgConn *conn, const char *name, GError **error)
{
  /* The caller's teams by name; the administrator (owner, bypassing RLS) sees all of them. */
  const char *params[] = { name };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_team_resolve",
    "SELECT id, name FROM dr.teams WHERE $1::text IS NULL OR name = $1 ORDER BY name", 1,
    params, error);
  if (res == NULL)
    return 0;
  int n = PQntuples (res);
  if (n == 1)
    return g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  if (n == 0 && name != NULL)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                 "%s: no team named \"%s\" that role \"%s\" belongs to",
                 dr_pg_conn_get_server (conn), name, dr_pg_conn_get_user (conn));
  else if (n == 0)
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                 "%s: role \"%s\" belongs to no team", dr_pg_conn_get_server (conn),
                 dr_pg_conn_get_user (conn));
  else
    {
      g_autoptr (GString) names = g_string_new (NULL);
      for (int i = 0; i < n && i < 20; i++)
        g_string_append_printf (names, "%s\"%s\"", i ? ", " : "", PQgetvalue (res, i, 1));
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                   "%s: role \"%s\" is in %d teams (%s%s); choose one with --team (or dr.team in "
                   "the connection options)",
                   dr_pg_conn_get_server (conn), dr_pg_conn_get_user (conn), n, names->str,
                   n > 20 ? ", …" : "");
    }
  return 0;
}
