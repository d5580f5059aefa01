/* test-pg-backend.c — the store's API on a team project (DrStoreBackend for PostgreSQL): the
 * push fixture's project file is pushed into a fresh database, then opened by its connection
 * string through dr_project_open and compared with the same file opened as SQLite.
 * psql (sharing no code with ours) is the oracle for what the server stored.
 *
 *   test-pg-backend --tap PUSH_FIXTURE */
#include <glib/gstdio.h>
#include <string.h>

#include "dr-claim.h"
#include "dr-file-hash.h"
#include "dr-pg-push.h"
#include "dr-pg-team.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"
#include "pg-test-util.h"

static const char *fixture_exe;

typedef struct {
  DrPgTestDb *db;
  char *dir;           /* temporary folder: the project file, its photos, the photo cache */
  char *file;          /* the pushed project file */
  const char *lead;
  const char *reviewer;
  char *lead_uri;
  char *reviewer_uri;
} Team;

/* A fresh database with team "east" (lead + reviewer), the fixture pushed into it by the lead. */
static void
team_setup (Team *t, gconstpointer data)
{
  t->db = dr_pg_test_db_new ();
  g_free (dr_pg_test_db_create_team (t->db, "east"));
  t->lead = dr_pg_test_db_add_login (t->db, "lead");
  t->reviewer = dr_pg_test_db_add_login (t->db, "reviewer");
  dr_pg_test_db_add_member (t->db, "east", t->lead, "lead");
  dr_pg_test_db_add_member (t->db, "east", t->reviewer, "reviewer");
  t->lead_uri = dr_pg_test_db_conninfo (t->db, t->lead);
  t->reviewer_uri = dr_pg_test_db_conninfo (t->db, t->reviewer);

  g_autoptr (GError) error = NULL;
  t->dir = g_dir_make_tmp ("test-pg-backend-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", t->dir, TRUE);
  t->file = g_build_filename (t->dir, "fixture.damagereview", NULL);
  g_autofree char *photos = g_build_filename (t->dir, "photos", NULL);
  const char *argv[] = { fixture_exe, t->file, photos, NULL };
  int status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  g_autoptr (DrProject) file = dr_project_open (t->file, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (t->lead_uri, DR_PG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gint64 team = dr_pg_team_resolve (conn, NULL, &error);
  g_assert_no_error (error);
  dr_pg_push (file, conn, team, NULL, &error);
  g_assert_no_error (error);
}

/* Removes a folder tree (the test's own temporary folder). */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
team_teardown (Team *t, gconstpointer data)
{
  dr_pg_test_db_free (t->db);
  remove_tree (t->dir);
  g_free (t->dir);
  g_free (t->file);
  g_free (t->lead_uri);
  g_free (t->reviewer_uri);
}

/* Opens the team project as @uri's role, failing the test otherwise. */
static DrProject *
open_team (const char *uri)
{
  g_autoptr (GError) error = NULL;
  DrProject *project = dr_project_open (uri, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

/* The photo of @list whose base name is @name. */
static DrPhotoInfo *
find_photo (GPtrArray *list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      DrPhotoInfo *info = list->pdata[i];
      g_autofree char *base = g_path_get_basename (info->path);
      if (strcmp (base, name) == 0)
        return info;
    }
  g_error ("no photo %s in the list", name);
}

/* A connection string opens the PostgreSQL backend, a path the SQLite one; the location is
 * kept as given. */
static void
test_open_by_uri (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) team = open_team (t->reviewer_uri);
  g_autoptr (DrProject) file = open_team (t->file);
  g_autoptr (GError) error = NULL;
  DrStoreConn *conn = dr_project_get_conn (team, G_STRFUNC, &error);
  g_assert_cmpstr (conn->backend->name, ==, "postgresql");
  g_assert_cmpstr (dr_project_get_conn (file, G_STRFUNC, &error)->backend->name, ==, "sqlite");
  g_assert_cmpstr (dr_project_get_path (team), ==, t->reviewer_uri);
  g_assert_false (dr_project_is_read_only (team));
}

/* After a push the photo list of the URI equals the file's, photo by photo (claim, size, sha,
 * error, predicted/edited/reviewed bits, areas, confidences); one photo asked for is a local
 * file hashing to its SHA-256, which the server (psql) also holds. */
static void
test_photo_collect_after_push (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) team = open_team (t->reviewer_uri);
  g_autoptr (DrProject) file = open_team (t->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) from_team = dr_photo_list (team, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) from_file = dr_photo_list (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_team->len, ==, from_file->len);
  g_assert_cmpuint (from_team->len, >, 0);
  for (guint i = 0; i < from_file->len; i++)
    {
      DrPhotoInfo *f = from_file->pdata[i];
      g_autofree char *base = g_path_get_basename (f->path);
      DrPhotoInfo *p = find_photo (from_team, base);
      g_assert_cmpstr (p->claim, ==, f->claim);
      g_assert_cmpstr (p->sha256, ==, f->sha256);
      g_assert_cmpint (p->size, ==, f->size);
      g_assert_cmpint (p->width, ==, f->width);
      g_assert_cmpint (p->height, ==, f->height);
      g_assert_cmpint (p->added, ==, f->added);
      g_assert_cmpint (p->error != NULL, ==, f->error != NULL);
      g_assert_cmpint (p->status, ==, f->status);
      g_assert_cmpuint (p->predicted, ==, f->predicted);
      g_assert_cmpuint (p->edited, ==, f->edited);
      g_assert_cmpuint (p->reviewed, ==, f->reviewed);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          g_assert_cmpint (p->area[d], ==, f->area[d]);
          g_assert_cmpfloat (p->confidence[d], ==, f->confidence[d]);
        }
      if (f->sha256 == NULL || f->error != NULL)
        continue;
      g_autoptr (DrPhotoInfo) one = dr_photo_get (team, p->id, &error);
      g_assert_no_error (error);
      g_autofree char *hash = dr_file_sha256 (one->path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hash, ==, f->sha256);
      g_autofree char *sql = g_strdup_printf ("SELECT encode (sha256 (bytes), 'hex') FROM"
                                              " dr.photo_blobs WHERE sha256 = '%s'", f->sha256);
      g_autofree char *server = dr_pg_test_psql_ok (t->db, NULL, sql);
      g_assert_cmpstr (server, ==, f->sha256);
    }
}

