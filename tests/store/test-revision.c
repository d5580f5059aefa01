/* test-revision.c — edit history (append, undo, redo, reopen, crash) and verdicts. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define W 4
#define H 3

/* Path of the revision-writer helper, given as the test program's argument. */
static const char *writer;

typedef struct {
  char *dir;
  char *path;
  DrProject *project;
  gint64 photo;   /* a readable 4×3 photo */
  gint64 broken;  /* a photo stored with an error */
} Fixture;

/* A project with two photo rows written directly (this test is about edits, not import). */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "r.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  f->project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (dr_sqlite_project_get_db (f->project),
                                 "INSERT INTO claims (id, name) VALUES (1, 'c');"
                                 "INSERT INTO photos (id, claim_id, path, sha256, width, height,"
                                 "  added) VALUES (7, 1, '/p/a.jpg', printf ('%064d', 1), 4, 3, 0);"
                                 "INSERT INTO photos (id, claim_id, path, sha256, error, added)"
                                 "  VALUES (8, 1, '/p/b.jpg', printf ('%064d', 2), 'bad', 0);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  f->photo = 7;
  f->broken = 8;
}

/* Closes the project and removes the temp folder. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The RLE string of the 4×3 mask whose set pixels are the row-major indices in set[]. */
static char *
mask_of (const int *set, int n)
{
  guint8 mask[W * H] = { 0 };
  for (int i = 0; i < n; i++)
    mask[set[i]] = 1;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, H, W, NULL);
  return dr_rle_to_string (rle);
}

/* The RLE of a 4×3 mask with the first n row-major pixels set. */
static char *
first_n (int n)
{
  int set[W * H];
  for (int i = 0; i < n; i++)
    set[i] = i;
  return mask_of (set, n);
}

