/* test-claim-lease.c — "Next unreviewed" as the window runs it (DrClaimLease: a worker thread
 * with its own connection, leases renewed by heartbeat) against a real server; psql is the
 * oracle for who holds what. */
#include <string.h>

#include "dr-claim-lease.h"
#include "dr-pg-claims.h"
#include "pg-test-util.h"

#define N_CLAIMS 12
#define ROUNDS 5
#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)  /* a hang fails, it does not time the test */

typedef struct {
  DrPgTestDb *db;
  char *team;
  gint64 team_id;
  const char *lead, *ann[2];
} Crew;

typedef struct {
  DrClaimLeaseEvent event;
  gint64 claim_id;
  char *message;
} Event;

/* What one lease reported, in order. */
typedef struct {
  GQueue events;
} Log;

static void
crew_setup (Crew *c, gconstpointer data)
{
  c->db = dr_pg_test_db_new ();
  c->team = dr_pg_test_db_create_team (c->db, "crew");
  c->team_id = g_ascii_strtoll (c->team, NULL, 10);
  c->lead = dr_pg_test_db_add_login (c->db, "lead");
  dr_pg_test_db_add_member (c->db, "crew", c->lead, "lead");
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *label = g_strdup_printf ("ann%d", i);
      c->ann[i] = dr_pg_test_db_add_login (c->db, label);
      dr_pg_test_db_add_member (c->db, "crew", c->ann[i], "annotator");
    }
  g_autofree char *fill = g_strdup_printf (
    "INSERT INTO dr.claims (team_id, name) SELECT t.id, 'c' || g FROM dr.teams t,"
    " generate_series (1, %d) g;"
    "INSERT INTO dr.work_items (team_id, claim_id, priority)"
    " SELECT team_id, id, id FROM dr.claims", N_CLAIMS);
  g_free (dr_pg_test_psql_ok (c->db, c->lead, fill));
}

static void
crew_teardown (Crew *c, gconstpointer data)
{
  dr_pg_test_db_free (c->db);
  g_free (c->team);
}

static void
on_event (DrClaimLease *lease, DrClaimLeaseEvent event, gint64 claim_id, const char *message,
          gpointer user_data)
{
  Log *log = user_data;
  Event *e = g_new0 (Event, 1);
  e->event = event;
  e->claim_id = claim_id;
  e->message = g_strdup (message);
  g_queue_push_tail (&log->events, e);
}

static void
event_free (Event *e)
{
  g_free (e->message);
  g_free (e);
}

/* Iterates the main context until @log has an event; returns it (the caller frees it). */
static Event *
next_event (Log *log)
{
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_US;
  while (g_queue_is_empty (&log->events))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  return g_queue_pop_head (&log->events);
}

/* The next event of @log, which must be @event; returns its claim id. */
static gint64
expect (Log *log, DrClaimLeaseEvent event)
{
  Event *e = next_event (log);
  if (e->message != NULL)
    g_test_message ("event %d: %s", e->event, e->message);
  g_assert_cmpint (e->event, ==, event);
  gint64 id = e->claim_id;
  event_free (e);
  return id;
}

/* A lease of @login's. */
static DrClaimLease *
lease_as (Crew *c, const char *login, int lease_seconds, int heartbeat_seconds, Log *log)
{
  g_autofree char *conninfo = dr_pg_test_db_conninfo (c->db, login);
  return dr_claim_lease_new (conninfo, c->team_id, DR_PG_STAGE_ANNOTATION, lease_seconds,
                             heartbeat_seconds, on_event, log);
}

/* Who holds claim @id's live lease, per psql ("" for nobody). */
static char *
holder (Crew *c, gint64 id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT CASE WHEN lease_until >= now () THEN lease_holder ELSE '' END FROM dr.work_items"
    " WHERE claim_id = %" G_GINT64_FORMAT, id);
  return dr_pg_test_psql_ok (c->db, NULL, sql);
}

/* The claim id of "c@n". */
static gint64
claim (Crew *c, int n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM dr.claims WHERE name = 'c%d'", n);
  g_autofree char *id = dr_pg_test_psql_ok (c->db, NULL, sql);
  return g_ascii_strtoll (id, NULL, 10);
}

/* Closes @lease and waits until it says what it held is released. */
static void
close_lease (DrClaimLease *lease, Log *log)
{
  dr_claim_lease_close (lease);
  expect (log, DR_CLAIM_LEASE_CLOSED);
  dr_claim_lease_free (lease);
}

/* Two windows asking for "next" at the same moment, round after round, never get the same
 * claim; moving on gives a claim other than the one just left and releases that one; closing
 * releases the last. */
static void
test_two_windows (Crew *c, gconstpointer data)
{
  Log logs[2] = { { G_QUEUE_INIT }, { G_QUEUE_INIT } };
  DrClaimLease *leases[2];
  for (int m = 0; m < 2; m++)
    leases[m] = lease_as (c, c->ann[m], DR_CLAIM_LEASE_SECONDS,
                          DR_CLAIM_LEASE_HEARTBEAT_SECONDS, &logs[m]);
  gint64 got[2] = { 0, 0 };
  for (int round = 0; round < ROUNDS; round++)
    {
      gint64 before[2] = { got[0], got[1] };
      dr_claim_lease_next (leases[0]);
      dr_claim_lease_next (leases[1]);
      for (int m = 0; m < 2; m++)
        {
          got[m] = expect (&logs[m], DR_CLAIM_LEASE_TAKEN);
          g_assert_cmpint (got[m], >, 0);
          g_assert_cmpint (got[m], !=, before[m]);
          g_assert_cmpint (dr_claim_lease_get_claim (leases[m]), ==, got[m]);
        }
      g_test_message ("round %d: %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, round, got[0],
                      got[1]);
      g_assert_cmpint (got[0], !=, got[1]);
      for (int m = 0; m < 2; m++)
        {
          g_autofree char *h = holder (c, got[m]);
          g_assert_cmpstr (h, ==, c->ann[m]);
        }
      g_autofree char *held = dr_pg_test_psql_ok (c->db, NULL,
        "SELECT count(*) FROM dr.work_items WHERE lease_until >= now ()");
      g_assert_cmpstr (held, ==, "2");
    }
  for (int m = 0; m < 2; m++)
    {
      close_lease (leases[m], &logs[m]);
      g_autofree char *h = holder (c, got[m]);
      g_assert_cmpstr (h, ==, "");
    }
}

