/* test-pg-concurrency.c — no lost update with many members at once, on a real server.
 *
 * 8 members (separate processes, connections and login roles: annotators, reviewers, leads)
 * run pg-member for a while on 4 shared photos, so they keep editing the same layers. Then, from
 * the members' logs of acknowledged writes and the database:
 *  - every acknowledged revision, verdict and note is present, authored by its member;
 *  - every layer's head is exactly the revision of the acknowledged move that produced its
 *    version, no version was acknowledged twice (that would be a lost update), and without
 *    faults the head's version equals the number of acknowledged moves;
 *  - conflicts happened (counted and printed) — otherwise the test would not test CAS;
 *  - no deadlock (pg_stat_database) and every member finished.
 * /pg/concurrency/restarts does the same on a private server that is restarted twice while two
 * members are SIGKILLed and replaced; a move the connection broke under may or may not have
 * happened (UNCERTAIN), so a head may also be such a move, by that member.
 *
 * Seconds per run: the second argument (default 15; the pg-long suite runs 60). */
#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dr-pg-conn.h"
#include "pg-test-util.h"

#define N_MEMBERS 8
#define N_PHOTOS 4

static const char *member_exe;

/* The members' roles in the team. */
static const char *const roles[N_MEMBERS] = {
  "annotator", "annotator", "annotator", "reviewer", "reviewer", "reviewer", "lead", "lead",
};

/* Runs @sql (no parameters, test set-up only) on @conn; g_error on failure. */
static void
admin_exec (PGconn *conn, const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

/* Team "crew" with the logins as members, one claim and N_PHOTOS photos with all four heads at
 * version 0; returns the photo ids as "a,b,c,d". */
static char *
prepare_team (const char *admin_conninfo, char **logins)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) migrated = dr_pg_conn_open (admin_conninfo, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  PGconn *conn = PQconnectdb (admin_conninfo);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  admin_exec (conn, "SELECT dr.create_team ('crew')");
  for (int i = 0; i < N_MEMBERS; i++)
    {
      const char *values[] = { logins[i], roles[i] };
      PGresult *res = PQexecParams (conn, "SELECT dr.add_member ('crew', $1, $2)", 2, NULL,
                                    values, NULL, NULL, 0);
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
      PQclear (res);
    }
  admin_exec (conn,
    "INSERT INTO dr.claims (team_id, name) SELECT id, 'claim' FROM dr.teams;"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) SELECT t.id,"
    "  encode (sha256 (int4send (g)), 'hex'), int4send (g) FROM dr.teams t,"
    "  generate_series (1, 4) g;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT b.team_id, c.id, 'p' || b.sha256 || '.jpg', b.sha256, 4, 8, 8"
    "  FROM dr.photo_blobs b, dr.claims c ORDER BY b.sha256;"
    "INSERT INTO dr.heads (team_id, photo_id, damage) SELECT p.team_id, p.id, d"
    "  FROM dr.photos p, generate_series (0, 3) d");
  PGresult *res = PQexec (conn, "SELECT string_agg (id::text, ',' ORDER BY id) FROM dr.photos");
  char *ids = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return ids;
}

typedef struct {
  char *login;
  char *log;          /* path of its log */
  GSubprocess *proc;
  gboolean killed;    /* SIGKILLed at least once: its last write may be unacknowledged */
} Member;

/* Starts member @m's pg-member process (appending to its log). */
static void
member_start (Member *m, const char *conninfo, int seconds, guint seed, const char *photos)
{
  g_autofree char *secs = g_strdup_printf ("%d", seconds);
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  g_autoptr (GError) error = NULL;
  g_clear_object (&m->proc);
  m->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, member_exe, conninfo, secs,
                              seed_text, photos, m->log, NULL);
  g_assert_no_error (error);
}

typedef struct {
  gint64 revision;
  int member;
} Move;

/* Parsed logs: acknowledged ids with their member, moves per layer, uncertain layers. */
typedef struct {
  GHashTable *revisions;   /* id → member index + 1 */
  GHashTable *reviews;
  GHashTable *notes;
  GHashTable *moves;       /* "photo damage version" → Move */
  GHashTable *moves_per_layer;  /* "photo damage" → count */
  GHashTable *uncertain;   /* "photo damage member" present when a write broke there */
  guint conflicts;
} Logs;

