/* test-pg-schema.c — the team schema's guarantees, checked with raw SQL through psql (the real
 * client, sharing no code with ours): team isolation by row-level security, append-only
 * revisions/verdicts/notes by grant, authorship = session_user, roles, compare-and-swap heads. */
#include <string.h>

#include "pg-test-util.h"

/* Two teams with data: east (alice lead, carol reviewer, wally worker) and west (bob lead). */
typedef struct {
  DrPgTestDb *db;
  char *east;            /* team ids */
  char *west;
  const char *alice;
  const char *bob;
  const char *carol;
  const char *wally;
} Teams;

static const char *const team_tables[] = {
  "claims", "photo_blobs", "photos", "models", "predictions", "revisions", "heads", "reviews",
  "notes", "ground_truth", "work_items", "team_members",
};

/* psql as @login must fail, with @needle in its stderr. */
static void
assert_refused (Teams *t, const char *login, const char *sql, const char *needle)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc = dr_pg_test_psql (t->db, login, sql, &out, &err);
  if (rc == 0 || strstr (err, needle) == NULL)
    g_error ("expected '%s' as %s to fail with '%s'; got status %d, stderr '%s'", sql, login,
             needle, rc, err);
}

/* Runs @format with every %s replaced by the east team id, through psql as @login. */
static char *
as_east (Teams *t, const char *login, const char *format)
{
  g_autoptr (GString) sql = g_string_new (format);
  g_string_replace (sql, "%s", t->east, 0);
  return dr_pg_test_psql_ok (t->db, login, sql->str);
}

static void
teams_setup (Teams *t, gconstpointer data)
{
  t->db = dr_pg_test_db_new ();
  t->east = dr_pg_test_db_create_team (t->db, "east");
  t->west = dr_pg_test_db_create_team (t->db, "west");
  t->alice = dr_pg_test_db_add_login (t->db, "alice");
  t->bob = dr_pg_test_db_add_login (t->db, "bob");
  t->carol = dr_pg_test_db_add_login (t->db, "carol");
  t->wally = dr_pg_test_db_add_login (t->db, "wally");
  dr_pg_test_db_add_member (t->db, "east", t->alice, "lead");
  dr_pg_test_db_add_member (t->db, "west", t->bob, "lead");
  /* a lead adds the other members of her team herself */
  g_autofree char *add = g_strdup_printf ("SELECT dr.add_member ('east', '%s', 'reviewer');"
                                          "SELECT dr.add_member ('east', '%s', 'worker')",
                                          t->carol, t->wally);
  g_free (dr_pg_test_psql_ok (t->db, t->alice, add));
  g_free (as_east (t, t->alice,
    "INSERT INTO dr.claims (team_id, name) VALUES (%s, 'claim-1');"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes)"
    "  VALUES (%s, encode (sha256 ('\\xffd8ffd9'::bytea), 'hex'), '\\xffd8ffd9');"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT %s, id, 'a.jpg', encode (sha256 ('\\xffd8ffd9'::bytea), 'hex'), 4, 4, 3"
    "  FROM dr.claims;"
    "INSERT INTO dr.revisions (team_id, photo_id, damage, rle, area, kind)"
    "  SELECT %s, id, 0, '<rle>', 0, 'brush' FROM dr.photos;"
    "INSERT INTO dr.heads (team_id, photo_id, damage, revision_id)"
    "  SELECT %s, photo_id, 0, id FROM dr.revisions;"
    "INSERT INTO dr.reviews (team_id, photo_id, damage, verdict)"
    "  SELECT %s, id, 0, 'accepted' FROM dr.photos;"
    "INSERT INTO dr.notes (team_id, photo_id, text) SELECT %s, id, 'dent' FROM dr.photos;"
    "INSERT INTO dr.ground_truth (team_id, photo_id, damage, source, rle, area)"
    "  SELECT %s, id, 1, 'aihub', '<rle>', 0 FROM dr.photos;"
    "INSERT INTO dr.work_items (team_id, claim_id) SELECT %s, id FROM dr.claims"));
  g_free (as_east (t, t->wally,
    "INSERT INTO dr.models (team_id, damage, sha256, path, name)"
    "  VALUES (%s, 0, repeat ('a', 64), 'Scratch.pt', 'Scratch');"
    "INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256, rle, area)"
    "  SELECT %s, id, 0, repeat ('a', 64), '<rle>', 0 FROM dr.photos"));
}

static void
teams_teardown (Teams *t, gconstpointer data)
{
  dr_pg_test_db_free (t->db);
  g_free (t->east);
  g_free (t->west);
}

/* A member of west reads nothing of east from any table, while east's own members do; she
 * sees only her own team and its notify channel. */
