/* dr-import.h — adding photo files and folders to a project.
 *
 * Two halves, so the app can keep the slow part off its main loop:
 *  - dr_import_collect + dr_import_scan_file read files only (hash, size, oriented size) and are
 *    thread-safe;
 *  - dr_import_store writes one scanned file into the project, in one transaction.
 * dr_import_paths does both in sequence (the CLI uses it). Every step is idempotent: the same
 * bytes are one photo, a file that could not be read is one row per path, so an interrupted
 * import is finished by running it again. */
#pragma once

#include "dr-project.h"

G_BEGIN_DECLS

/* Largest photo file we hash and probe: 1 GiB. */
#define DR_IMPORT_MAX_FILE_SIZE (G_GINT64_CONSTANT (1) << 30)

/* One file to import and the claim it goes to by default (its folder's name). */
typedef struct {
  char *path;   /* absolute */
  char *claim;  /* display name of the parent folder */
} DrImportFile;

void dr_import_file_free (DrImportFile *file);

/* What reading one file found out. */
typedef struct {
  char *path;
  char *sha256;       /* lower-case hex of the bytes; NULL if they could not be read */
  gint64 size;        /* -1 if unknown */
  int width, height;  /* oriented; 0 if the image could not be probed */
  char *error;        /* one line naming the file, or NULL */
} DrImportScan;

void dr_import_scan_free (DrImportScan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrImportScan, dr_import_scan_free)

typedef enum {
  DR_IMPORT_ADDED,     /* a new photo row */
  DR_IMPORT_DUPLICATE, /* these bytes were already in the project: nothing changed */
  DR_IMPORT_FAILED,    /* the file could not be read or decoded: stored as a row with an error
                        * (or such a row for these bytes already existed) */
} DrImportOutcome;

typedef struct {
  guint added;
  guint duplicates;
  guint failed;       /* rows stored with an error */
  guint skipped;      /* files in folders that are not photos (by extension and content) */
  guint missing;      /* paths given that do not exist (no row is made for them) */
} DrImportStats;

/* Expands paths into the files to import, sorted within each folder: a file is taken as it is;
 * a folder is walked recursively (symlinked folders are not followed, hidden entries skipped)
 * and only photos are taken — files whose extension is a photo extension or whose first bytes
 * are a JPEG, PNG or WebP signature. Paths that do not exist are reported through missing (a
 * GPtrArray of one-line messages) and counted in stats->missing. Returns a GPtrArray of
 * DrImportFile. */
GPtrArray *dr_import_collect (const char *const *paths, GPtrArray *missing, DrImportStats *stats);

/* Hashes the file (SHA-256, streamed), records its size and probes its oriented dimensions with
 * dr_image_probe. Never fails: problems end up in scan->error. Thread-safe. */
DrImportScan *dr_import_scan_file (const char *path);

/* Stores a scan under the claim called claim (created if needed), in one transaction: a new row,
 * nothing for bytes already in the project (FAILED if their row has an error, else DUPLICATE),
 * or a row with the error (updating the earlier unreadable row of the same path instead of
 * adding another). */
gboolean dr_import_store (DrProject *project, const DrImportScan *scan, const char *claim,
                          DrImportOutcome *outcome, GError **error);

/* Called after each file: done of total files handled, the file and its outcome. */
typedef void (*DrImportProgress) (guint done, guint total, const char *path,
                                  DrImportOutcome outcome, const char *message,
                                  gpointer user_data);

/* Collects, scans and stores paths. claim overrides the per-folder claim names when not NULL.
 * Stops between files when cancellable is cancelled (what was stored stays). Returns FALSE only
 * for a database error or cancellation; unreadable photos are counted, not errors. */
gboolean dr_import_paths (DrProject *project, const char *const *paths, const char *claim,
                          GCancellable *cancellable, DrImportProgress progress,
                          gpointer user_data, DrImportStats *stats, GError **error);

G_END_DECLS
