/* test-team-analysis.c — the window's Analyse All on a team project (DrTeamMonitor, as
 * DrTeamController runs it) queues exactly what `damage-review analyse URI` queues: both run
 * dr_team_analysis_enqueue, and psql (sharing no code with either) reads the job rows each one
 * left. Argument: the damage-review program. */
#include <glib/gstdio.h>
#include <string.h>

#include "dr-pg-conn.h"
#include "dr-team-analysis.h"
#include "dr-team-monitor.h"
#include "pg-test-util.h"

static const char *damage_review;

typedef struct {
  DrPgTestDb *db;
  char *team;
  const char *lead;
  char *home;  /* an empty XDG_DATA_HOME and --models folder: no local model files */
} Fixture;

/* A team with three photos (one marked unreadable), four current fake
 * models and a prediction for one (photo, model) pair: 2 × 4 − 1 jobs are missing. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = dr_pg_test_db_new ();
  f->team = dr_pg_test_db_create_team (f->db, "crew");
  f->lead = dr_pg_test_db_add_login (f->db, "lead");
  dr_pg_test_db_add_member (f->db, "crew", f->lead, "lead");
  g_autofree char *fill = g_strdup_printf (
    "INSERT INTO dr.claims (team_id, name) VALUES (%1$s, 'c');"
    "INSERT INTO dr.photo_blobs SELECT %1$s, encode (sha256 (g::text::bytea), 'hex'),"
    "  g::text::bytea FROM generate_series (1, 3) g;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT %1$s, (SELECT id FROM dr.claims), 'p' || g || '.jpg',"
    "         encode (sha256 (g::text::bytea), 'hex'), 1, 4, 3 FROM generate_series (1, 3) g;"
    "INSERT INTO dr.model_blobs SELECT %1$s, encode (sha256 (('m' || d)::bytea), 'hex'),"
    "  ('m' || d)::bytea FROM generate_series (0, 3) d;"
    "INSERT INTO dr.models (team_id, damage, sha256, path, name, current)"
    "  SELECT %1$s, d, encode (sha256 (('m' || d)::bytea), 'hex'), 'm.pt', 'm', true"
    "    FROM generate_series (0, 3) d;"
    "INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256, rle, area, confidence)"
    "  SELECT %1$s, min (p.id), 0, (SELECT sha256 FROM dr.models WHERE damage = 0), '', 0, 0"
    "    FROM dr.photos p;"
    "UPDATE dr.photos SET error = 'not a photo' WHERE name = 'p3.jpg';", f->team);
  g_free (dr_pg_test_psql_ok (f->db, NULL, fill));
  f->home = g_dir_make_tmp ("test-team-analysis-XXXXXX", NULL);
  g_assert_nonnull (f->home);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_rmdir (f->home);
  g_free (f->home);
  g_free (f->team);
  dr_pg_test_db_free (f->db);
}

/* The job rows of the queue as psql sees them, one string, in a fixed order. */
static char *
jobs (Fixture *f)
{
  return dr_pg_test_psql_ok (f->db, NULL,
    "SELECT coalesce (string_agg (format ('%s/%s/%s/%s/%s/%s', photo_id, damage, model_sha256,"
    "                             state, attempts, max_attempts), ' '"
    "                             ORDER BY photo_id, damage, model_sha256), '')"
    "  FROM dr.analysis_jobs");
}

/* Runs `damage-review analyse URI --models HOME [extra]` as the lead; fails the test unless it
 * exits 0. */
