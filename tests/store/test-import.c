/* test-import.c — AI Hub and COCO label files → ground-truth masks, on hand-made files under
 * tests/store/data that mirror the real structure, and each bad file with its message. */
#include <string.h>

#include "dr-ground-truth.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

/* Path of a test data file. */
static char *
data_path (const char *sub, const char *name)
{
  return g_build_filename (TEST_DATA_DIR, sub, name, NULL);
}

/* Decodes a layer (zeros when NULL). */
static guint8 *
decode (const DrGroundTruth *gt, DrDamage d)
{
  guint8 *m = g_malloc0 ((gsize) gt->width * gt->height);
  if (gt->mask[d] != NULL)
    dr_rle_to_mask (gt->mask[d], m);
  return m;
}

/* The classic even-odd point-in-polygon test (PNPOLY). */
static gboolean
pnpoly (const double *xy, gsize n, double tx, double ty)
{
  gboolean c = FALSE;
  for (gsize i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
      if (((yi > ty) != (yj > ty)) && (tx < (xj - xi) * (ty - yi) / (yj - yi) + xi))
        c = !c;
    }
  return c;
}

/* Expected layer given as a predicate over pixel (x, y). */
typedef gboolean (*PixelRule) (int x, int y);

/* Asserts layer @d of @gt equals @rule at every pixel and has @area pixels. */
static void
assert_layer (const DrGroundTruth *gt, DrDamage d, PixelRule rule, guint64 area)
{
  g_autofree guint8 *m = decode (gt, d);
  guint64 n = 0;
  for (guint y = 0; y < gt->height; y++)
    for (guint x = 0; x < gt->width; x++)
      {
        gboolean want = rule != NULL && rule ((int) x, (int) y);
        if ((m[y * gt->width + x] != 0) != want)
          g_error ("%s layer %d: pixel (%u, %u) is %d", gt->file_name, d, x, y,
                   m[y * gt->width + x]);
        n += want;
      }
  g_assert_cmpuint (n, ==, area);
}

/* 0001_object.json: the rectangle [2, 12) × [3, 9). */
static gboolean
rule_scratch_0001 (int x, int y)
{
  return x >= 2 && x < 12 && y >= 3 && y < 9;
}

/* 0001_object.json: the rectangle [8, 20) × [5, 15), overlapping the scratch. */
static gboolean
rule_breakage_0001 (int x, int y)
{
  return x >= 8 && x < 20 && y >= 5 && y < 15;
}

/* 0001_object.json: the fractional triangle (PNPOLY) plus the "Dented" rectangle [0, 4) × [20, 30). */
static gboolean
rule_crushed_0001 (int x, int y)
{
  const double tri[] = { 25.5, 2.25, 38.75, 11.5, 27.0, 27.5 };
  return pnpoly (tri, 3, x + 0.5, y + 0.5) || (x < 4 && y >= 20);
}

/* images as one object, four classes, overlapping layers, "Dented" counted as Crushed, the
 * realistic extra fields (repair list, part and level null, vehicle-id category) ignored. */
static void
test_aihub_object (void)
{
  g_autofree char *path = data_path ("aihub", "0001_object.json");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) gts = dr_test_load_labels (path, FALSE, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gts->len, ==, 1);
  g_assert_cmpuint (warnings->len, ==, 0);
  const DrGroundTruth *gt = gts->pdata[0];
  g_assert_cmpstr (gt->file_name, ==, "0001_object.jpg");
  g_assert_cmpint (gt->label_id, ==, 8123);
  g_assert_cmpuint (gt->width, ==, 40);
  g_assert_cmpuint (gt->height, ==, 30);
  assert_layer (gt, DR_DAMAGE_SCRATCH, rule_scratch_0001, 60);
  assert_layer (gt, DR_DAMAGE_SEPARATED, NULL, 0);
  assert_layer (gt, DR_DAMAGE_BREAKAGE, rule_breakage_0001, 120);
  g_assert_cmpuint (gt->n_regions[DR_DAMAGE_CRUSHED], ==, 2);
  guint64 tri = 0;
  for (int y = 0; y < 30; y++)
    for (int x = 0; x < 40; x++)
      tri += rule_crushed_0001 (x, y);
  assert_layer (gt, DR_DAMAGE_CRUSHED, rule_crushed_0001, tri);
  g_assert_cmpuint (tri, >, 40 + 100);
}

/* 0002_list.json image 2: outline [1, 15) × [1, 11) with the hole [5, 9) × [4, 8). */
static gboolean
rule_separated_0002 (int x, int y)
{
  return x >= 1 && x < 15 && y >= 1 && y < 11 && !(x >= 5 && x < 9 && y >= 4 && y < 8);
}

/* 0002_list.json image 2: two separate 2 × 2 squares in opposite corners. */
static gboolean
rule_scratch_0002 (int x, int y)
{
  return (x < 2 && y < 2) || (x >= 14 && y >= 10);
}

/* images as a list with image_id routing, a ring with a hole, a two-polygon annotation, an
 * unknown class and an empty segmentation (warnings, not errors). */