/* Reads every member's log into @logs, failing on a version acknowledged twice. */
static void
read_logs (Member *members, Logs *logs)
{
  logs->revisions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  logs->reviews = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  logs->notes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  logs->moves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  logs->moves_per_layer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  logs->uncertain = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (members[i].log, &text, NULL, NULL));
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        {
          gint64 a = 0, b = 0, c = 0, e = 0;
          GHashTable *ids = NULL;
          if (sscanf (*l, "REV %" G_GINT64_FORMAT, &a) == 1)
            ids = logs->revisions;
          else if (sscanf (*l, "VERDICT %" G_GINT64_FORMAT, &a) == 1)
            ids = logs->reviews;
          else if (sscanf (*l, "NOTE %" G_GINT64_FORMAT, &a) == 1)
            ids = logs->notes;
          if (ids != NULL)
            {
              gint64 *key = g_new (gint64, 1);
              *key = a;
              g_assert_false (g_hash_table_contains (ids, key));
              g_hash_table_insert (ids, key, GINT_TO_POINTER (i + 1));
            }
          else if (sscanf (*l, "MOVE %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                           " %" G_GINT64_FORMAT, &a, &b, &c, &e) == 4)
            {
              char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %"
                                           G_GINT64_FORMAT, a, b, c);
              if (g_hash_table_contains (logs->moves, key))
                g_error ("version %s acknowledged to two moves: a lost update", key);
              Move *move = g_new (Move, 1);
              move->revision = e;
              move->member = i;
              g_hash_table_insert (logs->moves, key, move);
              char *layer = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, a, b);
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (logs->moves_per_layer, layer));
              g_hash_table_insert (logs->moves_per_layer, layer, GUINT_TO_POINTER (n + 1));
            }
          else if (sscanf (*l, "CONFLICT %" G_GINT64_FORMAT, &a) == 1)
            logs->conflicts++;
          else if (sscanf (*l, "UNCERTAIN %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &a, &b) == 2)
            g_hash_table_add (logs->uncertain, g_strdup_printf ("%" G_GINT64_FORMAT " %"
                                                                G_GINT64_FORMAT " %d", a, b, i));
        }
    }
}

/* Frees the parsed logs. */
static void
logs_clear (Logs *logs)
{
  g_hash_table_unref (logs->revisions);
  g_hash_table_unref (logs->reviews);
  g_hash_table_unref (logs->notes);
  g_hash_table_unref (logs->moves);
  g_hash_table_unref (logs->moves_per_layer);
  g_hash_table_unref (logs->uncertain);
}

/* Every id acknowledged in @ids is in @table with author = its member's login. */
static void
check_present (PGconn *conn, const char *table, GHashTable *ids, Member *members)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id, author FROM dr.%s", table);
  PGresult *res = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_autoptr (GHashTable) stored = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 *id = g_new (gint64, 1);
      *id = g_ascii_strtoll (PQgetvalue (res, r, 0), NULL, 10);
      g_hash_table_insert (stored, id, g_strdup (PQgetvalue (res, r, 1)));
    }
  PQclear (res);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, ids);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const char *author = g_hash_table_lookup (stored, key);
      if (author == NULL)
        g_error ("acknowledged %s %" G_GINT64_FORMAT " is missing", table, *(gint64 *) key);
      g_assert_cmpstr (author, ==, members[GPOINTER_TO_INT (value) - 1].login);
    }
  g_test_message ("%s: %u acknowledged, all present with their author (%d rows in all)", table,
                  g_hash_table_size (ids), g_hash_table_size (stored));
}

/* The head checks described at the top. @faults: restarts or kills happened. */
static void
check_heads (PGconn *conn, Logs *logs, Member *members, gboolean faults)
{
  PGresult *res = PQexec (conn, "SELECT h.photo_id, h.damage, h.version,"
                                " coalesce (h.revision_id, 0), h.moved_by FROM dr.heads h"
                                " WHERE h.damage < 2 ORDER BY 1, 2");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, N_PHOTOS * 2);
  for (int r = 0; r < PQntuples (res); r++)
    {
      const char *photo = PQgetvalue (res, r, 0), *damage = PQgetvalue (res, r, 1);
      gint64 version = g_ascii_strtoll (PQgetvalue (res, r, 2), NULL, 10);
      gint64 revision = g_ascii_strtoll (PQgetvalue (res, r, 3), NULL, 10);
      const char *mover = PQgetvalue (res, r, 4);
      g_autofree char *key = g_strdup_printf ("%s %s %" G_GINT64_FORMAT, photo, damage, version);
      g_autofree char *layer = g_strdup_printf ("%s %s", photo, damage);
      guint acked = GPOINTER_TO_UINT (g_hash_table_lookup (logs->moves_per_layer, layer));
      Move *move = g_hash_table_lookup (logs->moves, key);
      g_test_message ("layer %s: version %" G_GINT64_FORMAT ", %u acknowledged moves, head %"
                      G_GINT64_FORMAT " by %s", layer, version, acked, revision, mover);
      if (move != NULL)
        {
          g_assert_cmpint (move->revision, ==, revision);
          g_assert_cmpstr (members[move->member].login, ==, mover);
        }
      else
        {
          /* Only a move whose acknowledgement was lost may be the head, by its member. */
          g_assert_true (faults);
          int m = 0;
          while (m < N_MEMBERS && strcmp (members[m].login, mover) != 0)
            m++;
          g_assert_cmpint (m, <, N_MEMBERS);
          g_autofree char *uncertain = g_strdup_printf ("%s %s %d", photo, damage, m);
          g_assert_true (members[m].killed || g_hash_table_contains (logs->uncertain, uncertain));
        }
      if (!faults)
        g_assert_cmpint (version, ==, acked);
      else
        g_assert_cmpint (version, >=, acked);
    }
  PQclear (res);
}

