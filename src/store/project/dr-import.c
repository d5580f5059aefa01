/* dr-import.c — finding photo files, hashing and probing them, storing them as photos. */
#include "dr-import.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dr-claim.h"
#include "dr-image.h"
#include "dr-safe-file.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

static const char *const photo_extensions[] = {
  ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp",
};

/* Frees the strings and the struct; NULL allowed. */
void
dr_import_file_free (DrImportFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->claim);
  g_free (file);
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_import_scan_free (DrImportScan *scan)
{
  if (scan == NULL)
    return;
  g_free (scan->path);
  g_free (scan->sha256);
  g_free (scan->error);
  g_free (scan);
}

/* TRUE when the name ends in one of the photo extensions, ignoring case. */
static gboolean
has_photo_extension (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (photo_extensions); i++)
    if (g_str_has_suffix (lower, photo_extensions[i]))
      return TRUE;
  return FALSE;
}

/* TRUE when the first 12 bytes are a JPEG (FF D8 FF), PNG or WebP (RIFF….WEBP) signature. */
static gboolean
has_photo_signature (const char *path)
{
  guint8 head[12] = { 0 };
  FILE *f = dr_safe_fopen (path, 0, NULL, NULL);
  if (f == NULL)
    return FALSE;
  size_t n = fread (head, 1, sizeof head, f);
  fclose (f);
  if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return TRUE;
  if (n >= 8 && memcmp (head, "\x89PNG\r\n\x1a\n", 8) == 0)
    return TRUE;
  return n == 12 && memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0;
}

/* Adds path with the display name of its parent folder as claim. */
static void
add_file (GPtrArray *files, const char *path)
{
  DrImportFile *file = g_new0 (DrImportFile, 1);
  file->path = g_strdup (path);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (parent);
  file->claim = g_filename_display_name (base);
  g_ptr_array_add (files, file);
}

/* Sorts by plain byte order of the name, so imports are reproducible. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Walks one folder: entries sorted, hidden ones skipped, sub-folders entered unless they are
 * symlinks (so a link loop cannot recurse forever), files kept only if they look like photos. */
static void
walk_folder (const char *folder, GPtrArray *files, DrImportStats *stats)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  if (dir == NULL)
    return;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (folder, names->pdata[i], NULL);
      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK)
          && g_file_test (child, G_FILE_TEST_IS_DIR))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        walk_folder (child, files, stats);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR)
               && (has_photo_extension (names->pdata[i]) || has_photo_signature (child)))
        add_file (files, child);
      else
        stats->skipped++;
    }
}

/* Turns every given path into an absolute, canonical one, then expands folders. */
GPtrArray *
dr_import_collect (const char *const *paths, GPtrArray *missing, DrImportStats *stats)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_import_file_free);
  for (gsize i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = g_canonicalize_filename (paths[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          stats->missing++;
          if (missing != NULL)
            g_ptr_array_add (missing, g_strdup_printf ("%s: no such file or folder", paths[i]));
          continue;
        }
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        walk_folder (path, files, stats);
      else
        add_file (files, path);
    }
  return files;
}

/* Streams the file through SHA-256 in 256 KiB blocks, refusing files over the size bound and
 * anything but regular files (opening a FIFO or a device could block or never end). */
static gboolean
hash_file (const char *path, char **sha256, gint64 *size, GError **error)
{
  FILE *f = dr_safe_fopen (path, 0, NULL, error);
  if (f == NULL)
    return FALSE;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  gint64 total = 0;
  size_t n;
  while ((n = fread (buffer, 1, 256 * 1024, f)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      total += (gint64) n;
      if (total > DR_IMPORT_MAX_FILE_SIZE)
        break;
    }
  gboolean failed = ferror (f) != 0;
  int saved = errno;
  fclose (f);
  if (failed)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot read (%s)", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (total > DR_IMPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "%s: larger than %" G_GINT64_FORMAT " bytes, not a photo we can handle",
                   path, DR_IMPORT_MAX_FILE_SIZE);
      return FALSE;
    }
  *sha256 = g_strdup (g_checksum_get_string (checksum));
  *size = total;
  return TRUE;
}

/* Hash first (so even an undecodable file is recognised when imported again), then probe. */
DrImportScan *
dr_import_scan_file (const char *path)
{
  DrImportScan *scan = g_new0 (DrImportScan, 1);
  scan->path = g_strdup (path);
  scan->size = -1;
  g_autoptr (GError) error = NULL;
  if (!hash_file (path, &scan->sha256, &scan->size, &error))
    {
      scan->error = g_strdup (error->message);
      return scan;
    }
  int width = 0, height = 0;
  if (!dr_image_probe (path, &width, &height, &error))
    {
      scan->error = g_strdup (error->message);
      return scan;
    }
  scan->width = width;
  scan->height = height;
  return scan;
}

/* The body of dr_import_store, run inside its transaction. */
static gboolean
store_scan (DrProject *project, const DrImportScan *scan, const char *claim,
            DrImportOutcome *outcome, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  if (scan->sha256 != NULL)
    {
      gboolean exists, has_error;
      if (!conn->backend->photo_find_sha256 (conn, scan->sha256, &exists, &has_error, error))
        return FALSE;
      if (exists)
        {
          /* Already stored; known-bad bytes are reported as failed again, not as fine. */
          *outcome = has_error ? DR_IMPORT_FAILED : DR_IMPORT_DUPLICATE;
          return TRUE;
        }
    }
  gint64 claim_id;
  if (!dr_claim_ensure (project, claim, &claim_id, error)
      || !conn->backend->photo_put_scan (conn, scan, claim_id, dr_project_now (), error))
    return FALSE;
  *outcome = scan->error != NULL ? DR_IMPORT_FAILED : DR_IMPORT_ADDED;
  return TRUE;
}

/* One transaction per file: an interrupted import keeps every file stored before it. */
gboolean
dr_import_store (DrProject *project, const DrImportScan *scan, const char *claim,
                 DrImportOutcome *outcome, GError **error)
{
  if (!dr_project_begin (project, error))
    return FALSE;
  gboolean ok = store_scan (project, scan, claim, outcome, error);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* Collect, then scan and store one file after the other, counting outcomes. */
gboolean
dr_import_paths (DrProject *project, const char *const *paths, const char *claim,
                 GCancellable *cancellable, DrImportProgress progress, gpointer user_data,
                 DrImportStats *stats, GError **error)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) files = dr_import_collect (paths, missing, stats);
  for (guint i = 0; i < missing->len; i++)
    if (progress != NULL)
      progress (0, files->len, NULL, DR_IMPORT_FAILED, missing->pdata[i], user_data);
  for (guint i = 0; i < files->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      DrImportFile *file = files->pdata[i];
      g_autoptr (DrImportScan) scan = dr_import_scan_file (file->path);
      DrImportOutcome outcome;
      if (!dr_import_store (project, scan, claim != NULL ? claim : file->claim, &outcome, error))
        return FALSE;
      switch (outcome)
        {
        case DR_IMPORT_ADDED:
          stats->added++;
          break;
        case DR_IMPORT_DUPLICATE:
          stats->duplicates++;
          break;
        case DR_IMPORT_FAILED:
          stats->failed++;
          break;
        }
      if (progress != NULL)
        progress (i + 1, files->len, file->path, outcome, scan->error, user_data);
    }
  return TRUE;
}
