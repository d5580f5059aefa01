/* test-image.c — dr-image against OpenCV 4.6 (files and references from image-oracle.py).
 *
 * Run through image-oracle.py, which sets DR_TEST_IMAGES to the directory it filled.
 * Decodes must give cv2.imread's orientation exactly and pixels within 2 grey levels;
 * broken files must fail with their own error code and a one-line message naming the file.
 */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "dr-image.h"
#include "dr-store-error.h"

static const char *workdir;

/* Absolute path of a generated file (freed by the caller). */
static char *
file (const char *name)
{
  return g_build_filename (workdir, name, NULL);
}

/* One "decode NAME W H" manifest line. */
typedef struct {
  char *name;
  int width, height;
} DecodeCase;

/* dr_image_load must give cv2.imread's size exactly and its pixels within 2 levels. */
static void
test_decode (gconstpointer data)
{
  const DecodeCase *c = data;
  g_autofree char *path = file (c->name);
  g_autofree char *ref_name = g_strconcat (c->name, ".rgb", NULL);
  g_autofree char *ref_path = file (ref_name);
  g_autofree guint8 *ref = NULL;
  gsize ref_len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (ref_path, (char **) &ref, &ref_len, NULL));
  g_autoptr (DrImage) img = dr_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (img);
  g_assert_cmpint (img->width, ==, c->width);
  g_assert_cmpint (img->height, ==, c->height);
  g_assert_cmpuint (ref_len, ==, (gsize) c->width * c->height * 3);

  int maxdiff = 0;
  long ndiff = 0;
  for (int y = 0; y < c->height; y++)
    for (int x = 0; x < c->width * 3; x++)
      {
        int got = img->pixels[(gsize) y * img->stride + x];
        int d = abs (got - ref[(gsize) y * c->width * 3 + x]);
        ndiff += d != 0;
        maxdiff = MAX (maxdiff, d);
      }
  g_test_message ("%s: %dx%d, max diff %d, %ld of %d values differ from cv2.imread", c->name,
                  c->width, c->height, maxdiff, ndiff, c->width * c->height * 3);
  g_assert_cmpint (maxdiff, <=, 2);

  int pw = 0, ph = 0;
  g_assert_true (dr_image_probe (path, &pw, &ph, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pw, ==, c->width);
  g_assert_cmpint (ph, ==, c->height);
}

/* Asserts a failure with the given code, one line, starting with the file's name, and
 * containing `reason`. */
static void
assert_file_error (GError *error, const char *path, DrStoreError code, const char *reason)
{
  g_assert_error (error, DR_STORE_ERROR, (int) code);
  g_autofree char *prefix = g_strconcat (path, ": ", NULL);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_nonnull (strstr (error->message, reason));
}

/* Every broken input gets its own code and reason, from load and, where the header is
 * already wrong, from probe. */
static void
test_broken (void)
{
  static const struct {
    const char *name;
    DrStoreError code;
    const char *reason;
    gboolean probe_fails;
  } cases[] = {
    { "truncated.jpg", DR_STORE_ERROR_CORRUPT, "truncated JPEG data", FALSE },
    { "truncated-big.jpg", DR_STORE_ERROR_CORRUPT, "truncated JPEG data", FALSE },
    { "liar.jpg", DR_STORE_ERROR_CORRUPT, "truncated JPEG data", FALSE },
    { "app1-65.jpg", DR_STORE_ERROR_CORRUPT, "more than 64 APP1 (EXIF) segments", TRUE },
    { "scans-501.jpg", DR_STORE_ERROR_CORRUPT, "more than 500 progressive scans", FALSE },
    { "huge.jpg", DR_STORE_ERROR_TOO_LARGE, "20000x20000, above the limit", TRUE },
    { "huge.png", DR_STORE_ERROR_TOO_LARGE, "20000x20000, above the limit", TRUE },
    { "wide.png", DR_STORE_ERROR_TOO_LARGE, "70000x1, above the limit", TRUE },
    { "liar.png", DR_STORE_ERROR_CORRUPT, "header claims 9000x9000 pixels", TRUE },
    { "truncated.png", DR_STORE_ERROR_CORRUPT, "invalid PNG data", FALSE },
    { "truncated.webp", DR_STORE_ERROR_CORRUPT, "WebP image data", FALSE },
    { "empty.jpg", DR_STORE_ERROR_CORRUPT, "empty file", TRUE },
    { "random.jpg", DR_STORE_ERROR_UNSUPPORTED, "not a JPEG, PNG or WebP image", TRUE },
    { "does-not-exist.jpg", DR_STORE_ERROR_IO, "cannot open", TRUE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = file (cases[i].name);
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) probe_error = NULL;
      g_autoptr (DrImage) img = dr_image_load (path, &error);
      g_assert_null (img);
      assert_file_error (error, path, cases[i].code, cases[i].reason);
      g_autoptr (DrImage) thumb = dr_image_load_thumbnail (path, 64, &probe_error);
      g_assert_null (thumb);
      g_assert_error (probe_error, DR_STORE_ERROR, (int) cases[i].code);
      g_clear_error (&probe_error);
      int w = -1, h = -1;
      gboolean ok = dr_image_probe (path, &w, &h, &probe_error);
      g_assert_cmpint (ok, ==, !cases[i].probe_fails);
      if (cases[i].probe_fails)
        assert_file_error (probe_error, path, cases[i].code, cases[i].reason);
    }

  g_autoptr (GError) error = NULL;
  g_assert_null (dr_image_load (workdir, &error));
  assert_file_error (error, workdir, DR_STORE_ERROR_IO, "not a regular file");
  g_clear_error (&error);
  g_assert_false (dr_image_probe (workdir, NULL, NULL, &error));
  assert_file_error (error, workdir, DR_STORE_ERROR_IO, "not a regular file");
}