/* No silent overwrite: every acknowledged move builds on the head before it. The revision at
 * version v is an edit whose parent is the head at v - 1, or an undo to that head's parent;
 * checked wherever both versions were acknowledged. */
static void
check_chain (PGconn *conn, Logs *logs)
{
  PGresult *res = PQexec (conn, "SELECT id, coalesce (parent_id, 0) FROM dr.revisions");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_autoptr (GHashTable) parent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 *id = g_new (gint64, 1), *p = g_new (gint64, 1);
      *id = g_ascii_strtoll (PQgetvalue (res, r, 0), NULL, 10);
      *p = g_ascii_strtoll (PQgetvalue (res, r, 1), NULL, 10);
      g_hash_table_insert (parent, id, p);
    }
  PQclear (res);
  guint checked = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, logs->moves);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      gint64 photo = 0, damage = 0, version = 0;
      g_assert_cmpint (sscanf (key, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                               &photo, &damage, &version), ==, 3);
      gint64 before = 0;
      if (version > 1)
        {
          g_autofree char *prev = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %"
                                                   G_GINT64_FORMAT, photo, damage, version - 1);
          Move *m = g_hash_table_lookup (logs->moves, prev);
          if (m == NULL)
            continue;
          before = m->revision;
        }
      gint64 now = ((Move *) value)->revision;
      gint64 *now_parent = g_hash_table_lookup (parent, &now);
      gint64 *before_parent = g_hash_table_lookup (parent, &before);
      gboolean edit = now != 0 && now_parent != NULL && *now_parent == before;
      gboolean undo = before != 0 && before_parent != NULL && *before_parent == now;
      if (!edit && !undo)
        g_error ("layer %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " version %" G_GINT64_FORMAT
                 ": head %" G_GINT64_FORMAT " does not build on the head before it (%"
                 G_GINT64_FORMAT "): an overwrite", photo, damage, version, now, before);
      checked++;
    }
  g_test_message ("%u acknowledged moves each build on the head before them", checked);
  g_assert_cmpuint (checked, >, 0);
}

/* Runs the members for @seconds against @conninfo_of (login → conninfo), with @faults
 * (NULL: none) called once a second with the elapsed seconds; then all the checks. */
typedef void (*FaultFunc) (int second, Member *members, const char *photos, gpointer data);

static void
run_members (const char *admin_conninfo, char **conninfos, char **logins, int seconds,
             FaultFunc faults, gpointer data)
{
  g_autofree char *photos = prepare_team (admin_conninfo, logins);
  g_autofree char *dir = g_dir_make_tmp ("dr-pg-members-XXXXXX", NULL);
  Member members[N_MEMBERS] = { 0 };
  for (int i = 0; i < N_MEMBERS; i++)
    {
      members[i].login = logins[i];
      members[i].log = g_strdup_printf ("%s/member-%d.log", dir, i);
      member_start (&members[i], conninfos[i], seconds, (guint) i + 1, photos);
    }
  for (int s = 1; faults != NULL && s < seconds; s++)
    {
      g_usleep (G_USEC_PER_SEC);
      faults (s, members, photos, data);
    }
  gint64 give_up = g_get_monotonic_time () + (seconds + 120) * G_USEC_PER_SEC;
  for (int i = 0; i < N_MEMBERS; i++)
    {
      /* the identifier goes away once GLib has reaped the process */
      while (g_subprocess_get_identifier (members[i].proc) != NULL
             && g_get_monotonic_time () < give_up)
        g_usleep (G_USEC_PER_SEC / 10);
      if (g_subprocess_get_identifier (members[i].proc) != NULL)
        g_error ("member %d still runs %d s after its time was up: stuck (deadlock?)", i,
                 seconds + 120);
      g_autoptr (GError) error = NULL;
      g_subprocess_wait_check (members[i].proc, NULL, &error);
      g_assert_no_error (error);
    }

  Logs logs = { 0 };
  read_logs (members, &logs);
  PGconn *conn = PQconnectdb (admin_conninfo);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  check_present (conn, "revisions", logs.revisions, members);
  check_present (conn, "reviews", logs.reviews, members);
  check_present (conn, "notes", logs.notes, members);
  check_heads (conn, &logs, members, faults != NULL);
  check_chain (conn, &logs);
  PGresult *dl = PQexec (conn, "SELECT deadlocks FROM pg_stat_database"
                               " WHERE datname = current_database ()");
  g_test_message ("conflicts shown to members: %u; moves acknowledged: %u; deadlocks: %s; "
                  "uncertain writes: %u", logs.conflicts, g_hash_table_size (logs.moves),
                  PQgetvalue (dl, 0, 0), g_hash_table_size (logs.uncertain));
  g_assert_cmpstr (PQgetvalue (dl, 0, 0), ==, "0");
  PQclear (dl);
  PQfinish (conn);
  g_assert_cmpuint (logs.conflicts, >, 0);
  g_assert_cmpuint (g_hash_table_size (logs.moves), >, 0);
  logs_clear (&logs);
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_remove (members[i].log);
      g_free (members[i].log);
      g_clear_object (&members[i].proc);
    }
  g_rmdir (dir);
}

