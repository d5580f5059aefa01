/* test-dataset-project.c — export, ground-truth import and evaluation on a project built here
 * with the real schema: which mask and verdict each layer exports, the Python checker on the
 * result, label files matched by stem (and refused on a size mismatch), and IoU/Dice/precision/
 * recall against values worked out by hand. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dr-evaluate.h"
#include "dr-export-private.h"
#include "dr-label-import.h"
#include "dr-project.h"
#include "dr-sqlite.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

#define W 20
#define H 10

typedef struct {
  char *tmp;
  DrProject *project;
} Fixture;

/* COCO string of the rectangle [x0, x1) × [y0, y1) on the W × H photo. */
static char *
rect_rle (int x0, int y0, int x1, int y1)
{
  guint8 m[W * H] = { 0 };
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      m[y * W + x] = 1;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (m, H, W, NULL);
  return dr_rle_to_string (rle);
}

/* Runs SQL on the project's connection, asserting success. */
static void
exec (Fixture *f, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec (dr_sqlite_project_get_db (f->project), sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

/* Writes a photo file and returns the SHA-256 of its bytes. */
static char *
photo (const char *dir, const char *name, int seed)
{
  guint8 bytes[64];
  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) (seed * 31 + i * 7);
  g_autofree char *path = dr_test_write_file (dir, name, bytes, sizeof bytes);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
}

/* The project described at the top of the file; see the comments inline. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->tmp = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (f->tmp, "claims.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  f->project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);

  g_autofree char *pdir = g_build_filename (f->tmp, "p", NULL);
  g_autofree char *s1 = photo (pdir, "0001.jpg", 1);
  g_autofree char *s2 = photo (f->tmp, "rel/0002.jpg", 2);
  g_autofree char *s3 = photo (pdir, "0003.JPG", 3);
  g_autofree char *s5 = photo (pdir, "0005.jpg", 5);
  g_autofree char *full = rect_rle (0, 0, W, H);
  g_autofree char *left = rect_rle (0, 0, 10, H);      /* 100 px */
  g_autofree char *top_right = rect_rle (10, 0, W, 5); /* 50 px */
  g_autofree char *right = rect_rle (10, 0, W, H);     /* 100 px */
  g_autofree char *strip = rect_rle (0, 0, 4, H);      /* 40 px */
  g_autofree char *narrow = rect_rle (0, 0, 5, H);     /* 50 px */
  g_autofree char *empty = rect_rle (0, 0, 0, 0);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO claims (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C');"
    "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added) VALUES"
    "  (1, 1, '%s/0001.jpg', '%s', 64, %d, %d, 0),"
    "  (2, 1, 'rel/0002.jpg', '%s', 64, %d, %d, 0),"
    "  (3, 2, '%s/0003.JPG', '%s', 64, %d, %d, 0),"
    "  (5, 3, '%s/0005.jpg', '%s', 64, %d, %d, 0);"
    "INSERT INTO photos (id, claim_id, path, error, added) VALUES (4, 3, '%s/bad.jpg', 'unreadable', 0);"
    "INSERT INTO models (damage, sha256, path, name, current, added) VALUES"
    "  (0, printf ('%%064d', 1), 'm', 'Scratch v2', 1, 0),"
    "  (0, printf ('%%064d', 0), 'm', 'Scratch v1', 0, 0),"
    "  (2, printf ('%%064d', 2), 'm', 'Crushed', 1, 0),"
    "  (3, printf ('%%064d', 3), 'm', 'Breakage', 1, 0);"
    "INSERT INTO predictions VALUES"
    "  (1, 0, printf ('%%064d', 1), '%s', 100, 0.9, 0),"
    "  (1, 3, printf ('%%064d', 3), '%s', 50, 0.8, 0),"
    "  (2, 2, printf ('%%064d', 2), '%s', 40, 0.7, 0),"
    "  (3, 0, printf ('%%064d', 0), '%s', 200, 0.6, 0),"
    "  (5, 0, printf ('%%064d', 1), '%s', 0, 0.1, 0);"
    /* Photo 1 breakage corrected to the right half; photo 3 scratch edited then undone. */
    "INSERT INTO revisions (id, photo_id, damage, rle, area, author, created, kind) VALUES"
    "  (1, 1, 3, '%s', 100, 'lee', 1, 'brush'),"
    "  (2, 3, 0, '%s', 50, 'lee', 2, 'polygon');"
    "INSERT INTO heads (photo_id, damage, revision_id) VALUES (1, 3, 1), (3, 0, NULL);"
    "INSERT INTO reviews (id, photo_id, damage, verdict, revision_id, model_sha256, author, created) VALUES"
    "  (1, 1, 3, 'corrected', 1, printf ('%%064d', 3), 'lee', 1),"
    "  (2, 2, 2, 'rejected', NULL, printf ('%%064d', 2), 'lee', 2),"
    "  (3, 2, 1, 'none', NULL, NULL, 'lee', 3),"
    "  (4, 1, 0, 'accepted', NULL, printf ('%%064d', 1), 'kim', 4),"
    "  (5, 5, 0, 'none', NULL, NULL, 'park', 5), (6, 5, 1, 'none', NULL, NULL, 'park', 6),"
    "  (7, 5, 2, 'none', NULL, NULL, 'park', 7), (8, 5, 3, 'none', NULL, NULL, 'park', 8);",
    pdir, s1, W, H, s2, W, H, pdir, s3, W, H, pdir, s5, W, H, pdir,
    left, top_right, strip, full, empty, right, narrow);
  exec (f, sql);
}

