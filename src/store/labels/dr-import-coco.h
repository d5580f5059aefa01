/* dr-import-coco.h — standard COCO instance files as ground truth.
 *
 * `images` [{id, width, height, file_name}], `categories` [{id, name}], `annotations`
 * [{image_id, category_id, segmentation, …}]. A category is mapped to a damage type by its
 * name (see dr-ground-truth.h; our own exports use Scratched/Separated/Crushed/Breakage);
 * annotations of other categories are skipped with one warning per category. `segmentation`
 * may be polygons (a list of flat [x0, y0, x1, …] lists, unioned), uncompressed RLE
 * ({size: [h, w], counts: [n0, n1, …]}) or compressed RLE ({size, counts: "string"}), decoded
 * with the store's RLE code; size must equal the image's [height, width]. iscrowd is ignored:
 * every region counts as ground truth.
 */
#pragma once

#include "dr-ground-truth.h"

G_BEGIN_DECLS

/* One DrGroundTruth per image listed in @root, a document loaded with
 * dr_ground_truth_load_json from @path, which only names the file in messages. Warnings are
 * appended to @warnings (owned strings), which may be NULL. */
GPtrArray *dr_import_coco_parse (JsonNode    *root,
                                 const char  *path,
                                 GPtrArray   *warnings,
                                 GError     **error);

G_END_DECLS
