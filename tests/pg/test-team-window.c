/* test-team-window.c — GUI test (Xvfb) of the window on a team project, against a real server.
 *
 * A fresh database with team "east" (lead, reviewers alice and bob), the push fixture pushed
 * by the lead. Locations hold no password: each is registered in memory (dr-pg-password), as
 * the connect dialog does, while the environment's PGPASSWORD is another role's (the server's
 * administrator, from pg_virtualenv), so a connection that ignored the registered password
 * would log in as nobody we made.
 *
 * - /team-window/wrong-password: the connect dialog with a wrong password shows one line
 *   naming the project (not the password) and opens nothing; the password is forgotten,
 *   nothing is remembered in the settings, nothing is written on the server. The window
 *   opening the same location with a wrong password stays empty and remembers nothing.
 * - /team-window/live-verdict: alice's window (this process) shows front.png on the Breakage
 *   layer, which has no verdict. A second window process, logged in as bob (this program
 *   run with --member), opens the same project and gives "no damage" on that layer through
 *   its own review bar. alice's window must then show it, without anything done in it: the
 *   review bar says the verdict and names bob as its author, and the list row of front.png
 *   turns "reviewed" (its last layer without a verdict). Then a note bob adds through a
 *   second connection shows in alice's note field. Waits are bounded (a hang fails), never
 *   measured.
 * - /team-window/open-errors: every reason a team project cannot be opened (bad connection
 *   string, no server, wrong password, a login in no team, a database without the schema, a
 *   schema newer than this build) is one line of the DR_PG_ERROR code the store gave, naming
 *   the project and never the password, from the check every window open runs; nothing is
 *   written.
 * - /team-window/server-back: every connection of alice's window is cut on the server
 *   (pg_terminate_backend, as the administrator): once its live watch is back, the window
 *   must be working on new connections — a verdict given in it afterwards is stored under
 *   alice (psql).
 * - /team-window/photo-verification: the server's bytes of rear.png are replaced (as the
 *   administrator, psql, past the schema's own hash check) and the local cached copy damaged;
 *   shown in the window, the photo must become an error row saying its bytes were refused,
 *   and nothing may be written on the server (the server's photo row keeps no error).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dr-photo.h"
#include "dr-pg-conn.h"
#include "dr-pg-password.h"
#include "dr-pg-push.h"
#include "dr-pg-team.h"
#include "dr-project.h"
#include "dr-resources.h"
#include "dr-review.h"
#include "dr-team-dialog.h"
#include "dr-team-login.h"
#include "dr-window.h"
#include "gui-loop.h"
#include "pg-test-util.h"

/* A bound on each wait (ASan on a loaded 2-core machine), not a measurement. */
#define WAIT_S 180
#define PHOTO "front.png"
#define LAYER 3                 /* Breakage: no verdict in the fixture */
#define NOTE "Bob: rear door checked too"

static const char *fixture_exe;
static const char *self_exe;

typedef struct {
  DrPgTestDb *db;
  char *dir;
  const char *alice, *bob;
  char *alice_location, *bob_location;
} Team;

/* A location without password (libpq takes host and port from the environment). */
static char *
location_for (Team *t, const char *login)
{
  return g_strdup_printf ("dbname=%s user=%s", t->db->name, login);
}

