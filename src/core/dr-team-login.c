/* dr-team-login.c — see dr-team-login.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-pg-conn.h"
#include "dr-pg-location.h"
#include "dr-pg-password.h"
#include "dr-pg-team.h"
#include "dr-team-login.h"

static DrTeamPasswordLookup password_lookup;  /* set once by the face, read by workers */

/* See header. */
void
dr_team_login_set_password_lookup (DrTeamPasswordLookup lookup)
{
  g_atomic_pointer_set (&password_lookup, lookup);
}

/* The translated line for @pg_error (from dr_pg_conn_open) on the project @name. */
static char *
describe_failure (const GError *pg_error, const char *name)
{
  if (pg_error->domain != DR_PG_ERROR)
    /* TRANSLATORS: %s is a team project ("claims@db.example"), then the reason. */
    return g_strdup_printf (_("Could not open the team project %s: %s"), name,
                            pg_error->message);
  switch ((DrPgError) pg_error->code)
    {
    case DR_PG_ERROR_BAD_URI:
      return g_strdup (_("This is not a valid connection: use postgresql://SERVER/DATABASE or "
                         "service=NAME"));
    case DR_PG_ERROR_AUTH:
      /* TRANSLATORS: %s is a team project ("claims@db.example"). */
      return g_strdup_printf (_("%s did not accept this login and password"), name);
    case DR_PG_ERROR_UNREACHABLE:
      return g_strdup_printf (_("No server answers for %s; check the server name and the "
                                "network"), name);
    case DR_PG_ERROR_PERMISSION:
      return g_strdup_printf (_("This login is not a member of a team on %s; a team lead "
                                "adds members"), name);
    case DR_PG_ERROR_NO_SCHEMA:
      return g_strdup_printf (_("%s holds no Damage Review team project; the administrator "
                                "creates it with “damage-review team-init”"), name);
    case DR_PG_ERROR_SCHEMA_OLD:
      return g_strdup_printf (_("%s holds a team project of an older version; the "
                                "administrator upgrades it with “damage-review team-init”"),
                              name);
    case DR_PG_ERROR_SCHEMA_NEW:
      return g_strdup_printf (_("%s holds a team project of a newer Damage Review; update "
                                "this app to open it"), name);
    default:
      return g_strdup_printf (_("Could not open the team project %s: %s"), name,
                              pg_error->message);
    }
}

/* The team the project works on, as the store's backend picks it: the dr.team setting of the
 * connection's options, else the login's only team; 0 with an error. */
static gint64
resolve_team (DrPgConn *conn, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "backend_team_setting",
    "SELECT nullif (current_setting ('dr.team', true), '')", 0, NULL, error);
  if (res == NULL)
    return 0;
  return dr_pg_team_resolve (conn, PQgetisnull (res, 0, 0) ? NULL : PQgetvalue (res, 0, 0),
                             error);
}

/* See header. */
gboolean
dr_team_login_check (const char *location, GCancellable *cancellable, char **login,
                     gint64 *team_id, GError **error)
{
  g_return_val_if_fail (location != NULL, FALSE);
  char *known = dr_pg_password_dup (location);
  DrTeamPasswordLookup lookup = g_atomic_pointer_get (&password_lookup);
  if (known == NULL && lookup != NULL && !dr_pg_location_has_password (location))
    {
      char *stored = lookup (location, cancellable);
      dr_pg_password_set (location, stored);
      dr_pg_password_free (stored);
    }
  dr_pg_password_free (known);
  g_autoptr (GError) local = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (location, DR_PG_OPEN_DEFAULT, &local);
  gint64 team = conn != NULL ? resolve_team (conn, &local) : 0;
  if (team > 0)
    {
      if (login != NULL)
        *login = g_strdup (dr_pg_conn_get_user (conn));
      if (team_id != NULL)
        *team_id = team;
      return TRUE;
    }
  g_autofree char *name = dr_pg_location_describe (location);
  g_autofree char *line = describe_failure (local, name ? name : _("(unreadable connection)"));
  g_set_error_literal (error, local->domain == DR_PG_ERROR ? DR_PG_ERROR : G_IO_ERROR,
                       local->domain == DR_PG_ERROR ? local->code : G_IO_ERROR_FAILED, line);
  return FALSE;
}
