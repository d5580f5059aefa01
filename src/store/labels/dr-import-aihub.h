/* dr-import-aihub.h — the AI Hub vehicle-damage label JSON (dataSetSn=581) as ground truth.
 *
 * The format is COCO-like but not COCO (formats.md): `images` is one object {id, width, height,
 * file_name} or a list of them; `annotations` is a list of {id, image_id, damage, segmentation,
 * …} where `damage` names the class ("Scratched", "Separated", "Crushed", "Breakage"; stray
 * "Dent"/"Dented" count as Crushed) and `category_id` is a vehicle id, not a class, so it is
 * ignored, as are area, bbox, part, repair, level, color and year. `segmentation` is nested four
 * deep: polygons → rings → points → [x, y], each ring closed by repeating its first point. Three
 * deep (rings → points) and COCO's flat [x0, y0, x1, …] rings are accepted too.
 *
 * An annotation with an unknown or missing class, or without any polygon, is skipped with a
 * warning. A structural problem (not JSON, wrong nesting, a polygon with fewer than 3 points,
 * coordinates far outside the image, annotations of an image that is not listed, too many
 * points) rejects the whole file with a one-line error naming it.
 */
#pragma once

#include "dr-ground-truth.h"

G_BEGIN_DECLS

/* One DrGroundTruth per image listed in @root (annotation order kept per layer), a document
 * loaded with dr_ground_truth_load_json from @path, which only names the file in messages.
 * Warnings ("PATH: annotation N: …") are appended to @warnings (owned strings), which may be
 * NULL. */
GPtrArray *dr_import_aihub_parse (JsonNode    *root,
                                 const char  *path,
                                 GPtrArray   *warnings,
                                 GError     **error);

G_END_DECLS
