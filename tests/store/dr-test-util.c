/* dr-test-util.c — temporary folders and files for the store tests. */
#include "dr-test-util.h"

#include "dr-import-aihub.h"
#include "dr-import-coco.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

/* g_dir_make_tmp with a fixed prefix; a failure fails the test. */
char *
dr_test_make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("dr-store-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

/* Depth-first removal; symlinks are removed, not followed. */
void
dr_test_rmtree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          dr_test_rmtree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* Creates parent folders, then writes the bytes; a failure fails the test. */
char *
dr_test_write_file (const char *dir, const char *name, const void *data, gsize length)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

/* g_file_get_contents that fails the test on error. */
guint8 *
dr_test_read_file (const char *path, gsize *length)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return (guint8 *) data;
}

/* CRC-32 (ISO 3309, as PNG chunks use it) of data, bit by bit: slow but obviously right. */
static guint32
crc32_update (guint32 crc, const guint8 *data, gsize length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

/* Appends a big-endian 32-bit integer. */
static void
append_be32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (out, b, 4);
}

/* Appends one PNG chunk: length, type, data, CRC of type + data. */
static void
append_chunk (GByteArray *out, const char *type, const guint8 *data, gsize length)
{
  append_be32 (out, (guint32) length);
  gsize start = out->len;
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (out, data, (guint) length);
  append_be32 (out, crc32_update (0, out->data + start, length + 4));
}

/* Signature, IHDR (greyscale, 8 bits), one zlib-compressed IDAT of filter-0 rows, IEND. */
guint8 *
dr_test_png (guint width, guint height, gsize *length)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_byte_array_append (out, signature, 8);
  guint8 ihdr[13] = { width >> 24, width >> 16, width >> 8, width,
                      height >> 24, height >> 16, height >> 8, height,
                      8, 0, 0, 0, 0 };
  append_chunk (out, "IHDR", ihdr, sizeof ihdr);

  gsize raw_length = (gsize) height * (width + 1);
  g_autofree guint8 *raw = g_malloc (raw_length);
  for (guint y = 0; y < height; y++)
    {
      guint8 *row = raw + (gsize) y * (width + 1);
      row[0] = 0; /* filter: none */
      for (guint x = 0; x < width; x++)
        row[1 + x] = (guint8) ((x * 7 + y * 13) & 0xff);
    }
  g_autoptr (GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 6);
  gsize capacity = raw_length + raw_length / 10 + 64;
  g_autofree guint8 *packed = g_malloc (capacity);
  gsize read, written;
  g_autoptr (GError) error = NULL;
  GConverterResult result = g_converter_convert (G_CONVERTER (zlib), raw, raw_length, packed,
                                                 capacity, G_CONVERTER_INPUT_AT_END, &read,
                                                 &written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, G_CONVERTER_FINISHED);
  append_chunk (out, "IDAT", packed, written);
  append_chunk (out, "IEND", NULL, 0);

  *length = out->len;
  return g_byte_array_free (g_steal_pointer (&out), FALSE);
}

/* See dr-test-util.h. */
GPtrArray *
dr_test_load_labels (const char *path, gboolean coco, GPtrArray *warnings, GError **error)
{
  g_autoptr (JsonNode) root = dr_ground_truth_load_json (path, error);
  if (root == NULL)
    return NULL;
  return coco ? dr_import_coco_parse (root, path, warnings, error)
              : dr_import_aihub_parse (root, path, warnings, error);
}