static void
test_isolation_read (Teams *t, gconstpointer data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (team_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM dr.%s", team_tables[i]);
      g_autofree char *east_sees = dr_pg_test_psql_ok (t->db, t->carol, sql);
      g_autofree char *west_sees = dr_pg_test_psql_ok (t->db, t->bob, sql);
      g_test_message ("%s: east member sees %s, west lead sees %s", team_tables[i], east_sees,
                      west_sees);
      g_assert_cmpint (atoi (east_sees), >=, 1);
      if (strcmp (team_tables[i], "team_members") == 0)
        g_assert_cmpstr (west_sees, ==, "1"); /* himself */
      else
        g_assert_cmpstr (west_sees, ==, "0");
    }
  g_autofree char *teams = dr_pg_test_psql_ok (t->db, t->bob,
    "SELECT string_agg (name, ',') FROM dr.teams");
  g_assert_cmpstr (teams, ==, "west");
  /* even the photo bytes by their (known) hash */
  g_autofree char *blob = dr_pg_test_psql_ok (t->db, t->bob,
    "SELECT count (*) FROM dr.photo_blobs"
    " WHERE sha256 = encode (sha256 ('\\xffd8ffd9'::bytea), 'hex')");
  g_assert_cmpstr (blob, ==, "0");
}

/* A member of west cannot write into east, change east's rows or add members to it. */
static void
test_isolation_write (Teams *t, gconstpointer data)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT INTO dr.claims (team_id, name) VALUES (%s, 'intruder')", t->east);
  assert_refused (t, t->bob, sql->str, "row-level security");
  g_string_printf (sql, "INSERT INTO dr.notes (team_id, photo_id, text)"
                        " VALUES (%s, (SELECT max (id) FROM dr.photos), 'x')", t->east);
  assert_refused (t, t->bob, sql->str, "row-level security");
  /* pointing a row of his own team at east's photo breaks the team-local foreign key */
  g_autofree char *photo = dr_pg_test_psql_ok (t->db, NULL, "SELECT max (id) FROM dr.photos");
  g_string_printf (sql, "INSERT INTO dr.notes (team_id, photo_id, text) VALUES (%s, %s, 'x')",
                   t->west, photo);
  assert_refused (t, t->bob, sql->str, "foreign key");
  /* his update of heads finds no row of east's (policy USING), and east's head stays */
  g_autofree char *moved = dr_pg_test_psql_ok (t->db, t->bob,
    "WITH u AS (UPDATE dr.heads SET version = version + 1, moved_by = session_user RETURNING 1)"
    " SELECT count (*) FROM u");
  g_assert_cmpstr (moved, ==, "0");
  g_autofree char *version = dr_pg_test_psql_ok (t->db, NULL, "SELECT version FROM dr.heads");
  g_assert_cmpstr (version, ==, "0");
  assert_refused (t, t->bob, "DELETE FROM dr.photos", "permission denied");
  g_autofree char *add = g_strdup_printf ("SELECT dr.add_member ('east', '%s', 'lead')", t->bob);
  assert_refused (t, t->bob, add, "only a lead");
  g_autofree char *members = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT count (*) FROM dr.team_members WHERE team_id = (SELECT id FROM dr.teams"
    " WHERE name = 'east')");
  g_assert_cmpstr (members, ==, "3");
}

/* Revisions, verdicts and notes cannot be changed or removed by any member, the lead included;
 * the rows are unchanged afterwards. */
static void
test_append_only (Teams *t, gconstpointer data)
{
  const char *who[] = { t->alice, t->carol };
  const char *statements[] = {
    "UPDATE dr.revisions SET rle = 'forged'",
    "DELETE FROM dr.revisions",
    "UPDATE dr.reviews SET verdict = 'rejected'",
    "DELETE FROM dr.reviews",
    "UPDATE dr.notes SET text = 'forged'",
    "DELETE FROM dr.notes",
    "DELETE FROM dr.heads",
    "TRUNCATE dr.revisions",
  };
  for (gsize w = 0; w < G_N_ELEMENTS (who); w++)
    for (gsize i = 0; i < G_N_ELEMENTS (statements); i++)
      assert_refused (t, who[w], statements[i], "permission denied");
  g_autofree char *state = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT (SELECT string_agg (rle, ',') FROM dr.revisions) || ' '"
    " || (SELECT string_agg (verdict, ',') FROM dr.reviews) || ' '"
    " || (SELECT string_agg (text, ',') FROM dr.notes)");
  g_assert_cmpstr (state, ==, "<rle> accepted dent");
}

/* Authorship is the login role: omitted, it is session_user; naming someone else is refused;
 * only a lead may record an origin author (for history copied from a file). */