static void
team_setup (Team *t, gconstpointer data)
{
  t->db = dr_pg_test_db_new ();
  g_free (dr_pg_test_db_create_team (t->db, "east"));
  const char *lead = dr_pg_test_db_add_login (t->db, "lead");
  t->alice = dr_pg_test_db_add_login (t->db, "alice");
  t->bob = dr_pg_test_db_add_login (t->db, "bob");
  dr_pg_test_db_add_member (t->db, "east", lead, "lead");
  dr_pg_test_db_add_member (t->db, "east", t->alice, "reviewer");
  dr_pg_test_db_add_member (t->db, "east", t->bob, "reviewer");
  t->alice_location = location_for (t, t->alice);
  t->bob_location = location_for (t, t->bob);

  g_autoptr (GError) error = NULL;
  t->dir = g_dir_make_tmp ("test-team-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *file = g_build_filename (t->dir, "fixture.damagereview", NULL);
  g_autofree char *photos = g_build_filename (t->dir, "photos", NULL);
  const char *argv[] = { fixture_exe, file, photos, NULL };
  int status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_autoptr (DrProject) project = dr_project_open (file, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autofree char *lead_uri = dr_pg_test_db_conninfo (t->db, lead);
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (lead_uri, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 team = dr_pg_team_resolve (conn, NULL, &error);
  g_assert_no_error (error);
  dr_pg_push (project, conn, team, NULL, &error);
  g_assert_no_error (error);
}

static void
team_teardown (Team *t, gconstpointer data)
{
  dr_pg_password_set (t->alice_location, NULL);
  dr_pg_password_set (t->bob_location, NULL);
  g_autofree char *quoted = g_shell_quote (t->dir);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  g_free (t->dir);
  g_free (t->alice_location);
  g_free (t->bob_location);
  dr_pg_test_db_free (t->db);
}

/* ---- wrong password ------------------------------------------------------------------ */

static gboolean
dialog_failed (gpointer data)
{
  return dr_team_dialog_get_error (data) != NULL;
}

static gboolean
window_idle (gpointer data)
{
  return !dr_window_is_opening (data);
}

/* Rows the server holds that a window could have written. */
static char *
written_rows (Team *t)
{
  return dr_pg_test_psql_ok (t->db, NULL,
    "SELECT (SELECT count (*) FROM dr.reviews) || ' ' || (SELECT count (*) FROM dr.revisions)"
    " || ' ' || (SELECT count (*) FROM dr.notes) || ' ' || (SELECT count (*) FROM dr.photos)");
}

static void
test_wrong_password (Team *t, gconstpointer data)
{
  g_autofree char *before = written_rows (t);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_reset (settings, "recent-projects");
  g_settings_reset (settings, "last-project");
  DrWindow *window = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));

  const char *wrong = "not-alices-password";
  g_autofree char *connection = g_strdup_printf ("dbname=%s", t->db->name);
  DrTeamDialog *dialog = dr_team_dialog_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
  dr_team_dialog_connect (dialog, connection, t->alice, wrong, FALSE);
  gui_wait_for (dialog_failed, dialog, WAIT_S, "the dialog to say why it cannot connect");
  const char *line = dr_team_dialog_get_error (dialog);
  g_test_message ("dialog: %s", line);
  g_assert_null (strchr (line, '\n'));
  g_assert_nonnull (strstr (line, t->db->name));
  g_assert_null (strstr (line, wrong));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  /* The typed password is forgotten again; the settings and the server are untouched. */
  g_autofree char *with_login = g_strdup_printf ("%s user='%s'", connection, t->alice);
  g_assert_null (dr_pg_password_dup (with_login));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The window itself, asked to open the location with a wrong password registered. */
  dr_pg_password_set (t->alice_location, wrong);
  dr_window_open_project_async (window, t->alice_location);
  gui_wait_for (window_idle, window, WAIT_S, "the window to give up opening");
  g_assert_null (dr_window_get_session (window));

  g_auto (GStrv) recent = g_settings_get_strv (settings, "recent-projects");
  g_assert_cmpuint (g_strv_length (recent), ==, 0);
  g_autofree char *last = g_settings_get_string (settings, "last-project");
  g_assert_cmpstr (last, ==, "");
  g_autofree char *after = written_rows (t);
  g_assert_cmpstr (after, ==, before);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_settle (5, 1000);
}

/* ---- live verdict -------------------------------------------------------------------- */

typedef struct {
  DrWindow *window;
  DrPhotoItem *item;
  const char *author;
  const char *note;
} Watch;

/* The photo named PHOTO among the window's items, or NULL. */
static DrPhotoItem *
find_photo (DrWindow *window)
{
  DrSession *session = dr_window_get_session (window);
  if (session == NULL)
    return NULL;
  GListModel *items = dr_session_get_items (session);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      if (g_strcmp0 (dr_photo_item_get_name (item), PHOTO) == 0)
        return item;
    }
  return NULL;
}

static gboolean
photo_listed (gpointer data)
{
  Watch *w = data;
  w->item = find_photo (w->window);
  return w->item != NULL;
}

/* The photo is on screen with the review bar on LAYER. */
static gboolean
photo_on_layer (gpointer data)
{
  Watch *w = data;
  DrReviewBar *bar = dr_window_get_review_bar (w->window);
  return dr_window_get_current (w->window) == w->item && dr_review_bar_get_damage (bar) == LAYER
         && !dr_window_is_opening (w->window);
}