/* The first readable photo id of the team project. */
static gint64
first_photo (DrProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = dr_photo_list (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      DrPhotoInfo *info = list->pdata[i];
      if (info->error == NULL)
        return info->id;
    }
  g_error ("no readable photo");
}

/* A mask of the photo's size with @n foreground pixels at the start. */
static char *
mask (DrProject *project, gint64 photo, guint n)
{
  g_autoptr (GError) error = NULL;
  guint w = 0, h = 0;
  dr_photo_get_size (project, photo, &w, &h, &error);
  g_assert_no_error (error);
  g_autofree guint8 *pixels = g_malloc0 (w * h);
  memset (pixels, 1, MIN (n, w * h));
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (pixels, h, w, &error);
  g_assert_no_error (error);
  return dr_rle_to_string (rle);
}

/* Two members read the same head; the second move loses with CONFLICT naming the server and
 * the winner, and the loser's revision is still stored (nothing is lost). */
static void
test_head_conflict (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) a = open_team (t->reviewer_uri);
  g_autoptr (DrProject) b = open_team (t->lead_uri);
  g_autoptr (GError) error = NULL;
  gint64 photo = first_photo (a);
  DrStoreConn *ca = dr_project_get_conn (a, G_STRFUNC, &error);
  DrStoreConn *cb = dr_project_get_conn (b, G_STRFUNC, &error);
  gint64 head_a = 0, version_a = 0, head_b = 0, version_b = 0;
  g_assert_true (ca->backend->head_get (ca, photo, DR_DAMAGE_CRUSHED, &head_a, &version_a,
                                        &error));
  g_assert_true (cb->backend->head_get (cb, photo, DR_DAMAGE_CRUSHED, &head_b, &version_b,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (version_a, ==, version_b);

  g_autofree char *rle_a = mask (a, photo, 7), *rle_b = mask (b, photo, 9);
  DrRevision ra = { .photo_id = photo, .damage = DR_DAMAGE_CRUSHED, .parent_id = head_a,
                    .rle = rle_a, .area = 7, .author = (char *) "ignored", .created = 1,
                    .kind = DR_REVISION_BRUSH };
  DrRevision rb = ra;
  rb.rle = rle_b;
  rb.area = 9;
  gint64 id_a = 0, id_b = 0, new_version = 0;
  g_assert_true (ca->backend->revision_insert (ca, &ra, &id_a, &error));
  g_assert_true (ca->backend->head_move (ca, photo, DR_DAMAGE_CRUSHED, version_a, id_a,
                                         &new_version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (new_version, ==, version_a + 1);

  g_assert_true (cb->backend->revision_insert (cb, &rb, &id_b, &error));
  g_assert_false (cb->backend->head_move (cb, photo, DR_DAMAGE_CRUSHED, version_b, id_b, NULL,
                                          &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, t->reviewer));
  g_assert_nonnull (strstr (error->message, t->db->name));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* the winner's revision is the head for both; the loser's edit is stored */
  g_autofree char *shown = dr_revision_dup_layer_rle (b, photo, DR_DAMAGE_CRUSHED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shown, ==, rle_a);
  g_autoptr (DrRevision) kept = cb->backend->revision_get (cb, id_b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->rle, ==, rle_b);
  g_assert_cmpint (kept->parent_id, ==, head_b);

  /* the store's own edit path: append moves the head by CAS from what it reads */
  gint64 appended = 0;
  dr_revision_append (b, photo, DR_DAMAGE_CRUSHED, rle_b, DR_REVISION_ERASER, "ignored",
                      &appended, &error);
  g_assert_no_error (error);
  g_autoptr (DrRevision) head = dr_revision_get_head (a, photo, DR_DAMAGE_CRUSHED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (head->id, ==, appended);
  g_assert_cmpint (head->parent_id, ==, id_a);
}

/* Verdicts, notes and revisions are stored with session_user as author, whatever the caller
 * passes; reading back gives the role. */
static void
test_author_is_session_user (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) team = open_team (t->reviewer_uri);
  g_autoptr (GError) error = NULL;
  gint64 photo = first_photo (team);
  g_autoptr (DrReview) review = NULL;
  dr_review_set_verdict (team, photo, DR_DAMAGE_BREAKAGE, DR_VERDICT_ACCEPTED, "Mallory", NULL,
                         &review, &error);
  g_assert_no_error (error);
  g_autoptr (DrReview) back = dr_review_get_current (team, photo, DR_DAMAGE_BREAKAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->id, ==, review->id);
  g_assert_cmpint (back->verdict, ==, DR_VERDICT_ACCEPTED);
  g_assert_cmpstr (back->author, ==, t->reviewer);

  dr_review_add_note (team, photo, "bumper dent", "Mallory", NULL, &error);
  g_assert_no_error (error);
  g_autofree char *note = dr_review_dup_note (team, photo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (note, ==, "bumper dent");

  g_autofree char *rle = mask (team, photo, 3);
  gint64 revision = 0;
  dr_revision_append (team, photo, DR_DAMAGE_SEPARATED, rle, DR_REVISION_BRUSH, "Mallory",
                      &revision, &error);
  g_assert_no_error (error);

  g_autofree char *sql = g_strdup_printf (
    "SELECT (SELECT author FROM dr.reviews WHERE id = %" G_GINT64_FORMAT ") || ','"
    " || (SELECT author FROM dr.notes WHERE text = 'bumper dent') || ','"
    " || (SELECT author FROM dr.revisions WHERE id = %" G_GINT64_FORMAT ") || ','"
    " || (SELECT count (*) FROM dr.reviews WHERE origin_author = 'Mallory'"
    "      OR author = 'Mallory')", review->id, revision);
  g_autofree char *authors = dr_pg_test_psql_ok (t->db, NULL, sql);
  g_autofree char *expected = g_strdup_printf ("%s,%s,%s,0", t->reviewer, t->reviewer,
                                               t->reviewer);
  g_assert_cmpstr (authors, ==, expected);
}

/* A lead stores and replaces a prediction of the team's current model; it reads back as
 * stored; photos without a prediction of a model are listed. */
static void
test_prediction_put_get_missing (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) team = open_team (t->lead_uri);
  g_autoptr (GError) error = NULL;
  gint64 photo = first_photo (team);
  g_autofree char *model = dr_prediction_dup_current_model (team, DR_DAMAGE_SCRATCH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  for (guint n = 5; n <= 6; n++)
    {
      g_autofree char *rle = mask (team, photo, n);
      dr_prediction_store (team, photo, DR_DAMAGE_SCRATCH, model, rle, 0.25 * (n - 4), &error);
      g_assert_no_error (error);
      g_autoptr (DrPrediction) p = dr_prediction_get_current (team, photo, DR_DAMAGE_SCRATCH,
                                                              &error);
      g_assert_no_error (error);
      g_assert_cmpstr (p->model_sha256, ==, model);
      g_assert_cmpstr (p->rle, ==, rle);
      g_assert_cmpint (p->area, ==, n);
      g_assert_cmpfloat (p->confidence, ==, 0.25 * (n - 4));
    }
  g_autofree char *count = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT count (*) FROM dr.predictions WHERE area = 6 AND confidence = 0.5");
  g_assert_cmpstr (count, ==, "1");

  /* Crushed has no model and no predictions: missing = every readable photo */
  g_autoptr (GArray) missing = dr_prediction_needs_analysis (team, DR_DAMAGE_CRUSHED, model,
                                                             &error);
  g_assert_no_error (error);
  g_autofree char *readable = dr_pg_test_psql_ok (t->db, NULL,
    "SELECT string_agg (id::text, ',' ORDER BY id) FROM dr.photos WHERE error IS NULL");
  g_autoptr (GString) ids = g_string_new (NULL);
  for (guint i = 0; i < missing->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            g_array_index (missing, gint64, i));
  g_assert_cmpstr (ids->str, ==, readable);

  /* a reviewer may not write predictions: one line naming the server, nothing stored */
  g_autoptr (DrProject) reviewer = open_team (t->reviewer_uri);
  g_autofree char *rle = mask (reviewer, photo, 8);
  g_assert_false (dr_prediction_store (reviewer, photo, DR_DAMAGE_SCRATCH, model, rle, 0.5,
                                       &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, t->db->name));
  g_assert_null (strchr (error->message, '\n'));
}

/* The claim list of the URI equals the file's (names and photo counts). */
static void
test_claim_list (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) team = open_team (t->reviewer_uri);
  g_autoptr (DrProject) file = open_team (t->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) a = dr_claim_list (team, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) b = dr_claim_list (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpuint (a->len, >, 0);
  for (guint i = 0; i < a->len; i++)
    {
      DrClaimInfo *x = a->pdata[i], *y = b->pdata[i];
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpuint (x->n_photos, ==, y->n_photos);
    }
}

/* Opening fails with one line naming the server: wrong password (IO), a database without the
 * team schema (UNSUPPORTED), a login in no team (IO). */
static void
test_open_errors (Team *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *wrong = dr_pg_test_db_conninfo_password (t->db, t->reviewer, "nope");
  g_assert_null (dr_project_open (wrong, DR_PROJECT_OPEN_EXISTING, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, t->db->name));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  const char *outsider = dr_pg_test_db_add_login (t->db, "outsider");
  g_autofree char *grant = g_strdup_printf ("GRANT dr_member TO \"%s\"", outsider);
  g_free (dr_pg_test_psql_ok (t->db, NULL, grant));
  g_autofree char *uri = dr_pg_test_db_conninfo (t->db, outsider);
  g_assert_null (dr_project_open (uri, DR_PROJECT_OPEN_EXISTING, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, outsider));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  g_autoptr (DrPgTestDb) empty = dr_pg_test_db_new ();
  g_autofree char *admin = dr_pg_test_db_conninfo (empty, NULL);
  g_assert_null (dr_project_open (admin, DR_PROJECT_OPEN_CREATE, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, empty->name));
  g_assert_null (strchr (error->message, '\n'));
}

/* The id of the photo called @name in @project. */
static gint64
photo_named (DrProject *project, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = dr_photo_list (project, &error);
  g_assert_no_error (error);
  return find_photo (list, name)->id;
}

/* One line of a transcript: the layer's shown mask, head, history length, undo/redo state,
 * newest verdict and note, and the photo's summary (ids are each project's own, so they are
 * left out; revisions are named by their masks). */
static void
describe (GString *out, DrProject *project, gint64 photo, DrDamage d, const char *step)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = dr_revision_dup_layer_rle (project, photo, d, &error);
  g_assert_no_error (error);
  g_autoptr (DrRevision) head = dr_revision_get_head (project, photo, d, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) history = dr_revision_list_history (project, photo, d, &error);
  g_assert_no_error (error);
  gboolean can_undo = FALSE, can_redo = FALSE;
  dr_revision_get_history_state (project, photo, d, &can_undo, &can_redo, &error);
  g_assert_no_error (error);
  g_autoptr (DrReview) review = dr_review_get_current (project, photo, d, &error);
  g_assert_no_error (error);
  g_autofree char *note = dr_review_dup_note (project, photo, &error);
  g_assert_no_error (error);
  g_autoptr (DrPhotoInfo) info = dr_photo_get (project, photo, &error);
  g_assert_no_error (error);
  g_string_append_printf (out, "%s: shown=%s head=%s/%s history=%u undo=%d redo=%d "
                          "verdict=%s iou=%.6f note=%s status=%d edited=%u reviewed=%u "
                          "area=%" G_GINT64_FORMAT " claim=%s\n", step, shown ? shown : "-",
                          head ? head->rle : "-",
                          head ? dr_revision_kind_to_string (head->kind) : "-", history->len,
                          can_undo, can_redo,
                          review ? dr_verdict_to_string (review->verdict) : "-",
                          review ? review->iou : -2, note ? note : "-",
                          (int) info->status, info->edited, info->reviewed,
                          info->area[d], info->claim);
}

/* The same sequence of edits, undo/redo, verdicts, notes and a claim move through the store's
 * API; returns the transcript. */
static char *
edit_sequence (DrProject *project)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gint64 photo = photo_named (project, "rear.png");
  const DrDamage d = DR_DAMAGE_SEPARATED;
  gboolean moved = FALSE;
  describe (out, project, photo, d, "start");
  g_autofree char *a = mask (project, photo, 11), *b = mask (project, photo, 40);
  dr_revision_append (project, photo, d, a, DR_REVISION_BRUSH, "tester", NULL, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "edit a");
  dr_revision_append (project, photo, d, b, DR_REVISION_POLYGON, "tester", NULL, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "edit b");
  dr_revision_undo (project, photo, d, &moved, &error);
  g_assert_no_error (error);
  g_string_append_printf (out, "undo moved=%d\n", moved);
  describe (out, project, photo, d, "undo");
  dr_revision_redo (project, photo, d, &moved, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "redo");
  dr_review_set_verdict (project, photo, d, DR_VERDICT_REJECTED, "tester", NULL, NULL, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "rejected");
  dr_revision_undo (project, photo, d, &moved, &error);
  g_assert_no_error (error);
  dr_revision_undo (project, photo, d, &moved, &error);
  g_assert_no_error (error);
  dr_revision_undo (project, photo, d, &moved, &error);
  g_assert_no_error (error);
  g_string_append_printf (out, "third undo moved=%d\n", moved);
  describe (out, project, photo, d, "back to the prediction");
  dr_revision_append (project, photo, d, b, DR_REVISION_FILL, "tester", NULL, &error);
  g_assert_no_error (error);
  dr_review_set_verdict (project, photo, d, DR_VERDICT_CORRECTED, "tester", NULL, NULL, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "branch + corrected");
  dr_review_add_note (project, photo, "check again", "tester", NULL, &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "note");
  dr_review_add_note (project, photo, "", "tester", NULL, &error);
  g_assert_no_error (error);
  dr_photo_set_claim (project, photo, "CLM-9", &error);
  g_assert_no_error (error);
  describe (out, project, photo, d, "note cleared, moved to CLM-9");
  g_autoptr (GPtrArray) claims = dr_claim_list (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < claims->len; i++)
    {
      DrClaimInfo *c = claims->pdata[i];
      g_string_append_printf (out, "claim %s: %u photos\n", c->name, c->n_photos);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The store's edit, undo/redo, verdict, note and claim behaviour is the same on both backends:
 * the same sequence on the file and on the team project (as its lead) gives the same
 * transcript. */
static void
test_same_behaviour (Team *t, gconstpointer data)
{
  g_autoptr (DrProject) file = open_team (t->file);
  g_autoptr (DrProject) team = open_team (t->lead_uri);
  g_autofree char *on_file = edit_sequence (file);
  g_autofree char *on_team = edit_sequence (team);
  g_test_message ("%s", on_file);
  g_assert_cmpstr (on_team, ==, on_file);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-pg-backend --tap PUSH_FIXTURE");
  fixture_exe = argv[1];
  g_test_add ("/pg-backend/open-by-uri", Team, NULL, team_setup, test_open_by_uri,
              team_teardown);
  g_test_add ("/pg-backend/photo-collect-after-push", Team, NULL, team_setup,
              test_photo_collect_after_push, team_teardown);
  g_test_add ("/pg-backend/head-conflict", Team, NULL, team_setup, test_head_conflict,
              team_teardown);
  g_test_add ("/pg-backend/author-is-session-user", Team, NULL, team_setup,
              test_author_is_session_user, team_teardown);
  g_test_add ("/pg-backend/prediction-put-get-missing", Team, NULL, team_setup,
              test_prediction_put_get_missing, team_teardown);
  g_test_add ("/pg-backend/claim-list", Team, NULL, team_setup, test_claim_list,
              team_teardown);
  g_test_add ("/pg-backend/open-errors", Team, NULL, team_setup, test_open_errors,
              team_teardown);
  g_test_add ("/pg-backend/same-behaviour", Team, NULL, team_setup, test_same_behaviour,
              team_teardown);
  return g_test_run ();
}
