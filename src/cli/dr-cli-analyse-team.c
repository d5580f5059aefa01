/* dr-cli-analyse-team.c — `damage-review analyse URI`: queue a team project's missing work.
 *
 * A team project is analysed by workers (`damage-review worker URI`, on any number of
 * machines), not by this command: it runs dr_team_analysis_enqueue (the same code as the
 * window's Analyse All on a team project) and prints the queue. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-analyse-team.h"
#include "dr-cli-options.h"
#include "dr-pg-team.h"
#include "dr-pg-jobs.h"
#include "dr-team-analysis.h"

/* Prints a note of dr_team_analysis_enqueue: model changes on stdout, skipped files on stderr. */
static void
print_note (const char *line, gboolean warning, gpointer user_data)
{
  if (warning)
    fprintf (stderr, "damage-review: %s\n", line);
  else
    printf ("%s\n", line);
}

/* See dr-cli-analyse-team.h. */
int
dr_cli_analyse_team (const char *uri, const char *team_name, const char *models_dir,
                     int max_attempts, gboolean retry_failed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (uri, DR_PG_OPEN_DEFAULT, &error);
  gint64 team = conn == NULL ? 0 : dr_pg_team_resolve (conn, team_name, &error);
  gint64 added = 0;
  DrPgQueueCounts n = { 0 };
  if (team == 0
      || !dr_team_analysis_enqueue (conn, team, models_dir, max_attempts, retry_failed,
                                    print_note, NULL, &added, &error)
      || !dr_pg_jobs_count (conn, team, &n, &error))
    return dr_cli_fail (error);
  /* TRANSLATORS: summary of `damage-review analyse URI` */
  printf (_("%lld jobs added: %lld queued, %lld running, %lld failed, %lld done\n"),
          (long long) added, (long long) n.queued, (long long) n.running, (long long) n.failed,
          (long long) n.done);
  if (n.queued + n.running > 0)
    printf ("%s\n", _("Workers analyse them: damage-review worker URI (on any number of "
                      "machines); damage-review status URI shows progress"));
  return DR_EXIT_OK;
}