/* Appends the first-n mask to layer damage of the fixture photo; returns the revision id. */
static gint64
append_n (Fixture *f, DrDamage damage, int n)
{
  g_autofree char *rle = first_n (n);
  g_autoptr (GError) error = NULL;
  gint64 id = 0;
  g_assert_true (dr_revision_append (f->project, f->photo, damage, rle, DR_REVISION_BRUSH,
                                     "kim", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The head revision id of a layer, 0 when it shows the prediction. */
static gint64
head_of (Fixture *f, DrDamage damage)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRevision) head = dr_revision_get_head (f->project, f->photo, damage, &error);
  g_assert_no_error (error);
  return head != NULL ? head->id : 0;
}

/* Runs undo or redo and returns whether the head moved. */
static gboolean
move (Fixture *f, gboolean redo)
{
  g_autoptr (GError) error = NULL;
  gboolean moved;
  gboolean ok = redo ? dr_revision_redo (f->project, f->photo, DR_DAMAGE_SCRATCH, &moved, &error)
                     : dr_revision_undo (f->project, f->photo, DR_DAMAGE_SCRATCH, &moved, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return moved;
}

/* Undo walks to the parent, redo to the newest child; a new edit after undo starts a branch
 * that redo follows; the bottom is the prediction; other layers never move. */
static void
test_undo_redo (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, 0);
  g_assert_false (move (f, FALSE));
  g_assert_false (move (f, TRUE));
  gint64 r1 = append_n (f, DR_DAMAGE_SCRATCH, 2);
  gint64 r2 = append_n (f, DR_DAMAGE_SCRATCH, 4);
  gint64 r3 = append_n (f, DR_DAMAGE_SCRATCH, 6);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRevision) head = dr_revision_get_head (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                                      &error);
  g_assert_cmpint (head->id, ==, r3);
  g_assert_cmpint (head->parent_id, ==, r2);
  g_assert_cmpint (head->area, ==, 6);
  g_assert_cmpstr (head->author, ==, "kim");
  g_assert_cmpint (head->kind, ==, DR_REVISION_BRUSH);
  gboolean can_undo, can_redo;
  g_assert_true (dr_revision_get_history_state (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                                &can_undo, &can_redo, &error));
  g_assert_true (can_undo);
  g_assert_false (can_redo);

  g_assert_true (move (f, FALSE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, r2);
  g_assert_true (move (f, FALSE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, r1);
  g_assert_true (move (f, TRUE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, r2);
  g_assert_true (move (f, FALSE));

  /* New edit on r1: a branch; redo from r1 now leads to it, not to r2. */
  gint64 r4 = append_n (f, DR_DAMAGE_SCRATCH, 1);
  g_autoptr (DrRevision) branch = dr_revision_get_head (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                                        &error);
  g_assert_cmpint (branch->parent_id, ==, r1);
  g_assert_false (move (f, TRUE));
  g_assert_true (move (f, FALSE));
  g_assert_true (move (f, TRUE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, r4);
  /* History is the path first revision → head: r1, r4 (the r2, r3 branch is not on it). */
  g_autoptr (GPtrArray) history = dr_revision_list_history (f->project, f->photo,
                                                            DR_DAMAGE_SCRATCH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (((DrRevision *) history->pdata[0])->id, ==, r1);
  g_assert_cmpint (((DrRevision *) history->pdata[1])->id, ==, r4);
  g_assert_cmpint (((DrRevision *) history->pdata[1])->area, ==, 1);

  /* Down to the prediction and no further; redo goes back to the only first revision. */
  g_assert_true (move (f, FALSE));
  g_assert_true (move (f, FALSE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, 0);
  g_assert_false (move (f, FALSE));
  g_autoptr (GPtrArray) none = dr_revision_list_history (f->project, f->photo,
                                                         DR_DAMAGE_SCRATCH, &error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (move (f, TRUE));
  g_assert_cmpint (head_of (f, DR_DAMAGE_SCRATCH), ==, r1);

  g_assert_cmpint (head_of (f, DR_DAMAGE_SEPARATED), ==, 0);
  g_autoptr (DrPhotoInfo) info = dr_photo_get (f->project, f->photo, &error);
  g_assert_cmpuint (info->edited, ==, 1u << DR_DAMAGE_SCRATCH);
  g_assert_cmpint (info->area[DR_DAMAGE_SCRATCH], ==, 2);
}

/* History and head survive closing and reopening the project. */
static void
test_reopen (Fixture *f, gconstpointer data)
{
  gint64 r1 = append_n (f, DR_DAMAGE_BREAKAGE, 3);
  append_n (f, DR_DAMAGE_BREAKAGE, 5);
  g_autoptr (GError) error = NULL;
  gboolean moved;
  g_assert_true (dr_revision_undo (f->project, f->photo, DR_DAMAGE_BREAKAGE, &moved, &error));
  g_clear_object (&f->project);

  f->project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (head_of (f, DR_DAMAGE_BREAKAGE), ==, r1);
  gboolean can_undo, can_redo;
  g_assert_true (dr_revision_get_history_state (f->project, f->photo, DR_DAMAGE_BREAKAGE,
                                                &can_undo, &can_redo, &error));
  g_assert_true (can_undo && can_redo);
  g_assert_true (dr_revision_redo (f->project, f->photo, DR_DAMAGE_BREAKAGE, &moved, &error));
  g_autoptr (DrRevision) head = dr_revision_get_head (f->project, f->photo, DR_DAMAGE_BREAKAGE,
                                                      &error);
  g_assert_cmpint (head->area, ==, 5);
}

/* Bad edits are refused and leave no trace. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_revision_append (f->project, f->photo, DR_DAMAGE_SCRATCH, "6",
                                      DR_REVISION_BRUSH, "kim", NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT); /* 6 pixels, photo has 12 */
  g_clear_error (&error);
  g_assert_false (dr_revision_append (f->project, f->photo, DR_DAMAGE_SCRATCH, "<",
                                      DR_REVISION_BRUSH, "", NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (dr_revision_append (f->project, f->broken, DR_DAMAGE_SCRATCH, "<",
                                      DR_REVISION_BRUSH, "kim", NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (dr_sqlite_project_get_db (f->project), "SELECT count(*) FROM revisions", -1,
                      &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
}

/* A write that fails because the disk is full (simulated with max_page_count) reports an IO
 * error naming the project, leaves history and head exactly as they were, and the same edit
 * succeeds once space is back. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  gint64 r1 = append_n (f, DR_DAMAGE_SEPARATED, 3);
  sqlite3 *db = dr_sqlite_project_get_db (f->project);
  sqlite3_stmt *stmt = NULL;
  sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  gint64 pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_autofree char *limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_cmpint (sqlite3_exec (db, limit, NULL, NULL, NULL), ==, SQLITE_OK);

  /* Every other pixel set: the longest RLE a 4×3 mask can have. */
  int set[W * H];
  int n = 0;
  for (int i = 0; i < W * H; i += 2)
    set[n++] = i;
  g_autofree char *striped = mask_of (set, n);
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  /* Keep appending until the file is full (a page may still have room for a few rows). */
  for (int i = 0; i < 10000 && ok; i++)
    ok = dr_revision_append (f->project, f->photo, DR_DAMAGE_SEPARATED, striped,
                             DR_REVISION_BRUSH, "a reviewer with a long name to fill pages",
                             NULL, &error);
  g_assert_false (ok);
  g_test_message ("%s", error->message);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, f->path));
  g_clear_error (&error);
  g_autoptr (DrRevision) head = dr_revision_get_head (f->project, f->photo, DR_DAMAGE_SEPARATED,
                                                      &error);
  g_assert_no_error (error);
  gint64 last_ok = head->id;
  g_assert_cmpint (last_ok, >=, r1);
  /* The failed append left no revision behind its head: the head is the newest revision. */
  sqlite3_prepare_v2 (db, "SELECT max (id) FROM revisions", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, last_ok);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_get_autocommit (db), !=, 0); /* no transaction left open */

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  gint64 again;
  g_assert_true (dr_revision_append (f->project, f->photo, DR_DAMAGE_SEPARATED, striped,
                                     DR_REVISION_BRUSH, "kim", &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (head_of (f, DR_DAMAGE_SEPARATED), ==, again);
}

/* Verdicts store the judged revision, the model, and IoU / pixels added / removed computed here
 * by hand: prediction = pixels {0…5}, final = {2…6}: both 4, only predicted 2, only final 1,
 * IoU = 4 / 7. */
static void
test_verdicts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  for (int d = 0; d < DR_N_DAMAGE - 1; d++)
    g_assert_true (dr_prediction_set_current_model (f->project, d, SHA_A, "/m", "m", &error));
  static const int predicted[] = { 0, 1, 2, 3, 4, 5 };
  static const int final[] = { 2, 3, 4, 5, 6 };
  g_autofree char *p = mask_of (predicted, 6);
  g_autofree char *fin = mask_of (final, 5);
  g_autofree char *empty = mask_of (NULL, 0);
  g_assert_true (dr_prediction_store (f->project, f->photo, DR_DAMAGE_SCRATCH, SHA_A, p, 0.9,
                                      &error));
  g_assert_true (dr_prediction_store (f->project, f->photo, DR_DAMAGE_SEPARATED, SHA_A, p, 0.9,
                                      &error));
  g_assert_true (dr_prediction_store (f->project, f->photo, DR_DAMAGE_CRUSHED, SHA_A, empty,
                                      0.9, &error));
  g_autofree char *shown_before = dr_revision_dup_layer_rle (f->project, f->photo,
                                                              DR_DAMAGE_SCRATCH, &error);
  g_assert_cmpstr (shown_before, ==, p);
  gint64 rev;
  g_assert_true (dr_revision_append (f->project, f->photo, DR_DAMAGE_SCRATCH, fin,
                                     DR_REVISION_POLYGON, "kim", &rev, &error));
  g_assert_no_error (error);
  g_autofree char *shown_after = dr_revision_dup_layer_rle (f->project, f->photo,
                                                             DR_DAMAGE_SCRATCH, &error);
  g_assert_cmpstr (shown_after, ==, fin);
  g_autofree char *nothing = dr_revision_dup_layer_rle (f->project, f->photo,
                                                         DR_DAMAGE_BREAKAGE, &error);
  g_assert_no_error (error);
  g_assert_null (nothing);

  g_autoptr (DrReview) corrected = NULL;
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                        DR_VERDICT_CORRECTED, "kim", NULL, &corrected, &error));
  g_assert_no_error (error);
  g_assert_cmpint (corrected->revision_id, ==, rev);
  g_assert_cmpstr (corrected->model_sha256, ==, SHA_A);
  g_assert_cmpfloat_with_epsilon (corrected->iou, 4.0 / 7.0, 1e-12);
  g_assert_cmpint (corrected->px_added, ==, 1);
  g_assert_cmpint (corrected->px_removed, ==, 2);

  g_autoptr (DrReview) read = dr_review_get_current (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                                     &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->id, ==, corrected->id);
  g_assert_cmpint (read->verdict, ==, DR_VERDICT_CORRECTED);
  g_assert_cmpfloat_with_epsilon (read->iou, 4.0 / 7.0, 1e-12);
  g_assert_cmpint (read->px_removed, ==, 2);
  g_assert_cmpstr (read->author, ==, "kim");

  /* Accepted as predicted: the final mask is the prediction. */
  g_autoptr (DrReview) accepted = NULL;
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_SEPARATED,
                                        DR_VERDICT_ACCEPTED, "lee", NULL, &accepted, &error));
  g_assert_cmpfloat (accepted->iou, ==, 1.0);
  g_assert_cmpint (accepted->px_added + accepted->px_removed, ==, 0);
  g_assert_cmpint (accepted->revision_id, ==, 0);
  /* Confirmed none on an empty prediction: two empty masks agree, IoU 1. */
  g_autoptr (DrReview) none = NULL;
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                        DR_VERDICT_NONE, "lee", NULL, &none, &error));
  g_assert_cmpfloat (none->iou, ==, 1.0);
  /* No model for Breakage: nothing to compare with. */
  g_autoptr (DrReview) added = NULL;
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_BREAKAGE,
                                        DR_VERDICT_ADDED, "lee", NULL, &added, &error));
  g_assert_cmpfloat (added->iou, ==, -1);
  g_assert_null (added->model_sha256);

  g_autoptr (DrPhotoInfo) info = dr_photo_get (f->project, f->photo, &error);
  g_assert_cmpint (info->status, ==, DR_PHOTO_STATUS_REVIEWED);

  /* Newest verdict wins; the older row stays. */
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                        DR_VERDICT_REJECTED, "park", NULL, NULL, &error));
  g_autoptr (DrReview) newest = dr_review_get_current (f->project, f->photo, DR_DAMAGE_SCRATCH,
                                                       &error);
  g_assert_cmpint (newest->verdict, ==, DR_VERDICT_REJECTED);
  g_assert_cmpstr (newest->author, ==, "park");
  g_assert_false (dr_review_set_verdict (f->project, 999, DR_DAMAGE_SCRATCH,
                                         DR_VERDICT_ACCEPTED, "kim", NULL, NULL, &error));
  g_assert_nonnull (error);
}