/* Opens @location in @window and shows PHOTO on LAYER. */
static void
show_photo_layer (Watch *w, const char *location)
{
  dr_window_open_project_async (w->window, location);
  gui_wait_for (photo_listed, w, WAIT_S, "the team project's photos to be listed");
  dr_photo_list_select_item (dr_window_get_photo_list (w->window), w->item);
  g_object_set (dr_window_get_review_bar (w->window), "damage", LAYER, NULL);
  gui_wait_for (photo_on_layer, w, WAIT_S, "the photo on screen, on its Breakage layer");
}

/* The verdict and its author show in the review bar, and the list row is reviewed. */
static gboolean
verdict_shown (gpointer data)
{
  Watch *w = data;
  DrReviewBar *bar = dr_window_get_review_bar (w->window);
  return g_strcmp0 (dr_review_bar_get_author (bar), w->author) == 0
         && g_strcmp0 (dr_review_bar_get_state_text (bar),
                       dr_review_bar_verdict_label (DR_VERDICT_NONE)) == 0
         && dr_photo_item_get_status (w->item) == DR_ITEM_STATUS_REVIEWED;
}

static gboolean
note_shown (gpointer data)
{
  Watch *w = data;
  return g_strcmp0 (dr_review_bar_get_note_text (dr_window_get_review_bar (w->window)),
                    w->note) == 0;
}

/* The member's window (bob, in a second process): gives "no damage" on LAYER of PHOTO through
 * its review bar, waits until its window shows it stored, and exits. */
static int
run_member (const char *location, const char *password)
{
  dr_pg_password_set (location, password);
  Watch w = { .window = dr_window_new (NULL) };
  gtk_window_present (GTK_WINDOW (w.window));
  show_photo_layer (&w, location);
  gtk_widget_activate_action (GTK_WIDGET (w.window), "win.verdict", "s", "none");
  w.author = dr_session_get_login (dr_window_get_session (w.window));
  gui_wait_for (verdict_shown, &w, WAIT_S, "the member's own verdict stored and shown");
  gtk_window_destroy (GTK_WINDOW (w.window));
  gui_settle (5, 1000);
  return 0;
}

/* The member's process, once it has exited. */
typedef struct {
  gboolean exited;
  int status;
} Member;

static void
member_exited_cb (GPid pid, int status, gpointer data)
{
  Member *m = data;
  m->status = status;
  m->exited = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
member_done (gpointer data)
{
  return ((Member *) data)->exited;
}

static void
test_live_verdict (Team *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  dr_pg_password_set (t->alice_location, t->alice);
  Watch w = { .window = dr_window_new (NULL) };
  gtk_window_present (GTK_WINDOW (w.window));
  show_photo_layer (&w, t->alice_location);
  DrReviewBar *bar = dr_window_get_review_bar (w.window);
  g_assert_cmpstr (dr_session_get_login (dr_window_get_session (w.window)), ==, t->alice);
  g_assert_null (dr_review_bar_get_author (bar));
  g_assert_cmpint (dr_photo_item_get_status (w.item), !=, DR_ITEM_STATUS_REVIEWED);

  /* bob's window, a second process on the same display. */
  const char *argv[] = { self_exe, "--member", t->bob_location, t->bob, NULL };
  GPid pid;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                 &error);
  g_assert_no_error (error);
  Member member = { .status = -1 };
  g_child_watch_add (pid, member_exited_cb, &member);
  w.author = t->bob;
  gui_wait_for (verdict_shown, &w, WAIT_S,
                "bob's verdict to show in alice's review bar and photo list");
  g_test_message ("alice's window shows \"%s\" by %s", dr_review_bar_get_state_text (bar),
                  dr_review_bar_get_author (bar));
  gui_wait_for (member_done, &member, WAIT_S, "bob's window to close");
  g_spawn_check_wait_status (member.status, &error);
  g_assert_no_error (error);

  /* A note bob adds through a second connection shows in alice's note field. */
  dr_pg_password_set (t->bob_location, t->bob);
  g_autoptr (DrProject) bob = dr_project_open (t->bob_location, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_review_add_note (bob, dr_photo_item_get_id (w.item), NOTE, t->bob, NULL,
                                     &error));
  g_assert_no_error (error);
  w.note = NOTE;
  gui_wait_for (note_shown, &w, WAIT_S, "bob's note to show in alice's window");
  gtk_window_destroy (GTK_WINDOW (w.window));
  gui_settle (5, 1000);
}

/* ---- server back ------------------------------------------------------------------- */

typedef struct {
  Watch *watch;
  DrSession *before;             /* not a reference: only compared */
} Reopened;