/* While the window works in a claim the heartbeat keeps the lease alive past its first expiry,
 * so another member's "next" does not get it. */
static void
test_heartbeat (Crew *c, gconstpointer data)
{
  Log log = { G_QUEUE_INIT };
  DrClaimLease *lease = lease_as (c, c->ann[0], 2, 1, &log);
  dr_claim_lease_next (lease);
  gint64 mine = expect (&log, DR_CLAIM_LEASE_TAKEN);
  g_assert_cmpint (mine, ==, claim (c, 1));
  /* three lease lengths later, still held (heartbeats only: no event is due) */
  gint64 until = g_get_monotonic_time () + 6 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_assert_true (g_queue_is_empty (&log.events));
  g_autofree char *h = holder (c, mine);
  g_assert_cmpstr (h, ==, c->ann[0]);
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = dr_pg_test_db_conninfo (c->db, c->ann[1]);
  g_autoptr (DrPgConn) other = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 theirs = 0;
  g_assert_true (dr_pg_claim_next (other, c->team_id, DR_PG_STAGE_ANNOTATION, 60, &theirs,
                                   &error));
  g_assert_cmpint (theirs, ==, claim (c, 2));
  close_lease (lease, &log);
  g_autofree char *after = holder (c, mine);
  g_assert_cmpstr (after, ==, "");
}

/* A window whose member's app died leaves an expired lease: a lead takes it over from the
 * claim's menu, and the member's lease is gone; an annotator may not, and hears why in one
 * line. A lead reassigns a claim to a member, whose next "next" gives it to them first. */
static void
test_lead (Crew *c, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = dr_pg_test_db_conninfo (c->db, c->ann[0]);
  g_autoptr (DrPgConn) dead = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 stranded = 0;
  g_assert_true (dr_pg_claim_next (dead, c->team_id, DR_PG_STAGE_ANNOTATION, 1, &stranded,
                                   &error));
  g_assert_cmpint (stranded, ==, claim (c, 1));
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_US;
  for (;;)
    {
      g_autofree char *live = holder (c, stranded);
      if (strcmp (live, "") == 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_usleep (G_USEC_PER_SEC / 5);
    }

  Log ann_log = { G_QUEUE_INIT }, lead_log = { G_QUEUE_INIT };
  DrClaimLease *ann = lease_as (c, c->ann[1], DR_CLAIM_LEASE_SECONDS,
                                DR_CLAIM_LEASE_HEARTBEAT_SECONDS, &ann_log);
  DrClaimLease *lead = lease_as (c, c->lead, DR_CLAIM_LEASE_SECONDS,
                                 DR_CLAIM_LEASE_HEARTBEAT_SECONDS, &lead_log);
  dr_claim_lease_take_over (ann, stranded);
  Event *refused = next_event (&ann_log);
  g_assert_cmpint (refused->event, ==, DR_CLAIM_LEASE_REFUSED);
  g_assert_nonnull (refused->message);
  g_assert_null (strchr (refused->message, '\n'));
  g_test_message ("annotator's take-over: %s", refused->message);
  event_free (refused);

  dr_claim_lease_take_over (lead, stranded);
  g_assert_cmpint (expect (&lead_log, DR_CLAIM_LEASE_TAKEN_OVER), ==, stranded);
  g_assert_cmpint (dr_claim_lease_get_claim (lead), ==, stranded);
  g_autofree char *h = holder (c, stranded);
  g_assert_cmpstr (h, ==, c->lead);
  g_assert_false (dr_pg_claim_heartbeat (dead, stranded, 60, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT);
  g_clear_error (&error);

  gint64 c5 = claim (c, 5);
  dr_claim_lease_assign (ann, c5, c->ann[1]);
  g_assert_cmpint (expect (&ann_log, DR_CLAIM_LEASE_REFUSED), ==, c5);
  dr_claim_lease_assign (lead, c5, c->ann[1]);
  g_assert_cmpint (expect (&lead_log, DR_CLAIM_LEASE_ASSIGNED), ==, c5);
  dr_claim_lease_next (ann);
  g_assert_cmpint (expect (&ann_log, DR_CLAIM_LEASE_TAKEN), ==, c5);
  close_lease (ann, &ann_log);
  close_lease (lead, &lead_log);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/claim-lease/two-windows", Crew, NULL, crew_setup, test_two_windows,
              crew_teardown);
  g_test_add ("/pg/claim-lease/heartbeat", Crew, NULL, crew_setup, test_heartbeat,
              crew_teardown);
  g_test_add ("/pg/claim-lease/lead", Crew, NULL, crew_setup, test_lead, crew_teardown);
  return g_test_run ();
}
