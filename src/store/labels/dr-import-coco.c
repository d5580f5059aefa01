/* dr-import-coco.c — COCO polygons and RLE → per-damage ground-truth masks. */
#include "dr-import-coco.h"

#include "dr-json.h"
#include "dr-safe-file.h"
#include "dr-store-error.h"

/* Decodes an RLE segmentation object of @gt's size (compressed string or integer list). */
static DrRle *
read_rle (JsonObject *seg, const DrGroundTruth *gt, const char *where, GError **error)
{
  JsonArray *size = dr_json_member_array (seg, "size");
  JsonNode *counts = json_object_get_member (seg, "counts");
  if (size == NULL || json_array_get_length (size) != 2 || counts == NULL)
    return dr_label_fail (error, where, "RLE segmentation needs size [h, w] and counts");
  gint64 h = -1, w = -1;
  dr_json_array_int (size, 0, &h);
  dr_json_array_int (size, 1, &w);
  if (h != gt->height || w != gt->width)
    return dr_label_fail (error, where, "RLE size [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] is not the "
                 "image's [%u, %u]", h, w, gt->height, gt->width);
  g_autoptr (GError) local = NULL;
  DrRle *rle = NULL;
  if (JSON_NODE_HOLDS_VALUE (counts) && json_node_get_value_type (counts) == G_TYPE_STRING)
    rle = dr_rle_new_from_string (json_node_get_string (counts), gt->height, gt->width, &local);
  else if (JSON_NODE_HOLDS_ARRAY (counts))
    {
      JsonArray *list = json_node_get_array (counts);
      guint n = json_array_get_length (list);
      if ((guint64) n > (guint64) gt->width * gt->height + 1)
        return dr_label_fail (error, where, "more RLE counts than pixels");
      g_autofree guint32 *c = g_new (guint32, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (list, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64
              || json_node_get_int (e) < 0 || json_node_get_int (e) > G_MAXUINT32)
            return dr_label_fail (error, where, "RLE count %u is not a non-negative integer", i);
          c[i] = (guint32) json_node_get_int (e);
        }
      rle = dr_rle_new_from_counts (c, n, gt->height, gt->width, &local);
    }
  else
    return dr_label_fail (error, where, "RLE counts is neither a string nor a list");
  if (rle == NULL)
    return dr_label_fail (error, where, "%s", local->message);
  return rle;
}

/* What painting an annotation needs besides the annotation. */
typedef struct {
  const char *path;
  GPtrArray *warnings;
  GHashTable *cat_damage;  /* category id → damage + 1 */
} Reader;

/* DrGroundTruthPaintFunc: the annotation's RLE or polygons onto its category's layer (the
 * routing above only keeps annotations of our categories). */
static gboolean
paint_annotation (JsonObject *ann, guint index, DrGroundTruth *gt, DrGroundTruthCanvas *canvas,
                  gsize *budget, gpointer user_data, GError **error)
{
  const Reader *r = user_data;
  gint64 ann_id = 0, cat_id = 0;
  dr_json_member_int (ann, "id", FALSE, &ann_id);
  dr_json_member_int (ann, "category_id", FALSE, &cat_id);
  DrDamage damage = (DrDamage) (GPOINTER_TO_INT (g_hash_table_lookup (r->cat_damage, &cat_id)) - 1);
  g_autofree char *where = g_strdup_printf ("%s: annotation %" G_GINT64_FORMAT, r->path, ann_id);
  JsonNode *seg = json_object_get_member (ann, "segmentation");
  if (seg != NULL && JSON_NODE_HOLDS_OBJECT (seg))
    {
      g_autoptr (DrRle) rle = read_rle (json_node_get_object (seg), gt, where, error);
      if (rle == NULL)
        return FALSE;
      dr_ground_truth_canvas_add_rle (canvas, damage, rle);
      gt->n_regions[damage]++;
      return TRUE;
    }
  if (seg == NULL || !JSON_NODE_HOLDS_ARRAY (seg))
    {
      dr_label_fail (error, where, "segmentation is neither polygons nor RLE");
      return FALSE;
    }
  JsonArray *polys = json_node_get_array (seg);
  if (json_array_get_length (polys) == 0)
    dr_label_warn (r->warnings, "%s: no polygon, skipped", where);
  for (guint p = 0; p < json_array_get_length (polys); p++)
    {
      gsize n;
      g_autofree double *xy = dr_ground_truth_read_ring (json_array_get_element (polys, p), FALSE,
                                                         gt, &n, budget, where, error);
      if (xy == NULL)
        return FALSE;
      const double *rings[1] = { xy };
      dr_ground_truth_canvas_add_polygon (canvas, damage, rings, &n, 1);
      gt->n_regions[damage]++;
    }
  return TRUE;
}

