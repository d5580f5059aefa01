/* dr-export.h — export reviewed masks as a training dataset, then prove it by re-reading it.
 *
 * The exporter works on a list of DrExportItem (one per photo: claim, size, final mask per
 * damage type, verdicts, reviewer, model hashes), loaded from a project by
 * dr_export_load_items() or built by hand in tests. It writes, into a fresh directory OUT:
 *
 *   OUT/images/NAME                      the photo, copied byte for byte (never hard-linked)
 *   OUT/annotations/instances_SPLIT.json COCO instances (format COCO), one file per split used
 *   OUT/datainfo/damage_NAME_train.json  the same annotations in the layout the original
 *   OUT/datainfo/damage_val.json         training code reads (format COCO; see dr-export-coco.c)
 *   OUT/masks/STEM_DAMAGE.png            8-bit grey, 0/255, photo size (format PNG)
 *   OUT/manifest.csv, OUT/manifest.json  per image: file, claim, split, sha256, size, reviewer,
 *                                        per damage verdict, mask file, area, model sha256, and
 *                                        the photo's note (also in each COCO images[] record)
 *
 * NAME is the photo's base name (characters unsafe in file names replaced by '_'); when two
 * photos share a stem (compared case-insensitively), later ones get "-PHOTOID" appended to the
 * stem. DAMAGE is dr_damage_to_string(). COCO category ids are fixed: 1 Scratched,
 * 2 Separated, 3 Crushed, 4 Breakage (supercategory "damage"); image ids are the project's
 * photo ids and file_name is NAME, relative to OUT/images; one annotation per 8-connected component, compressed RLE, iscrowd 0, area and
 * tight bbox of that component. Photos without any damage (e.g. "confirmed none") are images
 * without annotations: true negatives.
 *
 * Orientation: masks, width and height are those of the photo after its EXIF orientation,
 * i.e. what cv2.imread (which the models were trained with) returns; the photo itself is copied
 * byte for byte. Readers that ignore EXIF orientation (PIL without exif_transpose, torchvision
 * read_image) must apply it, or masks of rotated phone photos will not line up. Both JSON files
 * say so in a "mask_orientation" field.
 *
 * Atomicity: everything is written into a sibling staging directory "OUT.partial-XXXXXX",
 * re-read and compared pixel for pixel with the items (dr_export_verify), and only then renamed
 * to OUT. A failed, cancelled or mismatching export removes the staging directory and leaves no
 * OUT behind. OUT must not exist or be an empty directory.
 */
#pragma once

#include <gio/gio.h>

#include "dr-damage.h"
#include "dr-project.h"
#include "dr-rle.h"
#include "dr-worker-task.h"

G_BEGIN_DECLS

/* Verdict ids as they appear in exported files: the project's own ("unreviewed", "accepted",
 * "corrected", "rejected", "added", "none" = confirmed no damage of this type). */
#define DR_EXPORT_VERDICT_UNREVIEWED "unreviewed"

/* One photo to export. All strings and masks are owned by the item. */
typedef struct {
  gint64 photo_id;                  /* > 0; becomes the COCO image id */
  char *claim;                      /* claim name, or NULL: the photo is its own group */
  char *path;                       /* the photo file to copy */
  char *sha256;                     /* lower-case hex SHA-256 of the photo bytes */
  guint width;                      /* photo size (after orientation) = mask size */
  guint height;
  char *reviewer;                   /* last reviewer, or NULL */
  char *verdict[DR_N_DAMAGE];       /* verdict id; NULL means DR_EXPORT_VERDICT_UNREVIEWED */
  DrRle *mask[DR_N_DAMAGE];         /* final mask, or NULL for an empty one */
  char *model_sha256[DR_N_DAMAGE];  /* model that predicted this layer, or NULL */
  char *note;                       /* the photo's note (UTF-8), or NULL when it has none */
} DrExportItem;

