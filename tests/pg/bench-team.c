/* bench-team.c — numbers for team projects on a local PostgreSQL server (not a test):
 *
 *   pg_virtualenv -t build-test/tests/pg/bench-team [STROKES_PER_MEMBER] [PHOTOS]
 *
 * (or with PGHOST/PGPORT/PGUSER/PGPASSWORD of a server where PGUSER is a superuser; it creates
 * and drops its own database and roles). Prints:
 *  1. stroke commit latency, p50/p99, with 8 members committing at once (separate connections
 *     and roles, 2 photos × 2 layers shared, so conflicts happen too), each stroke a ~10 KB COCO
 *     RLE string — beside a single user's commit of the same revision to a local SQLite project
 *     (dr_revision_append, the app's edit writer), measured in the same run;
 *  2. the time until another member sees a verdict: from the writer's commit returning to a
 *     DrPgWatch on the reader's main loop getting the hint and re-reading the verdict row;
 *  3. opening a PHOTOS-photo team project (default 100000): connect, then the first 100 rows of
 *     the photo list (what a window shows first), then the whole list (id, name, claim, number
 *     of reviewed layers) and the memory the list takes (RSS growth).
 * The machine is shared: compare runs on the same machine only; medians of the whole run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dr-pg-conn.h"
#include "dr-pg-edit.h"
#include "dr-pg-watch.h"
#include "dr-project.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "pg-test-util.h"

#define N_MEMBERS 8
#define W 640
#define H 480

/* qsort comparator of doubles. */
static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The @p-th percentile of @n values (sorted in place). */
static double
pct (double *v, guint n, double p)
{
  qsort (v, n, sizeof *v, cmp_double);
  guint i = (guint) (p / 100.0 * (n - 1) + 0.5);
  return v[MIN (i, n - 1)];
}

/* A stroke-like mask as a COCO RLE string: a jagged band of a few hundred runs. */
static char *
stroke_rle (guint seed)
{
  guint8 *m = g_malloc0 (W * H);
  GRand *r = g_rand_new_with_seed (seed);
  for (int y = 100; y < 380; y++)
    {
      int x0 = 100 + g_rand_int_range (r, 0, 40), x1 = x0 + 200 + g_rand_int_range (r, 0, 60);
      memset (m + y * W + x0, 1, (size_t) (x1 - x0));
    }
  g_rand_free (r);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (m, H, W, &error);
  g_free (m);
  g_assert_no_error (error);
  return dr_rle_to_string (rle);
}

typedef struct {
  char *conninfo;
  char *photos;       /* "a,b" */
  guint strokes;
  double *latency_ms; /* strokes entries */
  guint conflicts;
} Member;

/* Thread: one member committing strokes as fast as it can. */
static gpointer
member_run (gpointer data)
{
  Member *m = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (m->conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_auto (GStrv) ids = g_strsplit (m->photos, ",", -1);
  DrPgHead heads[4] = { { 0 } };
  for (guint i = 0; i < m->strokes; i++)
    {
      guint layer = i % 4;
      gint64 photo = g_ascii_strtoll (ids[layer / 2], NULL, 10);
      g_autofree char *rle = stroke_rle (i);
      gint64 t0 = g_get_monotonic_time (), rev = 0;
      gboolean ok = dr_pg_edit_commit (conn, photo, layer % 2, &heads[layer], rle, 60000, "brush",
                                       &rev, &heads[layer], &error);
      m->latency_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (!ok)
        {
          g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
          g_clear_error (&error);
          m->conflicts++;
        }
    }
  for (int i = 0; i < 4; i++)
    dr_pg_head_clear (&heads[i]);
  return NULL;
}

/* 1. Stroke commit latency with 8 members, and one SQLite user for comparison. */
static void
bench_strokes (DrPgTestDb *db, const char *photos, char **logins, guint strokes)
{
  Member members[N_MEMBERS];
  GThread *threads[N_MEMBERS];
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < N_MEMBERS; i++)
    {
      members[i] = (Member) { dr_pg_test_db_conninfo (db, logins[i]), (char *) photos, strokes,
                              g_new (double, strokes), 0 };
      threads[i] = g_thread_new ("member", member_run, &members[i]);
    }
  guint conflicts = 0, n = 0;
  double *all = g_new (double, N_MEMBERS * strokes);
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_thread_join (threads[i]);
      memcpy (all + n, members[i].latency_ms, strokes * sizeof (double));
      n += strokes;
      conflicts += members[i].conflicts;
      g_free (members[i].latency_ms);
      g_free (members[i].conninfo);
    }
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  g_autofree char *sample = stroke_rle (0);
  printf ("stroke commit, PostgreSQL, 8 members at once: p50 %.2f ms  p99 %.2f ms  "
          "(%u strokes of %zu B RLE in %.1f s, %.0f strokes/s, %u lost the CAS and were kept)\n",
          pct (all, n, 50), pct (all, n, 99), n, strlen (sample), secs, n / secs, conflicts);
  g_free (all);

  /* the same revisions by one user into a local SQLite project file (the app's path) */
  g_autofree char *dir = g_dir_make_tmp ("dr-bench-team-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  {
    /* one claim and one 640 × 480 photo, written with SQL of the test's own */
    sqlite3 *file_db = dr_sqlite_project_get_db (project);
    g_assert_cmpint (sqlite3_exec (file_db, "INSERT INTO claims (name) VALUES ('c');"
      "INSERT INTO photos (claim_id, path, sha256, size, width, height, added)"
      " VALUES (1, 'p.jpg', printf ('%064d', 1), 1, 640, 480, 0)", NULL, NULL, NULL),
      ==, SQLITE_OK);
  }
  guint local_n = MIN (strokes * 2, 400u);
  double *local = g_new (double, local_n);
  for (guint i = 0; i < local_n; i++)
    {
      g_autofree char *rle = stroke_rle (i);
      gint64 s = g_get_monotonic_time ();
      g_assert_true (dr_revision_append (project, 1, i % 2, rle, DR_REVISION_BRUSH, "bench", NULL,
                                         &error));
      local[i] = (g_get_monotonic_time () - s) / 1000.0;
    }
  printf ("stroke commit, SQLite file, 1 user (peer, same run):  p50 %.2f ms  p99 %.2f ms  "
          "(%u strokes, synchronous=FULL)\n", pct (local, local_n, 50), pct (local, local_n, 99),
          local_n);
  g_free (local);
  g_clear_object (&project);
  g_autofree char *quoted = g_shell_quote (dir);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

