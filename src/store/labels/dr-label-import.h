/* dr-label-import.h — ground-truth label files into a project's ground_truth table.
 *
 * The format is recognised from the content: a top-level `categories` list means standard
 * COCO (dr-import-coco.h), anything else is read as an AI Hub damage label file
 * (dr-import-aihub.h). Each image of the file is matched to a project photo by file name
 * stem: the base name without folders and last extension, compared case-insensitively (so
 * "photos/0001.JPG" in a label file matches the photo ".../0001.jpg"). A stem matching no
 * photo, or several photos, is a warning and that image is skipped.
 *
 * A matched image must have exactly the photo's (oriented) size, otherwise the whole file is
 * rejected. For a matched image all four damage layers are stored, empty ones included: the
 * label file is the complete truth for that photo. Rows are keyed (photo, damage, source) with
 * source "aihub" or "coco"; importing again replaces the earlier rows of that source. A rejected
 * file leaves the project as it was.
 */
#pragma once

#include "dr-project.h"

G_BEGIN_DECLS

typedef struct {
  guint n_images;     /* images described by the file */
  guint n_matched;    /* of those, stored against a photo */
} DrLabelImportSummary;

/* An import session: reads the project's photo names once, so thousands of label files (one
 * per image in AI Hub data) cost one lookup each. Files are committed in batches of
 * DR_LABEL_IMPORT_BATCH, each file inside its own savepoint. */
typedef struct _DrLabelImport DrLabelImport;

#define DR_LABEL_IMPORT_BATCH 200

/* Starts a session on @project; NULL with @error when the photos cannot be read. */
DrLabelImport *dr_label_import_new (DrProject *project, GError **error);

/* Imports one label file; see above. Warnings are appended to @warnings (owned strings, may be
 * NULL). FALSE with a one-line @error naming the file when the file is rejected; nothing of it
 * is stored, and the session goes on with the next file. */
gboolean dr_label_import_file (DrLabelImport         *import,
                               const char            *path,
                               GPtrArray             *warnings,
                               DrLabelImportSummary  *summary,
                               GError               **error);

/* Commits what is still pending. Must be called before dr_label_import_free to keep the last
 * batch. */
gboolean dr_label_import_finish (DrLabelImport *import, GError **error);

/* Ends the session; a batch not finished is rolled back. NULL is allowed. */
void dr_label_import_free (DrLabelImport *import);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrLabelImport, dr_label_import_free)

G_END_DECLS