static int run_seconds = 15;

/* Seconds per run. */
static int
seconds (void)
{
  return run_seconds;
}

/* 8 members on the shared test server. */
static void
test_members (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  char *logins[N_MEMBERS], *conninfos[N_MEMBERS + 1] = { 0 };
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_autofree char *label = g_strdup_printf ("m%d", i);
      logins[i] = (char *) dr_pg_test_db_add_login (db, label);
      conninfos[i] = dr_pg_test_db_conninfo (db, logins[i]);
    }
  run_members (db->admin, conninfos, logins, seconds (), NULL, NULL);
  for (int i = 0; i < N_MEMBERS; i++)
    g_free (conninfos[i]);
}

typedef struct {
  DrPgPrivateServer *server;
  char **conninfos;
  int seconds;
  GRand *rand;
} Faults;

/* At a third and two thirds of the run: restart the server (fast, then immediate = crash);
 * at a sixth and a half: SIGKILL a random member and start a new one in its place. */
static void
inject (int second, Member *members, const char *photos, gpointer data)
{
  Faults *f = data;
  int third = f->seconds / 3;
  if (second == third || second == 2 * third)
    {
      g_test_message ("%d s: restarting the server (%s)", second,
                      second == third ? "fast" : "immediate");
      dr_pg_private_server_restart (f->server, second == third ? "fast" : "immediate");
    }
  if (second == f->seconds / 6 || second == f->seconds / 2)
    {
      int m = g_rand_int_range (f->rand, 0, N_MEMBERS);
      g_test_message ("%d s: SIGKILL member %d", second, m);
      g_subprocess_send_signal (members[m].proc, SIGKILL);
      g_subprocess_wait (members[m].proc, NULL, NULL);
      members[m].killed = TRUE;
      member_start (&members[m], f->conninfos[m], f->seconds - second, 100 + (guint) second,
                    photos);
    }
}

/* The same on a private server that is restarted twice, with two members SIGKILLed. */
static void
test_restarts (void)
{
  g_autoptr (DrPgPrivateServer) server = dr_pg_private_server_start ();
  g_autofree char *admin = dr_pg_private_server_conninfo (server, "postgres", NULL);
  PGconn *conn = PQconnectdb (admin);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("%s: %s", admin, PQerrorMessage (conn));
  admin_exec (conn, "CREATE DATABASE crew");
  char *logins[N_MEMBERS], *conninfos[N_MEMBERS];
  for (int i = 0; i < N_MEMBERS; i++)
    {
      logins[i] = g_strdup_printf ("member%d", i);
      g_autofree char *sql = g_strdup_printf ("CREATE ROLE member%d LOGIN", i);
      admin_exec (conn, sql);
      conninfos[i] = dr_pg_private_server_conninfo (server, "crew", logins[i]);
    }
  PQfinish (conn);
  g_autofree char *crew = dr_pg_private_server_conninfo (server, "crew", NULL);
  Faults f = { server, conninfos, seconds (), g_rand_new_with_seed (7) };
  run_members (crew, conninfos, logins, f.seconds, inject, &f);
  g_rand_free (f.rand);
  for (int i = 0; i < N_MEMBERS; i++)
    {
      g_free (logins[i]);
      g_free (conninfos[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-pg-concurrency PG_MEMBER [SECONDS] [GTest options]");
  member_exe = argv[1];
  if (argc > 2)
    run_seconds = atoi (argv[2]);
  g_assert_cmpint (run_seconds, >=, 6);
  g_test_add_func ("/pg/concurrency/members", test_members);
  g_test_add_func ("/pg/concurrency/restarts", test_restarts);
  return g_test_run ();
}
