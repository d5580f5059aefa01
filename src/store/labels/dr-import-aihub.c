/* dr-import-aihub.c — AI Hub damage label files → per-damage ground-truth masks. */
#include "dr-import-aihub.h"

#include "dr-json.h"
#include "dr-safe-file.h"
#include "dr-store-error.h"

/* Builds a DrGroundTruth from one `images` object. */
static DrGroundTruth *
read_image (JsonNode *node, const char *path, GError **error)
{
  JsonObject *img = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  gint64 w, h, id = 0;
  const char *name = img != NULL ? dr_json_member_string (img, "file_name") : NULL;
  if (img == NULL || name == NULL || !dr_json_member_int (img, "width", TRUE, &w)
      || !dr_json_member_int (img, "height", TRUE, &h))
    return dr_label_fail (error, path, "an image lacks file_name, width or height");
  if (json_object_has_member (img, "id") && !dr_json_member_int (img, "id", TRUE, &id))
    return dr_label_fail (error, path, "image %s has a non-integer id", name);
  if (w <= 0 || h <= 0 || w > G_MAXINT || h > G_MAXINT)
    return dr_label_fail (error, path, "image %s has an impossible size %" G_GINT64_FORMAT " × %"
                 G_GINT64_FORMAT, name, w, h);
  return dr_ground_truth_new (name, id, (guint) w, (guint) h, path, error);
}

/* Depth of nested lists along first elements: [[[[1, 2]]]] is 4. */
static int
first_depth (JsonNode *node)
{
  int depth = 0;
  while (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      depth++;
      node = json_array_get_length (a) > 0 ? json_array_get_element (a, 0) : NULL;
    }
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? depth : -1;
}

/* Paints every polygon of one annotation's segmentation into layer @damage. Returns the number
 * of polygons (0 when the list is empty) or -1 with @error. */
static int
paint_segmentation (JsonNode *seg, DrDamage damage, DrGroundTruth *gt, DrGroundTruthCanvas *canvas,
                    gsize *budget, const char *where, GError **error)
{
  if (seg == NULL || !JSON_NODE_HOLDS_ARRAY (seg))
    {
      dr_label_fail (error, where, "segmentation is not a list");
      return -1;
    }
  JsonArray *top = json_node_get_array (seg);
  if (json_array_get_length (top) == 0)
    return 0;
  int depth = first_depth (seg);
  if (depth < 2 || depth > 4)
    {
      dr_label_fail (error, where, "segmentation is not polygons → rings → [x, y] points");
      return -1;
    }
  guint n_polys = json_array_get_length (top);
  for (guint p = 0; p < n_polys; p++)
    {
      JsonNode *poly = json_array_get_element (top, p);
      /* Depth 4: each element is a polygon (list of rings); depth 2–3: each element is a ring. */
      JsonArray *rings = depth == 4 && JSON_NODE_HOLDS_ARRAY (poly)
                         ? json_node_get_array (poly) : NULL;
      guint n_rings = depth == 4 ? (rings != NULL ? json_array_get_length (rings) : 0) : 1;
      if (depth == 4 && (rings == NULL || n_rings == 0))
        {
          dr_label_fail (error, where, "polygon %u has no ring", p);
          return -1;
        }
      g_autoptr (GPtrArray) xy = g_ptr_array_new_with_free_func (g_free);
      g_autofree gsize *counts = g_new (gsize, n_rings);
      for (guint r = 0; r < n_rings; r++)
        {
          JsonNode *ring = depth == 4 ? json_array_get_element (rings, r) : poly;
          double *pts = dr_ground_truth_read_ring (ring, depth >= 3, gt, &counts[r], budget,
                                                   where, error);
          if (pts == NULL)
            return -1;
          g_ptr_array_add (xy, pts);
        }
      dr_ground_truth_canvas_add_polygon (canvas, damage, (const double *const *) xy->pdata,
                                          counts, n_rings);
    }
  return (int) n_polys;
}

/* What painting an annotation needs besides the annotation. */
typedef struct {
  const char *path;
  GPtrArray *warnings;
} Reader;

/* DrGroundTruthPaintFunc: the annotation's polygons onto its damage class's layer; an unknown
 * class or no polygon is a warning and the annotation is skipped. */
