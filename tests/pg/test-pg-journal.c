/* test-pg-journal.c — no lost update and the offline journal through the edit writer (core, no
 * display), on a private PostgreSQL server that is stopped and started (pg-test-util), with
 * psql as the oracle. Two reviewers, ann and bob, edit the scratch layer of one 8×8 photo.
 *
 * /pg/journal/conflict: bob moves the head after ann read it; ann's edit through the writer
 *   reports "bob changed this layer" with both revisions, ann's revision stored, the head
 *   bob's (take theirs = no write); keep mine after bob moved again conflicts again; keep mine
 *   then moves the head to ann's revision; undo from there goes to its parent.
 * /pg/journal/replay-after-kill: a child process pushes edits while the server is stopped
 *   (journaled), is SIGKILLed; the server starts; a second child opens the same project and
 *   sends the journal: every edit stored once, in order (a parent chain), the head on the last;
 *   the journal file is gone. The same journal replayed again (as if the acknowledgements had
 *   been lost) stores nothing more and moves nothing.
 * /pg/journal/replay-conflict: an edit journaled offline whose layer bob changes before it is
 *   sent is reported as a conflict on replay, stored ("written"), not dropped.
 * /pg/journal/damaged: a damaged journal gives one line naming the file and is moved aside,
 *   not deleted.
 * /pg/journal/verdict-note-after-kill: with the server stopped, a child journals an edit, then
 *   a verdict and a note (shown meanwhile as the window would), and is SIGKILLed; after the
 *   server starts, a second child sends all three: psql finds the verdict and note once each,
 *   authored by the member's login, the verdict measured on the edit sent before it and
 *   decided on it ("accepted" on an edited mask is "corrected", as online); sent
 *   again (acknowledgements lost), nothing is added.
 * /pg/journal/away: once the server did not answer, a call through the writer fails at once
 *   (it does not wait for another connection attempt, which on a path gone silent costs the
 *   connect timeout), the next edit goes straight to the journal, and once the server is back
 *   the edit is sent and calls work again.
 * /pg/journal/hung-server: with every process of the server SIGSTOPped (the kernel still
 *   acknowledges, so no TCP timeout fires), a stroke the writer was sending must reach the
 *   journal (its connection gives up after DR_PG_WRITE_ANSWER_TIMEOUT_S) instead of waiting,
 *   in memory only, for as long as the server hangs; once it runs again the stroke is sent.
 * /pg/journal/held-until-reopened: the journal is sent while the connection the edit was made
 *   on is lost (the writer reached the server before the window opened the project again):
 *   "written" waits — the window would read the layer for its automatic verdict through the
 *   dead connection — and comes, naming the project, once it is opened again (resume).
 * /pg/journal/offline-layers: the window's overlay load remembers each layer it read (with
 *   its head) in a DrLayerCache; with the server stopped, the same photo's layers come from
 *   there (the scratch mask bob drew, pixel for pixel), while a load without the cache fails
 *   as "cannot reach the server".
 * /pg/journal/partition: in a network namespace of its own (root, unshare), a child talks to a
 *   server over TCP; the network is taken away under its open connection (the loopback link
 *   goes down: packets vanish, nothing is refused). The next edit must reach the journal
 *   within two minutes, not after the kernel's quarter of an hour, and a verdict after it too;
 *   once the link is back both are sent. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "dr-edit-journal.h"
#include "dr-edit-writer.h"
#include "dr-pg-conn.h"
#include "dr-project.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-session.h"
#include "dr-test-overlay.h"
#include "dr-store-error.h"
#include "pg-test-util.h"

#define W 8
#define H 8

static DrPgPrivateServer *server;
static const char *self_exe;

typedef struct {
  char *db;
  char *ann, *bob;         /* conninfos */
  char *ann_login, *bob_login;
  gint64 photo;
} Team;

/* A database @db on the private server with team "crew": ann and bob reviewers, one claim, one
 * 8×8 photo with its four heads at version 0. */
static void
team_init (Team *t, const char *db)
{
  t->db = g_strdup (db);
  t->ann_login = g_strconcat ("ann_", db, NULL);
  t->bob_login = g_strconcat ("bob_", db, NULL);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", db);
  g_free (dr_pg_private_server_psql (server, "postgres", create));
  g_autofree char *roles = g_strdup_printf ("CREATE ROLE %s LOGIN; CREATE ROLE %s LOGIN",
                                            t->ann_login, t->bob_login);
  g_free (dr_pg_private_server_psql (server, "postgres", roles));
  g_autofree char *admin = dr_pg_private_server_conninfo (server, db, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) migrated = dr_pg_conn_open (admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  g_autofree char *sql = g_strdup_printf (
    "SELECT dr.create_team ('crew');"
    "SELECT dr.add_member ('crew', '%s', 'reviewer');"
    "SELECT dr.add_member ('crew', '%s', 'reviewer');"
    "INSERT INTO dr.claims (team_id, name) SELECT id, 'claim' FROM dr.teams;"
    "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) SELECT t.id,"
    "  encode (sha256 (int4send (1)), 'hex'), int4send (1) FROM dr.teams t;"
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
    "  SELECT b.team_id, c.id, 'p.jpg', b.sha256, 4, %d, %d FROM dr.photo_blobs b, dr.claims c;"
    "INSERT INTO dr.heads (team_id, photo_id, damage) SELECT p.team_id, p.id, d"
    "  FROM dr.photos p, generate_series (0, 3) d;", t->ann_login, t->bob_login, W, H);
  g_free (dr_pg_private_server_psql (server, db, sql));
  g_autofree char *id = dr_pg_private_server_psql (server, db, "SELECT id FROM dr.photos");
  t->photo = g_ascii_strtoll (id, NULL, 10);
  t->ann = dr_pg_private_server_conninfo (server, db, t->ann_login);
  t->bob = dr_pg_private_server_conninfo (server, db, t->bob_login);
}

static void
team_clear (Team *t)
{
  g_free (t->db);
  g_free (t->ann);
  g_free (t->bob);
  g_free (t->ann_login);
  g_free (t->bob_login);
}

/* psql's one-value answer on the team's database. */
static char *
oracle (Team *t, const char *sql)
{
  return dr_pg_private_server_psql (server, t->db, sql);
}

/* An 8×8 mask with pixel @n on (a distinct mask per edit). */
static void
mask_with (guint8 *px, int n)
{
  memset (px, 0, W * H);
  px[n % (W * H)] = 1;
}

/* The RLE of mask_with (@n). */
static char *
rle_with (int n)
{
  guint8 px[W * H];
  mask_with (px, n);
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (px, H, W, NULL);
  return dr_rle_to_string (rle);
}

/* Bob's edit, made on the head as it is now; returns his revision id. */
static gint64
bob_edits (Team *t, int n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) bob = dr_project_open (t->bob, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autofree char *rle = rle_with (n);
  g_auto (DrRevisionOutcome) out = { 0 };
  g_assert_true (dr_revision_commit (bob, t->photo, DR_DAMAGE_SCRATCH, NULL, rle,
                                     DR_REVISION_BRUSH, "bob", NULL, &out, &error));
  g_assert_no_error (error);
  g_assert_true (out.moved);
  return out.revision_id;
}

/* Opens the project at @uri and reads the head of @photo's Scratch layer into *seen. */
static DrProject *
open_on_head (const char *uri, gint64 photo, DrHeadSeen *seen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) p = dr_project_open (uri, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_revision_read_head (p, photo, DR_DAMAGE_SCRATCH, seen, &error));
  return g_steal_pointer (&p);
}