/* The window works on another session than before, with the photo on its layer again. */
static gboolean
reopened (gpointer data)
{
  Reopened *r = data;
  DrSession *now = dr_window_get_session (r->watch->window);
  if (now == NULL || now == r->before || dr_window_is_opening (r->watch->window))
    return FALSE;
  r->watch->item = find_photo (r->watch->window);
  if (r->watch->item == NULL)
    return FALSE;
  if (dr_window_get_current (r->watch->window) != r->watch->item)
    dr_photo_list_select_item (dr_window_get_photo_list (r->watch->window), r->watch->item);
  return photo_on_layer (r->watch);
}

static gboolean
window_live (gpointer data)
{
  return dr_window_is_live (data);
}

static void
test_server_back (Team *t, gconstpointer data)
{
  dr_pg_password_set (t->alice_location, t->alice);
  Watch w = { .window = dr_window_new (NULL) };
  gtk_window_present (GTK_WINDOW (w.window));
  show_photo_layer (&w, t->alice_location);
  gui_wait_for (window_live, w.window, WAIT_S, "the window's live updates to listen");
  Reopened r = { &w, dr_window_get_session (w.window) };
  g_autofree char *cut = g_strdup_printf ("SELECT count (pg_terminate_backend (pid)) FROM "
                                          "pg_stat_activity WHERE usename = '%s'", t->alice);
  g_autofree char *n_cut = dr_pg_test_psql_ok (t->db, NULL, cut);
  g_test_message ("cut %s connections of alice's window", n_cut);
  gui_wait_for (reopened, &r, WAIT_S, "the window to work on new connections");
  gtk_widget_activate_action (GTK_WIDGET (w.window), "win.verdict", "s", "none");
  w.author = t->alice;
  gui_wait_for (verdict_shown, &w, WAIT_S, "alice's verdict stored and shown");
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM dr.reviews WHERE author = '%s'",
                                          t->alice);
  g_autofree char *stored = dr_pg_test_psql_ok (t->db, NULL, sql);
  g_assert_cmpstr (stored, ==, "1");
  gtk_window_destroy (GTK_WINDOW (w.window));
  gui_settle (5, 1000);
}

/* ---- open errors --------------------------------------------------------------------- */

/* dr_team_login_check (the worker-side check of every window open) fails on @location with
 * @code in one line that names @name and not @password. */
static void
expect_open_error (const char *location, const char *password, DrPgError code,
                   const char *name)
{
  g_autoptr (GError) error = NULL;
  dr_pg_password_set (location, password);
  g_assert_false (dr_team_login_check (location, NULL, NULL, NULL, &error));
  dr_pg_password_set (location, NULL);
  g_test_message ("%s → %s", location, error->message);
  g_assert_error (error, DR_PG_ERROR, (int) code);
  g_assert_null (strchr (error->message, '\n'));
  if (name != NULL)
    g_assert_nonnull (strstr (error->message, name));
  if (password != NULL)
    g_assert_null (strstr (error->message, password));
}

static void
test_open_errors (Team *t, gconstpointer data)
{
  g_autofree char *before = written_rows (t);
  g_autofree char *bad = g_strdup_printf ("dbname=%s user='unterminated", t->db->name);
  expect_open_error (bad, NULL, DR_PG_ERROR_BAD_URI, NULL);
  g_autofree char *nowhere = g_strdup_printf ("host=127.0.0.1 port=1 dbname=%s", t->db->name);
  expect_open_error (nowhere, NULL, DR_PG_ERROR_UNREACHABLE, t->db->name);
  expect_open_error (t->alice_location, "not-alices-password", DR_PG_ERROR_AUTH, t->db->name);
  const char *outsider = dr_pg_test_db_add_login (t->db, "outsider");
  g_autofree char *outside = location_for (t, outsider);
  expect_open_error (outside, outsider, DR_PG_ERROR_PERMISSION, t->db->name);

  g_autoptr (DrPgTestDb) empty = dr_pg_test_db_new ();
  const char *someone = dr_pg_test_db_add_login (empty, "someone");
  g_autofree char *no_schema = g_strdup_printf ("dbname=%s user=%s", empty->name, someone);
  expect_open_error (no_schema, someone, DR_PG_ERROR_NO_SCHEMA, empty->name);

  g_free (dr_pg_test_psql_ok (t->db, NULL, "INSERT INTO dr.schema_version (version, name) "
                              "SELECT max (version) + 1, 'from a newer build' "
                              "FROM dr.schema_version"));
  expect_open_error (t->alice_location, t->alice, DR_PG_ERROR_SCHEMA_NEW, t->db->name);
  g_free (dr_pg_test_psql_ok (t->db, NULL, "DELETE FROM dr.schema_version WHERE version = "
                              "(SELECT max (version) FROM dr.schema_version)"));
  g_autofree char *after = written_rows (t);
  g_assert_cmpstr (after, ==, before);
}