/* Probe reports oriented sizes from the header alone. */
static void
test_probe (void)
{
  static const struct { const char *name; int w, h; } cases[] = {
    { "orient1.jpg", 37, 23 }, { "orient6.jpg", 23, 37 }, { "orient8.jpg", 23, 37 },
    { "orient6.png", 23, 37 }, { "exif6.webp", 37, 23 }, { "big6.jpg", 600, 1000 },
    { "truncated.jpg", 37, 23 }, { "png-named.jpg", 37, 23 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = file (cases[i].name);
      g_autoptr (GError) error = NULL;
      int w = 0, h = 0;
      g_assert_true (dr_image_probe (path, &w, &h, &error));
      g_assert_no_error (error);
      g_assert_cmpint (w, ==, cases[i].w);
      g_assert_cmpint (h, ==, cases[i].h);
    }
}

/* Mean absolute difference between the thumbnail and box averages of the full decode. */
static double
box_difference (const DrImage *full, const DrImage *thumb)
{
  double total = 0;
  for (int y = 0; y < thumb->height; y++)
    for (int x = 0; x < thumb->width; x++)
      for (int c = 0; c < 3; c++)
        {
          int x0 = (int) ((gint64) x * full->width / thumb->width);
          int x1 = (int) ((gint64) (x + 1) * full->width / thumb->width);
          int y0 = (int) ((gint64) y * full->height / thumb->height);
          int y1 = (int) ((gint64) (y + 1) * full->height / thumb->height);
          double sum = 0;
          for (int sy = y0; sy < y1; sy++)
            for (int sx = x0; sx < x1; sx++)
              sum += full->pixels[(gsize) sy * full->stride + (gsize) sx * 3 + c];
          double mean = sum / ((double) (x1 - x0) * (y1 - y0));
          total += fabs (mean - thumb->pixels[(gsize) y * thumb->stride + (gsize) x * 3 + c]);
        }
  return total / ((double) thumb->width * thumb->height * 3);
}

/* Thumbnails keep the orientation and aspect, fit max_size, and look like the photo. */
static void
test_thumbnail (void)
{
  g_autofree char *big = file ("big6.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (DrImage) full = dr_image_load (big, &error);
  g_assert_no_error (error);

  static const int sizes[] = { 1, 77, 128, 300, 599, 1000, 4000 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (DrImage) t = dr_image_load_thumbnail (big, sizes[i], &error);
      g_assert_no_error (error);
      int want_h = MIN (sizes[i], 1000);
      int want_w = MAX (1, (int) (600.0 * want_h / 1000 + 0.5));
      g_assert_cmpint (t->height, ==, want_h);
      g_assert_cmpint (t->width, ==, want_w);
      double diff = box_difference (full, t);
      g_test_message ("thumbnail %d: %dx%d, mean |diff| to box average %.2f", sizes[i], t->width,
                      t->height, diff);
      g_assert_cmpfloat (diff, <, 6.0);
    }

  /* No reduction needed: the thumbnail is the full decode. */
  g_autofree char *png = file ("orient6.png");
  g_autoptr (DrImage) a = dr_image_load (png, &error);
  g_autoptr (DrImage) b = dr_image_load_thumbnail (png, 37, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpmem (a->pixels, a->stride * a->height, b->pixels, b->stride * b->height);
}

/* A grey PNG comes back as R = G = B = the written values, replaces an existing file, and a
 * write into a missing directory fails with the file named. */
static void
test_save_grey (void)
{
  const int w = 301, h = 7;
  const gsize stride = 320;
  g_autofree guint8 *grey = g_malloc0 (stride * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      grey[y * stride + x] = (guint8) ((x * 7 + y * 31) & 0xff);
  g_autofree char *path = file ("saved-mask.png");
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_true (dr_image_save_grey_png (path, grey, w, h, stride, &error));
  g_assert_no_error (error);
  g_autoptr (DrImage) img = dr_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (img->width, ==, w);
  g_assert_cmpint (img->height, ==, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpuint (img->pixels[y * img->stride + x * 3 + c], ==, grey[y * stride + x]);

  g_autofree char *bad = file ("no-such-dir/mask.png");
  g_assert_false (dr_image_save_grey_png (bad, grey, w, h, stride, &error));
  assert_file_error (error, bad, DR_STORE_ERROR_IO, "cannot create");
  g_clear_error (&error);
  g_assert_false (dr_image_save_grey_png (path, grey, 0, h, stride, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS)); /* the good file is still there */
}

/* Mutated files: load, probe and thumbnail either succeed or fail with a DR_STORE_ERROR
 * message naming the file on one line; when load and probe both succeed they agree. */
static void
test_mutants (gconstpointer data)
{
  const GPtrArray *names = data;
  guint loaded = 0;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = file (g_ptr_array_index (names, i));
      g_autofree char *prefix = g_strconcat (path, ": ", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) probe_error = NULL;
      g_autoptr (GError) thumb_error = NULL;
      int w = 0, h = 0;
      g_autoptr (DrImage) img = dr_image_load (path, &error);
      gboolean probed = dr_image_probe (path, &w, &h, &probe_error);
      g_autoptr (DrImage) thumb = dr_image_load_thumbnail (path, 16, &thumb_error);
      GError *errors[] = { error, probe_error, thumb_error };
      for (gsize k = 0; k < G_N_ELEMENTS (errors); k++)
        if (errors[k] != NULL)
          {
            g_assert_true (errors[k]->domain == DR_STORE_ERROR);
            g_assert_true (g_str_has_prefix (errors[k]->message, prefix));
            g_assert_null (strchr (errors[k]->message, '\n'));
          }
      g_assert_true ((img != NULL) == (error == NULL));
      g_assert_true (probed == (probe_error == NULL));
      g_assert_true ((thumb != NULL) == (thumb_error == NULL));
      if (img != NULL && probed)
        {
          g_assert_cmpint (img->width, ==, w);
          g_assert_cmpint (img->height, ==, h);
        }
      if (thumb != NULL)
        g_assert_cmpint (MAX (thumb->width, thumb->height), <=, 16);
      loaded += img != NULL;
    }
  g_test_message ("%u mutants, %u still decode", names->len, loaded);
}

/* Frees one manifest case. */
static void
decode_case_free (gpointer p)
{
  DecodeCase *c = p;
  g_free (c->name);
  g_free (c);
}

/* Registers one test per manifest line plus the fixed tests. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  workdir = g_getenv ("DR_TEST_IMAGES");
  if (workdir == NULL)
    g_error ("DR_TEST_IMAGES is not set; run this test through image-oracle.py");

  g_autofree char *manifest_path = file ("manifest.txt");
  g_autofree char *manifest = NULL;
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (manifest, "\n", -1);
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (decode_case_free);
  g_autoptr (GPtrArray) mutants = g_ptr_array_new_with_free_func (g_free);
  for (char **l = lines; *l; l++)
    {
      char name[256];
      int w, h;
      if (**l == '\0')
        continue;
      if (sscanf (*l, "mutant %255s", name) == 1)
        {
          g_ptr_array_add (mutants, g_strdup (name));
          continue;
        }
      if (sscanf (*l, "decode %255s %d %d", name, &w, &h) != 3)
        g_error ("bad manifest line: %s", *l);
      DecodeCase *c = g_new0 (DecodeCase, 1);
      c->name = g_strdup (name);
      c->width = w;
      c->height = h;
      g_ptr_array_add (cases, c);
      g_autofree char *test_path = g_strconcat ("/image/decode/", name, NULL);
      g_test_add_data_func (test_path, c, test_decode);
    }
  g_assert_cmpuint (cases->len, >=, 30);
  g_assert_cmpuint (mutants->len, >=, 100);
  g_test_add_func ("/image/broken", test_broken);
  g_test_add_data_func ("/image/mutants", mutants, test_mutants);
  g_test_add_func ("/image/probe", test_probe);
  g_test_add_func ("/image/thumbnail", test_thumbnail);
  g_test_add_func ("/image/save-grey", test_save_grey);
  return g_test_run ();
}
