/* test-team-monitor.c — what the window's team progress, filter and error rows are built from
 * (DrTeamMonitor: role, work items, queue counts, failed jobs, Analyse All), read on its own
 * thread against a real server; psql is the oracle. */
#include <string.h>

#include "dr-pg-work-items.h"
#include "dr-team-analysis.h"
#include "dr-team-monitor.h"
#include "pg-test-util.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)  /* a hang fails, it does not time the test */

typedef struct {
  DrPgTestDb *db;
  char *team;
  const char *lead, *ann;
} Fixture;

/* What a monitor reported: its last snapshot (moved out), reads, and Analyse All's answer. */
typedef struct {
  DrTeamSnapshot *last;
  char *error;
  guint reads;
  gboolean enqueued;
  gint64 added;
  char *enqueue_error;
} Seen;

/* A team with three photos (one unreadable), four current fake models, a prediction for one
 * pair (7 jobs missing), one claim, a lead and an annotator. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = dr_pg_test_db_new ();
  f->team = dr_pg_test_db_create_team (f->db, "crew");
  f->lead = dr_pg_test_db_add_login (f->db, "lead");
  dr_pg_test_db_add_member (f->db, "crew", f->lead, "lead");
  f->ann = dr_pg_test_db_add_login (f->db, "ann");
  dr_pg_test_db_add_member (f->db, "crew", f->ann, "annotator");
  g_autofree char *fill = g_strdup_printf (
    "INSERT INTO dr.claims (team_id, name) VALUES (%1$s, 'c');"
    "INSERT INTO dr.work_items (team_id, claim_id) SELECT team_id, id FROM dr.claims;"
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
  /* no local model files: Analyse All keeps the team's models */
  g_setenv ("DAMAGE_REVIEW_MODELS", "/nonexistent", TRUE);
  g_setenv ("XDG_DATA_HOME", "/nonexistent", TRUE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->team);
  dr_pg_test_db_free (f->db);
}

static void
on_snapshot (DrTeamMonitor *monitor, const DrTeamSnapshot *snapshot, const char *message,
             gpointer user_data)
{
  Seen *seen = user_data;
  seen->reads++;
  g_clear_pointer (&seen->error, g_free);
  seen->error = g_strdup (message);
  if (snapshot == NULL)
    return;
  dr_team_snapshot_free (seen->last);
  seen->last = g_new0 (DrTeamSnapshot, 1);
  *seen->last = *snapshot;
  memset ((DrTeamSnapshot *) snapshot, 0, sizeof *snapshot);
}

static void
on_enqueued (DrTeamMonitor *monitor, gint64 added, const char *message, gpointer user_data)
{
  Seen *seen = user_data;
  seen->enqueued = TRUE;
  seen->added = added;
  seen->enqueue_error = g_strdup (message);
}

static void
seen_clear (Seen *seen)
{
  dr_team_snapshot_free (seen->last);
  g_free (seen->error);
  g_free (seen->enqueue_error);
}

/* Iterates the main context until @seen has more than @reads reads. */
static void
wait_read (Seen *seen, guint reads)
{
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_US;
  while (seen->reads <= reads)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

/* An integer from psql. */
static gint64
psql_int (Fixture *f, const char *sql)
{
  g_autofree char *out = dr_pg_test_psql_ok (f->db, NULL, sql);
  return g_ascii_strtoll (out, NULL, 10);
}

/* The lead's window: role and login; Analyse All queues what psql then sees, and the next read
 * counts it; a job that failed for good comes back with its photo and last error; a claim
 * assigned meanwhile is read with its assignee. */
static void
test_lead (Fixture *f, gconstpointer data)
{
  g_autofree char *uri = dr_pg_test_db_conninfo (f->db, f->lead);
  Seen seen = { 0 };
  DrTeamMonitor *monitor = dr_team_monitor_new (uri, on_snapshot, on_enqueued, &seen);
  wait_read (&seen, 0);
  g_assert_null (seen.error);
  g_assert_cmpstr (seen.last->role, ==, "lead");
  g_assert_cmpstr (seen.last->login, ==, f->lead);
  g_assert_cmpint (seen.last->counts.queued, ==, 0);
  g_assert_cmpint (seen.last->counts.done, ==, 1);
  g_assert_cmpuint (seen.last->work_items->len, ==, 1);

  guint reads = seen.reads;
  dr_team_monitor_enqueue (monitor);
  wait_read (&seen, reads);
  g_assert_true (seen.enqueued);
  g_assert_null (seen.enqueue_error);
  g_assert_cmpint (seen.added, ==, psql_int (f, "SELECT count(*) FROM dr.analysis_jobs"));
  g_assert_cmpint (seen.last->counts.queued, ==, 7);

  g_free (dr_pg_test_psql_ok (f->db, NULL,
    "UPDATE dr.analysis_jobs SET state = 'failed', attempts = max_attempts,"
    " last_error = E'decoder\\nran out' WHERE damage = 2 AND photo_id = (SELECT min (id)"
    " FROM dr.photos)"));
  g_autofree char *assign = g_strdup_printf ("SELECT dr.assign (claim_id, '%s')"
                                             " FROM dr.work_items", f->ann);
  g_free (dr_pg_test_psql_ok (f->db, f->lead, assign));
  reads = seen.reads;
  dr_team_monitor_wake (monitor);
  wait_read (&seen, reads);
  g_assert_cmpint (seen.last->counts.failed, ==, 1);
  g_assert_cmpint (seen.last->counts.queued, ==, 6);
  g_assert_cmpuint (seen.last->failed->len, ==, 1);
  const DrPgFailedJob *job = seen.last->failed->pdata[0];
  g_assert_cmpint (job->photo_id, ==, psql_int (f, "SELECT min (id) FROM dr.photos"));
  g_assert_cmpint (job->damage, ==, 2);
  g_assert_cmpstr (job->last_error, ==, "decoder ran out");
  const DrPgWorkItem *item = seen.last->work_items->pdata[0];
  g_assert_cmpstr (item->assignee, ==, f->ann);
  g_assert_cmpstr (item->claim_name, ==, "c");
  dr_team_monitor_free (monitor);
  seen_clear (&seen);
}

/* An annotator's Analyse All is refused by the server with one line, and nothing is queued. */
static void
test_annotator_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *uri = dr_pg_test_db_conninfo (f->db, f->ann);
  Seen seen = { 0 };
  DrTeamMonitor *monitor = dr_team_monitor_new (uri, on_snapshot, on_enqueued, &seen);
  wait_read (&seen, 0);
  g_assert_cmpstr (seen.last->role, ==, "annotator");
  guint reads = seen.reads;
  dr_team_monitor_enqueue (monitor);
  wait_read (&seen, reads);
  g_assert_true (seen.enqueued);
  g_assert_nonnull (seen.enqueue_error);
  g_test_message ("refused: %s", seen.enqueue_error);
  g_assert_null (strchr (seen.enqueue_error, '\n'));
  g_assert_cmpint (psql_int (f, "SELECT count(*) FROM dr.analysis_jobs"), ==, 0);
  dr_team_monitor_free (monitor);
  seen_clear (&seen);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/team-monitor/lead", Fixture, NULL, fixture_set_up, test_lead,
              fixture_tear_down);
  g_test_add ("/pg/team-monitor/annotator-refused", Fixture, NULL, fixture_set_up,
              test_annotator_refused, fixture_tear_down);
  return g_test_run ();
}
