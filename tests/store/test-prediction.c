/* test-prediction.c — storing predictions, current models, staleness, derived photo status. */
#include <string.h>

#include "dr-import.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

typedef struct {
  char *dir;
  DrProject *project;
  gint64 ids[3]; /* 6×4, 8×5, 10×6 photos */
  gint64 broken_id;
} Fixture;

/* A project with three generated photos and one undecodable file. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (f->dir, "p.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  f->project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      gsize length;
      g_autofree guint8 *png = dr_test_png (6 + 2 * i, 4 + i, &length);
      g_autofree char *name = g_strdup_printf ("claim/%d.png", i);
      g_autofree char *file = dr_test_write_file (f->dir, name, png, length);
      g_autoptr (DrImportScan) scan = dr_import_scan_file (file);
      DrImportOutcome outcome;
      g_assert_true (dr_import_store (f->project, scan, "claim", &outcome, &error));
      g_assert_cmpint (outcome, ==, DR_IMPORT_ADDED);
    }
  g_autofree char *bad = dr_test_write_file (f->dir, "claim/bad.jpg", "xx", 2);
  g_autoptr (DrImportScan) scan = dr_import_scan_file (bad);
  DrImportOutcome outcome;
  g_assert_true (dr_import_store (f->project, scan, "claim", &outcome, &error));
  g_assert_cmpint (outcome, ==, DR_IMPORT_FAILED);

  g_autoptr (GPtrArray) photos = dr_photo_list (f->project, &error);
  g_assert_cmpuint (photos->len, ==, 4);
  /* Listing order is by path: 0.png, 1.png, 2.png, bad.jpg. */
  for (int i = 0; i < 3; i++)
    f->ids[i] = ((DrPhotoInfo *) photos->pdata[i])->id;
  f->broken_id = ((DrPhotoInfo *) photos->pdata[3])->id;
}

/* Closes the project and removes the temp folder. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  dr_test_rmtree (f->dir);
  g_free (f->dir);
}

/* The RLE string of a mask with the first n pixels (row-major) set. */
static char *
mask_string (guint width, guint height, guint n)
{
  g_autofree guint8 *mask = g_malloc0 ((gsize) width * height);
  memset (mask, 1, n);
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, height, width, NULL);
  return dr_rle_to_string (rle);
}

/* Asserts that needs_analysis returns exactly the expected ids. */
static void
assert_needs (Fixture *f, DrDamage damage, const char *sha, const gint64 *expected, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = dr_prediction_needs_analysis (f->project, damage, sha, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), expected, n * sizeof (gint64));
}

/* A stored prediction is read back with an area computed from its mask; photos lacking one are
 * queued; a changed model makes everything stale without losing the old rows; switching back
 * makes the old results current again. */