typedef struct {
  gint64 hinted;   /* monotonic time of the last hint, 0 = none yet */
  gboolean synced;
} Watching;

/* Records the arrival of a hint (or of the first resync). */
static void
on_hint (DrPgWatch *watch, const char *payload, gpointer data)
{
  Watching *w = data;
  if (payload == NULL)
    w->synced = TRUE;
  else
    w->hinted = g_get_monotonic_time ();
}

/* 2. Writer commits a verdict; the reader's main loop gets the hint and re-reads the row. */
static void
bench_visibility (DrPgTestDb *db, const char *team, const char *photos, char **logins)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reader_info = dr_pg_test_db_conninfo (db, logins[1]);
  g_autofree char *writer_info = dr_pg_test_db_conninfo (db, logins[0]);
  g_autoptr (DrPgConn) writer = dr_pg_conn_open (writer_info, DR_PG_OPEN_DEFAULT, &error);
  g_autoptr (DrPgConn) reader = dr_pg_conn_open (reader_info, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  Watching w = { 0 };
  g_autoptr (DrPgWatch) watch = dr_pg_watch_new (reader_info, g_ascii_strtoll (team, NULL, 10),
                                                 NULL, 200, on_hint, &w);
  while (!w.synced)
    g_main_context_iteration (NULL, TRUE);
  gint64 photo = g_ascii_strtoll (photos, NULL, 10);
  enum { N = 100 };
  double ms[N];
  for (int i = 0; i < N; i++)
    {
      DrPgHead head = { 0 };
      gint64 id = 0;
      gboolean stale = FALSE;
      w.hinted = 0;
      g_assert_true (dr_pg_verdict_add (writer, photo, 2, &head, i % 2 ? "accepted" : "none", &id,
                                        &stale, &error));
      gint64 committed = g_get_monotonic_time ();
      while (w.hinted == 0)
        g_main_context_iteration (NULL, TRUE);
      g_autofree char *p = g_strdup_printf ("%" G_GINT64_FORMAT, photo);
      const char *params[] = { p };
      g_autoptr (PGresult) res = dr_pg_conn_exec (reader, "bench_reread",
        "SELECT verdict, author FROM dr.reviews WHERE photo_id = $1 AND damage = 2"
        " ORDER BY id DESC LIMIT 1", 1, params, &error);
      g_assert_no_error (error);
      ms[i] = (g_get_monotonic_time () - committed) / 1000.0;
    }
  printf ("another member sees a verdict (commit → hint on the main loop → row re-read): "
          "p50 %.2f ms  p99 %.2f ms  (%d verdicts)\n", pct (ms, N, 50), pct (ms, N, 99), N);
}

/* Resident memory of this process in KiB (from /proc/self/status). */
static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  const char *line = strstr (status, "VmRSS:");
  return line ? atol (line + 6) : 0;
}

