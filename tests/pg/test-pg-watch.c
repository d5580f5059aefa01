/* test-pg-watch.c — live hints on the GLib main loop (dr-pg-watch.h) from a real server. */
#include <string.h>

#include "dr-pg-edit.h"
#include "dr-pg-watch.h"
#include "pg-test-util.h"

typedef struct {
  GPtrArray *hints;     /* payloads received; "" stands for a resync (NULL payload) */
} Seen;

/* Records what the watch delivers. */
static void
on_hint (DrPgWatch *watch, const char *payload, gpointer data)
{
  Seen *seen = data;
  g_ptr_array_add (seen->hints, g_strdup (payload ? payload : ""));
}

/* Iterates the default context until @seen holds @n hints or @seconds pass. */
static gboolean
wait_hints (Seen *seen, guint n, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (seen->hints->len < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return seen->hints->len >= n;
}

/* One photo in team east, a member there and one in team west. */
typedef struct {
  DrPgTestDb *db;
  char *east;
  char *photo;
  const char *alice;   /* east reviewer */
  const char *bob;     /* west lead */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->db = dr_pg_test_db_new ();
  f->east = dr_pg_test_db_create_team (f->db, "east");
  g_free (dr_pg_test_db_create_team (f->db, "west"));
  f->alice = dr_pg_test_db_add_login (f->db, "alice");
  f->bob = dr_pg_test_db_add_login (f->db, "bob");
  dr_pg_test_db_add_member (f->db, "east", f->alice, "reviewer");
  dr_pg_test_db_add_member (f->db, "west", f->bob, "lead");
  g_free (dr_pg_test_psql_ok (f->db, NULL,
    "INSERT INTO dr.claims (team_id, name) SELECT id, name FROM dr.teams;"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) SELECT id,"
    "  encode (sha256 (int8send (id)), 'hex'), int8send (id) FROM dr.teams;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT b.team_id, c.id, 'p.jpg', b.sha256, 8, 4, 4 FROM dr.photo_blobs b"
    "  JOIN dr.claims c ON c.team_id = b.team_id;"
    "INSERT INTO dr.heads (team_id, photo_id, damage) SELECT team_id, id, d FROM dr.photos,"
    "  generate_series (0, 3) d"));
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM dr.photos WHERE team_id = %s",
                                          f->east);
  f->photo = dr_pg_test_psql_ok (f->db, NULL, sql);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  dr_pg_test_db_free (f->db);
  g_free (f->east);
  g_free (f->photo);
}

/* The watch resyncs once listening, then gets a hint for another member's verdict and note
 * (within seconds; the benchmark measures how fast), and nothing from another team. */
static void
test_hints (Fixture *f, gconstpointer data)
{
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *conninfo = dr_pg_test_db_conninfo (f->db, f->alice);
  g_autoptr (DrPgWatch) watch = dr_pg_watch_new (conninfo, g_ascii_strtoll (f->east, NULL, 10),
                                                 NULL, 200, on_hint, &seen);
  g_assert_true (wait_hints (&seen, 1, 30));
  g_assert_cmpstr (seen.hints->pdata[0], ==, "");
  g_assert_true (dr_pg_watch_is_listening (watch));
  g_assert_null (dr_pg_watch_get_error (watch));

  /* bob (west) writes to his own team: nothing arrives */
  g_free (dr_pg_test_psql_ok (f->db, f->bob,
    "INSERT INTO dr.notes (team_id, photo_id, text) SELECT team_id, id, 'west' FROM dr.photos"));
  g_assert_false (wait_hints (&seen, 2, 1.0));

  /* alice on another connection gives a verdict */
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) writer = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 photo = g_ascii_strtoll (f->photo, NULL, 10), id = 0;
  gboolean stale = FALSE;
  DrPgHead head = { 0 };
  g_assert_true (dr_pg_verdict_add (writer, photo, DR_DAMAGE_SEPARATED, &head, "accepted", &id,
                                    &stale, &error));
  g_assert_true (wait_hints (&seen, 2, 10));
  g_autofree char *expected = g_strdup_printf ("\"photo\": %s", f->photo);
  g_test_message ("hint: %s", (char *) seen.hints->pdata[1]);
  g_assert_nonnull (strstr (seen.hints->pdata[1], "\"kind\": \"reviews\""));
  g_assert_nonnull (strstr (seen.hints->pdata[1], expected));
  g_assert_nonnull (strstr (seen.hints->pdata[1], "\"damage\": 1"));
  g_assert_nonnull (strstr (seen.hints->pdata[1], f->alice));
  g_ptr_array_unref (seen.hints);
}

/* A cut connection: the watch reconnects by itself, resyncs (payload NULL) and goes on
 * delivering hints. */
static void
test_reconnect (Fixture *f, gconstpointer data)
{
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *conninfo = dr_pg_test_db_conninfo (f->db, f->alice);
  g_autoptr (DrPgWatch) watch = dr_pg_watch_new (conninfo, g_ascii_strtoll (f->east, NULL, 10),
                                                 NULL, 200, on_hint, &seen);
  g_assert_true (wait_hints (&seen, 1, 30));
  int pid = dr_pg_watch_get_backend_pid (watch);
  g_assert_cmpint (pid, >, 0);
  g_autofree char *kill = g_strdup_printf ("SELECT pg_terminate_backend (%d)", pid);
  g_free (dr_pg_test_psql_ok (f->db, NULL, kill));
  g_assert_true (wait_hints (&seen, 2, 30));
  g_assert_cmpstr (seen.hints->pdata[1], ==, "");
  g_assert_cmpint (dr_pg_watch_get_backend_pid (watch), !=, pid);
  g_autofree char *note = g_strdup_printf ("INSERT INTO dr.notes (team_id, photo_id, text)"
                                           " VALUES (%s, %s, 'after')", f->east, f->photo);
  g_free (dr_pg_test_psql_ok (f->db, f->alice, note));
  g_assert_true (wait_hints (&seen, 3, 10));
  g_assert_nonnull (strstr (seen.hints->pdata[2], "\"kind\": \"notes\""));
  g_ptr_array_unref (seen.hints);
}

/* A role that is in no team gets no channel: the watch reports one line and keeps retrying,
 * never calling back. */
static void
test_not_member (Fixture *f, gconstpointer data)
{
  Seen seen = { g_ptr_array_new_with_free_func (g_free) };
  const char *mallory = dr_pg_test_db_add_login (f->db, "mallory");
  g_autofree char *conninfo = dr_pg_test_db_conninfo (f->db, mallory);
  g_autoptr (DrPgWatch) watch = dr_pg_watch_new (conninfo, g_ascii_strtoll (f->east, NULL, 10),
                                                 NULL, 200, on_hint, &seen);
  g_assert_false (wait_hints (&seen, 1, 3));
  g_assert_false (dr_pg_watch_is_listening (watch));
  const char *why = dr_pg_watch_get_error (watch);
  g_assert_nonnull (why);
  g_test_message ("%s", why);
  g_assert_null (strchr (why, '\n'));
  g_assert_nonnull (strstr (why, "live updates paused"));
  g_ptr_array_unref (seen.hints);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/watch/hints", Fixture, NULL, fixture_setup, test_hints, fixture_teardown);
  g_test_add ("/pg/watch/reconnect", Fixture, NULL, fixture_setup, test_reconnect,
              fixture_teardown);
  g_test_add ("/pg/watch/not-member", Fixture, NULL, fixture_setup, test_not_member,
              fixture_teardown);
  return g_test_run ();
}
