/* test-pg-jobs.c — the analysis queue's claim reads every value from the server range-checked.
 *
 * A worker takes the damage of a claimed job as a bit index and a model slot, and names the
 * photo in its messages. The schema's CHECK constraints keep those in range on an honest
 * server; here the administrator removes them (as a broken or hostile server would send
 * anything) and the claim must refuse the row with one line instead of handing it on. */
#include <libpq-fe.h>
#include <string.h>

#include "dr-pg-conn.h"
#include "dr-pg-jobs.h"
#include "pg-test-util.h"

typedef struct {
  DrPgTestDb *db;
  char *team;
  gint64 team_id;
  char *conninfo;  /* the worker's */
  char *models;    /* '{sha,…}' of the current models */
} Fixture;

/* One team with two photos, four current fake models and every job queued by the worker. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = dr_pg_test_db_new ();
  f->team = dr_pg_test_db_create_team (f->db, "jobs");
  f->team_id = g_ascii_strtoll (f->team, NULL, 10);
  const char *login = dr_pg_test_db_add_login (f->db, "worker");
  dr_pg_test_db_add_member (f->db, "jobs", login, "worker");
  g_autofree char *fill = g_strdup_printf (
    "INSERT INTO dr.claims (team_id, name) VALUES (%1$s, 'c');"
    "INSERT INTO dr.photo_blobs SELECT %1$s, encode (sha256 (g::text::bytea), 'hex'),"
    "  g::text::bytea FROM generate_series (1, 2) g;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT %1$s, (SELECT id FROM dr.claims), CASE g WHEN 1 THEN 'one.jpg'"
    "         ELSE E'two\\nlines\\r.jpg' END, encode (sha256 (g::text::bytea), 'hex'), 1, 4, 3"
    "    FROM generate_series (1, 2) g;"
    "INSERT INTO dr.model_blobs SELECT %1$s, encode (sha256 (('m' || d)::bytea), 'hex'),"
    "  ('m' || d)::bytea FROM generate_series (0, 3) d;"
    "INSERT INTO dr.models (team_id, damage, sha256, path, name, current)"
    "  SELECT %1$s, d, encode (sha256 (('m' || d)::bytea), 'hex'), 'm.pt', 'm', true"
    "    FROM generate_series (0, 3) d;", f->team);
  g_free (dr_pg_test_psql_ok (f->db, NULL, fill));
  f->models = dr_pg_test_psql_ok (f->db, NULL,
                                  "SELECT '{' || string_agg (sha256, ',') || '}' FROM dr.models");
  f->conninfo = dr_pg_test_db_conninfo (f->db, login);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (f->conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 added = 0;
  g_assert_true (dr_pg_jobs_enqueue (conn, f->team_id, 3, FALSE, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpint (added, ==, 8);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->models);
  g_free (f->conninfo);
  g_free (f->team);
  dr_pg_test_db_free (f->db);
}

/* Claims up to 8 jobs as the worker; the error (if any) goes to *error. */
static GPtrArray *
claim (Fixture *f, GError **error)
{
  g_autoptr (GError) open_error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (f->conninfo, DR_PG_OPEN_DEFAULT, &open_error);
  g_assert_no_error (open_error);
  return dr_pg_jobs_claim (conn, f->team_id, "w1", f->models, 8, 60, error);
}

/* An honest queue: every job comes back with its values; a name's line breaks become '?'. */
static void
test_claim_values (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = claim (f, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (jobs, (GDestroyNotify) dr_pg_job_free);
  g_assert_cmpuint (jobs->len, ==, 8);
  for (guint i = 0; i < jobs->len; i++)
    {
      const DrPgJob *job = jobs->pdata[i];
      g_assert_cmpint (job->damage, ==, (int) (i % 4));
      g_assert_cmpint (job->attempts, ==, 1);
      g_assert_cmpint (job->width, ==, 4);
      g_assert_cmpint (job->height, ==, 3);
      g_assert_cmpuint (strlen (job->model_sha256), ==, 64);
      g_assert_cmpstr (job->photo_name, ==, i < 4 ? "one.jpg" : "two?lines?.jpg");
    }
}

/* Lifts the schema's checks on analysis_jobs, so the administrator can store what a broken
 * server might send. */
static void
lift_checks (Fixture *f)
{
  g_free (dr_pg_test_psql_ok (f->db, NULL,
    "DO $$ DECLARE c text; BEGIN"
    "  FOR c IN SELECT conname FROM pg_constraint"
    "            WHERE conrelid = 'dr.analysis_jobs'::regclass AND contype IN ('c', 'f') LOOP"
    "    EXECUTE format ('ALTER TABLE dr.analysis_jobs DROP CONSTRAINT %I', c);"
    "  END LOOP; END $$"));
}

/* A damage outside 0…3 is refused with one line naming the server; no job is handed on. */
static void
test_claim_bad_damage (Fixture *f, gconstpointer data)
{
  lift_checks (f);
  g_free (dr_pg_test_psql_ok (f->db, NULL,
    "UPDATE dr.analysis_jobs SET damage = 93 WHERE damage = 3"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = claim (f, &error);
  g_assert_null (jobs);
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "out-of-range"));
  g_assert_null (strchr (error->message, '\n'));
}

/* A model key that is not a SHA-256 is refused the same way. */
static void
test_claim_bad_model (Fixture *f, gconstpointer data)
{
  lift_checks (f);
  g_free (dr_pg_test_psql_ok (f->db, NULL,
    "UPDATE dr.analysis_jobs SET model_sha256 = '../../etc/passwd' WHERE damage = 1"));
  g_autofree char *models = g_strdup_printf ("%.*s,../../etc/passwd}",
                                             (int) strlen (f->models) - 1, f->models);
  g_free (f->models);
  f->models = g_steal_pointer (&models);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = claim (f, &error);
  g_assert_null (jobs);
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "out-of-range"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/jobs/claim-values", Fixture, NULL, fixture_set_up, test_claim_values,
              fixture_tear_down);
  g_test_add ("/pg/jobs/claim-bad-damage", Fixture, NULL, fixture_set_up, test_claim_bad_damage,
              fixture_tear_down);
  g_test_add ("/pg/jobs/claim-bad-model", Fixture, NULL, fixture_set_up, test_claim_bad_model,
              fixture_tear_down);
  return g_test_run ();
}
