/* dr-test-util.h — helpers shared by the store tests: temporary folders and files, label files. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new empty folder under the system temp dir; g_free the path, remove with dr_test_rmtree. */
char *dr_test_make_tmpdir (void);

/* Deletes path and everything below it. */
void dr_test_rmtree (const char *path);

/* Writes length bytes to dir/name (creating parent folders); returns the full path. */
char *dr_test_write_file (const char *dir, const char *name, const void *data, gsize length);

/* The whole content of path (aborts the test if unreadable); *length gets its size. */
guint8 *dr_test_read_file (const char *path, gsize *length);

/* A valid 8-bit greyscale PNG of width × height whose pixel (x, y) is (x * 7 + y * 13) & 0xff,
 * built byte by byte (chunks, CRC-32, zlib via GZlibCompressor) so the tests need no codec of
 * their own. *length gets its size. */
guint8 *dr_test_png (guint width, guint height, gsize *length);

/* Reads the label file @path as dr_label_import_file does (bounded JSON load), then parses it
 * with the COCO reader when @coco, else the AI Hub reader: the ground-truth records, for tests
 * that look at them without a project. */
GPtrArray *dr_test_load_labels (const char *path, gboolean coco, GPtrArray *warnings,
                                GError **error);

G_END_DECLS
