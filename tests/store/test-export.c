/* test-export.c — COCO/PNG export from in-memory items: round trip through an independent
 * Python decoder (coco_check.py), split by claim, reviewed-only, notes, tamper detection,
 * atomicity, cancellation inside the COCO loops, and 8-connected components against a naive
 * BFS. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dr-export-private.h"
#include "dr-export-split.h"
#include "dr-image.h"
#include "dr-mask-components.h"
#include "dr-mask-edit.h"
#include "dr-store-error.h"

typedef struct {
  char *tmp;          /* scratch directory for photos and exports */
  GPtrArray *items;   /* DrExportItem */
} Fixture;

/* Writes a fake photo (random bytes: the exporter copies and hashes, never decodes) and returns
 * its SHA-256. */
static char *
write_photo (const char *path, GRand *rand)
{
  guint8 bytes[300];
  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, sizeof bytes, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
}

/* Draws a recognisable layer for photo @k, damage @d: one or two discs, a diagonal pair of
 * pixels touching at a corner (one 8-connected component), and occasionally a full or empty
 * layer. */
static DrRle *
draw_layer (int k, int d, guint w, guint h)
{
  g_autofree guint8 *px = g_malloc0 ((gsize) w * h);
  DrMask m = { px, (int) w, (int) h };
  switch ((k + d) % 5)
    {
    case 0:
      return NULL; /* empty */
    case 1:
      dr_mask_stamp_segment (&m, 5 + d, 6, 5 + d, 6, 3.5, TRUE);
      dr_mask_stamp_segment (&m, w - 6.0, h - 5.0, w - 6.0, h - 5.0, 2.5, TRUE);
      break;
    case 2:
      px[2 * w + 3] = 1;
      px[3 * w + 4] = 1; /* touches the first at a corner only */
      px[0] = 1;
      break;
    case 3:
      {
        const double tri[] = { 1, 1, w - 2.0, 3, 7, h - 1.0 };
        dr_mask_fill_polygon (&m, tri, 3, TRUE);
      }
      break;
    default:
      memset (px, 1, (gsize) w * h);
      break;
    }
  return dr_rle_new_from_mask (px, h, w, NULL);
}

/* Eleven photos in six claims (one photo without a claim), two sizes including odd ones, two
 * photos sharing a file name in different folders, five fully reviewed; every third photo has a
 * note with a comma, quotes and a line break, photo 4 an empty one. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->tmp = g_dir_make_tmp ("dr-export-XXXXXX", NULL);
  g_assert_nonnull (f->tmp);
  f->items = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_export_item_free);
  GRand *rand = g_rand_new_with_seed (11);
  for (int k = 0; k < 11; k++)
    {
      g_autofree char *sub = g_build_filename (f->tmp, k == 7 ? "other" : "photos", NULL);
      g_mkdir_with_parents (sub, 0755);
      g_autofree char *name = g_strdup_printf ("IMG_%04d.jpg", k == 7 ? 1 : k);
      DrExportItem *item = dr_export_item_new ();
      item->photo_id = 100 + k;
      item->path = g_build_filename (sub, name, NULL);
      item->sha256 = write_photo (item->path, rand);
      item->claim = k == 10 ? NULL : g_strdup_printf ("claim-%d", k % 6);
      item->width = k % 2 ? 33 : 40;
      item->height = k % 2 ? 17 : 30;
      item->reviewer = k < 5 ? g_strdup ("kim") : NULL;
      if (k % 3 == 0)
        item->note = g_strdup_printf ("Note %d, \"rear\" bumper\nsecond line", k);
      else if (k == 4)
        item->note = g_strdup ("");
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          item->mask[d] = draw_layer (k, d, item->width, item->height);
          if (k < 5)
            item->verdict[d] = g_strdup (item->mask[d] == NULL ? "none" : "corrected");
          else if (d == 0)
            item->verdict[d] = g_strdup ("accepted");
          item->model_sha256[d] = g_strdup_printf ("%064x", d + 1);
        }
      g_ptr_array_add (f->items, item);
    }
  g_rand_free (rand);
}

/* Removes the scratch directory tree. */
static void
remove_all (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        remove_all (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

/* Frees the items and deletes the scratch directory. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_ptr_array_unref (f->items);
  remove_all (f->tmp);
  g_free (f->tmp);
}

/* Naive 8-connected component count with a BFS, the reference for dr_mask_label_components. */
static guint
naive_components8 (const guint8 *m, guint w, guint h)
{
  g_autofree guint8 *seen = g_malloc0 ((gsize) w * h);
  g_autofree gsize *queue = g_new (gsize, (gsize) w * h);
  guint n = 0;
  for (gsize s = 0; s < (gsize) w * h; s++)
    {
      if (!m[s] || seen[s])
        continue;
      n++;
      gsize head = 0, tail = 0;
      queue[tail++] = s;
      seen[s] = 1;
      while (head < tail)
        {
          gsize i = queue[head++];
          int x = (int) (i % w), y = (int) (i / w);
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = x + dx, ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= (int) w || ny >= (int) h)
                  continue;
                gsize j = (gsize) ny * w + nx;
                if (m[j] && !seen[j])
                  seen[j] = 1, queue[tail++] = j;
              }
        }
    }
  return n;
}

