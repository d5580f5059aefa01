/* dr-pg-claims.c — thin calls of the work-item functions of 002-assignment.sql. */
#include "dr-pg-claims.h"

#include "dr-pg-team.h"

/* "N seconds" for an interval parameter. */
static char *
seconds (int n)
{
  return g_strdup_printf ("%d seconds", n);
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_next (DrPgConn *conn, gint64 team_id, const char *stage, int lease_seconds,
                  gint64 *claim_id, GError **error)
{
  g_autofree char *team = dr_pg_int (team_id), *lease = seconds (lease_seconds);
  const char *params[] = { team, stage, lease };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "claim_next",
    "SELECT dr.next_claim ($1, $2, $3::interval)", 3, params, error);
  if (res == NULL)
    return FALSE;
  *claim_id = PQgetisnull (res, 0, 0) ? 0 : g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  return TRUE;
}

/* Calls a claim function as statement @name: @sql with $1 = @claim_id and, when @n_params is
 * 2, $2 = @second (NULL allowed). With @value, the first value of the answer, newly
 * allocated. */
static gboolean
claim_call (DrPgConn *conn, const char *name, const char *sql, gint64 claim_id, int n_params,
            const char *second, char **value, GError **error)
{
  g_autofree char *claim = dr_pg_int (claim_id);
  const char *params[] = { claim, second };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, name, sql, n_params, params, error);
  if (res == NULL)
    return FALSE;
  if (value != NULL)
    *value = g_strdup (PQgetvalue (res, 0, 0));
  return TRUE;
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_heartbeat (DrPgConn *conn, gint64 claim_id, int lease_seconds, GError **error)
{
  g_autofree char *lease = seconds (lease_seconds);
  return claim_call (conn, "claim_heartbeat", "SELECT dr.heartbeat ($1, $2::interval)",
                     claim_id, 2, lease, NULL, error);
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_release (DrPgConn *conn, gint64 claim_id, GError **error)
{
  return claim_call (conn, "claim_release", "SELECT dr.release ($1)", claim_id, 1, NULL, NULL,
                     error);
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_advance (DrPgConn *conn, gint64 claim_id, char **stage, GError **error)
{
  return claim_call (conn, "claim_advance", "SELECT dr.advance ($1)", claim_id, 1, NULL, stage,
                     error);
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_assign (DrPgConn *conn, gint64 claim_id, const char *login, GError **error)
{
  return claim_call (conn, "claim_assign", "SELECT dr.assign ($1, $2)", claim_id, 2, login, NULL,
                     error);
}

/* See dr-pg-claims.h. */
gboolean
dr_pg_claim_take_over (DrPgConn *conn, gint64 claim_id, int lease_seconds, GError **error)
{
  g_autofree char *lease = seconds (lease_seconds);
  return claim_call (conn, "claim_take_over", "SELECT dr.take_over ($1, $2::interval)",
                     claim_id, 2, lease, NULL, error);
}