/* Parses images and categories, routes the annotations, then paints image by image. */
GPtrArray *
dr_import_coco_parse (JsonNode *root, const char *path, GPtrArray *warnings, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return dr_label_fail (error, path, "top level is not an object");
  JsonObject *obj = json_node_get_object (root);
  JsonArray *images = dr_json_member_array (obj, "images");
  JsonArray *cats = dr_json_member_array (obj, "categories");
  JsonArray *anns = dr_json_member_array (obj, "annotations");
  if (images == NULL || cats == NULL || anns == NULL)
    return dr_label_fail (error, path, "images, categories and annotations must be lists: not a COCO file");

  g_autoptr (GPtrArray) gts =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_ground_truth_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonNode *n = json_array_get_element (images, i);
      JsonObject *img = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      gint64 id, w, h;
      const char *name = img != NULL ? dr_json_member_string (img, "file_name") : NULL;
      if (img == NULL || name == NULL || !dr_json_member_int (img, "id", FALSE, &id)
          || !dr_json_member_int (img, "width", FALSE, &w)
          || !dr_json_member_int (img, "height", FALSE, &h))
        return dr_label_fail (error, path, "images[%u] lacks an integer id, width, height or file_name", i);
      if (w <= 0 || h <= 0 || w > G_MAXINT || h > G_MAXINT)
        {
          g_autofree char *shown = dr_safe_excerpt (name, -1, DR_NAME_MAX_CHARS);
          return dr_label_fail (error, path, "image %s has an impossible size", shown);
        }
      DrGroundTruth *gt = dr_ground_truth_new (name, id, (guint) w, (guint) h, path, error);
      if (gt == NULL)
        return NULL;
      g_ptr_array_add (gts, gt);
      if (g_hash_table_contains (by_id, &gt->label_id))
        return dr_label_fail (error, path, "image id %" G_GINT64_FORMAT " appears twice", id);
      g_hash_table_insert (by_id, &gt->label_id, GUINT_TO_POINTER (i));
    }

  /* Category id → damage (+1, so 0 means "not one of ours"). */
  g_autoptr (GHashTable) cat_damage = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                            g_free, NULL);
  for (guint i = 0; i < json_array_get_length (cats); i++)
    {
      JsonNode *n = json_array_get_element (cats, i);
      JsonObject *cat = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      gint64 id;
      if (cat == NULL || !dr_json_member_int (cat, "id", FALSE, &id))
        return dr_label_fail (error, path, "categories[%u] lacks an integer id", i);
      const char *name = dr_json_member_string (cat, "name");
      DrDamage d;
      gboolean ours = dr_ground_truth_damage_from_name (name, &d);
      if (!ours)
        {
          g_autofree char *shown = dr_safe_excerpt (name != NULL ? name : "(unnamed)", -1,
                                                    DR_NAME_MAX_CHARS);
          dr_label_warn (warnings, "%s: category %" G_GINT64_FORMAT " “%s” is not a damage type, its "
                "annotations are skipped", path, id, shown);
        }
      g_hash_table_insert (cat_damage, g_memdup2 (&id, sizeof id),
                           GINT_TO_POINTER (ours ? d + 1 : 0));
    }

  /* Validate and route every annotation first, so only one image's layers are in memory at a
   * time however many images the file lists. */
  g_autoptr (GPtrArray) per_image = dr_ground_truth_routes_new (gts);
  for (guint i = 0; i < json_array_get_length (anns); i++)
    {
      JsonNode *an = json_array_get_element (anns, i);
      JsonObject *ann = JSON_NODE_HOLDS_OBJECT (an) ? json_node_get_object (an) : NULL;
      gint64 ann_id = i, image_id, cat_id;
      if (ann == NULL)
        return dr_label_fail (error, path, "annotations[%u] is not an object", i);
      dr_json_member_int (ann, "id", FALSE, &ann_id);
      g_autofree char *where = g_strdup_printf ("%s: annotation %" G_GINT64_FORMAT, path, ann_id);
      if (!dr_json_member_int (ann, "image_id", FALSE, &image_id)
          || !dr_json_member_int (ann, "category_id", FALSE, &cat_id))
        return dr_label_fail (error, where, "lacks an integer image_id or category_id");
      gpointer slot, dv;
      if (!g_hash_table_lookup_extended (by_id, &image_id, NULL, &slot))
        return dr_label_fail (error, where, "image_id %" G_GINT64_FORMAT " is not in images", image_id);
      if (!g_hash_table_lookup_extended (cat_damage, &cat_id, NULL, &dv))
        return dr_label_fail (error, where, "category_id %" G_GINT64_FORMAT " is not in categories",
                     cat_id);
      if (GPOINTER_TO_INT (dv) != 0)
        g_array_append_val ((GArray *) per_image->pdata[GPOINTER_TO_UINT (slot)], i);
    }

  Reader reader = { path, warnings, cat_damage };
  if (!dr_ground_truth_paint_all (gts, per_image, anns, paint_annotation, &reader, error))
    return NULL;
  return g_steal_pointer (&gts);
}