/* Total number of annotations the export should contain, counted with the naive BFS. */
static guint
expected_annotations (GPtrArray *items, gboolean reviewed_only)
{
  guint n = 0;
  for (guint i = 0; i < items->len; i++)
    {
      const DrExportItem *item = items->pdata[i];
      if (reviewed_only && !dr_export_item_is_reviewed (item))
        continue;
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          g_autofree guint8 *m = dr_export_item_decode (item, d);
          n += naive_components8 (m, item->width, item->height);
        }
    }
  return n;
}

/* Runs coco_check.py on @dir; returns its exit status and stores its output. */
static int
run_checker (const char *dir, guint n_images, guint n_anns, char **output)
{
  g_autofree char *ni = g_strdup_printf ("%u", n_images);
  g_autofree char *na = g_strdup_printf ("%u", n_anns);
  const char *argv[] = { PYTHON3, COCO_CHECK, dir, "--expect-images", ni,
                         "--expect-annotations", na, NULL };
  int status = -1;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, output,
                               NULL, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Random masks: labels match the naive component count, and the per-component RLEs are disjoint,
 * single-component and union to the mask. */
static void
test_components (void)
{
  GRand *rand = g_rand_new_with_seed (5);
  for (int it = 0; it < 60; it++)
    {
      guint w = g_rand_int_range (rand, 1, 40), h = g_rand_int_range (rand, 1, 30);
      g_autofree guint8 *m = g_malloc ((gsize) w * h);
      int density = g_rand_int_range (rand, 0, 101);
      for (gsize i = 0; i < (gsize) w * h; i++)
        m[i] = g_rand_int_range (rand, 0, 100) < density;
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) parts = dr_mask_split_components (m, w, h, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (parts->len, ==, naive_components8 (m, w, h));
      g_autofree guint8 *uni = g_malloc0 ((gsize) w * h);
      g_autofree guint8 *one = g_malloc ((gsize) w * h);
      for (guint k = 0; k < parts->len; k++)
        {
          dr_rle_to_mask (parts->pdata[k], one);
          g_assert_cmpuint (naive_components8 (one, w, h), ==, 1);
          for (gsize i = 0; i < (gsize) w * h; i++)
            {
              g_assert_false (one[i] && uni[i]);
              uni[i] |= one[i];
            }
        }
      for (gsize i = 0; i < (gsize) w * h; i++)
        g_assert_cmpint (uni[i], ==, m[i]);
    }
  g_rand_free (rand);
}

/* Claim split: exact val count, both sides non-empty, reproducible for a seed, independent of
 * the order and duplication of the input. */
static void
test_split (void)
{
  const char *claims[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "a", "c" };
  const char *shuffled[] = { "j", "c", "i", "a", "h", "b", "g", "d", "f", "e" };
  g_autoptr (GHashTable) s1 = dr_export_split_claims (claims, 12, 0.3, 99);
  g_autoptr (GHashTable) s2 = dr_export_split_claims (shuffled, 10, 0.3, 99);
  g_assert_cmpuint (g_hash_table_size (s1), ==, 10);
  guint n_val = 0;
  for (int i = 0; i < 10; i++)
    {
      const char *a = g_hash_table_lookup (s1, shuffled[i]);
      g_assert_cmpstr (a, ==, g_hash_table_lookup (s2, shuffled[i]));
      n_val += strcmp (a, "val") == 0;
    }
  g_assert_cmpuint (n_val, ==, 3);
  /* Over several seeds the chosen claims change (the seed matters). */
  gboolean differs = FALSE;
  for (guint64 seed = 0; seed < 8 && !differs; seed++)
    {
      g_autoptr (GHashTable) s3 = dr_export_split_claims (claims, 12, 0.3, seed);
      for (int i = 0; i < 10; i++)
        differs |= g_strcmp0 (g_hash_table_lookup (s3, shuffled[i]),
                              g_hash_table_lookup (s1, shuffled[i])) != 0;
    }
  g_assert_true (differs);
  /* Tiny fractions still give one val claim; fraction 0 none; two claims at 0.99 keep a train. */
  g_autoptr (GHashTable) s4 = dr_export_split_claims (claims, 12, 0.01, 1);
  g_autoptr (GHashTable) s5 = dr_export_split_claims (claims, 12, 0.0, 1);
  g_autoptr (GHashTable) s6 = dr_export_split_claims (claims, 2, 0.99, 1);
  guint v4 = 0, v5 = 0, v6 = 0;
  for (int i = 0; i < 10; i++)
    {
      v4 += strcmp (g_hash_table_lookup (s4, shuffled[i]), "val") == 0;
      v5 += strcmp (g_hash_table_lookup (s5, shuffled[i]), "val") == 0;
    }
  v6 += strcmp (g_hash_table_lookup (s6, "a"), "val") == 0;
  v6 += strcmp (g_hash_table_lookup (s6, "b"), "val") == 0;
  g_assert_cmpuint (v4, ==, 1);
  g_assert_cmpuint (v5, ==, 0);
  g_assert_cmpuint (v6, ==, 1);
}

/* Reads a file into a string (asserting success). */
static char *
slurp (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The full export: both formats, split, then the Python checker agrees image by image and pixel
 * by pixel; the same seed gives the same manifest; the staging directory is gone. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.34, 7, FALSE };
  DrExportSummary sum;
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.n_images, ==, 11);
  g_assert_cmpuint (sum.n_train + sum.n_val, ==, 11);
  g_assert_cmpuint (sum.n_val, >, 0);
  g_assert_cmpuint (sum.n_annotations, ==, expected_annotations (f->items, FALSE));
  g_assert_cmpuint (sum.n_claims, ==, 7); /* six claims and the photo without one */

  g_autofree char *output = NULL;
  int rc = run_checker (out, 11, sum.n_annotations, &output);
  g_test_message ("coco_check: %s", output);
  g_assert_cmpint (rc, ==, 0);

  /* Same-named photos got distinct names; the photo bytes were carried over. */
  g_autofree char *a = g_build_filename (out, "images", "IMG_0001.jpg", NULL);
  g_autofree char *b = g_build_filename (out, "images", "IMG_0001-107.jpg", NULL);
  g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (b, G_FILE_TEST_IS_REGULAR));

  g_autofree char *out2 = g_build_filename (f->tmp, "out2", NULL);
  g_assert_true (dr_export_run (f->items, out2, &opts, NULL, NULL, NULL, NULL, &error));
  g_autofree char *m1 = g_build_filename (out, "manifest.csv", NULL);
  g_autofree char *m2 = g_build_filename (out2, "manifest.csv", NULL);
  g_autofree char *t1 = slurp (m1), *t2 = slurp (m2);
  g_assert_cmpstr (t1, ==, t2);

  g_autoptr (GDir) dir = g_dir_open (f->tmp, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_null (strstr (name, ".partial-"));
}

