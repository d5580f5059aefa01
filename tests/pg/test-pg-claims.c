/* test-pg-claims.c — work items with leases on a real server (002-assignment.sql through
 * dr-pg-claims.h); psql is the oracle for who holds what. */
#include <string.h>

#include "dr-pg-claims.h"
#include "pg-test-util.h"

#define N_CLAIMS 12
#define N_ANNOTATORS 8

typedef struct {
  DrPgTestDb *db;
  char *team;
  const char *lead;
  const char *annotators[N_ANNOTATORS];
  const char *reviewer;
  const char *worker;
} Crew;

static void
crew_setup (Crew *c, gconstpointer data)
{
  c->db = dr_pg_test_db_new ();
  c->team = dr_pg_test_db_create_team (c->db, "crew");
  c->lead = dr_pg_test_db_add_login (c->db, "lead");
  dr_pg_test_db_add_member (c->db, "crew", c->lead, "lead");
  for (int i = 0; i < N_ANNOTATORS; i++)
    {
      g_autofree char *label = g_strdup_printf ("ann%d", i);
      c->annotators[i] = dr_pg_test_db_add_login (c->db, label);
      dr_pg_test_db_add_member (c->db, "crew", c->annotators[i], "annotator");
    }
  c->reviewer = dr_pg_test_db_add_login (c->db, "rev");
  dr_pg_test_db_add_member (c->db, "crew", c->reviewer, "reviewer");
  c->worker = dr_pg_test_db_add_login (c->db, "worker");
  dr_pg_test_db_add_member (c->db, "crew", c->worker, "worker");
  /* claims c1 … c12; priority = id, so the lowest id comes first */
  g_free (dr_pg_test_psql_ok (c->db, c->lead,
    "INSERT INTO dr.claims (team_id, name) SELECT t.id, 'c' || g FROM dr.teams t,"
    " generate_series (1, 12) g;"
    "INSERT INTO dr.work_items (team_id, claim_id, priority)"
    " SELECT team_id, id, id FROM dr.claims"));
}

static void
crew_teardown (Crew *c, gconstpointer data)
{
  dr_pg_test_db_free (c->db);
  g_free (c->team);
}

/* A connection as @login. */
static DrPgConn *
open_as (Crew *c, const char *login)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = dr_pg_test_db_conninfo (c->db, login);
  DrPgConn *conn = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  return conn;
}

/* The claim id of "c@n". */
static gint64
claim (Crew *c, int n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM dr.claims WHERE name = 'c%d'", n);
  g_autofree char *id = dr_pg_test_psql_ok (c->db, NULL, sql);
  return g_ascii_strtoll (id, NULL, 10);
}

/* Who holds claim @id's lease, per psql ("" for nobody). */
static char *
holder (Crew *c, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (lease_holder, '') FROM dr.work_items"
                                          " WHERE claim_id = %" G_GINT64_FORMAT, id);
  return dr_pg_test_psql_ok (c->db, NULL, sql);
}

/* While one member's transaction that took a claim is still open, another member neither
 * waits for it nor gets the same claim (FOR UPDATE SKIP LOCKED). */
static void
test_skip_locked (Crew *c, gconstpointer data)
{
  g_autoptr (DrPgConn) a = open_as (c, c->annotators[0]);
  g_autoptr (DrPgConn) b = open_as (c, c->annotators[1]);
  g_autoptr (GError) error = NULL;
  g_autofree char *team_text = g_strdup (c->team);
  gint64 team = g_ascii_strtoll (team_text, NULL, 10);
  g_assert_true (dr_pg_conn_begin (a, &error));
  gint64 first = 0, second = 0;
  g_assert_true (dr_pg_claim_next (a, team, DR_PG_STAGE_ANNOTATION, 600, &first, &error));
  /* b would block on a's row lock without SKIP LOCKED: a timeout turns that into a failure */
  g_autoptr (PGresult) timeout = dr_pg_conn_exec (b, "t_timeout",
    "SELECT set_config ('statement_timeout', '5s', false)", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dr_pg_claim_next (b, team, DR_PG_STAGE_ANNOTATION, 600, &second, &error));
  g_assert_no_error (error);
  g_assert_true (dr_pg_conn_commit (a, &error));
  g_assert_cmpint (first, ==, claim (c, 1));
  g_assert_cmpint (second, ==, claim (c, 2));
  g_autofree char *h1 = holder (c, first), *h2 = holder (c, second);
  g_assert_cmpstr (h1, ==, c->annotators[0]);
  g_assert_cmpstr (h2, ==, c->annotators[1]);
}