static void
test_author (Teams *t, gconstpointer data)
{
  g_free (as_east (t, t->carol, "INSERT INTO dr.notes (team_id, photo_id, text)"
                                " SELECT %s, id, 'mine' FROM dr.photos"));
  g_autofree char *author = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT author FROM dr.notes WHERE text = 'mine'");
  g_assert_cmpstr (author, ==, t->carol);
  g_autoptr (GString) sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT INTO dr.notes (team_id, photo_id, text, author)"
                        " SELECT %s, id, 'forged', '%s' FROM dr.photos", t->east, t->alice);
  assert_refused (t, t->carol, sql->str, "row-level security");
  g_string_printf (sql, "INSERT INTO dr.reviews (team_id, photo_id, damage, verdict, author)"
                        " SELECT %s, id, 1, 'rejected', '%s' FROM dr.photos", t->east, t->alice);
  assert_refused (t, t->carol, sql->str, "row-level security");
  g_string_printf (sql, "INSERT INTO dr.revisions (team_id, photo_id, damage, rle, area, kind,"
                        " origin_author) SELECT %s, id, 1, 'r', 0, 'brush', 'Kim' FROM dr.photos",
                   t->east);
  assert_refused (t, t->carol, sql->str, "row-level security");
  g_free (dr_pg_test_psql_ok (t->db, t->alice, sql->str));
  g_autofree char *origin = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT author || '/' || origin_author FROM dr.revisions WHERE origin_author IS NOT NULL");
  g_autofree char *expected = g_strdup_printf ("%s/Kim", t->alice);
  g_assert_cmpstr (origin, ==, expected);
}

/* Roles: a worker writes predictions but no revisions or verdicts; a reviewer the reverse;
 * nobody but a lead adds photos or claims. */
static void
test_roles (Teams *t, gconstpointer data)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT INTO dr.revisions (team_id, photo_id, damage, rle, area, kind)"
                        " SELECT %s, id, 2, 'r', 0, 'brush' FROM dr.photos", t->east);
  assert_refused (t, t->wally, sql->str, "row-level security");
  g_free (dr_pg_test_psql_ok (t->db, t->carol, sql->str));
  g_string_printf (sql, "INSERT INTO dr.reviews (team_id, photo_id, damage, verdict)"
                        " SELECT %s, id, 2, 'none' FROM dr.photos", t->east);
  assert_refused (t, t->wally, sql->str, "row-level security");
  g_string_printf (sql, "INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256,"
                        " rle, area) SELECT %s, id, 0, repeat ('b', 64), 'r', 0 FROM dr.photos",
                   t->east);
  assert_refused (t, t->carol, sql->str, "row-level security");
  g_string_printf (sql, "INSERT INTO dr.claims (team_id, name) VALUES (%s, 'claim-2')", t->east);
  assert_refused (t, t->carol, sql->str, "row-level security");
  assert_refused (t, t->wally, sql->str, "row-level security");
  g_autofree char *add = g_strdup_printf ("SELECT dr.add_member ('east', '%s', 'lead')", t->carol);
  assert_refused (t, t->carol, add, "only a lead");
}

/* A head moves by compare-and-swap: the first mover with the version it read wins, a second
 * one with the same version changes nothing; a move that does not raise the version is refused
 * (so undo back to an old revision is still a new version: no ABA). */
static void
test_head_cas (Teams *t, gconstpointer data)
{
  const char *cas = "WITH r AS (INSERT INTO dr.revisions (team_id, photo_id, damage, parent_id,"
                    " rle, area, kind) SELECT %s, photo_id, 0, revision_id, 'new', 1, 'brush'"
                    " FROM dr.heads RETURNING id, photo_id),"
                    " u AS (UPDATE dr.heads h SET revision_id = r.id, version = version + 1,"
                    " moved_by = session_user, moved_at = now () FROM r"
                    " WHERE h.photo_id = r.photo_id AND h.damage = 0 AND h.version = 0"
                    " RETURNING version) SELECT count (*) FROM u";
  g_autofree char *first = as_east (t, t->carol, cas);
  g_assert_cmpstr (first, ==, "1");
  g_autofree char *second = as_east (t, t->alice, cas);
  g_assert_cmpstr (second, ==, "0");
  g_autofree char *head = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT h.version || ' ' || (h.moved_by = r.author) FROM dr.heads h"
    " JOIN dr.revisions r ON r.id = h.revision_id");
  g_assert_cmpstr (head, ==, "1 true");
  assert_refused (t, t->carol, "UPDATE dr.heads SET moved_by = session_user", "compare-and-swap");
  g_autoptr (GString) sql = g_string_new (NULL);
  g_string_printf (sql, "UPDATE dr.heads SET version = version + 1, moved_by = '%s'", t->alice);
  assert_refused (t, t->carol, sql->str, "row-level security");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pg/schema/isolation-read", Teams, NULL, teams_setup, test_isolation_read,
              teams_teardown);
  g_test_add ("/pg/schema/isolation-write", Teams, NULL, teams_setup, test_isolation_write,
              teams_teardown);
  g_test_add ("/pg/schema/append-only", Teams, NULL, teams_setup, test_append_only,
              teams_teardown);
  g_test_add ("/pg/schema/author", Teams, NULL, teams_setup, test_author, teams_teardown);
  g_test_add ("/pg/schema/roles", Teams, NULL, teams_setup, test_roles, teams_teardown);
  g_test_add ("/pg/schema/head-cas", Teams, NULL, teams_setup, test_head_cas, teams_teardown);
  return g_test_run ();
}
