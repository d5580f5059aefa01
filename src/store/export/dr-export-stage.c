/* dr-export-stage.c — the staging folder an export is written into before it is renamed.
 *
 * A staging folder is OUT.partial-XXXXXX beside OUT. Its creator holds an exclusive flock on
 * it for as long as it lives; the kernel drops the lock when the process ends, however it
 * ends. So a staging folder of OUT whose lock can be taken belongs to an export that died
 * (killed, crashed, power cut) and is removed before a new export of OUT starts, while one
 * that another running export still holds is left alone.
 */
#include "dr-export-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-store-error.h"

#define STAGE_SUFFIX ".partial-"
#define STAGE_RANDOM 6 /* the XXXXXX of g_mkdtemp */

/* TRUE when @name is @base followed by ".partial-" and six more characters. */
static gboolean
is_stage_name (const char *name, const char *base)
{
  gsize nb = strlen (base), ns = strlen (STAGE_SUFFIX);
  return strlen (name) == nb + ns + STAGE_RANDOM && strncmp (name, base, nb) == 0
         && strncmp (name + nb, STAGE_SUFFIX, ns) == 0;
}

/* Opens @dir (not following a final symlink) and takes its lock; -1 when it is not a
 * directory or another process holds the lock. */
static int
lock_dir (const char *dir, gboolean wait)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* See dr-export-private.h. */
void
dr_export_stage_sweep (const char *out_dir)
{
  g_autofree char *parent = g_path_get_dirname (out_dir);
  g_autofree char *base = g_path_get_basename (out_dir);
  g_autoptr (GDir) d = g_dir_open (parent, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  g_autoptr (GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_stage_name (name, base))
      g_ptr_array_add (stale, g_build_filename (parent, name, NULL));
  for (guint i = 0; i < stale->len; i++)
    {
      int fd = lock_dir (stale->pdata[i], FALSE);
      if (fd < 0)
        continue;
      dr_export_stage_remove (stale->pdata[i]);
      close (fd);
    }
}

/* See dr-export-private.h. */
char *
dr_export_stage_create (const char *out_dir, int *lock_fd, GError **error)
{
  char *stage = g_strconcat (out_dir, STAGE_SUFFIX "XXXXXX", NULL);
  if (g_mkdtemp_full (stage, 0755) == NULL)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot create: %s", stage,
                   g_strerror (e));
      g_free (stage);
      return NULL;
    }
  /* Nobody else knows the name yet, so this cannot wait. */
  *lock_fd = lock_dir (stage, TRUE);
  if (*lock_fd < 0)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot lock: %s", stage,
                   g_strerror (e));
      g_rmdir (stage);
      g_free (stage);
      return NULL;
    }
  return stage;
}

/* See dr-export-private.h. */
void
dr_export_stage_remove (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
            dr_export_stage_remove (path);
          else
            g_unlink (path);
        }
    }
  g_rmdir (dir);
}
