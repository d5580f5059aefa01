/* dr-cli-status.c — `damage-review status URI`: the analysis queue of a team project.
 *
 * Prints the jobs by state (queued, of which waiting for a retry; running, of which with an
 * expired lease; failed; done = predictions of the current models), each worker with its
 * rate (jobs finished per second since it started) and when it was last heard of, the
 * combined rate of the live workers and the time left at that rate, and the failed jobs with
 * their last error. Read-only; any member of the team may run it. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-pg-team.h"
#include "dr-model-set.h"
#include "dr-pg-jobs.h"

#define MAX_FAILED_SHOWN 20

/* Prints the worker table; returns the summed rate (jobs/s) of the live workers. */
static double
print_workers (DrPgConn *conn, gint64 team, GError **error)
{
  /* Rate = jobs finished over the time between start and the last heartbeat. */
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_status_workers",
    "SELECT worker, threads, jobs_done, jobs_failed,"
    "       jobs_done / greatest (extract (epoch FROM last_seen - started), 1),"
    "       extract (epoch FROM now () - last_seen)::bigint, stopped IS NOT NULL"
    "  FROM dr.analysis_workers WHERE team_id = $1::bigint ORDER BY started, worker", error);
  if (res == NULL)
    return -1;
  double total = 0;
  if (PQntuples (res) > 0)
    printf ("%s\n", _("Workers:"));
  for (int i = 0; i < PQntuples (res); i++)
    {
      double rate = g_ascii_strtod (PQgetvalue (res, i, 4), NULL);
      gint64 ago = g_ascii_strtoll (PQgetvalue (res, i, 5), NULL, 10);
      gboolean stopped = PQgetvalue (res, i, 6)[0] == 't';
      gboolean live = !stopped && ago <= DR_PG_WORKER_LIVE_SECONDS;
      if (live)
        total += rate;
      /* TRANSLATORS: worker name, threads, jobs done, jobs failed, jobs per second, state */
      printf (_("  %-28s %2s threads  %6s done  %4s failed  %6.2f jobs/s  %s\n"),
              PQgetvalue (res, i, 0), PQgetvalue (res, i, 1), PQgetvalue (res, i, 2),
              PQgetvalue (res, i, 3), rate,
              stopped ? _("stopped") : live ? _("running") : _("silent (killed or cut off?)"));
    }
  return total;
}

/* Prints up to MAX_FAILED_SHOWN failed jobs with their last error. */
static gboolean
print_failed (DrPgConn *conn, gint64 team, GError **error)
{
  g_autoptr (GPtrArray) failed = dr_pg_jobs_list_failed (conn, team, MAX_FAILED_SHOWN, error);
  if (failed == NULL)
    return FALSE;
  if (failed->len > 0)
    printf ("%s\n", _("Failed:"));
  for (guint i = 0; i < failed->len; i++)
    {
      DrPgFailedJob *job = failed->pdata[i];
      g_autofree char *attempts = g_strdup_printf ("%d", job->attempts);
      /* TRANSLATORS: photo name, model name, attempts, last error */
      printf (_("  %s, %s: %s attempts: %s\n"), job->photo_name,
              dr_damage_get_model_name ((DrDamage) job->damage), attempts, job->last_error);
    }
  return TRUE;
}

/* Parses options, connects and prints the queue. Exit 0, 1 on a server failure, 2 usage. */
int
dr_cli_status (int argc, char **argv)
{
  g_autofree char *team_name = NULL;
  const GOptionEntry entries[] = {
    { "team", 0, 0, G_OPTION_ARG_STRING, &team_name,
      N_("Show team NAME (needed when the login is in several)"), N_("NAME") },
    { NULL },
  };
  if (!dr_cli_parse_options ("status", _("URI"),
                             _("Show a team project’s analysis queue and workers."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2 || !dr_pg_is_conninfo (argv[1]))
    return dr_cli_usage_error ("status",
                               _("expected one connection URI (postgresql://… or service=NAME)"));
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (argv[1], DR_PG_OPEN_DEFAULT, &error);
  gint64 team = conn == NULL ? 0 : dr_pg_team_resolve (conn, team_name, &error);
  DrPgQueueCounts n = { 0 };
  if (team == 0 || !dr_pg_jobs_count (conn, team, &n, &error))
    return dr_cli_fail (error);
  printf ("%s\n", dr_pg_conn_get_server (conn));
  /* TRANSLATORS: job counts of the analysis queue */
  printf (_("Jobs: %lld queued (%lld waiting to retry), %lld running (%lld with an expired "
            "lease), %lld failed, %lld done\n"),
          (long long) n.queued, (long long) n.waiting, (long long) n.running,
          (long long) n.expired, (long long) n.failed, (long long) n.done);
  double rate = print_workers (conn, team, &error);
  if (rate < 0 || !print_failed (conn, team, &error))
    return dr_cli_fail (error);
  gint64 left = n.queued + n.running;
  if (left > 0 && rate > 0)
    {
      gint64 seconds = (gint64) (left / rate + 0.5);
      /* TRANSLATORS: combined rate of the running workers, then hours:minutes:seconds left */
      printf (_("Rate %.2f jobs/s: about %lld:%02d:%02d left\n"), rate,
              (long long) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60));
    }
  else if (left > 0)
    printf ("%s\n", _("No worker is running: start one with “damage-review worker URI”"));
  return DR_EXIT_OK;
}
