/* test-review-recorder.c — verdicts that cannot be written are kept, in order, and written
 * later (no display). A second connection holding the write lock past the busy timeout makes
 * writes fail, as a read-only file or another writer would. What was stored is read back
 * through a third connection. */
#include "config.h"

#include <sqlite3.h>

#include "dr-prediction.h"
#include "dr-review-recorder.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-test-util.h"

#define W 4
#define H 3
#define PHOTO 7

typedef struct {
  char *dir;
  char *path;
  DrProject *project;        /* the owner's connection: names the file, reads */
  DrEditWriter *writer;
  DrReviewRecorder *recorder;
  guint changed;             /* "changed" emissions */
} Fixture;

static void
changed_cb (DrReviewRecorder *recorder, Fixture *f)
{
  f->changed++;
}

/* The RLE of a 4×3 mask with the first n row-major pixels set. */
static char *
first_n (int n)
{
  guint8 mask[W * H] = { 0 };
  for (int i = 0; i < n; i++)
    mask[i] = 1;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, H, W, NULL);
  return dr_rle_to_string (rle);
}

/* A project with one 4×3 photo whose Scratch prediction is its first 4 pixels. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "v.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  f->project = dr_project_open (f->path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (dr_sqlite_project_get_db (f->project),
                                 "INSERT INTO claims (id, name) VALUES (1, 'c');"
                                 "INSERT INTO photos (id, claim_id, path, sha256, width, height,"
                                 "  added) VALUES (7, 1, '/p/a.jpg', printf ('%064d', 1), 4, 3, 0);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  const char *sha = "3123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  g_autofree char *pred = first_n (4);
  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_SCRATCH, sha, "/s.pt",
                                                  "scratch", &error));
  g_assert_true (dr_prediction_store (f->project, PHOTO, DR_DAMAGE_SCRATCH, sha, pred, 0.9,
                                      &error));
  g_assert_no_error (error);
  f->writer = dr_edit_writer_new ();
  f->recorder = dr_review_recorder_new (f->writer);
  g_signal_connect (f->recorder, "changed", G_CALLBACK (changed_cb), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->recorder);
  g_clear_object (&f->writer);
  g_clear_object (&f->project);
  dr_test_rmtree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The newest verdict of layer d as another connection reads it; -1 when there is none. */
static int
stored_verdict (Fixture *f, DrDamage d, char **author)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) other = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (DrReview) review = dr_review_get_current (other, PHOTO, d, &error);
  g_assert_no_error (error);
  if (author != NULL)
    *author = review ? g_strdup (review->author) : NULL;
  return review ? (int) review->verdict : -1;
}

/* Another connection holds the write lock (dr_project_rollback on it lets go). */
static DrProject *
lock_project (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  DrProject *locker = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_begin (locker, &error));
  return locker;
}

/* Written at once when nothing waits. */
static void
test_written_at_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  DrVerdict recorded;
  g_assert_true (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                          DR_VERDICT_ACCEPTED, "Ann", &recorded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (recorded, ==, DR_VERDICT_ACCEPTED);
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_SCRATCH, NULL), ==, DR_VERDICT_ACCEPTED);
  g_assert_cmpuint (dr_review_recorder_get_n_unsaved (f->recorder), ==, 0);
  g_assert_cmpuint (f->changed, ==, 0);
}

/* A verdict whose write fails is kept (and shown), the next one waits behind it without
 * trying, and both are written in order once the lock is gone, each decided again on the
 * layer as stored then: "accepted" on a mask edited meanwhile becomes "corrected". */
