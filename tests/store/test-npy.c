/* test-npy.c — .npy v1.0 header layout (numpy's own reader is the oracle in tests/oracle). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dr-npy.h"

/* Header: magic, version 1.0, dict with '<f4', C order and the shape, space padding, '\n',
 * total a multiple of 64; then the floats, little-endian. */
static void
test_layout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "x.npy", NULL);
  const gsize shapes[][3] = { { 2, 256, 256 }, { 7, 1, 1 } };
  const guint ndims[] = { 3, 1 };

  for (guint s = 0; s < G_N_ELEMENTS (ndims); s++)
    {
      gsize numel = 1;
      for (guint i = 0; i < ndims[s]; i++)
        numel *= shapes[s][i];
      g_autofree float *data = g_new (float, numel);
      for (gsize i = 0; i < numel; i++)
        data[i] = (float) i * 0.5f - 3.0f;
      g_assert_true (dr_npy_write_f32 (path, data, shapes[s], ndims[s], NULL));

      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      g_assert_cmpmem (bytes, 8, "\x93NUMPY\x01\x00", 8);
      gsize hlen = (guint8) bytes[8] | ((gsize) (guint8) bytes[9] << 8);
      g_assert_cmpuint ((10 + hlen) % 64, ==, 0);
      g_assert_cmpuint (len, ==, 10 + hlen + numel * sizeof (float));
      g_assert_cmpint (bytes[10 + hlen - 1], ==, '\n');
      g_autofree char *header = g_strndup (bytes + 10, hlen - 1);
      g_strchomp (header);
      const char *expect = s == 0
        ? "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 256, 256), }"
        : "{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }";
      g_assert_cmpstr (header, ==, expect);
      for (gsize i = 0; i < numel; i++)
        {
          const guint8 *p = (const guint8 *) bytes + 10 + hlen + 4 * i;
          guint32 bits = p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
          float v;
          memcpy (&v, &bits, sizeof v);
          g_assert_cmpfloat (v, ==, data[i]);
        }
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* An unwritable path fails with an error naming it. */
static void
test_error (void)
{
  const gsize shape[1] = { 1 };
  float one = 1.0f;
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_npy_write_f32 ("/nonexistent-dir/x.npy", &one, shape, 1, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/x.npy"));
}

/* Runs the .npy cases. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/npy/layout", test_layout);
  g_test_add_func ("/npy/error", test_error);
  return g_test_run ();
}