/* Collects the writer's reports. */
typedef struct {
  GPtrArray *conflicts;   /* DrEditConflict* */
  guint written;
  guint written_lost;     /* of those, stored but their head move lost */
  guint sent;
  GPtrArray *refused;     /* the "refused" lines (char*) */
} Seen;

static void
conflict_cb (DrEditWriter *writer, DrEditConflict *c, Seen *seen)
{
  g_ptr_array_add (seen->conflicts, dr_edit_conflict_copy (c));
}

static void
written_cb (DrEditWriter *writer, DrProject *p, gint64 photo, int damage, Seen *seen)
{
  seen->written++;
  seen->written_lost += dr_edit_writer_get_written_lost (writer);
}

static void
refused_cb (DrEditWriter *writer, const char *message, Seen *seen)
{
  g_ptr_array_add (seen->refused, g_strdup (message));
}

static void
waiting_cb (DrEditWriter *writer, guint n, Seen *seen)
{
  seen->sent = dr_edit_writer_get_n_sent (writer);
}

/* A write that failed fails the test, with its message. */
static void
failed_cb (DrEditWriter *writer, const char *message, Seen *seen)
{
  g_error ("the writer failed: %s", message);
}

static DrEditWriter *
writer_new (Seen *seen)
{
  seen->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_edit_conflict_free);
  seen->refused = g_ptr_array_new_with_free_func (g_free);
  DrEditWriter *w = dr_edit_writer_new ();
  /* Lives as long as the writer that fills it. */
  g_object_set_data_full (G_OBJECT (w), "refused", seen->refused,
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (w, "conflict", G_CALLBACK (conflict_cb), seen);
  g_signal_connect (w, "written", G_CALLBACK (written_cb), seen);
  g_signal_connect (w, "waiting", G_CALLBACK (waiting_cb), seen);
  g_signal_connect (w, "refused", G_CALLBACK (refused_cb), seen);
  g_signal_connect (w, "failed", G_CALLBACK (failed_cb), seen);
  return w;
}

