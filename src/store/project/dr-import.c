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

/* Whether a photo with these bytes exists (*exists) and whether it was stored with an error
 * (*has_error). */
static gboolean
find_by_sha (DrProject *project, const char *sha256, gboolean *exists, gboolean *has_error,
             GError **error)
{
  /* At most one row: photos.sha256 is UNIQUE. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT error IS NOT NULL FROM photos WHERE sha256 = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "looking up a photo");
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  *has_error = *exists && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* Binds the scan's values to ?1 claim … ?8 added, shared by the UPDATE and INSERT below. */
static void
bind_scan (sqlite3_stmt *stmt, const DrImportScan *scan, gint64 claim_id)
{
  sqlite3_bind_int64 (stmt, 1, claim_id);
  sqlite3_bind_text (stmt, 2, scan->path, -1, SQLITE_TRANSIENT);
  if (scan->sha256 != NULL)
    sqlite3_bind_text (stmt, 3, scan->sha256, -1, SQLITE_TRANSIENT);
  if (scan->size >= 0)
    sqlite3_bind_int64 (stmt, 4, scan->size);
  if (scan->width > 0 && scan->height > 0)
    {
      sqlite3_bind_int (stmt, 5, scan->width);
      sqlite3_bind_int (stmt, 6, scan->height);
    }
  if (scan->error != NULL)
    sqlite3_bind_text (stmt, 7, scan->error, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, dr_project_now ());
}

/* The body of dr_import_store, run inside its transaction. */
static gboolean
store_scan (DrProject *project, const DrImportScan *scan, const char *claim,
            DrImportOutcome *outcome, GError **error)
{
  if (scan->sha256 != NULL)
    {
      gboolean exists, has_error;
      if (!find_by_sha (project, scan->sha256, &exists, &has_error, error))
        return FALSE;
      if (exists)
        {
          /* Already stored; known-bad bytes are reported as failed again, not as fine. */
          *outcome = has_error ? DR_IMPORT_FAILED : DR_IMPORT_DUPLICATE;
          return TRUE;
        }
    }
  gint64 claim_id;
  if (!dr_claim_ensure (project, claim, &claim_id, error))
    return FALSE;

  /* Turns the earlier "could not read" row of this path (unique by photos_unreadable_path)
   * into the new result, so re-imports never pile up error rows. */
  g_autoptr (DrStatement) update = dr_project_prepare (
    project,
    "UPDATE photos SET claim_id = ?1, sha256 = ?3, size = ?4, width = ?5, height = ?6,"
    "  error = ?7, added = ?8"
    "  WHERE path = ?2 AND sha256 IS NULL",
    error);
  if (update == NULL)
    return FALSE;
  bind_scan (update, scan, claim_id);
  if (!dr_project_step_done (project, update, error))
    return FALSE;
  if (sqlite3_changes (dr_project_get_db (project)) == 0)
    {
      /* A new photo row; the schema's CHECKs refuse a row without error that lacks a hash or
       * dimensions. */
      g_autoptr (DrStatement) insert = dr_project_prepare (
        project,
        "INSERT INTO photos (claim_id, path, sha256, size, width, height, error, added)"
        "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        error);
      if (insert == NULL)
        return FALSE;
      bind_scan (insert, scan, claim_id);
      if (!dr_project_step_done (project, insert, error))
        return FALSE;
    }
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
  if (!store_scan (project, scan, claim, outcome, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  return dr_project_commit (project, error);
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