/* Closes the project and deletes everything. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  dr_test_rmtree (f->tmp);
  g_free (f->tmp);
}

/* Area of layer @d of @item. */
static guint64
area (const DrExportItem *item, DrDamage d)
{
  return dr_export_item_area (item, d);
}

/* The loader picks head revision over prediction, the current model only, empties rejected
 * and confirmed-none layers, takes the newest reviewer, skips unreadable photos and resolves
 * relative paths against the project folder. */
static void
test_load_items (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = dr_export_load_items (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 4);
  const DrExportItem *p1 = items->pdata[0], *p2 = items->pdata[1], *p3 = items->pdata[2],
                     *p5 = items->pdata[3];
  g_assert_cmpint (p1->photo_id, ==, 1);
  g_assert_cmpint (p5->photo_id, ==, 5);
  g_assert_cmpstr (p1->claim, ==, "A");
  g_assert_cmpuint (area (p1, DR_DAMAGE_SCRATCH), ==, 100);
  g_assert_cmpstr (dr_export_item_verdict (p1, DR_DAMAGE_SCRATCH), ==, "accepted");
  g_assert_cmpuint (area (p1, DR_DAMAGE_BREAKAGE), ==, 100); /* the revision, not the 50-px prediction */
  g_assert_cmpstr (dr_export_item_verdict (p1, DR_DAMAGE_BREAKAGE), ==, "corrected");
  g_assert_cmpstr (dr_export_item_verdict (p1, DR_DAMAGE_CRUSHED), ==, "unreviewed");
  g_assert_cmpstr (p1->reviewer, ==, "kim");
  g_assert_cmpstr (p1->model_sha256[DR_DAMAGE_SCRATCH], ==,
                   "0000000000000000000000000000000000000000000000000000000000000001");
  g_assert_null (p1->model_sha256[DR_DAMAGE_SEPARATED]);

  g_autofree char *rel = g_build_filename (f->tmp, "rel", "0002.jpg", NULL);
  g_assert_cmpstr (p2->path, ==, rel);
  g_assert_cmpuint (area (p2, DR_DAMAGE_CRUSHED), ==, 0); /* rejected: prediction dropped */
  g_assert_cmpstr (dr_export_item_verdict (p2, DR_DAMAGE_SEPARATED), ==, "none");
  g_assert_cmpstr (p2->reviewer, ==, "lee");

  g_assert_cmpuint (area (p3, DR_DAMAGE_SCRATCH), ==, 0); /* undone, and only an old model's prediction */
  g_assert_null (p3->reviewer);
  g_assert_true (dr_export_item_is_reviewed (p5));
  g_assert_false (dr_export_item_is_reviewed (p1));
}