/* Loads one item per readable photo of @project, in photo id order (see dr-export-source.c for
 * which mask and verdict each layer gets). NULL with @error naming the project on failure. */
GPtrArray *dr_export_load_items (DrProject *project, GError **error);

/* A zeroed item; free with dr_export_item_free. */
DrExportItem *dr_export_item_new (void);

/* Frees @item and everything it owns; NULL is allowed. */
void dr_export_item_free (DrExportItem *item);

/* Whether @item has a verdict other than unreviewed on all four layers, i.e. whether
 * reviewed_only keeps it. */
gboolean dr_export_item_is_reviewed (const DrExportItem *item);

typedef enum {
  DR_EXPORT_FORMAT_COCO = 1 << 0,
  DR_EXPORT_FORMAT_PNG = 1 << 1,
  DR_EXPORT_FORMAT_BOTH = DR_EXPORT_FORMAT_COCO | DR_EXPORT_FORMAT_PNG,
} DrExportFormat;

typedef struct {
  DrExportFormat formats;
  double val_fraction;     /* in [0, 1]; share of claims sent to "val" (see dr-export-split.h) */
  guint64 seed;
  gboolean reviewed_only;  /* keep only photos whose four layers all have a verdict */
} DrExportOptions;

typedef struct {
  guint n_images;
  guint n_train;
  guint n_val;
  guint n_annotations;
  guint n_skipped;         /* left out by reviewed_only */
  guint n_claims;          /* split groups among the exported photos: distinct claims, a photo
                            * without a claim counting as its own group */
} DrExportSummary;

/* Called from the exporting thread with the fraction done in [0, 1]. */
typedef void (*DrExportProgressFunc) (double fraction, gpointer user_data);

/* COCO category name of @damage ("Scratched", "Separated", "Crushed", "Breakage"). */
const char *dr_export_category_name (DrDamage damage);

/* Writes the dataset for @items (DrExportItem *) into @out_dir as described above, verifies it,
 * and renames it into place. On failure nothing is left at @out_dir and @error names the file
 * and the reason. @progress, @cancellable and @summary may be NULL. @cancellable is checked
 * between photos and between images inside the COCO write and re-read, so a cancel is noticed
 * within about one photo's work; a cancelled export fails with G_IO_ERROR_CANCELLED and leaves
 * nothing at @out_dir. Blocking: run it in a worker thread from the GUI. */
gboolean dr_export_run (GPtrArray              *items,
                        const char             *out_dir,
                        const DrExportOptions  *options,
                        DrExportProgressFunc    progress,
                        gpointer                user_data,
                        GCancellable           *cancellable,
                        DrExportSummary        *summary,
                        GError                **error);

/* dr_export_run in a worker thread, for the GUI. @items is referenced until the export ends.
 * @progress (may be NULL) runs in the thread-default main context of the caller with the
 * percent done (of 100), once per whole percent; @callback runs there too, and calls
 * dr_export_run_finish. */
void dr_export_run_async (GPtrArray             *items,
                          const char            *out_dir,
                          const DrExportOptions *options,
                          DrProgressFunc         progress,
                          gpointer               progress_data,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data);

/* The outcome of dr_export_run_async; fills @summary (may be NULL) on success. */
gboolean dr_export_run_finish (GAsyncResult     *result,
                               DrExportSummary  *summary,
                               GError          **error);

/* Re-reads a dataset written by dr_export_run into @dir with the same @items and @options:
 * parses every JSON back, decodes every COCO RLE with the store's decoder and every PNG with
 * libpng, hashes every image, and compares each mask pixel for pixel with the items. Fails
 * with DR_STORE_ERROR_CORRUPT naming the first file that differs. */
gboolean dr_export_verify (GPtrArray              *items,
                           const char             *dir,
                           const DrExportOptions  *options,
                           GCancellable           *cancellable,
                           GError                **error);

G_END_DECLS
