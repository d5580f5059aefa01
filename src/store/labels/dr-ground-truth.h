/* dr-ground-truth.h — ground-truth masks read from label files, before they meet the project.
 *
 * A label importer (AI Hub in dr-import-aihub.h, COCO in dr-import-coco.h) turns a label file
 * into one DrGroundTruth per image it describes: the image's file name and size as the label
 * file states them, and per damage type the union of every labelled region at that size.
 *
 * Polygons are rasterised with dr_mask_fill_polygon (even-odd at pixel centres); within one
 * polygon the first ring is the outline and later rings are holes, and separate polygons are
 * unioned. Vertex coordinates are pixel positions, x right and y down, (0, 0) the top-left
 * corner of the top-left pixel. pycocotools rasterises polygons differently (rleFrPoly walks the
 * outline on a 5× grid and rounds), so along a slanted edge its mask and ours may differ by one
 * pixel; integer-aligned rectangles come out identical.
 *
 * Damage names are matched case-insensitively: "Scratched"/"Scratch", "Separated"/"Seperated",
 * "Crushed", "Breakage"/"Broken", the stray "Dent"/"Dented" as Crushed, and the lower-case ids
 * of dr_damage_to_string(). Anything else is a warning, not an error.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "dr-damage.h"
#include "dr-mask-edit.h"
#include "dr-rle.h"

G_BEGIN_DECLS

/* Bounds on untrusted label files. */
#define DR_LABEL_MAX_FILE_BYTES ((gsize) 64 * 1024 * 1024)
#define DR_LABEL_MAX_POINTS ((gsize) 1000 * 1000)       /* vertices per file */
#define DR_LABEL_MAX_DEPTH 32                            /* JSON nesting */

typedef struct {
  char *file_name;             /* as written in the label file */
  gint64 label_id;             /* the image id in the label file (0 when it has none) */
  guint width;
  guint height;
  DrRle *mask[DR_N_DAMAGE];    /* union of the regions of each damage type; NULL when none */
  guint n_regions[DR_N_DAMAGE];
} DrGroundTruth;

/* A ground truth of @width × @height with empty layers; NULL with @error when the size is 0 or
 * exceeds DR_MASK_MAX_PIXELS. */
DrGroundTruth *dr_ground_truth_new (const char *file_name, gint64 label_id, guint width,
                                    guint height, const char *label_path, GError **error);

/* Frees @gt and its masks; NULL is allowed. */
void dr_ground_truth_free (DrGroundTruth *gt);

/* Parses a damage class name as described above; FALSE when it names none. */
gboolean dr_ground_truth_damage_from_name (const char *name, DrDamage *damage);

/* The match key of a file name: base name without directory and last extension, case-folded. */
char *dr_ground_truth_stem (const char *file_name);

/* For the label importers: sets a CORRUPT error "PREFIX: reason", the reason shortened and
 * escaped (dr_safe_excerpt) so a message never carries raw bytes or spans two lines, and
 * returns NULL. */
G_GNUC_PRINTF (3, 4)
gpointer dr_label_fail (GError **error, const char *prefix, const char *format, ...);

/* For the label importers: appends one warning line, shortened and escaped the same way, to
 * @warnings; does nothing when @warnings is NULL. */
G_GNUC_PRINTF (2, 3)
void dr_label_warn (GPtrArray *warnings, const char *format, ...);

/* Reads @path as JSON for a label importer: refuses files larger than
 * DR_LABEL_MAX_FILE_BYTES or nested deeper than DR_LABEL_MAX_DEPTH, and anything that is not
 * JSON, each with a one-line error naming the file. */
JsonNode *dr_ground_truth_load_json (const char *path, GError **error);

/* Reads one polygon ring of @gt's image from @node: a list of [x, y] pairs when @pairs, else a
 * flat list x0, y0, x1, y1, …. A closing point equal to the first is dropped. Fails (CORRUPT,
 * message prefixed by @where) on a non-list, non-numeric or non-finite coordinates, fewer than 3
 * points, or a point farther outside the image than one image size; fails (TOO_LARGE) once the
 * file's point @budget is spent. Returns n_points × 2 doubles. */
double *dr_ground_truth_read_ring (JsonNode            *node,
                                   gboolean             pairs,
                                   const DrGroundTruth *gt,
                                   gsize               *n_points,
                                   gsize               *budget,
                                   const char          *where,
                                   GError             **error);

/* Accumulates regions of one image: a full-size byte layer per damage type, OR-ed polygon by
 * polygon, turned into RLEs at the end. */
typedef struct _DrGroundTruthCanvas DrGroundTruthCanvas;

/* A blank canvas for @gt's size. */
DrGroundTruthCanvas *dr_ground_truth_canvas_new (const DrGroundTruth *gt);

/* Frees the canvas; NULL is allowed. */
void dr_ground_truth_canvas_free (DrGroundTruthCanvas *canvas);

/* Adds one polygon with holes to layer @damage: @rings[0] is the outline, later rings are holes;
 * each ring is an array of doubles x0, y0, x1, y1, … with @ring_points[i] points. */
void dr_ground_truth_canvas_add_polygon (DrGroundTruthCanvas *canvas,
                                         DrDamage             damage,
                                         const double *const *rings,
                                         const gsize         *ring_points,
                                         gsize                n_rings);

/* ORs a decoded mask of the canvas size into layer @damage. */
void dr_ground_truth_canvas_add_rle (DrGroundTruthCanvas *canvas, DrDamage damage,
                                     const DrRle *rle);

/* Encodes every non-empty layer into @gt->mask (replacing what was there). */
gboolean dr_ground_truth_canvas_finish (DrGroundTruthCanvas *canvas, DrGroundTruth *gt,
                                        GError **error);

/* Paints annotation @ann (number @index of the file's list) of @gt onto @canvas, taking its
 * points from *@budget (shared by the whole file). FALSE with @error rejects the file; skipping
 * it (with a warning) is TRUE. */
typedef gboolean (*DrGroundTruthPaintFunc) (JsonObject           *ann,
                                            guint                 index,
                                            DrGroundTruth        *gt,
                                            DrGroundTruthCanvas  *canvas,
                                            gsize                *budget,
                                            gpointer              user_data,
                                            GError              **error);

/* One empty GArray of guint per record of @gts: where a reader routes each annotation (its
 * index in the file's list) to its image before painting. */
GPtrArray *dr_ground_truth_routes_new (GPtrArray *gts);

/* For each record k of @gts with annotations routed to it (@routes[k], indexes into @anns):
 * a canvas, @paint for each annotation in file order, then dr_ground_truth_canvas_finish; so
 * only one image's layers are in memory at a time. The file's point budget is
 * DR_LABEL_MAX_POINTS. FALSE with @error when a paint or a finish fails. */
gboolean dr_ground_truth_paint_all (GPtrArray               *gts,
                                    GPtrArray               *routes,
                                    JsonArray               *anns,
                                    DrGroundTruthPaintFunc   paint,
                                    gpointer                 user_data,
                                    GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrGroundTruth, dr_ground_truth_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrGroundTruthCanvas, dr_ground_truth_canvas_free)

G_END_DECLS