typedef struct {
  Crew *crew;
  int index;
  GArray *got;     /* claim ids this member got */
  GError *error;
} Taker;

/* Thread: its own connection; takes claims until none is left. */
static gpointer
take_all (gpointer data)
{
  Taker *t = data;
  g_autoptr (DrPgConn) conn = open_as (t->crew, t->crew->annotators[t->index]);
  gint64 team = g_ascii_strtoll (t->crew->team, NULL, 10);
  for (;;)
    {
      gint64 id = 0;
      if (!dr_pg_claim_next (conn, team, DR_PG_STAGE_ANNOTATION, 600, &id, &t->error) || id == 0)
        break;
      g_array_append_val (t->got, id);
      /* done with it: it goes on to review, so nobody can take it again at annotation */
      if (!dr_pg_claim_advance (conn, id, NULL, &t->error))
        break;
    }
  return NULL;
}

/* 8 annotators at once, each on its own connection: every claim is handed out exactly once. */
static void
test_many_takers (Crew *c, gconstpointer data)
{
  Taker takers[N_ANNOTATORS];
  GThread *threads[N_ANNOTATORS];
  for (int i = 0; i < N_ANNOTATORS; i++)
    {
      takers[i] = (Taker) { c, i, g_array_new (FALSE, FALSE, sizeof (gint64)), NULL };
      threads[i] = g_thread_new ("taker", take_all, &takers[i]);
    }
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint total = 0;
  for (int i = 0; i < N_ANNOTATORS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (takers[i].error);
      for (guint k = 0; k < takers[i].got->len; k++)
        {
          gint64 *id = &g_array_index (takers[i].got, gint64, k);
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
        }
      total += takers[i].got->len;
    }
  g_assert_cmpuint (total, ==, N_CLAIMS);
  g_autofree char *stages = dr_pg_test_psql_ok (c->db, NULL,
    "SELECT string_agg (DISTINCT stage, ',') FROM dr.work_items");
  g_assert_cmpstr (stages, ==, "review");
  for (int i = 0; i < N_ANNOTATORS; i++)
    g_array_unref (takers[i].got);
}