static void
run_cli (Fixture *f, const char *extra)
{
  g_autofree char *uri = dr_pg_test_db_conninfo (f->db, f->lead);
  const char *argv[] = { damage_review, "analyse", uri, "--models", f->home, extra, NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_unsetenv (env, "DAMAGE_REVIEW_MODELS");
  env = g_environ_setenv (env, "XDG_DATA_HOME", f->home, TRUE);
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("analyse URI: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

/* dr_team_analysis_enqueue called directly with the CLI's defaults (the window has no
 * retry of failed jobs; this checks the shared function's retry against the CLI's). */
static gint64
run_window (Fixture *f, gboolean retry_failed)
{
  g_autofree char *uri = dr_pg_test_db_conninfo (f->db, f->lead);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (uri, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 added = -1;
  g_setenv ("XDG_DATA_HOME", f->home, TRUE);
  g_unsetenv ("DAMAGE_REVIEW_MODELS");
  g_assert_true (dr_team_analysis_enqueue (conn, g_ascii_strtoll (f->team, NULL, 10), f->home,
                                           DR_TEAM_ANALYSIS_MAX_ATTEMPTS, retry_failed, NULL,
                                           NULL, &added, &error));
  g_assert_no_error (error);
  return added;
}

typedef struct {
  gboolean done;
  gint64 added;
  char *message;
} Enqueued;

static void
on_snapshot (DrTeamMonitor *monitor, const DrTeamSnapshot *snapshot, const char *message,
             gpointer user_data)
{
}

static void
on_enqueued (DrTeamMonitor *monitor, gint64 added, const char *message, gpointer user_data)
{
  Enqueued *e = user_data;
  e->done = TRUE;
  e->added = added;
  e->message = g_strdup (message);
}

/* Analyse All exactly as the window runs it: DrTeamMonitor on its own thread, as the lead. */
static gint64
run_window_monitor (Fixture *f)
{
  g_autofree char *uri = dr_pg_test_db_conninfo (f->db, f->lead);
  g_setenv ("XDG_DATA_HOME", f->home, TRUE);
  g_unsetenv ("DAMAGE_REVIEW_MODELS");
  Enqueued e = { 0 };
  DrTeamMonitor *monitor = dr_team_monitor_new (uri, on_snapshot, on_enqueued, &e);
  dr_team_monitor_enqueue (monitor);
  gint64 limit = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;  /* a hang fails */
  while (!e.done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  dr_team_monitor_free (monitor);
  g_assert_cmpstr (e.message, ==, NULL);
  return e.added;
}

/* The same missing jobs, with the same attempts and limits, from both. */
static void
test_same_jobs (Fixture *f, gconstpointer data)
{
  run_cli (f, NULL);
  g_autofree char *by_cli = jobs (f);
  g_test_message ("analyse URI queued: %s", by_cli);
  g_auto (GStrv) rows = g_strsplit (by_cli, " ", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 2 * 4 - 1);
  g_free (dr_pg_test_psql_ok (f->db, NULL, "DELETE FROM dr.analysis_jobs"));
  g_assert_cmpint (run_window_monitor (f), ==, 2 * 4 - 1);
  g_autofree char *by_window = jobs (f);
  g_assert_cmpstr (by_window, ==, by_cli);
}

/* Failed jobs, queued again by both with --retry-failed, end up the same. */
static void
test_retry_failed (Fixture *f, gconstpointer data)
{
  const char *fail = "UPDATE dr.analysis_jobs SET state = 'failed', attempts = max_attempts,"
                     " last_error = 'boom' WHERE damage = 1";
  g_assert_cmpint (run_window (f, FALSE), ==, 2 * 4 - 1);
  g_free (dr_pg_test_psql_ok (f->db, NULL, fail));
  run_cli (f, "--retry-failed");
  g_autofree char *by_cli = jobs (f);
  g_free (dr_pg_test_psql_ok (f->db, NULL, fail));
  run_window (f, TRUE);
  g_autofree char *by_window = jobs (f);
  g_assert_cmpstr (by_window, ==, by_cli);
  g_assert_null (strstr (by_window, "failed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  damage_review = argv[1];
  g_test_add ("/pg/team-analysis/same-jobs", Fixture, NULL, fixture_set_up, test_same_jobs,
              fixture_tear_down);
  g_test_add ("/pg/team-analysis/retry-failed", Fixture, NULL, fixture_set_up,
              test_retry_failed, fixture_tear_down);
  return g_test_run ();
}