/* Runs coco_check.py on @dir and returns its exit status. */
static int
run_checker (const char *dir, guint n_images, guint n_anns)
{
  g_autofree char *ni = g_strdup_printf ("%u", n_images);
  g_autofree char *na = g_strdup_printf ("%u", n_anns);
  const char *argv[] = { PYTHON3, COCO_CHECK, dir, "--expect-images", ni,
                         "--expect-annotations", na, NULL };
  int status = -1;
  g_autofree char *out = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, &status, NULL));
  g_test_message ("coco_check: %s", out);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The whole project exports and passes the independent checker: 4 images, 2 annotations
 * (photo 1's scratch and breakage); reviewed-only keeps photo 5 alone, a true negative. */
static void
test_export_project (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = dr_export_load_items (f->project, &error);
  g_assert_no_error (error);
  g_autofree char *out = g_build_filename (f->tmp, "dataset", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.5, 42, FALSE };
  DrExportSummary sum;
  g_assert_true (dr_export_run (items, out, &opts, NULL, NULL, NULL, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.n_images, ==, 4);
  g_assert_cmpuint (sum.n_annotations, ==, 2);
  g_assert_cmpint (run_checker (out, 4, 2), ==, 0);

  g_autofree char *out2 = g_build_filename (f->tmp, "reviewed", NULL);
  opts.reviewed_only = TRUE;
  g_assert_true (dr_export_run (items, out2, &opts, NULL, NULL, NULL, &sum, &error));
  g_assert_cmpuint (sum.n_images, ==, 1);
  g_assert_cmpuint (sum.n_annotations, ==, 0);
  g_assert_cmpint (run_checker (out2, 1, 0), ==, 0);
}

/* Writes a small AI Hub label file for an image of the given name and size with one
 * rectangle per (class, x0, y0, x1, y1) entry. */
static char *
aihub_file (Fixture *f, const char *file, const char *image, int w, int h, const char *anns)
{
  g_autofree char *json = g_strdup_printf (
    "{\"info\": {\"name\": \"socar\"}, \"images\": {\"id\": 1, \"width\": %d, \"height\": %d,"
    " \"file_name\": \"%s\"}, \"annotations\": [%s], \"categories\": {\"id\": \"sc-1\","
    " \"supercategory_name\": \"CityCar\"}}", w, h, image, anns);
  return dr_test_write_file (f->tmp, file, json, strlen (json));
}

/* Number of ground_truth rows. */
static gint64
count_gt (Fixture *f)
{
  sqlite3_stmt *s;
  sqlite3_prepare_v2 (dr_sqlite_project_get_db (f->project), "SELECT count(*) FROM ground_truth", -1, &s, NULL);
  sqlite3_step (s);
  gint64 n = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return n;
}

/* Imports: stem matching (case and folders ignored), all four layers stored per matched image,
 * re-import replaces, unknown stem warns, a size mismatch rejects the file and stores nothing. */
static void
test_import_and_evaluate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  DrLabelImportSummary sum;
  g_autoptr (DrLabelImport) import = dr_label_import_new (f->project, &error);
  g_assert_no_error (error);
  /* Photo 1: scratch [5, 15) × [0, 10), breakage [10, 20) × [0, 10). */
  g_autofree char *a1 = aihub_file (f, "0001.json", "photos/0001.JPG", W, H,
    "{\"id\": 1, \"damage\": \"Scratched\", \"segmentation\": [[[[5,0],[15,0],[15,10],[5,10],[5,0]]]]},"
    "{\"id\": 2, \"damage\": \"Breakage\", \"segmentation\": [[[[10,0],[20,0],[20,10],[10,10],[10,0]]]]}");
  g_assert_true (dr_label_import_file (import, a1, warnings, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.n_matched, ==, 1);
  g_assert_cmpint (count_gt (f), ==, 4);
  g_assert_true (dr_label_import_file (import, a1, warnings, &sum, &error));
  g_assert_cmpint (count_gt (f), ==, 4);
  /* Photo 5: no damage at all. */
  g_autofree char *a5 = aihub_file (f, "0005.json", "0005.jpg", W, H, "");
  g_assert_true (dr_label_import_file (import, a5, warnings, &sum, &error));
  g_assert_cmpint (count_gt (f), ==, 8);
  /* Photo 3 through COCO: the whole photo is scratched. */
  const char *coco = "{\"images\": [{\"id\": 7, \"width\": 20, \"height\": 10, \"file_name\": \"0003.jpg\"},"
                     " {\"id\": 8, \"width\": 20, \"height\": 10, \"file_name\": \"9999.jpg\"}],"
                     " \"categories\": [{\"id\": 1, \"name\": \"Scratched\"}],"
                     " \"annotations\": [{\"id\": 1, \"image_id\": 7, \"category_id\": 1,"
                     " \"segmentation\": [[0,0,20,0,20,10,0,10]], \"iscrowd\": 0}]}";
  g_autofree char *c3 = dr_test_write_file (f->tmp, "coco.json", coco, strlen (coco));
  g_assert_true (dr_label_import_file (import, c3, warnings, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.n_images, ==, 2);
  g_assert_cmpuint (sum.n_matched, ==, 1);
  g_assert_cmpint (count_gt (f), ==, 12);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], "image 9999.jpg matches 0 photos"));

  /* Photo 2 labelled at the wrong size: the whole file is refused. */
  g_autofree char *a2 = aihub_file (f, "0002.json", "0002.jpg", 40, 30,
    "{\"id\": 1, \"damage\": \"Crushed\", \"segmentation\": [[[[1,1],[9,1],[9,9],[1,1]]]]}");
  g_assert_false (dr_label_import_file (import, a2, warnings, &sum, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, a2));
  g_assert_nonnull (strstr (error->message, "image 0002.jpg is 40 × 30 but the photo rel/0002.jpg is 20 × 10"));
  g_clear_error (&error);
  g_assert_cmpint (count_gt (f), ==, 12);
  g_assert_true (dr_label_import_finish (import, &error));
  g_assert_no_error (error);

  /* Hand-worked metrics:
   * Scratch v2 (aihub): photo 1 predicts [0,10)×[0,10) vs truth [5,15)×[0,10): TP 50, FP 50,
   *   FN 50; photo 5 predicts nothing, truth nothing → IoU 1/3, Dice 1/2, P 1/2, R 1/2, 2 photos.
   * Scratch v1 (coco): photo 3 full vs full: TP 200 → all 1.
   * Breakage (aihub): photo 1 predicts [10,20)×[0,5) vs truth [10,20)×[0,10): TP 50, FN 50
   *   → IoU 1/2, Dice 2/3, P 1, R 1/2.
   * Crushed: its only prediction (photo 2) has no ground truth → no row. */
  g_autoptr (GPtrArray) rows = dr_evaluate_project (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  const DrEvaluation *v1 = rows->pdata[0], *v2 = rows->pdata[1], *br = rows->pdata[2];
  g_assert_cmpstr (v1->model_name, ==, "Scratch v1");
  g_assert_cmpstr (v1->source, ==, "coco");
  g_assert_cmpuint (v1->n_photos, ==, 1);
  g_assert_cmpfloat (dr_evaluation_iou (v1), ==, 1.0);
  g_assert_cmpstr (v2->model_name, ==, "Scratch v2");
  g_assert_cmpuint (v2->n_photos, ==, 2);
  g_assert_cmpuint (v2->tp, ==, 50);
  g_assert_cmpuint (v2->fp, ==, 50);
  g_assert_cmpuint (v2->fn, ==, 50);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_iou (v2), 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_dice (v2), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_precision (v2), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_recall (v2), 0.5, 1e-12);
  g_assert_cmpint (br->damage, ==, DR_DAMAGE_BREAKAGE);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_iou (br), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_dice (br), 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_precision (br), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (dr_evaluation_recall (br), 0.5, 1e-12);
  /* A model that predicts nothing where nothing is: precision undefined, not 0 or 1. */
  DrEvaluation none = { 0 };
  g_assert_true (isnan (dr_evaluation_precision (&none)));
}