static void
test_kept_then_flushed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) locker = lock_project (f);
  DrVerdict recorded, kept;
  g_assert_false (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                           DR_VERDICT_ACCEPTED, "Ann", &recorded, &error));
  g_assert_nonnull (error);
  g_test_message ("kept after: %s", error->message);
  g_clear_error (&error);
  g_assert_false (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_CRUSHED,
                                           DR_VERDICT_NONE, "Ann", &recorded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dr_review_recorder_get_n_unsaved (f->recorder), ==, 2);
  g_assert_cmpuint (f->changed, ==, 2);
  g_assert_true (dr_review_recorder_lookup_unsaved (f->recorder, f->project, PHOTO,
                                                    DR_DAMAGE_SCRATCH, &kept));
  g_assert_cmpint (kept, ==, DR_VERDICT_ACCEPTED);
  g_assert_true (dr_review_recorder_lookup_unsaved (f->recorder, f->project, PHOTO,
                                                    DR_DAMAGE_CRUSHED, &kept));
  g_assert_cmpint (kept, ==, DR_VERDICT_NONE);
  g_assert_false (dr_review_recorder_lookup_unsaved (f->recorder, f->project, PHOTO,
                                                     DR_DAMAGE_BREAKAGE, &kept));
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_SCRATCH, NULL), ==, -1);
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_CRUSHED, NULL), ==, -1);

  /* Still locked: flushing fails at the first and keeps both. */
  g_assert_false (dr_review_recorder_flush (f->recorder, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (dr_review_recorder_get_n_unsaved (f->recorder), ==, 2);
  dr_project_rollback (locker);

  /* Meanwhile the Scratch mask was edited: 5 pixels where 4 were predicted. */
  g_autofree char *edited = first_n (5);
  g_assert_true (dr_revision_append (f->project, PHOTO, DR_DAMAGE_SCRATCH, edited,
                                     DR_REVISION_BRUSH, "Ann", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dr_review_recorder_flush (f->recorder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dr_review_recorder_get_n_unsaved (f->recorder), ==, 0);
  g_assert_cmpuint (f->changed, ==, 3);
  g_autofree char *author = NULL;
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_SCRATCH, &author), ==, DR_VERDICT_CORRECTED);
  g_assert_cmpstr (author, ==, "Ann");
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_CRUSHED, NULL), ==, DR_VERDICT_NONE);
}

/* Reject then Accept on a layer nobody edited is "accepted": the rejected (emptied) view of the
 * layer is not an edit of the prediction. After an edit, Reject then Accept is "corrected". */
static void
test_accept_after_reject (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  DrVerdict recorded;
  g_assert_true (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                          DR_VERDICT_REJECTED, "Ann", &recorded, &error));
  g_assert_cmpint (recorded, ==, DR_VERDICT_REJECTED);
  g_assert_true (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                          DR_VERDICT_ACCEPTED, "Ann", &recorded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (recorded, ==, DR_VERDICT_ACCEPTED);
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_SCRATCH, NULL), ==, DR_VERDICT_ACCEPTED);

  g_autofree char *edited = first_n (5);
  g_assert_true (dr_revision_append (f->project, PHOTO, DR_DAMAGE_SCRATCH, edited,
                                     DR_REVISION_BRUSH, "Ann", NULL, &error));
  g_assert_true (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                          DR_VERDICT_REJECTED, "Ann", &recorded, &error));
  g_assert_true (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SCRATCH,
                                          DR_VERDICT_ACCEPTED, "Ann", &recorded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (recorded, ==, DR_VERDICT_CORRECTED);
}

/* Discarding drops what was kept; nothing reaches the file. */
static void
test_discard (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) locker = lock_project (f);
  g_assert_false (dr_review_recorder_give (f->recorder, f->project, PHOTO, DR_DAMAGE_SEPARATED,
                                           DR_VERDICT_ADDED, "Ann", NULL, &error));
  g_clear_error (&error);
  dr_project_rollback (locker);
  dr_review_recorder_discard (f->recorder);
  g_assert_cmpuint (dr_review_recorder_get_n_unsaved (f->recorder), ==, 0);
  g_assert_true (dr_review_recorder_flush (f->recorder, &error));
  g_assert_cmpint (stored_verdict (f, DR_DAMAGE_SEPARATED, NULL), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/core/review-recorder/written-at-once", Fixture, NULL, fixture_set_up,
              test_written_at_once, fixture_tear_down);
  g_test_add ("/core/review-recorder/kept-then-flushed", Fixture, NULL, fixture_set_up,
              test_kept_then_flushed, fixture_tear_down);
  g_test_add ("/core/review-recorder/accept-after-reject", Fixture, NULL, fixture_set_up,
              test_accept_after_reject, fixture_tear_down);
  g_test_add ("/core/review-recorder/discard", Fixture, NULL, fixture_set_up, test_discard,
              fixture_tear_down);
  return g_test_run ();
}