/* --reviewed-only keeps exactly the five reviewed photos, in COCO and in the manifest; missing
 * parent folders of the output are created. */
static void
test_reviewed_only (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "new", "nested", "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.0, 1, TRUE };
  DrExportSummary sum;
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.n_images, ==, 5);
  g_assert_cmpuint (sum.n_skipped, ==, 6);
  g_assert_cmpuint (sum.n_val, ==, 0);
  g_assert_cmpuint (sum.n_claims, ==, 5);
  g_autofree char *output = NULL;
  g_assert_cmpint (run_checker (out, 5, expected_annotations (f->items, TRUE), &output), ==, 0);
  g_autofree char *val = g_build_filename (out, "annotations", "instances_val.json", NULL);
  g_assert_false (g_file_test (val, G_FILE_TEST_EXISTS));
  g_autofree char *mpath = g_build_filename (out, "manifest.csv", NULL);
  g_autofree char *manifest = slurp (mpath);
  g_assert_nonnull (strstr (manifest, "IMG_0004.jpg"));
  g_assert_null (strstr (manifest, "IMG_0005.jpg"));
}

/* One flipped pixel in one exported PNG is caught by the verifier, naming the file, and by the
 * Python checker; so is an edited RLE string in the COCO file. */
static void
test_tamper (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.0, 3, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_true (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_no_error (error);

  const DrExportItem *item = f->items->pdata[2];
  g_autofree guint8 *m = dr_export_item_decode (item, DR_DAMAGE_CRUSHED);
  for (gsize i = 0; i < (gsize) item->width * item->height; i++)
    m[i] = m[i] ? 255 : 0;
  m[5 * item->width + 9] ^= 255;
  g_autofree char *png = g_build_filename (out, "masks", "IMG_0002_crushed.png", NULL);
  g_assert_true (dr_image_save_grey_png (png, m, (int) item->width, (int) item->height,
                                         item->width, NULL));
  g_assert_false (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, png));
  g_assert_nonnull (strstr (error->message, "pixel (9, 5)"));
  g_clear_error (&error);
  g_autofree char *output = NULL;
  g_assert_cmpint (run_checker (out, 11, expected_annotations (f->items, FALSE), &output), ==, 1);
  g_assert_nonnull (strstr (output, "IMG_0002_crushed.png: differs"));

  /* Put the PNG back, then break the first RLE string of the COCO file. */
  for (gsize i = 0; i < (gsize) item->width * item->height; i++)
    m[i] = 0;
  g_autofree guint8 *orig = dr_export_item_decode (item, DR_DAMAGE_CRUSHED);
  for (gsize i = 0; i < (gsize) item->width * item->height; i++)
    m[i] = orig[i] ? 255 : 0;
  g_assert_true (dr_image_save_grey_png (png, m, (int) item->width, (int) item->height,
                                         item->width, NULL));
  g_assert_true (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_autofree char *coco = g_build_filename (out, "annotations", "instances_train.json", NULL);
  g_autofree char *text = slurp (coco);
  char *counts = strstr (text, "\"counts\"");
  g_assert_nonnull (counts);
  char *q = strchr (counts + 9, '"');
  g_assert_nonnull (q);
  char original = q[1];
  q[1] = q[1] == '1' ? '2' : '1';
  g_assert_true (g_file_set_contents (coco, text, -1, NULL));
  g_assert_false (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, coco));
  g_clear_error (&error);

  /* A manifest row whose verdict was edited is caught too (after restoring the COCO file). */
  q[1] = original;
  g_assert_true (g_file_set_contents (coco, text, -1, NULL));
  g_assert_true (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_autofree char *csv = g_build_filename (out, "manifest.csv", NULL);
  g_autofree char *rows = slurp (csv);
  char *verdict = strstr (rows, ",corrected,");
  g_assert_nonnull (verdict);
  memcpy (verdict + 1, "confirmed", 9); /* same length, not what the project says */
  g_assert_true (g_file_set_contents (csv, rows, -1, NULL));
  g_assert_false (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, csv));
}

