/* dr-cli-push.c — `damage-review push PROJECT URI [--team NAME]`: copy a local project into a
 * team project on a PostgreSQL server, in one transaction (see dr-pg-push.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-pg-push.h"
#include "dr-pg-team.h"

/* Exit codes: 0 pushed (or nothing new to push); 1 the file or the server refused (nothing was
 * written); 2 bad usage. */
int
dr_cli_push (int argc, char **argv)
{
  g_autofree char *team = NULL;
  const GOptionEntry entries[] = {
    { "team", 't', 0, G_OPTION_ARG_STRING, &team,
      N_("The team to push into (needed when you are in several)"), N_("NAME") },
    { NULL },
  };
  if (!dr_cli_parse_options ("push", _("PROJECT URI"),
                             _("Copy a local project (photos with their bytes, predictions, "
                               "edits, verdicts, notes, claims, model records) into a team "
                               "project on a PostgreSQL server. URI is a postgresql:// URI or "
                               "service=NAME; the password comes from ~/.pgpass or the service "
                               "file. All or nothing: a failed push writes nothing."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 3 || !dr_pg_is_conninfo (argv[2]))
    return dr_cli_usage_error ("push",
                               _("expected a project file and a server (postgresql://… or "
                                 "service=NAME)"));
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  g_autoptr (DrPgConn) conn = project ? dr_pg_conn_open (argv[2], DR_PG_OPEN_DEFAULT, &error)
                                      : NULL;
  gint64 team_id = conn ? dr_pg_team_resolve (conn, team, &error) : 0;
  DrPgPushSummary s;
  if (team_id == 0 || !dr_pg_push (project, conn, team_id, &s, &error))
    return dr_cli_fail (error);
  /* TRANSLATORS: summary of `damage-review push`; counts, then the server. */
  printf (_("%u photos (%u already there), %u claims, %u model records, %u predictions, "
            "%u edits, %u verdicts, %u notes, %u ground-truth masks pushed to %s\n"),
          s.photos, s.photos_present, s.claims, s.models, s.predictions, s.revisions,
          s.reviews, s.notes, s.ground_truth, dr_pg_conn_get_server (conn));
  return DR_EXIT_OK;
}
