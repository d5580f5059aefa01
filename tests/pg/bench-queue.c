/* bench-queue.c — the analysis queue's own speed on a local PostgreSQL server (not a test):
 *
 *   pg_virtualenv -t build-test/tests/pg/bench-queue [JOBS] [WORKERS] [SECONDS]
 *
 * (defaults 1000000 jobs, 16 workers, 20 s; PGHOST… of a server where PGUSER is a superuser
 * also work: it creates and drops its own database and roles). Fills a team with JOBS/4
 * photos × 4 models, queues them with dr_pg_jobs_enqueue, then WORKERS threads, each with its
 * own connection as a worker login (row-level security on, as in production), loop over the
 * real statements: dr_pg_jobs_claim (batches of 32, SKIP LOCKED) and dr_pg_jobs_complete for
 * every job (prediction insert + job delete), no inference. Prints the enqueue time and the
 * claim+complete rate, to compare with what engines consume (about 4 jobs/s per core: one
 * four-model pass per second). The machine is shared: compare runs on the same machine only. */
#include <stdio.h>
#include <stdlib.h>

#include "dr-pg-conn.h"
#include "dr-pg-jobs.h"
#include "pg-test-util.h"

#define BATCH 32

typedef struct {
  char *conninfo;
  gint64 team;
  const char *models;      /* text[] literal of the four fake checkpoints */
  gint64 deadline;         /* monotonic µs */
  guint64 done;
  int index;
} Bench;

/* One worker thread: its own connection; claim and complete until the deadline. */
static gpointer
bench_worker (gpointer data)
{
  Bench *b = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (b->conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_autofree char *name = g_strdup_printf ("bench-%d", b->index);
  g_assert_true (dr_pg_jobs_register_worker (conn, b->team, name, 1, &error));
  while (g_get_monotonic_time () < b->deadline)
    {
      g_autoptr (GPtrArray) jobs = dr_pg_jobs_claim (conn, b->team, name, b->models, BATCH, 60,
                                                     &error);
      g_assert_no_error (error);
      if (jobs->len == 0)
        break;
      for (guint i = 0; i < jobs->len; i++)
        {
          g_assert_true (dr_pg_jobs_complete (conn, b->team, name, jobs->pdata[i], "1", 0, 0.5,
                                              &error));
          b->done++;
        }
    }
  g_assert_true (dr_pg_jobs_release (conn, b->team, name, NULL, &error));
  return NULL;
}

/* Fills team @team (its id as text) with one claim, @n_photos photos (and their blobs) and four
 * current fake checkpoints, as the administrator, through prepared statements. */
static void
fill (DrPgTestDb *db, const char *team, gint64 n_photos)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (db->admin, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, n_photos);
  const char *params[] = { team, n };
  /* $1 the team, $2 the number of photos */
  const struct { const char *name, *sql; int n_params; } statements[] = {
    { "bench_claim", "INSERT INTO dr.claims (team_id, name) VALUES ($1::bigint, 'c')", 1 },
    { "bench_blobs",
      "INSERT INTO dr.photo_blobs SELECT $1::bigint, encode (sha256 (g::text::bytea), 'hex'),"
      "  g::text::bytea FROM generate_series (1, $2::bigint) g", 2 },
    { "bench_photos",
      "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
      "  SELECT $1::bigint, (SELECT id FROM dr.claims), 'p' || g,"
      "         encode (sha256 (g::text::bytea), 'hex'), 1, 1, 1"
      "    FROM generate_series (1, $2::bigint) g", 2 },
    { "bench_model_blobs",
      "INSERT INTO dr.model_blobs SELECT $1::bigint, encode (sha256 (('m' || d)::bytea), 'hex'),"
      "  ('m' || d)::bytea FROM generate_series (0, 3) d", 1 },
    { "bench_models",
      "INSERT INTO dr.models (team_id, damage, sha256, path, name, current)"
      "  SELECT $1::bigint, d, encode (sha256 (('m' || d)::bytea), 'hex'), 'm.pt', 'm', true"
      "    FROM generate_series (0, 3) d", 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr (PGresult) res = dr_pg_conn_exec (conn, statements[i].name, statements[i].sql,
                                                  statements[i].n_params, params, &error);
      g_assert_no_error (error);
    }
  g_free (dr_pg_test_psql_ok (db, NULL, "ANALYZE"));
}

int
main (int argc, char **argv)
{
  gint64 n_jobs = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 1000000;
  int n_workers = argc > 2 ? atoi (argv[2]) : 16;
  int seconds = argc > 3 ? atoi (argv[3]) : 20;
  gint64 n_photos = MAX (1, n_jobs / 4);
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "bench");
  const char *login = dr_pg_test_db_add_login (db, "worker");
  dr_pg_test_db_add_member (db, "bench", login, "worker");

  gint64 t0 = g_get_monotonic_time ();
  fill (db, team, n_photos);
  g_autofree char *models = dr_pg_test_psql_ok (db, NULL,
    "SELECT '{' || string_agg (sha256, ',') || '}' FROM dr.models");
  printf ("filled %" G_GINT64_FORMAT " photos in %.1f s\n", n_photos,
          (g_get_monotonic_time () - t0) / 1e6);

  g_autofree char *conninfo = dr_pg_test_db_conninfo (db, login);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 team_id = g_ascii_strtoll (team, NULL, 10);
  gint64 added = 0;
  t0 = g_get_monotonic_time ();
  g_assert_true (dr_pg_jobs_enqueue (conn, team_id, 5, FALSE, &added, &error));
  double enqueue_s = (g_get_monotonic_time () - t0) / 1e6;
  printf ("enqueue: %" G_GINT64_FORMAT " jobs in %.1f s (%.0f jobs/s)\n", added, enqueue_s,
          added / enqueue_s);
  g_free (dr_pg_test_psql_ok (db, NULL, "ANALYZE dr.analysis_jobs"));

  Bench *benches = g_new0 (Bench, n_workers);
  GThread **threads = g_new0 (GThread *, n_workers);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < n_workers; i++)
    {
      benches[i] = (Bench) { .conninfo = conninfo, .team = team_id, .models = models,
                             .deadline = t0 + (gint64) seconds * G_USEC_PER_SEC, .index = i };
      threads[i] = g_thread_new ("bench", bench_worker, &benches[i]);
    }
  guint64 done = 0;
  for (int i = 0; i < n_workers; i++)
    {
      g_thread_join (threads[i]);
      done += benches[i].done;
    }
  double elapsed = (g_get_monotonic_time () - t0) / 1e6;
  DrPgQueueCounts counts;
  g_assert_true (dr_pg_jobs_count (conn, team_id, &counts, &error));
  printf ("claim + complete, %d workers, batch %d, %" G_GINT64_FORMAT " queued at start: "
          "%" G_GUINT64_FORMAT " jobs in %.1f s = %.0f jobs/s (%.0f photos/s of four models)\n",
          n_workers, BATCH, added, done, elapsed, done / elapsed, done / elapsed / 4);
  printf ("left: %" G_GINT64_FORMAT " queued, %" G_GINT64_FORMAT " running; predictions %"
          G_GINT64_FORMAT "\n", counts.queued, counts.running, counts.done);
  printf ("peer: one engine core does about 4 jobs/s (one four-model pass per second)\n");
  g_free (benches);
  g_free (threads);
  return 0;
}
