/* dr-export-private.h — the export plan shared by the writers and the verifier. */
#pragma once

#include "dr-export.h"

G_BEGIN_DECLS

/* The "mask_orientation" note written into both JSON files (see dr-export.h). */
#define DR_EXPORT_MASK_ORIENTATION \
  "EXIF orientation applied, as cv2.imread returns the photo; the image file is the original"

/* One photo as it will appear in the dataset. Strings are owned by the entry; @item is borrowed. */
typedef struct {
  const DrExportItem *item;
  const char *split;                /* "train" or "val" (static) */
  char *image_name;                 /* file name under images/ */
  char *mask_name[DR_N_DAMAGE];     /* file name under masks/ */
} DrExportEntry;

/* Validates @items and decides what is exported where: applies reviewed_only, assigns splits
 * by claim, picks unique file names. Returns DrExportEntry pointers in item order, or NULL with
 * @error when an item is inconsistent (mask size differs from the photo size, bad id, …).
 * *n_skipped receives the number of items left out by reviewed_only. */
GPtrArray *dr_export_plan (GPtrArray              *items,
                           const DrExportOptions  *options,
                           guint                  *n_skipped,
                           GError                **error);

/* The verdict id of layer @d of @item (never NULL). */
const char *dr_export_item_verdict (const DrExportItem *item, DrDamage d);

/* Row-major 0/1 mask of layer @d of @item, width × height bytes, newly allocated. */
guint8 *dr_export_item_decode (const DrExportItem *item, DrDamage d);

/* Foreground pixel count of layer @d of @item. */
guint64 dr_export_item_area (const DrExportItem *item, DrDamage d);

/* COCO: writes annotations/instances_@split.json under @dir for the entries of that split, and
 * the original training code's files of that split under @dir/datainfo (see dr-export-coco.c);
 * adds the number of annotations of the standard file to *n_annotations. Checks @cancellable
 * (may be NULL) before each image's masks are split into components. */
gboolean dr_export_coco_write (GPtrArray     *entries,
                               const char    *split,
                               const char    *dir,
                               GCancellable  *cancellable,
                               guint         *n_annotations,
                               GError       **error);

/* COCO: re-reads every file dr_export_coco_write wrote for @split and checks it against the
 * entries. Checks @cancellable (may be NULL) before each image's masks are compared. */
gboolean dr_export_coco_verify (GPtrArray     *entries,
                                const char    *split,
                                const char    *dir,
                                GCancellable  *cancellable,
                                GError       **error);

/* PNG: writes the four mask PNGs of @entry under @dir/masks. */
gboolean dr_export_png_write (const DrExportEntry *entry, const char *dir, GError **error);

/* PNG: decodes the four mask PNGs of @entry with libpng and compares them with the item. */
gboolean dr_export_png_verify (const DrExportEntry *entry, const char *dir, GError **error);

/* Manifest: writes manifest.csv and manifest.json under @dir. */
gboolean dr_export_manifest_write (GPtrArray             *entries,
                                   const DrExportOptions *options,
                                   const char            *dir,
                                   GError               **error);

/* Manifest: parses both manifests back and checks every row against the entries. */
gboolean dr_export_manifest_verify (GPtrArray             *entries,
                                    const DrExportOptions *options,
                                    const char            *dir,
                                    GError               **error);

/* Staging (dr-export-stage.c). Create makes OUT.partial-XXXXXX beside @out_dir and locks it
 * (keep *lock_fd open until the folder is renamed or removed, then close it). Sweep removes
 * every OUT.partial-* of @out_dir that no living process holds (left by a killed export).
 * Remove deletes a staging tree. */
char *dr_export_stage_create (const char *out_dir, int *lock_fd, GError **error);
void dr_export_stage_sweep (const char *out_dir);
void dr_export_stage_remove (const char *dir);

G_END_DECLS