static gboolean
paint_annotation (JsonObject *ann, guint index, DrGroundTruth *gt, DrGroundTruthCanvas *canvas,
                  gsize *budget, gpointer user_data, GError **error)
{
  const Reader *r = user_data;
  gint64 ann_id = index;
  dr_json_member_int (ann, "id", TRUE, &ann_id);
  g_autofree char *where = g_strdup_printf ("%s: annotation %" G_GINT64_FORMAT, r->path, ann_id);
  const char *name = dr_json_member_string (ann, "damage");
  DrDamage damage;
  if (!dr_ground_truth_damage_from_name (name, &damage))
    {
      g_autofree char *shown = dr_safe_excerpt (name != NULL ? name : "(none)", -1,
                                                DR_NAME_MAX_CHARS);
      dr_label_warn (r->warnings, "%s: unknown damage class “%s”, skipped", where, shown);
      return TRUE;
    }
  int n = paint_segmentation (json_object_get_member (ann, "segmentation"), damage, gt, canvas,
                              budget, where, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    dr_label_warn (r->warnings, "%s: no polygon, skipped", where);
  gt->n_regions[damage] += (guint) n;
  return TRUE;
}

/* Parses the images, routes the annotations to them, then paints image by image. */
GPtrArray *
dr_import_aihub_parse (JsonNode *root, const char *path, GPtrArray *warnings, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return dr_label_fail (error, path, "top level is not an object");
  JsonObject *obj = json_node_get_object (root);

  g_autoptr (GPtrArray) gts =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_ground_truth_free);
  JsonNode *images = json_object_get_member (obj, "images");
  if (images != NULL && JSON_NODE_HOLDS_OBJECT (images))
    {
      DrGroundTruth *gt = read_image (images, path, error);
      if (gt == NULL)
        return NULL;
      g_ptr_array_add (gts, gt);
    }
  else if (images != NULL && JSON_NODE_HOLDS_ARRAY (images))
    {
      JsonArray *list = json_node_get_array (images);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          DrGroundTruth *gt = read_image (json_array_get_element (list, i), path, error);
          if (gt == NULL)
            return NULL;
          g_ptr_array_add (gts, gt);
        }
    }
  if (gts->len == 0)
    return dr_label_fail (error, path, "no images object or list: not an AI Hub label file");

  JsonNode *anns_node = json_object_get_member (obj, "annotations");
  if (anns_node == NULL || !JSON_NODE_HOLDS_ARRAY (anns_node))
    return dr_label_fail (error, path, "annotations is not a list");
  JsonArray *anns = json_node_get_array (anns_node);

  /* Route every annotation to its image first, so only one image's layers are in memory at a
   * time however many images the file lists. */
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint k = 0; k < gts->len; k++)
    {
      DrGroundTruth *gt = gts->pdata[k];
      if (g_hash_table_contains (by_id, &gt->label_id))
        return dr_label_fail (error, path, "image id %" G_GINT64_FORMAT " appears twice", gt->label_id);
      g_hash_table_insert (by_id, &gt->label_id, GUINT_TO_POINTER (k));
    }
  g_autoptr (GPtrArray) per_image = dr_ground_truth_routes_new (gts);
  for (guint i = 0; i < json_array_get_length (anns); i++)
    {
      JsonNode *an = json_array_get_element (anns, i);
      if (!JSON_NODE_HOLDS_OBJECT (an))
        return dr_label_fail (error, path, "annotations[%u] is not an object", i);
      JsonObject *ann = json_node_get_object (an);
      gint64 ann_id = i, image_id;
      dr_json_member_int (ann, "id", TRUE, &ann_id);
      guint target = 0;
      gpointer slot;
      if (dr_json_member_int (ann, "image_id", TRUE, &image_id))
        {
          if (!g_hash_table_lookup_extended (by_id, &image_id, NULL, &slot))
            return dr_label_fail (error, path, "annotation %" G_GINT64_FORMAT ": image_id %"
                         G_GINT64_FORMAT " is not in images", ann_id, image_id);
          target = GPOINTER_TO_UINT (slot);
        }
      else if (gts->len > 1)
        return dr_label_fail (error, path, "annotation %" G_GINT64_FORMAT ": no image_id but the file "
                     "lists %u images", ann_id, gts->len);
      g_array_append_val ((GArray *) per_image->pdata[target], i);
    }

  Reader reader = { path, warnings };
  if (!dr_ground_truth_paint_all (gts, per_image, anns, paint_annotation, &reader, error))
    return NULL;
  return g_steal_pointer (&gts);
}