/* ---- photo verification ------------------------------------------------------------ */

#define BAD_PHOTO "rear.png"

typedef struct {
  DrWindow *window;
  DrPhotoItem *item;
} Bad;

static gboolean
bad_photo_listed (gpointer data)
{
  Bad *b = data;
  DrSession *session = dr_window_get_session (b->window);
  GListModel *items = session ? dr_session_get_items (session) : NULL;
  for (guint i = 0; items != NULL && i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      if (g_strcmp0 (dr_photo_item_get_name (item), BAD_PHOTO) == 0)
        b->item = item;
    }
  return b->item != NULL;
}

static gboolean
bad_photo_refused (gpointer data)
{
  Bad *b = data;
  return dr_photo_item_get_status (b->item) == DR_ITEM_STATUS_ERROR;
}

static void
test_photo_verification (Team *t, gconstpointer data)
{
  dr_pg_password_set (t->alice_location, t->alice);
  Bad b = { .window = dr_window_new (NULL) };
  gtk_window_present (GTK_WINDOW (b.window));
  dr_window_open_project_async (b.window, t->alice_location);
  gui_wait_for (bad_photo_listed, &b, WAIT_S, "the team project's photos to be listed");
  g_assert_cmpint (dr_photo_item_get_status (b.item), !=, DR_ITEM_STATUS_ERROR);
  /* The schema refuses such bytes (a CHECK on their hash), so the administrator drops that
   * check first: a damaged server or a tampering one. */
  g_autofree char *sql = g_strdup_printf ("ALTER TABLE dr.photo_blobs DROP CONSTRAINT "
                                          "photo_blobs_check; UPDATE dr.photo_blobs SET bytes ="
                                          " 'not the photo' WHERE sha256 = '%s'",
                                          dr_photo_item_get_sha256 (b.item));
  g_free (dr_pg_test_psql_ok (t->db, NULL, sql));
  g_autoptr (GError) error = NULL;
  g_autofree char *cached_dir = g_path_get_dirname (dr_photo_item_get_path (b.item));
  g_assert_cmpint (g_mkdir_with_parents (cached_dir, 0700), ==, 0);
  g_file_set_contents (dr_photo_item_get_path (b.item), "damaged", -1, &error);
  g_assert_no_error (error);

  dr_photo_list_select_item (dr_window_get_photo_list (b.window), b.item);
  gui_wait_for (bad_photo_refused, &b, WAIT_S, "the photo whose bytes fail verification to "
                "become an error row");
  g_test_message ("error row: %s", dr_photo_item_get_error (b.item));
  g_assert_nonnull (strstr (dr_photo_item_get_error (b.item), "refused"));
  g_autofree char *errors = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT count (*) FROM dr.photos WHERE error IS NOT NULL AND name = '" BAD_PHOTO "'");
  g_assert_cmpstr (errors, ==, "0");
  gtk_window_destroy (GTK_WINDOW (b.window));
  gui_settle (5, 1000);
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("dr-team-window-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  /* Photos fetched from the server are cached here (set before any thread starts). */
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  if (argc == 4 && strcmp (argv[1], "--member") == 0)
    return run_member (argv[2], argv[3]);
  g_assert_cmpint (argc, ==, 2);
  fixture_exe = argv[1];
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_test_add ("/team-window/wrong-password", Team, NULL, team_setup, test_wrong_password,
              team_teardown);
  g_test_add ("/team-window/live-verdict", Team, NULL, team_setup, test_live_verdict,
              team_teardown);
  g_test_add ("/team-window/open-errors", Team, NULL, team_setup, test_open_errors,
              team_teardown);
  g_test_add ("/team-window/server-back", Team, NULL, team_setup, test_server_back,
              team_teardown);
  g_test_add ("/team-window/photo-verification", Team, NULL, team_setup,
              test_photo_verification, team_teardown);
  int status = g_test_run ();
  g_autofree char *quoted = g_shell_quote (home);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  return status;
}
