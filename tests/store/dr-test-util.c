/* dr-test-util.c — temporary folders and files for the store tests. */
#include "dr-test-util.h"

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