/* Runs the main context until *counter reaches @n (the writer posts its reports there). */
static void
wait_for (guint *counter, guint n)
{
  while (*counter < n)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main context until the journal has @n edits waiting. */
static void
wait_waiting (DrEditWriter *w, guint n)
{
  while (dr_edit_writer_get_n_waiting (w) != n)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_conflict (void)
{
  Team t;
  team_init (&t, "conflict");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  g_assert_cmpint (seen.version, ==, 0);

  gint64 b1 = bob_edits (&t, 1);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  mask_with (px, 2);
  dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_for (&s.written, 1);
  g_assert_cmpuint (s.conflicts->len, ==, 1);
  /* "written" says the edit lost (no verdict follows it), and only for this edit. */
  g_assert_cmpuint (s.written_lost, ==, 1);
  g_assert_false (dr_edit_writer_get_written_lost (w));
  DrEditConflict *c1 = g_ptr_array_index (s.conflicts, 0);
  g_assert_true (c1->project == ann);
  g_assert_cmpstr (c1->name, ==, t.bob_login);
  g_assert_cmpint (c1->theirs.revision_id, ==, b1);
  g_assert_cmpint (c1->theirs.version, ==, 1);
  g_assert_cmpint (c1->mine, >, b1);
  /* Ann's revision is stored, by her, on the head she saw (the prediction); the head is
   * bob's: taking theirs is no write at all. */
  g_autofree char *q1 = g_strdup_printf ("SELECT author || ',' || coalesce (parent_id, 0) || ','"
                                         " || rle FROM dr.revisions WHERE id = %" G_GINT64_FORMAT,
                                         c1->mine);
  g_autofree char *mine_row = oracle (&t, q1);
  g_autofree char *rle2 = rle_with (2);
  g_autofree char *expect_row = g_strdup_printf ("%s,0,%s", t.ann_login, rle2);
  g_assert_cmpstr (mine_row, ==, expect_row);
  g_autofree char *head1 = oracle (&t, "SELECT revision_id || ',' || version FROM dr.heads"
                                       " WHERE damage = 0");
  g_autofree char *bob_head = g_strdup_printf ("%" G_GINT64_FORMAT ",1", b1);
  g_assert_cmpstr (head1, ==, bob_head);

  /* Bob moves it again before ann keeps hers: keep mine conflicts again, naming his new head. */
  gint64 b2 = bob_edits (&t, 3);
  g_assert_true (dr_edit_writer_keep_mine (w, c1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.conflicts->len, ==, 2);
  DrEditConflict *c2 = g_ptr_array_index (s.conflicts, 1);
  g_assert_cmpint (c2->mine, ==, c1->mine);
  g_assert_cmpint (c2->theirs.revision_id, ==, b2);
  g_assert_cmpint (c2->theirs.version, ==, 2);
  g_autofree char *head2 = oracle (&t, "SELECT revision_id FROM dr.heads WHERE damage = 0");
  g_assert_cmpint (g_ascii_strtoll (head2, NULL, 10), ==, b2);

  /* Keep mine against the current version moves the head to ann's revision. */
  g_assert_true (dr_edit_writer_keep_mine (w, c2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.conflicts->len, ==, 2);
  g_autofree char *head3 = oracle (&t, "SELECT revision_id || ',' || version || ',' || moved_by"
                                       " FROM dr.heads WHERE damage = 0");
  g_autofree char *ann_head = g_strdup_printf ("%" G_GINT64_FORMAT ",3,%s", c1->mine,
                                               t.ann_login);
  g_assert_cmpstr (head3, ==, ann_head);
  /* Nothing was discarded: all three revisions are there. Undo goes to the parent of ann's. */
  g_autofree char *n = oracle (&t, "SELECT count (*) FROM dr.revisions");
  g_assert_cmpstr (n, ==, "3");
  gboolean moved = FALSE;
  g_assert_true (dr_revision_undo (ann, t.photo, DR_DAMAGE_SCRATCH, &moved, &error));
  g_assert_true (moved);
  g_autofree char *head4 = oracle (&t, "SELECT coalesce (revision_id, 0) FROM dr.heads"
                                       " WHERE damage = 0");
  g_assert_cmpstr (head4, ==, "0");
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

/* ---- child processes of replay-after-kill ---------------------------------------------- */

/* A child's start: opens the project at @uri, reads the head of @photo's Scratch layer into
 * *seen, says "ready" and waits for a line (the server is stopped meanwhile). NULL when stdin
 * closed first. */
static DrProject *
child_open_ready (const char *uri, gint64 photo, DrHeadSeen *seen)
{
  g_autoptr (DrProject) p = open_on_head (uri, photo, seen);
  printf ("ready\n");
  fflush (stdout);
  char line[64];
  return fgets (line, sizeof line, stdin) != NULL ? g_steal_pointer (&p) : NULL;
}

/* Child "journal URI PHOTO N": opens the project, says "ready", waits for a line (the server
 * is then stopped), pushes N edits on the head it read, says "journaled N" once all are in
 * the journal, and waits to be killed. */
static int
child_journal (const char *uri, gint64 photo, int n)
{
  DrHeadSeen seen;
  g_autoptr (DrProject) p = child_open_ready (uri, photo, &seen);
  if (p == NULL)
    return 1;
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  for (int i = 0; i < n; i++)
    {
      mask_with (px, 10 + i);
      dr_edit_writer_push (w, p, photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                           &seen);
    }
  wait_waiting (w, (guint) n);
  printf ("journaled %u\n", dr_edit_writer_get_n_waiting (w));
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

/* Child "record URI PHOTO": opens the project, says "ready", waits for a line (the server is
 * then stopped), journals an edit, a verdict and a note, prints "journaled N V NOTE" (the
 * journal's size and what the writer shows for the verdict and note) and waits to be killed. */
static int
child_record (const char *uri, gint64 photo)
{
  DrHeadSeen seen;
  g_autoptr (DrProject) p = child_open_ready (uri, photo, &seen);
  if (p == NULL)
    return 1;
  g_autoptr (GError) error = NULL;
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  mask_with (px, 20);
  dr_edit_writer_push (w, p, photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_waiting (w, 1);
  gboolean journaled = FALSE;
  if (!dr_edit_writer_record_verdict (w, p, photo, DR_DAMAGE_SCRATCH, DR_VERDICT_ACCEPTED,
                                      "ann", &journaled, &error) || !journaled)
    {
      printf ("verdict not journaled: %s\n", error ? error->message : "stored");
      return 1;
    }
  if (!dr_edit_writer_record_note (w, p, photo, "rear bumper", "ann", &journaled, &error)
      || !journaled)
    {
      printf ("note not journaled: %s\n", error ? error->message : "stored");
      return 1;
    }
  wait_waiting (w, 3);
  DrVerdict shown = DR_VERDICT_UNREVIEWED;
  g_autofree char *note = NULL;
  dr_edit_writer_lookup_verdict (w, p, photo, DR_DAMAGE_SCRATCH, &shown);
  dr_edit_writer_lookup_note (w, p, photo, &note);
  printf ("journaled %u %s %s\n", dr_edit_writer_get_n_waiting (w),
          dr_verdict_to_string (shown), note ? note : "-");
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs "ip link set lo up|down"; g_error when it fails. */
static void
loopback (const char *state)
{
  const char *argv[] = { "ip", "link", "set", "lo", state, NULL };
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("ip link set lo %s: %s", state, error->message);
}

/* Runs the main context until *counter reaches @n or @seconds pass; FALSE on the latter. */
static gboolean
wait_for_at_most (const guint *counter, guint n, int seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (*counter < n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  return *counter >= n;
}

/* Child "partition", run in a new network namespace: see /pg/journal/partition. Prints
 * "partition ok SECONDS" (the time the edit took to reach the journal) or what went wrong. */
static int
child_partition (void)
{
  loopback ("up");
  server = dr_pg_private_server_start_tcp ();
  Team t;
  team_init (&t, "partition");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) p = open_on_head (t.ann, t.photo, &seen);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  mask_with (px, 30);
  dr_edit_writer_push (w, p, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  g_assert_true (wait_for_at_most (&s.written, 1, 60));

  loopback ("down");
  gint64 t0 = g_get_monotonic_time ();
  mask_with (px, 31);
  dr_edit_writer_push (w, p, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  guint waiting = 0;
  gint64 end = t0 + 120 * G_USEC_PER_SEC;
  while ((waiting = dr_edit_writer_get_n_waiting (w)) < 1 && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  double took = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  if (waiting < 1)
    {
      printf ("the edit was not journaled %.0f s after the network went away\n", took);
      fflush (stdout);
      _exit (1);
    }
  gboolean journaled = FALSE;
  g_assert_true (dr_edit_writer_record_verdict (w, p, t.photo, DR_DAMAGE_SCRATCH,
                                                DR_VERDICT_CORRECTED, "ann", &journaled,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (journaled);

  loopback ("up");
  if (!wait_for_at_most (&s.sent, 2, 120))
    {
      printf ("sent %u of 2 after the network came back\n", s.sent);
      fflush (stdout);
      _exit (1);
    }
  g_autofree char *rows = oracle (&t, "SELECT (SELECT count (*) FROM dr.revisions) || ','"
                                      " || (SELECT count (*) FROM dr.reviews)");
  g_assert_cmpstr (rows, ==, "2,1");
  printf ("partition ok %.1f\n", took);
  fflush (stdout);
  g_ptr_array_unref (s.conflicts);
  g_clear_object (&w);
  g_clear_object (&p);
  team_clear (&t);
  dr_pg_private_server_free (server);
  return 0;
}

/* Child "replay URI N": opens the project, sends the journal of N entries, prints "sent S W C L"
 * with S the entries sent, W those still waiting, C the conflicts reported and L the edits
 * "written" with no automatic verdict to follow, once nothing waits. */
static int
child_replay (const char *uri, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) p = dr_project_open (uri, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  dr_edit_writer_resume (w, p);
  wait_for (&s.sent, n);
  printf ("sent %u %u %u %u\n", s.sent, dr_edit_writer_get_n_waiting (w), s.conflicts->len,
          s.written_lost);
  g_ptr_array_unref (s.conflicts);
  return 0;
}

/* Runs a child with stdin/stdout pipes. */
static GSubprocess *
spawn_child (const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) self_exe);
  for (; *args; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);
  GSubprocess *proc = g_subprocess_newv ((const char *const *) argv->pdata,
                                         G_SUBPROCESS_FLAGS_STDIN_PIPE
                                         | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  return proc;
}

/* The next line the child prints. */
static char *
child_line (GSubprocess *proc)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (proc);
  GString *line = g_string_new (NULL);
  char ch;
  while (g_input_stream_read (out, &ch, 1, NULL, NULL) == 1 && ch != '\n')
    g_string_append_c (line, ch);
  return g_string_free (line, FALSE);
}

/* Runs the child @args (one that says "ready", then journals once told), stops the server
 * when it is ready, tells it to go, SIGKILLs it after its next line and returns that line. */
static char *
child_journal_offline (const char *const *args)
{
  g_autoptr (GSubprocess) a = spawn_child (args);
  g_autofree char *ready = child_line (a);
  g_assert_cmpstr (ready, ==, "ready");
  dr_pg_private_server_stop (server, "fast");
  GOutputStream *in = g_subprocess_get_stdin_pipe (a);
  g_assert_true (g_output_stream_write_all (in, "go\n", 3, NULL, NULL, NULL));
  char *line = child_line (a);
  g_subprocess_send_signal (a, SIGKILL);
  g_subprocess_wait (a, NULL, NULL);
  return line;
}

#define N_OFFLINE 5

static void
test_replay_after_kill (void)
{
  Team t;
  team_init (&t, "offline");
  g_autofree char *photo = g_strdup_printf ("%" G_GINT64_FORMAT, t.photo);
  g_autofree char *count = g_strdup_printf ("%d", N_OFFLINE);
  const char *args[] = { "journal", t.ann, photo, count, NULL };
  g_autofree char *journaled = child_journal_offline (args);
  g_autofree char *expect = g_strdup_printf ("journaled %d", N_OFFLINE);
  g_assert_cmpstr (journaled, ==, expect);
  g_autofree char *file = dr_edit_journal_path_for (t.ann);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_autofree char *copy = NULL;
  gsize copy_len = 0;
  g_assert_true (g_file_get_contents (file, &copy, &copy_len, NULL));

  dr_pg_private_server_start_again (server);
  const char *replay[] = { "replay", t.ann, count, NULL };
  g_autofree char *all_sent = g_strdup_printf ("sent %d 0 0 0", N_OFFLINE);
  g_autoptr (GSubprocess) b = spawn_child (replay);
  g_autofree char *sent = child_line (b);
  g_assert_cmpstr (sent, ==, all_sent);
  g_assert_true (g_subprocess_wait_check (b, NULL, NULL));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));

  /* Every edit once, in order: each the child of the one before, the first on the head read
   * (the prediction), the masks 10 … 14, all ann's, the head on the last at version N. */
  const char *chain_sql =
    "WITH RECURSIVE c (id, n) AS ("
    "  SELECT id, 1 FROM dr.revisions WHERE parent_id IS NULL AND client_key IS NOT NULL"
    "  UNION ALL SELECT r.id, c.n + 1 FROM dr.revisions r JOIN c ON r.parent_id = c.id)"
    " SELECT string_agg (r.rle || '/' || r.author, ' ' ORDER BY c.n) FROM c"
    " JOIN dr.revisions r USING (id)";
  g_autofree char *chain = oracle (&t, chain_sql);
  g_autoptr (GString) want = g_string_new (NULL);
  for (int i = 0; i < N_OFFLINE; i++)
    {
      g_autofree char *rle = rle_with (10 + i);
      g_string_append_printf (want, "%s%s/%s", i ? " " : "", rle, t.ann_login);
    }
  g_assert_cmpstr (chain, ==, want->str);
  g_autofree char *n = oracle (&t, "SELECT count (*) || ',' || count (DISTINCT client_key)"
                                   " FROM dr.revisions");
  g_autofree char *n_want = g_strdup_printf ("%d,%d", N_OFFLINE, N_OFFLINE);
  g_assert_cmpstr (n, ==, n_want);
  g_autofree char *head = oracle (&t, "SELECT h.version || ',' || (h.revision_id = (SELECT"
                                      " max (id) FROM dr.revisions)) FROM dr.heads h"
                                      " WHERE damage = 0");
  g_autofree char *head_want = g_strdup_printf ("%d,true", N_OFFLINE);
  g_assert_cmpstr (head, ==, head_want);

  /* The acknowledgements lost (the journal as it was before sending): sent again, nothing is
   * stored twice and the head does not move. */
  g_assert_true (g_file_set_contents (file, copy, (gssize) copy_len, NULL));
  g_autoptr (GSubprocess) again = spawn_child (replay);
  g_autofree char *sent2 = child_line (again);
  g_assert_cmpstr (sent2, ==, all_sent);
  g_assert_true (g_subprocess_wait_check (again, NULL, NULL));
  g_autofree char *n2 = oracle (&t, "SELECT count (*) || ',' || count (DISTINCT client_key)"
                                    " FROM dr.revisions");
  g_assert_cmpstr (n2, ==, n_want);
  g_autofree char *head2 = oracle (&t, "SELECT h.version || ',' || (h.revision_id = (SELECT"
                                       " max (id) FROM dr.revisions)) FROM dr.heads h"
                                       " WHERE damage = 0");
  g_assert_cmpstr (head2, ==, head_want);
  team_clear (&t);
}

/* Counts, distinct keys, and what was stored, of verdicts and notes. */
static void
check_verdict_and_note (Team *t)
{
  g_autofree char *reviews = oracle (t, "SELECT count (*) || ',' || count (DISTINCT client_key)"
                                        " || ',' || min (verdict) || ',' || min (author::text)"
                                        " || ',' || bool_and (revision_id = (SELECT max (id)"
                                        "   FROM dr.revisions)) FROM dr.reviews");
  /* Accepted on a mask that differs from the prediction (none): corrected, as online. */
  g_autofree char *reviews_want = g_strdup_printf ("1,1,corrected,%s,true", t->ann_login);
  g_assert_cmpstr (reviews, ==, reviews_want);
  g_autofree char *notes = oracle (t, "SELECT count (*) || ',' || count (DISTINCT client_key)"
                                      " || ',' || min (text) || ',' || min (author::text)"
                                      " FROM dr.notes");
  g_autofree char *notes_want = g_strdup_printf ("1,1,rear bumper,%s", t->ann_login);
  g_assert_cmpstr (notes, ==, notes_want);
}

static void
test_verdict_note_after_kill (void)
{
  Team t;
  team_init (&t, "offlineverdict");
  g_autofree char *photo = g_strdup_printf ("%" G_GINT64_FORMAT, t.photo);
  const char *args[] = { "record", t.ann, photo, NULL };
  g_autofree char *journaled = child_journal_offline (args);
  g_assert_cmpstr (journaled, ==, "journaled 3 accepted rear bumper");
  g_autofree char *file = dr_edit_journal_path_for (t.ann);
  g_autofree char *copy = NULL;
  gsize copy_len = 0;
  g_assert_true (g_file_get_contents (file, &copy, &copy_len, NULL));

  dr_pg_private_server_start_again (server);
  const char *replay[] = { "replay", t.ann, "3", NULL };
  g_autoptr (GSubprocess) b = spawn_child (replay);
  g_autofree char *sent = child_line (b);
  /* The stroke is "written" as one no automatic verdict may follow: the reviewer's comes. */
  g_assert_cmpstr (sent, ==, "sent 3 0 0 1");
  g_assert_true (g_subprocess_wait_check (b, NULL, NULL));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  check_verdict_and_note (&t);

  /* The acknowledgements lost: sent again, nothing is stored twice. */
  g_assert_true (g_file_set_contents (file, copy, (gssize) copy_len, NULL));
  g_autoptr (GSubprocess) again = spawn_child (replay);
  g_autofree char *sent2 = child_line (again);
  g_assert_cmpstr (sent2, ==, "sent 3 0 0 1");
  g_assert_true (g_subprocess_wait_check (again, NULL, NULL));
  check_verdict_and_note (&t);
  team_clear (&t);
}

static void
test_partition (void)
{
  const char *probe[] = { "unshare", "-n", "true", NULL };
  int status = 1;
  g_autofree char *ip = g_find_program_in_path ("ip");
  if (getuid () != 0 || ip == NULL
      || !g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_SEARCH_PATH
                        | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || status != 0)
    {
      g_test_skip ("needs root, ip and unshare -n for a network namespace of its own");
      return;
    }
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "unshare", "-n", "--", self_exe, "partition", NULL };
  g_autoptr (GSubprocess) child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                     &error);
  g_assert_no_error (error);
  g_autofree char *line = child_line (child);
  g_test_message ("%s", line);
  g_assert_true (g_str_has_prefix (line, "partition ok "));
  g_assert_true (g_subprocess_wait_check (child, NULL, NULL));
}

/* A call as the window makes them (undo, a lease heartbeat): reads the scratch layer's head. */
static gboolean
read_head_call (DrProject *project, gpointer data, GError **error)
{
  DrHeadSeen head;
  return dr_revision_read_head (project, *(gint64 *) data, DR_DAMAGE_SCRATCH, &head, error);
}

static void
test_away (void)
{
  Team t;
  team_init (&t, "away");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  g_assert_true (dr_edit_writer_run (w, ann, read_head_call, &t.photo, &error));
  g_assert_no_error (error);

  dr_pg_private_server_stop (server, "fast");
  g_assert_false (dr_edit_writer_run (w, ann, read_head_call, &t.photo, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_test_message ("first call: %s", error->message);
  g_assert_null (strstr (error->message, "trying again in the background"));
  g_clear_error (&error);
  /* Within DR_EDIT_WRITER_AWAY_MIN_US of that: no new attempt, the same kind of error. */
  g_assert_false (dr_edit_writer_run (w, ann, read_head_call, &t.photo, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_test_message ("next call: %s", error->message);
  g_assert_nonnull (strstr (error->message, "trying again in the background"));
  g_clear_error (&error);
  guint8 px[W * H];
  mask_with (px, 12);
  dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_waiting (w, 1);

  dr_pg_private_server_start_again (server);
  wait_for (&s.sent, 1);
  g_assert_cmpuint (dr_edit_writer_get_n_waiting (w), ==, 0);
  g_assert_true (dr_edit_writer_run (w, ann, read_head_call, &t.photo, &error));
  g_assert_no_error (error);
  g_autofree char *q = g_strdup_printf ("SELECT count (*) FROM dr.revisions WHERE author = '%s'"
                                        " AND kind = 'brush'", t.ann_login);
  g_autofree char *n = oracle (&t, q);
  g_assert_cmpstr (n, ==, "1");
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

static void
test_held_until_reopened (void)
{
  Team t;
  team_init (&t, "held");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  dr_pg_private_server_stop (server, "fast");
  guint8 px[W * H];
  mask_with (px, 22);
  dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_waiting (w, 1);
  DrHeadSeen head;
  g_assert_false (dr_revision_read_head (ann, t.photo, DR_DAMAGE_SCRATCH, &head, &error));
  g_clear_error (&error);
  g_assert_true (dr_project_is_lost (ann));

  dr_pg_private_server_start_again (server);
  wait_for (&s.sent, 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (s.written, ==, 0);

  g_autoptr (DrProject) reopened = dr_project_open (t.ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  dr_edit_writer_resume (w, reopened);
  wait_for (&s.written, 1);
  g_assert_cmpuint (s.written_lost, ==, 0);
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

static void
test_hung_server (void)
{
  Team t;
  team_init (&t, "hung");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  mask_with (px, 20);
  dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_for (&s.written, 1);

  dr_pg_private_server_signal (server, SIGSTOP);
  mask_with (px, 21);
  dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       &seen);
  wait_waiting (w, 1);
  dr_pg_private_server_signal (server, SIGCONT);
  wait_for (&s.sent, 1);
  g_assert_cmpuint (dr_edit_writer_get_n_waiting (w), ==, 0);
  g_autofree char *q = g_strdup_printf ("SELECT count (*) FROM dr.revisions WHERE author = '%s'",
                                        t.ann_login);
  g_autofree char *n = oracle (&t, q);
  g_assert_cmpstr (n, ==, "2");
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

typedef struct {
  GPtrArray *overlays;
  GError *error;
  gboolean done;
} Load;

static void
load_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Load *l = data;
  l->overlays = dr_session_load_overlays_finish (DR_SESSION (source), result, &l->error);
  l->done = TRUE;
}

/* The photo's overlays as the window would load them (cache may be NULL). */
static Load
load_layers (DrSession *session, gint64 photo, DrLayerCache *cache)
{
  Load l = { 0 };
  dr_session_load_overlays_async (session, dr_session_find_item (session, photo),
                                  dr_test_overlay_factory (), cache, NULL, load_cb, &l);
  while (!l.done)
    g_main_context_iteration (NULL, TRUE);
  return l;
}

static void
test_offline_layers (void)
{
  Team t;
  team_init (&t, "offlinelayers");
  g_autoptr (GError) error = NULL;
  bob_edits (&t, 5);
  g_autoptr (DrSession) session = dr_session_open (t.ann, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (DrLayerCache) cache = dr_layer_cache_new ();
  Load online = load_layers (session, t.photo, cache);
  g_assert_no_error (online.error);
  const DrTestOverlay *scratch = online.overlays->pdata[DR_DAMAGE_SCRATCH];
  g_assert_nonnull (scratch);
  g_assert_cmpint (dr_test_overlay_area (scratch), ==, 1);

  dr_pg_private_server_stop (server, "fast");
  Load uncached = load_layers (session, t.photo, NULL);
  g_assert_error (uncached.error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_test_message ("without the cache: %s", uncached.error->message);
  g_clear_error (&uncached.error);
  Load offline = load_layers (session, t.photo, cache);
  g_assert_no_error (offline.error);
  const DrTestOverlay *kept = offline.overlays->pdata[DR_DAMAGE_SCRATCH];
  g_assert_nonnull (kept);
  g_assert_cmpint (kept->width, ==, W);
  g_assert_cmpint (kept->height, ==, H);
  g_assert_cmpmem (kept->mask, W * H, scratch->mask, W * H);
  for (guint d = 0; d < DR_N_DAMAGE; d++)
    g_assert_true ((offline.overlays->pdata[d] == NULL) == (online.overlays->pdata[d] == NULL));
  g_ptr_array_unref (online.overlays);
  g_ptr_array_unref (offline.overlays);
  g_clear_object (&session);
  dr_pg_private_server_start_again (server);
  team_clear (&t);
}

static void
test_replay_conflict (void)
{
  Team t;
  team_init (&t, "replayconflict");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  dr_pg_private_server_stop (server, "fast");
  {
    Seen s = { 0 };
    g_autoptr (DrEditWriter) w = writer_new (&s);
    guint8 px[W * H];
    mask_with (px, 7);
    dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_FILL,
                         "ann", &seen);
    wait_waiting (w, 1);
    g_ptr_array_unref (s.conflicts);
  }
  dr_pg_private_server_start_again (server);
  gint64 b1 = bob_edits (&t, 1);

  g_autoptr (DrProject) ann2 = dr_project_open (t.ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  dr_edit_writer_resume (w, ann2);
  wait_for (&s.sent, 1);
  g_assert_cmpuint (dr_edit_writer_get_n_waiting (w), ==, 0);
  /* Stored now ("written", so the window re-reads the layer) and reported. */
  g_assert_cmpuint (s.written, ==, 1);
  g_assert_cmpuint (s.written_lost, ==, 1);
  g_assert_cmpuint (s.conflicts->len, ==, 1);
  DrEditConflict *c = g_ptr_array_index (s.conflicts, 0);
  g_assert_true (c->project == ann2);
  g_assert_cmpstr (c->name, ==, t.bob_login);
  g_assert_cmpint (c->theirs.revision_id, ==, b1);
  g_autofree char *q = g_strdup_printf ("SELECT rle || ',' || author || ',' || kind FROM"
                                        " dr.revisions WHERE id = %" G_GINT64_FORMAT, c->mine);
  g_autofree char *row = oracle (&t, q);
  g_autofree char *rle7 = rle_with (7);
  g_autofree char *want = g_strdup_printf ("%s,%s,fill", rle7, t.ann_login);
  g_assert_cmpstr (row, ==, want);
  g_autofree char *head = oracle (&t, "SELECT revision_id FROM dr.heads WHERE damage = 0");
  g_assert_cmpint (g_ascii_strtoll (head, NULL, 10), ==, b1);
  /* Keeping mine from the replayed conflict works like any other. */
  g_assert_true (dr_edit_writer_keep_mine (w, c, &error));
  g_assert_no_error (error);
  g_autofree char *head2 = oracle (&t, "SELECT revision_id FROM dr.heads WHERE damage = 0");
  g_assert_cmpint (g_ascii_strtoll (head2, NULL, 10), ==, c->mine);
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

/* A team project's journal sent while the window has since opened a local file: stored on the
 * server, but neither "written" nor a conflict is reported against the file (its photo ids
 * are another project's). */
static void
test_replay_other_project (void)
{
  Team t;
  team_init (&t, "replayother");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  dr_pg_private_server_stop (server, "fast");
  {
    Seen s = { 0 };
    g_autoptr (DrEditWriter) w = writer_new (&s);
    guint8 px[W * H];
    mask_with (px, 9);
    dr_edit_writer_push (w, ann, t.photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_FILL,
                         "ann", &seen);
    wait_waiting (w, 1);
    g_ptr_array_unref (s.conflicts);
  }
  dr_pg_private_server_start_again (server);
  bob_edits (&t, 2);  /* so the replayed edit also loses its head move */
  g_autofree char *dir = g_dir_make_tmp ("dr-journal-other-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *file = g_build_filename (dir, "local.drproj", NULL);
  g_autoptr (DrProject) local = dr_project_open (file, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);

  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  g_autoptr (DrProject) ann2 = dr_project_open (t.ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  dr_edit_writer_resume (w, ann2);   /* the team project's journal is the one sent... */
  dr_edit_writer_resume (w, local);  /* ...while the window has moved on to a local file */
  wait_for (&s.sent, 1);
  g_assert_cmpuint (s.written, ==, 0);
  g_assert_cmpuint (s.conflicts->len, ==, 0);
  g_autofree char *q = g_strdup_printf ("SELECT count (*) FROM dr.revisions WHERE author = '%s'"
                                        " AND kind = 'fill'", t.ann_login);
  g_autofree char *n = oracle (&t, q);
  g_assert_cmpstr (n, ==, "1");
  g_ptr_array_unref (s.conflicts);
  g_clear_object (&local);
  g_unlink (file);
  g_rmdir (dir);
  team_clear (&t);
}

/* Journals, with the server stopped, an edit of ann's on photo (on head seen), pixel n on. */
static void
journal_offline (Team *t, DrProject *ann, gint64 photo, const DrHeadSeen *seen, int n)
{
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  guint8 px[W * H];
  mask_with (px, n);
  dr_edit_writer_push (w, ann, photo, DR_DAMAGE_SCRATCH, W, H, px, DR_REVISION_BRUSH, "ann",
                       seen);
  wait_waiting (w, 1);
  g_ptr_array_unref (s.conflicts);
}

/* Resumes ann's journal with a new writer until nothing waits; returns the "refused" lines and
 * sets *sent to the edits the server stored. */
static GPtrArray *
resume_all (Team *t, guint *sent)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) ann = dr_project_open (t->ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  dr_edit_writer_resume (w, ann);
  /* Wait until the writer has read the journal back, then until it is empty. */
  while (s.sent + s.refused->len == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_waiting (w, 0);
  *sent = s.sent;
  g_ptr_array_unref (s.conflicts);
  return g_ptr_array_ref (s.refused);
}

/* A journaled edit the server refuses for good (its photo is gone; then ann's right to write
 * revisions is revoked) does not block the edits after it and is not dropped: it is set
 * aside, in the aside file, with one line for the user; the next edit is stored once. */
static void
test_refused (void)
{
  Team t;
  team_init (&t, "refused");
  g_autoptr (GError) error = NULL;
  DrHeadSeen seen;
  g_autoptr (DrProject) ann = open_on_head (t.ann, t.photo, &seen);
  /* A photo the server does not have (as if the lead removed it while ann was offline). */
  gint64 gone = t.photo + 1000;

  dr_pg_private_server_stop (server, "fast");
  DrHeadSeen zero = { 0, 0 };
  journal_offline (&t, ann, gone, &zero, 3);
  journal_offline (&t, ann, t.photo, &seen, 4);
  dr_pg_private_server_start_again (server);
  guint sent = 0;
  g_autoptr (GPtrArray) refused = resume_all (&t, &sent);
  g_assert_cmpuint (refused->len, ==, 1);
  g_autofree char *prefix = g_strdup_printf ("The server refused an edit of photo %"
                                             G_GINT64_FORMAT " (", gone);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (refused, 0), prefix));
  g_assert_null (strchr (g_ptr_array_index (refused, 0), '\n'));
  g_assert_cmpuint (sent, ==, 1);
  /* The edit after it is stored, once, by ann, and moved the head. */
  g_autofree char *rle4 = rle_with (4);
  g_autofree char *q = g_strdup_printf ("SELECT count (*) || ',' || min (author) FROM"
                                        " dr.revisions WHERE rle = '%s'", rle4);
  g_autofree char *row = oracle (&t, q);
  g_autofree char *want = g_strdup_printf ("1,%s", t.ann_login);
  g_assert_cmpstr (row, ==, want);
  g_autofree char *file = dr_edit_journal_path_for (t.ann);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  /* The refused edit is kept in the aside file, as it was made. */
  {
    g_autoptr (DrEditJournal) j = dr_edit_journal_open (file, NULL, &error);
    g_assert_no_error (error);
    g_autofree char *aside_path = dr_edit_journal_aside_path (j);
    g_autofree char *damage = NULL;
    g_autoptr (DrEditJournal) aside = dr_edit_journal_open (aside_path, &damage, &error);
    g_assert_no_error (error);
    g_assert_null (damage);
    GPtrArray *kept = dr_edit_journal_get_pending (aside);
    g_assert_cmpuint (kept->len, ==, 1);
    DrEditJournalEntry *e = g_ptr_array_index (kept, 0);
    g_autofree char *rle3 = rle_with (3);
    g_assert_cmpint (e->photo_id, ==, gone);
    g_assert_cmpstr (e->rle, ==, rle3);
  }

  /* ann's write right taken away while she is offline: refused, set aside, the line says the
   * server's reason. */
  DrHeadSeen now;
  g_autoptr (DrProject) ann2 = dr_project_open (t.ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_revision_read_head (ann2, t.photo, DR_DAMAGE_SCRATCH, &now, &error));
  g_assert_cmpint (now.version, ==, seen.version + 1);
  dr_pg_private_server_stop (server, "fast");
  journal_offline (&t, ann2, t.photo, &now, 5);
  dr_pg_private_server_start_again (server);
  g_free (oracle (&t, "REVOKE INSERT ON dr.revisions FROM dr_member"));
  g_autoptr (GPtrArray) refused2 = resume_all (&t, &sent);
  g_assert_cmpuint (refused2->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (refused2, 0), "permission denied"));
  g_assert_cmpuint (sent, ==, 0);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_autofree char *n = oracle (&t, "SELECT count (*) FROM dr.revisions");
  g_assert_cmpstr (n, ==, "1");
  g_autofree char *aside_path = g_strconcat (file, ".refused", NULL);
  g_autoptr (DrEditJournal) aside = dr_edit_journal_open (aside_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dr_edit_journal_get_pending (aside)->len, ==, 2);
  team_clear (&t);
}

static void
test_damaged (void)
{
  Team t;
  team_init (&t, "damaged");
  g_autofree char *file = dr_edit_journal_path_for (t.ann);
  g_autofree char *dir = g_path_get_dirname (file);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* A journal whose only record's checksum does not match its payload. */
  g_autoptr (GString) bad = g_string_new ("DRJOURNAL1\n");
  g_string_append_len (bad, "\x04\0\0\0", 4);
  for (int i = 0; i < 32 + 4; i++)
    g_string_append_c (bad, 'x');
  g_assert_true (g_file_set_contents (file, bad->str, (gssize) bad->len, NULL));

  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) ann = dr_project_open (t.ann, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  Seen s = { 0 };
  g_autoptr (DrEditWriter) w = writer_new (&s);
  /* The writer reads it back when told the project: one line, from its thread. */
  g_autofree char *pattern = g_strdup_printf ("%s: damaged journal (a record whose checksum does"
                                              " not match at byte 11); kept aside as it was",
                                              file);
  g_test_expect_message ("dr-core", G_LOG_LEVEL_WARNING, pattern);
  dr_edit_writer_resume (w, ann);
  g_assert_true (dr_edit_writer_sync (w, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (dr_edit_writer_get_n_waiting (w), ==, 0);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *base = g_path_get_basename (file);
  g_autofree char *prefix = g_strconcat (base, ".damaged-", NULL);
  const char *name;
  gboolean kept = FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        gsize len = 0;
        g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
        kept = len == bad->len && memcmp (contents, bad->str, len) == 0;
      }
  g_assert_true (kept);
  g_ptr_array_unref (s.conflicts);
  team_clear (&t);
}

int
main (int argc, char **argv)
{
  self_exe = argv[0];
  if (argc >= 5 && g_str_equal (argv[1], "journal"))
    return child_journal (argv[2], g_ascii_strtoll (argv[3], NULL, 10), atoi (argv[4]));
  if (argc >= 2 && g_str_equal (argv[1], "partition"))
    return child_partition ();
  if (argc >= 4 && g_str_equal (argv[1], "record"))
    return child_record (argv[2], g_ascii_strtoll (argv[3], NULL, 10));
  if (argc >= 4 && g_str_equal (argv[1], "replay"))
    return child_replay (argv[2], (guint) atoi (argv[3]));

  g_autofree char *state = g_dir_make_tmp ("dr-journal-state-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_autofree char *cache = g_build_filename (state, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/journal/conflict", test_conflict);
  g_test_add_func ("/pg/journal/replay-after-kill", test_replay_after_kill);
  g_test_add_func ("/pg/journal/replay-conflict", test_replay_conflict);
  g_test_add_func ("/pg/journal/replay-other-project", test_replay_other_project);
  g_test_add_func ("/pg/journal/damaged", test_damaged);
  g_test_add_func ("/pg/journal/refused", test_refused);
  g_test_add_func ("/pg/journal/verdict-note-after-kill", test_verdict_note_after_kill);
  g_test_add_func ("/pg/journal/away", test_away);
  g_test_add_func ("/pg/journal/offline-layers", test_offline_layers);
  g_test_add_func ("/pg/journal/hung-server", test_hung_server);
  g_test_add_func ("/pg/journal/held-until-reopened", test_held_until_reopened);
  g_test_add_func ("/pg/journal/partition", test_partition);
  server = dr_pg_private_server_start ();
  int rc = g_test_run ();
  dr_pg_private_server_free (server);
  return rc;
}
