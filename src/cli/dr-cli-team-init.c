/* dr-cli-team-init.c — `damage-review team-init URI [--team NAME --lead LOGIN]`: the
 * administrator creates or upgrades the team schema of a database (dr-pg-migrate.h), and
 * optionally creates a team with its first lead. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-pg-migrate.h"

/* Creates team @team (unless it exists) and makes @lead its lead. */
static gboolean
add_team (DrPgConn *conn, const char *team, const char *lead, GError **error)
{
  const char *name[] = { team };
  /* The team, created unless it exists (administrator only). */
  g_autoptr (PGresult) found = dr_pg_conn_exec (conn, "cli_team_exists",
    "SELECT 1 FROM dr.teams WHERE name = $1", 1, name, error);
  if (found == NULL)
    return FALSE;
  if (PQntuples (found) == 0)
    {
      g_autoptr (PGresult) created = dr_pg_conn_exec (conn, "cli_team_create",
        "SELECT dr.create_team ($1)", 1, name, error);
      if (created == NULL)
        return FALSE;
    }
  if (lead == NULL)
    return TRUE;
  const char *params[] = { team, lead };
  g_autoptr (PGresult) added = dr_pg_conn_exec (conn, "cli_team_lead",
    "SELECT dr.add_member ($1, $2, 'lead')", 2, params, error);
  return added != NULL;
}

/* Exit codes: 0 the schema is current (and the team exists); 1 the server refused; 2 usage. */
int
dr_cli_team_init (int argc, char **argv)
{
  g_autofree char *team = NULL, *lead = NULL;
  const GOptionEntry entries[] = {
    { "team", 't', 0, G_OPTION_ARG_STRING, &team,
      N_("Also create this team (if it does not exist)"), N_("NAME") },
    { "lead", 'l', 0, G_OPTION_ARG_STRING, &lead,
      N_("Make this login role the team’s lead (with --team)"), N_("LOGIN") },
    { NULL },
  };
  if (!dr_cli_parse_options ("team-init", _("URI"),
                             _("Create or upgrade the team schema in a PostgreSQL database (run "
                               "as its owner or a superuser), and optionally create a team with "
                               "its first lead."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2 || !dr_pg_is_conninfo (argv[1]) || (lead != NULL && team == NULL))
    return dr_cli_usage_error ("team-init",
                               _("expected a server (postgresql://… or service=NAME), and --lead "
                                 "only with --team"));
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (argv[1], DR_PG_OPEN_MIGRATE, &error);
  if (conn == NULL || (team != NULL && !add_team (conn, team, lead, &error)))
    return dr_cli_fail (error);
  /* TRANSLATORS: result of `damage-review team-init`; the server, then the schema version. */
  printf (_("%s: team schema at version %d\n"), dr_pg_conn_get_server (conn),
          dr_pg_conn_get_schema_version (conn));
  return DR_EXIT_OK;
}
