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
 * source "aihub" or "coco"; importing again replaces the earlier rows of that source. One
 * transaction per label file: a rejected file leaves the project as it was.
 */
#pragma once

#include "dr-project.h"

G_BEGIN_DECLS

typedef struct {
  guint n_images;     /* images described by the file */
  guint n_matched;    /* of those, stored against a photo */
} DrLabelImportSummary;

/* Imports one label file; see above. Warnings are appended to @warnings (owned strings, may be
 * NULL). FALSE with a one-line @error naming the file on a rejected file. */
gboolean dr_label_import_file (DrProject        *project,
                           const char       *path,
                           GPtrArray        *warnings,
                           DrLabelImportSummary  *summary,
                           GError          **error);

G_END_DECLS