/* A failure after writing has started (missing photo), a cancelled export, and an existing
 * non-empty output directory all leave no dataset and no staging directory behind. */
static void
test_atomic (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.2, 3, FALSE };
  g_autoptr (GError) error = NULL;

  DrExportItem *last = f->items->pdata[f->items->len - 1];
  g_autofree char *moved = g_strconcat (last->path, ".gone", NULL);
  g_assert_cmpint (g_rename (last->path, moved), ==, 0);
  g_assert_false (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, last->path));
  g_clear_error (&error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rename (moved, last->path), ==, 0);

  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_cancellable_cancel (cancel);
  g_assert_false (dr_export_run (f->items, out, &opts, NULL, NULL, cancel, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_autoptr (GDir) dir = g_dir_open (f->tmp, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_null (strstr (name, ".partial-"));

  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  g_autofree char *junk = g_build_filename (out, "keep.txt", NULL);
  g_assert_true (g_file_set_contents (junk, "mine", -1, NULL));
  g_assert_false (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "not empty"));
  g_clear_error (&error);
  g_autofree char *kept = slurp (junk);
  g_assert_cmpstr (kept, ==, "mine");
}

/* The note of image @id in the parsed manifest.json or COCO document @path ("note" member of
 * its images[] record); asserts the record and the member exist. NULL for a JSON null. */
static char *
json_image_note (const char *path, gint64 id)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  JsonArray *images = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                    "images");
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *im = json_array_get_object_element (images, i);
      if (json_object_get_int_member (im, "id") != id)
        continue;
      g_assert_true (json_object_has_member (im, "note"));
      return g_strdup (json_object_get_string_member_with_default (im, "note", NULL));
    }
  g_assert_not_reached ();
}