/* Files are committed in batches: after DR_LABEL_IMPORT_BATCH stored files nothing is pending
 * (a rejected file in the middle neither counts nor undoes its neighbours), the next file opens
 * a new batch, and finish commits it. */
static void
test_import_batches (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrLabelImport) import = dr_label_import_new (f->project, &error);
  g_assert_no_error (error);
  sqlite3 *db = dr_sqlite_project_get_db (f->project);
  g_autofree char *good = aihub_file (f, "0001.json", "0001.jpg", W, H, "");
  g_autofree char *bad = aihub_file (f, "0005.json", "0005.jpg", W + 1, H, "");
  for (int i = 0; i <= DR_LABEL_IMPORT_BATCH; i++)
    {
      const char *path = i == 7 ? bad : good;
      gboolean ok = dr_label_import_file (import, path, NULL, NULL, &error);
      g_assert_true (ok == (i != 7));
      g_clear_error (&error);
      g_assert_true (!sqlite3_get_autocommit (db) == (i < DR_LABEL_IMPORT_BATCH));
    }
  g_assert_true (sqlite3_get_autocommit (db));
  g_assert_cmpint (count_gt (f), ==, 4);
  g_assert_true (dr_label_import_file (import, bad, NULL, NULL, &error) == FALSE);
  g_clear_error (&error);
  g_assert_true (dr_label_import_file (import, good, NULL, NULL, &error));
  g_assert_false (sqlite3_get_autocommit (db));
  g_assert_true (dr_label_import_finish (import, &error));
  g_assert_true (sqlite3_get_autocommit (db));
}

/* Registers the cases above with GTest and runs them. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/dataset-project/load-items", Fixture, NULL, fixture_set_up,
              test_load_items, fixture_tear_down);
  g_test_add ("/store/dataset-project/export", Fixture, NULL, fixture_set_up,
              test_export_project, fixture_tear_down);
  g_test_add ("/store/dataset-project/import-evaluate", Fixture, NULL, fixture_set_up,
              test_import_and_evaluate, fixture_tear_down);
  g_test_add ("/store/dataset-project/import-batches", Fixture, NULL, fixture_set_up,
              test_import_batches, fixture_tear_down);
  return g_test_run ();
}