/* A rejected verdict empties the layer it was given on: IoU 0 against the prediction, every
 * predicted pixel removed, nothing shown, area 0; an edit made afterwards is shown again, and
 * so is the prediction once the verdict is withdrawn. Prediction = pixels {0…5} (6 px). */
static void
test_rejected_empties (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  static const int predicted[] = { 0, 1, 2, 3, 4, 5 };
  static const int later[] = { 9, 10 };
  g_autofree char *p = mask_of (predicted, 6);
  g_autofree char *edit = mask_of (later, 2);
  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_CRUSHED, SHA_A, "/m",
                                                  "m", &error));
  g_assert_true (dr_prediction_store (f->project, f->photo, DR_DAMAGE_CRUSHED, SHA_A, p, 0.9,
                                      &error));
  g_autoptr (DrReview) rejected = NULL;
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                        DR_VERDICT_REJECTED, "kim", NULL, &rejected, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (rejected->iou, ==, 0.0);
  g_assert_cmpint (rejected->px_removed, ==, 6);
  g_assert_cmpint (rejected->px_added, ==, 0);
  g_autofree char *shown = dr_revision_dup_layer_rle (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                                      &error);
  g_assert_no_error (error);
  g_assert_null (shown);
  {
    g_autoptr (DrPhotoInfo) info = dr_photo_get (f->project, f->photo, &error);
    g_assert_cmpint (info->area[DR_DAMAGE_CRUSHED], ==, 0);
  }

  /* An edit after the verdict moves the head: it is what the layer shows. */
  g_assert_true (dr_revision_append (f->project, f->photo, DR_DAMAGE_CRUSHED, edit,
                                     DR_REVISION_BRUSH, "kim", NULL, &error));
  g_autofree char *shown_edit = dr_revision_dup_layer_rle (f->project, f->photo,
                                                           DR_DAMAGE_CRUSHED, &error);
  g_assert_cmpstr (shown_edit, ==, edit);
  {
    g_autoptr (DrPhotoInfo) info = dr_photo_get (f->project, f->photo, &error);
    g_assert_cmpint (info->area[DR_DAMAGE_CRUSHED], ==, 2);
  }

  /* "none" on that head empties it again; undo back to the prediction shows the prediction
   * (the verdict was given on another head), as does withdrawing the verdict. */
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                        DR_VERDICT_NONE, "kim", NULL, NULL, &error));
  g_autofree char *none = dr_revision_dup_layer_rle (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                                     &error);
  g_assert_null (none);
  gboolean moved = FALSE;
  g_assert_true (dr_revision_undo (f->project, f->photo, DR_DAMAGE_CRUSHED, &moved, &error));
  g_assert_true (moved);
  g_autofree char *after_undo = dr_revision_dup_layer_rle (f->project, f->photo,
                                                           DR_DAMAGE_CRUSHED, &error);
  g_assert_cmpstr (after_undo, ==, p);
  g_assert_true (dr_revision_redo (f->project, f->photo, DR_DAMAGE_CRUSHED, &moved, &error));
  g_assert_true (dr_review_set_verdict (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                        DR_VERDICT_UNREVIEWED, "kim", NULL, NULL, &error));
  g_autofree char *withdrawn = dr_revision_dup_layer_rle (f->project, f->photo,
                                                          DR_DAMAGE_CRUSHED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (withdrawn, ==, edit);
}