/* Notes come out in manifest.json, manifest.csv (last column, quoted) and the COCO images; an
 * edited note in either file is caught by the verifier. */
static void
test_notes (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_COCO, 0.0, 3, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_true (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_autofree char *mjson = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *coco = g_build_filename (out, "annotations", "instances_train.json", NULL);
  g_autofree char *n0 = json_image_note (mjson, 100);
  g_autofree char *n1 = json_image_note (mjson, 101);
  g_autofree char *c3 = json_image_note (coco, 103);
  g_assert_cmpstr (n0, ==, "Note 0, \"rear\" bumper\nsecond line");
  g_assert_null (n1);
  g_assert_cmpstr (c3, ==, "Note 3, \"rear\" bumper\nsecond line");

  g_autofree char *csv = g_build_filename (out, "manifest.csv", NULL);
  g_autofree char *rows = slurp (csv);
  g_assert_nonnull (strstr (rows, "_model_sha256,note\r\n"));
  g_assert_nonnull (strstr (rows, ",\"Note 6, \"\"rear\"\" bumper\nsecond line\"\r\n"));

  /* One letter of a note changed in the COCO file, then (restored) in the CSV manifest. */
  g_autofree char *text = slurp (coco);
  char *note = strstr (text, "Note 3");
  g_assert_nonnull (note);
  note[0] = 'n';
  g_assert_true (g_file_set_contents (coco, text, -1, NULL));
  g_assert_false (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "note differs"));
  g_clear_error (&error);
  note[0] = 'N';
  g_assert_true (g_file_set_contents (coco, text, -1, NULL));
  g_assert_true (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_no_error (error);
  note = strstr (rows, "Note 6");
  g_assert_nonnull (note);
  note[0] = 'n';
  g_assert_true (g_file_set_contents (csv, rows, -1, NULL));
  g_assert_false (dr_export_verify (f->items, out, &opts, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, csv));
}

/* The COCO writer and verifier stop at a cancelled cancellable inside their loops over images,
 * with G_IO_ERROR_CANCELLED, before writing any COCO file. */
static void
test_cancel_coco (Fixture *f, gconstpointer data)
{
  DrExportOptions opts = { DR_EXPORT_FORMAT_COCO, 0.0, 3, FALSE };
  guint skipped, n = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = dr_export_plan (f->items, &opts, &skipped, &error);
  g_assert_no_error (error);
  g_autofree char *ann = g_build_filename (f->tmp, "annotations", NULL);
  g_autofree char *info = g_build_filename (f->tmp, "datainfo", NULL);
  g_assert_cmpint (g_mkdir (ann, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (info, 0755), ==, 0);

  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_cancellable_cancel (cancel);
  g_assert_false (dr_export_coco_write (entries, "train", f->tmp, cancel, &n, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autofree char *coco = g_build_filename (ann, "instances_train.json", NULL);
  g_assert_false (g_file_test (coco, G_FILE_TEST_EXISTS));

  g_assert_true (dr_export_coco_write (entries, "train", f->tmp, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_true (dr_export_coco_verify (entries, "train", f->tmp, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (dr_export_coco_verify (entries, "train", f->tmp, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A mask whose size differs from the photo's is refused before anything is written. */
static void
test_size_mismatch (Fixture *f, gconstpointer data)
{
  DrExportItem *item = f->items->pdata[0];
  guint8 px[4] = { 1, 0, 0, 1 };
  dr_rle_free (item->mask[1]);
  item->mask[1] = dr_rle_new_from_mask (px, 2, 2, NULL);
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_COCO, 0.0, 3, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_export_run (f->items, out, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "Separated mask is 2 × 2 but the photo is 40 × 30"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

typedef struct {
  gboolean done;
  GThread *main_thread;
  GCancellable *cancel;     /* cancelled on the first progress report when set */
  double last;
  guint n_progress;
  gboolean ok;
  GError *error;
  DrExportSummary summary;
} AsyncState;

/* Progress in the main thread, never going backwards; cancels the export when asked to. */
static void
async_progress (guint done, guint total, gpointer user_data)
{
  AsyncState *st = user_data;
  double fraction = (double) done / total;
  g_assert_true (g_thread_self () == st->main_thread);
  g_assert_cmpfloat (fraction, >=, st->last);
  st->last = fraction;
  st->n_progress++;
  if (st->cancel != NULL)
    g_cancellable_cancel (st->cancel);
}

/* Completion in the main thread. */
static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *st = user_data;
  g_assert_true (g_thread_self () == st->main_thread);
  st->ok = dr_export_run_finish (result, &st->summary, &st->error);
  st->done = TRUE;
}

/* Steps the default context by hand, pausing between steps as GUI tests do, until the export
 * is done: a report that a worker ran itself (g_main_context_invoke does so whenever the
 * context is free) fails the thread checks above. */
static void
wait_done (AsyncState *st)
{
  while (!st->done)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* The worker-thread variant: progress and result arrive in the caller's thread; cancelling from
 * a progress report stops the export and leaves nothing behind. */
static void
test_async (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->tmp, "out", NULL);
  DrExportOptions opts = { DR_EXPORT_FORMAT_BOTH, 0.3, 5, FALSE };
  AsyncState st = { FALSE, g_thread_self (), NULL, 0, 0, FALSE, NULL };
  dr_export_run_async (f->items, out, &opts, async_progress, &st, NULL, async_done, &st);
  wait_done (&st);
  g_assert_no_error (st.error);
  g_assert_true (st.ok);
  g_assert_cmpuint (st.summary.n_images, ==, 11);
  g_assert_cmpfloat (st.last, ==, 1.0);
  g_assert_cmpuint (st.n_progress, >, 5);

  g_autofree char *out2 = g_build_filename (f->tmp, "out2", NULL);
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  AsyncState st2 = { FALSE, g_thread_self (), cancel, 0, 0, FALSE, NULL };
  dr_export_run_async (f->items, out2, &opts, async_progress, &st2, cancel, async_done, &st2);
  wait_done (&st2);
  g_assert_false (st2.ok);
  g_assert_error (st2.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&st2.error);
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
}

/* Registers the cases above with GTest and runs them. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/export/components", test_components);
  g_test_add_func ("/store/export/split", test_split);
  g_test_add ("/store/export/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/store/export/reviewed-only", Fixture, NULL, fixture_set_up, test_reviewed_only,
              fixture_tear_down);
  g_test_add ("/store/export/tamper", Fixture, NULL, fixture_set_up, test_tamper,
              fixture_tear_down);
  g_test_add ("/store/export/atomic", Fixture, NULL, fixture_set_up, test_atomic,
              fixture_tear_down);
  g_test_add ("/store/export/async", Fixture, NULL, fixture_set_up, test_async,
              fixture_tear_down);
  g_test_add ("/store/export/size-mismatch", Fixture, NULL, fixture_set_up, test_size_mismatch,
              fixture_tear_down);
  g_test_add ("/store/export/notes", Fixture, NULL, fixture_set_up, test_notes,
              fixture_tear_down);
  g_test_add ("/store/export/cancel-coco", Fixture, NULL, fixture_set_up, test_cancel_coco,
              fixture_tear_down);
  return g_test_run ();
}