/* 3. A big team project: first rows, whole list, memory. */
static void
bench_open (DrPgTestDb *db, const char *login, guint n_photos)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO dr.claims (team_id, name) SELECT t.id, 'claim ' || g FROM dr.teams t,"
    "  generate_series (1, %u) g WHERE t.name = 'bench';"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) SELECT t.id,"
    "  encode (sha256 (int4send (g)), 'hex'), int4send (g) FROM dr.teams t,"
    "  generate_series (1, %u) g WHERE t.name = 'bench';"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT b.team_id, (SELECT min (id) FROM dr.claims c WHERE c.team_id = b.team_id)"
    "  + (row_number () OVER () - 1) / 10, 'photo-' || row_number () OVER () || '.jpg',"
    "  b.sha256, 4, 640, 480 FROM dr.photo_blobs b"
    "  WHERE b.team_id = (SELECT id FROM dr.teams WHERE name = 'bench');"
    "INSERT INTO dr.heads (team_id, photo_id, damage) SELECT team_id, id, d FROM dr.photos,"
    "  generate_series (0, 3) d WHERE team_id = (SELECT id FROM dr.teams WHERE name = 'bench');"
    "INSERT INTO dr.reviews (team_id, photo_id, damage, verdict, origin_author)"
    "  SELECT team_id, id, 0, 'accepted', 'bench' FROM dr.photos WHERE id %% 3 = 0"
    "  AND team_id = (SELECT id FROM dr.teams WHERE name = 'bench');"
    "ANALYZE", n_photos / 10 + 1, n_photos);
  g_free (dr_pg_test_psql_ok (db, NULL, sql));
  printf ("(made a %u-photo team project in %.1f s)\n", n_photos,
          (g_get_monotonic_time () - t0) / 1e6);

  g_autofree char *conninfo = dr_pg_test_db_conninfo (db, login);
  long rss0 = rss_kib ();
  gint64 s = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  double connect_ms = (g_get_monotonic_time () - s) / 1000.0;
  /* the photo list: id, name, claim, layers with a verdict */
  const char *list =
    "SELECT p.id, p.name, c.name, (SELECT count (DISTINCT damage) FROM dr.reviews r"
    "  WHERE r.photo_id = p.id) FROM dr.photos p JOIN dr.claims c ON c.id = p.claim_id"
    " ORDER BY p.id LIMIT $1";
  const char *first[] = { "100" };
  g_autoptr (PGresult) head = dr_pg_conn_exec (conn, "bench_list", list, 1, first, &error);
  g_assert_no_error (error);
  double first_ms = (g_get_monotonic_time () - s) / 1000.0;
  g_autofree char *all_n = g_strdup_printf ("%u", n_photos);
  const char *all[] = { all_n };
  g_autoptr (PGresult) rows = dr_pg_conn_exec (conn, "bench_list", list, 1, all, &error);
  g_assert_no_error (error);
  double all_ms = (g_get_monotonic_time () - s) / 1000.0;
  long rss1 = rss_kib ();
  printf ("open a %d-photo team project: connect %.0f ms, first 100 rows %.0f ms, all rows "
          "%.0f ms, list memory %.1f MiB (RSS growth, libpq result)\n", PQntuples (rows),
          connect_ms, first_ms, all_ms, (rss1 - rss0) / 1024.0);
}

int
main (int argc, char **argv)
{
  guint strokes = argc > 1 ? (guint) atoi (argv[1]) : 200;
  guint photos = argc > 2 ? (guint) atoi (argv[2]) : 100000;
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_autofree char *team = dr_pg_test_db_create_team (db, "crew");
  char *logins[N_MEMBERS];
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_autofree char *label = g_strdup_printf ("m%d", i);
      logins[i] = (char *) dr_pg_test_db_add_login (db, label);
      dr_pg_test_db_add_member (db, "crew", logins[i], i < 4 ? "annotator" : "reviewer");
    }
  g_free (dr_pg_test_psql_ok (db, NULL,
    "INSERT INTO dr.claims (team_id, name) SELECT id, 'c' FROM dr.teams;"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) SELECT t.id,"
    "  encode (sha256 (int4send (g)), 'hex'), int4send (g) FROM dr.teams t,"
    "  generate_series (1, 2) g;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT b.team_id, c.id, b.sha256, b.sha256, 4, 640, 480 FROM dr.photo_blobs b, dr.claims c;"
    "INSERT INTO dr.heads (team_id, photo_id, damage) SELECT team_id, id, d FROM dr.photos,"
    "  generate_series (0, 3) d"));
  g_autofree char *ids = dr_pg_test_psql_ok (db, NULL,
    "SELECT string_agg (id::text, ',' ORDER BY id) FROM dr.photos");
  printf ("damage-review team bench: PostgreSQL %s on this machine, %d members\n",
          g_getenv ("PGVERSION") ? g_getenv ("PGVERSION") : "(server from PG* variables)",
          N_MEMBERS);
  bench_strokes (db, ids, logins, strokes);
  bench_visibility (db, team, ids, logins);
  g_autofree char *bench_team = dr_pg_test_db_create_team (db, "bench");
  dr_pg_test_db_add_member (db, "bench", logins[7], "reviewer");
  bench_open (db, logins[7], photos);
  return 0;
}