static void
test_aihub_list (void)
{
  g_autofree char *path = data_path ("aihub", "0002_list.json");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) gts = dr_test_load_labels (path, FALSE, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gts->len, ==, 2);
  const DrGroundTruth *front = gts->pdata[0], *side = gts->pdata[1];
  g_assert_cmpstr (front->file_name, ==, "photos/0002_front.JPG");
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_assert_null (front->mask[d]);
  assert_layer (side, DR_DAMAGE_SEPARATED, rule_separated_0002, 140 - 16);
  assert_layer (side, DR_DAMAGE_SCRATCH, rule_scratch_0002, 8);
  g_assert_cmpuint (side->n_regions[DR_DAMAGE_SCRATCH], ==, 2);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_nonnull (strstr (warnings->pdata[0], "annotation 12: unknown damage class “Rust”"));
  g_assert_nonnull (strstr (warnings->pdata[1], "annotation 13: no polygon"));
  g_assert_nonnull (strstr (warnings->pdata[0], path));

  g_autofree char *stem = dr_ground_truth_stem (front->file_name);
  g_assert_cmpstr (stem, ==, "0002_front");
  g_autofree char *stem2 = dr_ground_truth_stem ("C:\\labels\\IMG.Final.JSON");
  g_assert_cmpstr (stem2, ==, "img.final");
}

/* Each broken AI Hub file is rejected with one line naming the file and the reason. */
static void
test_aihub_bad (void)
{
  const struct {
    const char *file;
    const char *message;
  } cases[] = {
    { "not_json.json", "not JSON" },
    { "top_list.json", "top level is not an object" },
    { "no_images.json", "no images object or list" },
    { "two_points.json", "annotation 5: polygon with fewer than 3 points" },
    { "far_out.json", "annotation 6: point (5000, 9) is far outside the 40 × 30 image" },
    { "bad_nesting.json", "annotation 7: segmentation is not polygons → rings → [x, y] points" },
    { "unknown_image.json", "annotation 8: image_id 99 is not in images" },
    { "bad_size.json", "impossible size" },
    { "not_numbers.json", "annotation 9: polygon point 0 is not a pair of numbers" },
    { "wrong_types.json", "an image lacks file_name, width or height" },
    { "deep.json", "nested deeper than 32 levels" },
    { "missing.json", "No such file" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = data_path ("aihub/bad", cases[i].file);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) gts = dr_test_load_labels (path, FALSE, NULL, &error);
      g_assert_null (gts);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      if (strstr (error->message, cases[i].message) == NULL || !g_str_has_prefix (error->message, path)
          || strchr (error->message, '\n') != NULL)
        g_error ("%s: got “%s”, want “%s”", cases[i].file, error->message, cases[i].message);
    }
}

/* instances.json image 1: "325O2" decodes to (1,0), (1,1), (3,1); [0, 2, 16] to (0,0), (0,1). */
static gboolean
rule_crushed_tiny (int x, int y)
{
  return (x <= 1 && y <= 1) || (x == 3 && y == 1);
}

/* instances.json image 2: rectangle [2, 8) × [2, 6) and the triangle (10,1) (12,1) (12,3), whose
 * hypotenuse x = y + 9 leaves centres (10.5, 1.5), (11.5, 1.5), (11.5, 2.5) inside. */
static gboolean
rule_scratch_poly (int x, int y)
{
  return (x >= 2 && x < 8 && y >= 2 && y < 6) || (y == 1 && (x == 10 || x == 11))
         || (x == 11 && y == 2);
}

/* Compressed and uncompressed RLE (iscrowd ignored), polygons, and a foreign category warned
 * about and skipped. */
static void
test_coco (void)
{
  g_autofree char *path = data_path ("coco", "instances.json");
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) gts = dr_test_load_labels (path, TRUE, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gts->len, ==, 2);
  assert_layer (gts->pdata[0], DR_DAMAGE_CRUSHED, rule_crushed_tiny, 5);
  assert_layer (gts->pdata[0], DR_DAMAGE_SCRATCH, NULL, 0);
  assert_layer (gts->pdata[1], DR_DAMAGE_SCRATCH, rule_scratch_poly, 27);
  assert_layer (gts->pdata[1], DR_DAMAGE_CRUSHED, NULL, 0);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], "“licence plate” is not a damage type"));
}

/* Each broken COCO file is rejected with its own one-line message. */
static void
test_coco_bad (void)
{
  const struct {
    const char *file;
    const char *message;
  } cases[] = {
    { "rle_sum.json", "annotation 21: " },
    { "rle_size.json", "annotation 22: RLE size [6, 3] is not the image's [3, 6]" },
    { "rle_negative.json", "annotation 23: RLE count 1 is not a non-negative integer" },
    { "two_point_polygon.json", "annotation 24: polygon with fewer than 3 points" },
    { "no_categories.json", "must be lists: not a COCO file" },
    { "unknown_category.json", "annotation 25: category_id 7 is not in categories" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = data_path ("coco/bad", cases[i].file);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) gts = dr_test_load_labels (path, TRUE, NULL, &error);
      g_assert_null (gts);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      if (strstr (error->message, cases[i].message) == NULL || !g_str_has_prefix (error->message, path)
          || strchr (error->message, '\n') != NULL)
        g_error ("%s: got “%s”, want “%s”", cases[i].file, error->message, cases[i].message);
    }
}

/* Registers the cases above with GTest and runs them. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/import/aihub-object", test_aihub_object);
  g_test_add_func ("/store/import/aihub-list", test_aihub_list);
  g_test_add_func ("/store/import/aihub-bad", test_aihub_bad);
  g_test_add_func ("/store/import/coco", test_coco);
  g_test_add_func ("/store/import/coco-bad", test_coco_bad);
  return g_test_run ();
}