/* The newest note is the photo's note; an empty one clears it. */
static void
test_notes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *nothing = dr_review_dup_note (f->project, f->photo, &error);
  g_assert_no_error (error);
  g_assert_null (nothing);
  g_assert_true (dr_review_add_note (f->project, f->photo, "rear door: reflection, not a scratch",
                                     "kim", NULL, &error));
  g_assert_true (dr_review_add_note (f->project, f->photo, "앞 범퍼 긁힘", "kim", NULL, &error));
  g_autofree char *note = dr_review_dup_note (f->project, f->photo, &error);
  g_assert_cmpstr (note, ==, "앞 범퍼 긁힘");
  g_assert_true (dr_review_add_note (f->project, f->photo, "", "kim", NULL, &error));
  g_autofree char *cleared = dr_review_dup_note (f->project, f->photo, &error);
  g_assert_null (cleared);
  g_assert_false (dr_review_add_note (f->project, 999, "x", "kim", NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE);
}

/* A writer process appending one revision per transaction is killed with SIGKILL; every id it
 * reported as committed is in the reopened project, whose integrity check says "ok". */
static void
test_sigkill (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  g_assert_nonnull (writer);
  g_autofree char *photo = g_strdup_printf ("%" G_GINT64_FORMAT, f->photo);
  const char *argv[] = { writer, f->path, photo, NULL };
  GPid pid;
  int out;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  FILE *stream = fdopen (out, "r");
  g_autoptr (GArray) committed = g_array_new (FALSE, FALSE, sizeof (gint64));
  char line[64];
  while (committed->len < 150 && fgets (line, sizeof line, stream) != NULL)
    {
      gint64 id = g_ascii_strtoll (line, NULL, 10);
      g_array_append_val (committed, id);
    }
  kill (pid, SIGKILL);
  int status;
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  fclose (stream);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_assert_cmpuint (committed->len, ==, 150);

  f->project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  sqlite3 *db = dr_sqlite_project_get_db (f->project);
  sqlite3_stmt *check = NULL;
  sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &check, NULL);
  g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (check, 0), ==, "ok");
  sqlite3_finalize (check);
  sqlite3_stmt *find = NULL;
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM revisions WHERE id = ?1", -1, &find, NULL);
  for (guint i = 0; i < committed->len; i++)
    {
      sqlite3_bind_int64 (find, 1, g_array_index (committed, gint64, i));
      g_assert_cmpint (sqlite3_step (find), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (find, 0), ==, 1);
      sqlite3_reset (find);
    }
  sqlite3_finalize (find);
  /* The head points at the last revision that committed (at least the last one reported). */
  g_autoptr (DrRevision) head = dr_revision_get_head (f->project, f->photo, DR_DAMAGE_CRUSHED,
                                                      &error);
  g_assert_no_error (error);
  g_assert_cmpint (head->id, >=, g_array_index (committed, gint64, committed->len - 1));
  g_test_message ("%u committed revisions reported before SIGKILL, head %" G_GINT64_FORMAT,
                  committed->len, head->id);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  writer = argc > 1 ? argv[1] : NULL;
#define ADD(name, func) \
  g_test_add ("/revision/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("undo-redo", test_undo_redo);
  ADD ("reopen", test_reopen);
  ADD ("refused", test_refused);
  ADD ("disk-full", test_disk_full);
  ADD ("verdicts", test_verdicts);
  ADD ("rejected-empties", test_rejected_empties);
  ADD ("notes", test_notes);
  ADD ("sigkill", test_sigkill);
  return g_test_run ();
}