/* "Next" gives my assignment before any free claim; a lead assigns, others may not. */
static void
test_mine_first (Crew *c, gconstpointer data)
{
  g_autoptr (DrPgConn) lead = open_as (c, c->lead);
  g_autoptr (DrPgConn) a = open_as (c, c->annotators[0]);
  g_autoptr (GError) error = NULL;
  gint64 team = g_ascii_strtoll (c->team, NULL, 10), got = 0;
  g_assert_true (dr_pg_claim_assign (lead, claim (c, 9), c->annotators[0], &error));
  g_assert_true (dr_pg_claim_next (a, team, DR_PG_STAGE_ANNOTATION, 600, &got, &error));
  g_assert_cmpint (got, ==, claim (c, 9));
  /* and nobody else gets an assigned claim */
  g_autoptr (DrPgConn) b = open_as (c, c->annotators[1]);
  g_assert_true (dr_pg_claim_release (a, got, &error));
  for (int i = 0; i < N_CLAIMS; i++)
    {
      gint64 other = 0;
      g_assert_true (dr_pg_claim_next (b, team, DR_PG_STAGE_ANNOTATION, 600, &other, &error));
      g_assert_cmpint (other, !=, claim (c, 9));
      if (other == 0)
        break;
    }
  g_assert_false (dr_pg_claim_assign (a, claim (c, 1), c->annotators[0], &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION);
  g_assert_null (strchr (error->message, '\n'));
}

/* A lease runs out unless renewed: the holder's heartbeat keeps it, an expired one is free for
 * the next member, and the former holder's heartbeat then fails with one line. */
static void
test_lease (Crew *c, gconstpointer data)
{
  g_autoptr (DrPgConn) a = open_as (c, c->annotators[0]);
  g_autoptr (DrPgConn) b = open_as (c, c->annotators[1]);
  g_autoptr (GError) error = NULL;
  gint64 team = g_ascii_strtoll (c->team, NULL, 10), got = 0, next = 0;
  gint64 c1 = claim (c, 1), c2 = claim (c, 2);
  /* t = 0: a takes c1 for 3 s */
  g_assert_true (dr_pg_claim_next (a, team, DR_PG_STAGE_ANNOTATION, 3, &got, &error));
  g_assert_cmpint (got, ==, c1);
  g_assert_false (dr_pg_claim_heartbeat (b, got, 600, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
  g_clear_error (&error);
  /* t = 1.5: a renews for 3 s (until 4.5) */
  g_usleep (G_USEC_PER_SEC * 3 / 2);
  g_assert_true (dr_pg_claim_heartbeat (a, got, 3, &error));
  /* t = 3.5: past the first expiry, but renewed: still a's, b gets c2 */
  g_usleep (G_USEC_PER_SEC * 2);
  g_assert_true (dr_pg_claim_next (b, team, DR_PG_STAGE_ANNOTATION, 600, &next, &error));
  g_assert_cmpint (next, ==, c2);
  /* t = 5.5: expired; b lets c2 go and gets c1 */
  g_usleep (G_USEC_PER_SEC * 2);
  g_assert_true (dr_pg_claim_release (b, next, &error));
  g_assert_true (dr_pg_claim_next (b, team, DR_PG_STAGE_ANNOTATION, 600, &next, &error));
  g_assert_cmpint (next, ==, c1);
  g_autofree char *h = holder (c, got);
  g_assert_cmpstr (h, ==, c->annotators[1]);
  g_assert_false (dr_pg_claim_heartbeat (a, got, 600, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
  g_assert_null (strchr (error->message, '\n'));
}

/* Stages and roles: only annotators (and leads) take annotation work, only reviewers (and
 * leads) review; the holder advances; a lead takes over a lease, and the holder loses it. */
static void
test_stages (Crew *c, gconstpointer data)
{
  g_autoptr (DrPgConn) a = open_as (c, c->annotators[0]);
  g_autoptr (DrPgConn) r = open_as (c, c->reviewer);
  g_autoptr (DrPgConn) w = open_as (c, c->worker);
  g_autoptr (DrPgConn) lead = open_as (c, c->lead);
  g_autoptr (GError) error = NULL;
  gint64 team = g_ascii_strtoll (c->team, NULL, 10), got = 0, reviewed = 0;
  g_assert_false (dr_pg_claim_next (w, team, DR_PG_STAGE_ANNOTATION, 600, &got, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (dr_pg_claim_next (r, team, DR_PG_STAGE_ANNOTATION, 600, &got, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (dr_pg_claim_next (r, team, DR_PG_STAGE_REVIEW, 600, &reviewed, &error));
  g_assert_cmpint (reviewed, ==, 0);                            /* nothing to review yet */
  g_assert_true (dr_pg_claim_next (a, team, DR_PG_STAGE_ANNOTATION, 600, &got, &error));
  g_assert_false (dr_pg_claim_advance (r, got, NULL, &error));  /* not the holder */
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
  g_clear_error (&error);
  g_autofree char *stage = NULL;
  g_assert_true (dr_pg_claim_advance (a, got, &stage, &error));
  g_assert_cmpstr (stage, ==, DR_PG_STAGE_REVIEW);
  g_assert_true (dr_pg_claim_next (r, team, DR_PG_STAGE_REVIEW, 600, &reviewed, &error));
  g_assert_cmpint (reviewed, ==, got);
  g_assert_true (dr_pg_claim_take_over (lead, got, 600, &error));
  g_autofree char *h = holder (c, got);
  g_assert_cmpstr (h, ==, c->lead);
  g_assert_false (dr_pg_claim_heartbeat (r, got, 600, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (dr_pg_claim_take_over (a, got, 600, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION);
  g_clear_error (&error);
  /* members cannot touch work items directly */
  g_autofree char *out = NULL, *err = NULL;
  int rc = dr_pg_test_psql (c->db, c->annotators[0], "UPDATE dr.work_items SET stage = 'accepted'",
                            &out, &err);
  g_assert_cmpint (rc, !=, 0);
  g_assert_nonnull (strstr (err, "permission denied"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/claims/skip-locked", Crew, NULL, crew_setup, test_skip_locked, crew_teardown);
  g_test_add ("/pg/claims/many-takers", Crew, NULL, crew_setup, test_many_takers, crew_teardown);
  g_test_add ("/pg/claims/mine-first", Crew, NULL, crew_setup, test_mine_first, crew_teardown);
  g_test_add ("/pg/claims/lease", Crew, NULL, crew_setup, test_lease, crew_teardown);
  g_test_add ("/pg/claims/stages", Crew, NULL, crew_setup, test_stages, crew_teardown);
  return g_test_run ();
}