static void
test_store_and_staleness (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_SCRATCH, SHA_A,
                                                  "/m/[DAMAGE][Scratch_0]Unet.pt", "Scratch",
                                                  &error));
  g_assert_no_error (error);
  assert_needs (f, DR_DAMAGE_SCRATCH, SHA_A, f->ids, 3); /* the broken photo is never queued */

  /* Photo 0 is 6×4. A mask with 5 pixels set. */
  g_autofree char *rle = mask_string (6, 4, 5);
  g_assert_true (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_SCRATCH, SHA_A, rle, 0.8,
                                      &error));
  g_assert_no_error (error);
  assert_needs (f, DR_DAMAGE_SCRATCH, SHA_A, f->ids + 1, 2);

  g_autoptr (DrPrediction) p = dr_prediction_get_current (f->project, f->ids[0],
                                                          DR_DAMAGE_SCRATCH, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->rle, ==, rle);
  g_assert_cmpint (p->area, ==, 5);
  g_assert_cmpfloat_with_epsilon (p->confidence, 0.8, 1e-12);
  g_assert_cmpstr (p->model_sha256, ==, SHA_A);

  g_autoptr (DrPhotoInfo) info = dr_photo_get (f->project, f->ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DR_PHOTO_STATUS_ANALYSED); /* only Scratch has a model */
  g_assert_cmpuint (info->predicted, ==, 1u << DR_DAMAGE_SCRATCH);
  g_assert_cmpint (info->area[DR_DAMAGE_SCRATCH], ==, 5);
  g_assert_cmpint (info->area[DR_DAMAGE_CRUSHED], ==, -1);
  g_autoptr (DrPhotoInfo) other = dr_photo_get (f->project, f->ids[1], &error);
  g_assert_cmpint (other->status, ==, DR_PHOTO_STATUS_NOT_ANALYSED);

  /* A new model file for Scratch: every photo is stale, the old row stays. */
  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_SCRATCH, SHA_B,
                                                  "/m/new.pt", "Scratch", &error));
  assert_needs (f, DR_DAMAGE_SCRATCH, SHA_B, f->ids, 3);
  g_autoptr (DrPrediction) stale = dr_prediction_get_current (f->project, f->ids[0],
                                                              DR_DAMAGE_SCRATCH, &error);
  g_assert_no_error (error);
  g_assert_null (stale);
  g_autoptr (DrPhotoInfo) restaled = dr_photo_get (f->project, f->ids[0], &error);
  g_assert_cmpint (restaled->status, ==, DR_PHOTO_STATUS_NOT_ANALYSED);
  g_autofree char *current = dr_prediction_dup_current_model (f->project, DR_DAMAGE_SCRATCH,
                                                              &error);
  g_assert_cmpstr (current, ==, SHA_B);

  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_SCRATCH, SHA_A,
                                                  "/m/old.pt", "Scratch", &error));
  g_autoptr (DrPrediction) back = dr_prediction_get_current (f->project, f->ids[0],
                                                             DR_DAMAGE_SCRATCH, &error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->rle, ==, rle);
  g_autofree char *none = dr_prediction_dup_current_model (f->project, DR_DAMAGE_BREAKAGE,
                                                           &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

/* Predictions that do not fit are refused: wrong mask size, malformed RLE, unknown model,
 * unreadable photo, confidence above 1, a bad digest. Nothing is stored. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_prediction_set_current_model (f->project, DR_DAMAGE_CRUSHED, SHA_A, "/m/c",
                                                  "Crushed", &error));
  g_autofree char *same_count = mask_string (4, 6, 3); /* 24 pixels, like 6×4 */
  g_autofree char *too_small = mask_string (5, 4, 3);  /* 20 pixels for a 6×4 photo */

  g_assert_false (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_CRUSHED, SHA_A,
                                       too_small, 0.5, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_CRUSHED, SHA_A,
                                       "not rle!", 0.5, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_CRUSHED, SHA_B,
                                       same_count, 0.5, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE); /* FOREIGN KEY */
  g_clear_error (&error);
  g_assert_false (dr_prediction_store (f->project, f->broken_id, DR_DAMAGE_CRUSHED, SHA_A,
                                       same_count, 0.5, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_CRUSHED, SHA_A,
                                       same_count, 1.5, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (dr_prediction_set_current_model (f->project, DR_DAMAGE_CRUSHED, "ABC", "/m",
                                                   "x", &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_autoptr (DrPrediction) p = dr_prediction_get_current (f->project, f->ids[0],
                                                          DR_DAMAGE_CRUSHED, &error);
  g_assert_no_error (error);
  g_assert_null (p);
  /* RLE counts carry no shape beyond their sum, so any 24-pixel mask is a valid 6×4 mask;
   * a negative confidence means "not recorded". */
  g_assert_true (dr_prediction_store (f->project, f->ids[0], DR_DAMAGE_CRUSHED, SHA_A,
                                      same_count, -1, &error));
  g_assert_no_error (error);
}

/* Status: analysed needs every current model; four verdicts make it reviewed; errors win. */
static void
test_status (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_assert_true (dr_prediction_set_current_model (f->project, d, SHA_A, "/m", "m", &error));
  g_autofree char *rle = mask_string (8, 5, 0);
  for (int d = 0; d < DR_N_DAMAGE - 1; d++)
    g_assert_true (dr_prediction_store (f->project, f->ids[1], d, SHA_A, rle, 0.1, &error));
  g_autoptr (DrPhotoInfo) three = dr_photo_get (f->project, f->ids[1], &error);
  g_assert_cmpint (three->status, ==, DR_PHOTO_STATUS_NOT_ANALYSED);
  g_assert_cmpint (three->area[0], ==, 0);
  g_assert_true (dr_prediction_store (f->project, f->ids[1], 3, SHA_A, rle, 0.1, &error));
  g_autoptr (DrPhotoInfo) four = dr_photo_get (f->project, f->ids[1], &error);
  g_assert_cmpint (four->status, ==, DR_PHOTO_STATUS_ANALYSED);
  g_assert_cmpuint (four->predicted, ==, 0xf);

  sqlite3 *db = dr_sqlite_project_get_db (f->project);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO reviews (photo_id, damage, verdict, author, created)"
        " VALUES (%" G_GINT64_FORMAT ", %d, '%s', 'kim', 1)", f->ids[1], d,
        d == 2 ? "none" : "accepted");
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_autoptr (DrPhotoInfo) reviewed = dr_photo_get (f->project, f->ids[1], &error);
  g_assert_cmpint (reviewed->status, ==, DR_PHOTO_STATUS_REVIEWED);
  /* A later "unreviewed" verdict on one layer withdraws the photo's reviewed state. */
  g_autofree char *undo = g_strdup_printf (
    "INSERT INTO reviews (photo_id, damage, verdict, author, created)"
    " VALUES (%" G_GINT64_FORMAT ", 0, 'unreviewed', 'kim', 2)", f->ids[1]);
  g_assert_cmpint (sqlite3_exec (db, undo, NULL, NULL, NULL), ==, SQLITE_OK);
  g_autoptr (DrPhotoInfo) withdrawn = dr_photo_get (f->project, f->ids[1], &error);
  g_assert_cmpint (withdrawn->status, ==, DR_PHOTO_STATUS_ANALYSED);
  g_assert_cmpuint (withdrawn->reviewed, ==, 0xe);

  g_autoptr (DrPhotoInfo) broken = dr_photo_get (f->project, f->broken_id, &error);
  g_assert_cmpint (broken->status, ==, DR_PHOTO_STATUS_ERROR);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/prediction/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("store-and-staleness", test_store_and_staleness);
  ADD ("refused", test_refused);
  ADD ("status", test_status);
  return g_test_run ();
}
