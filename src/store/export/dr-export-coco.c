/* dr-export-coco.c — COCO instance JSON (compressed RLE, one annotation per 8-connected
 * component, iscrowd 0) and its re-read check, in two layouts:
 *
 *  - standard: annotations/instances_SPLIT.json, every image of the split, category ids 1–4;
 *  - the original training code's (the AI Hub car-damage tutorial's main.py and Datasets):
 *    datainfo/damage_NAME_train.json per damage type NAME (the train images that have that
 *    damage, with all their annotations) and datainfo/damage_val.json (every val image), with
 *    category_id the 0-based index of Scratched, Separated, Crushed, Breakage, which is what
 *    its training loop compares with the label it trains, and categories listing those same
 *    ids 0–3, so each file is self-consistent COCO. Its img_base_path is OUT/images. */
#include "dr-export-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dr-mask-components.h"
#include "dr-json.h"
#include "dr-store-error.h"

/* One COCO document: which images of which split, with which category id for damage 0. */
typedef struct {
  const char *split;
  int only_damage;      /* -1: every image of the split; else only images with that damage */
  int category_base;    /* category_id of damage d is d + category_base */
} Document;

/* Path of the document under @dir. */
static char *
document_path (const char *dir, const Document *doc)
{
  g_autofree char *name = NULL;
  if (doc->category_base == 1)
    {
      name = g_strdup_printf ("instances_%s.json", doc->split);
      return g_build_filename (dir, "annotations", name, NULL);
    }
  if (doc->only_damage >= 0)
    name = g_strdup_printf ("damage_%s_%s.json", dr_export_category_name (doc->only_damage),
                            doc->split);
  else
    name = g_strdup_printf ("damage_%s.json", doc->split);
  return g_build_filename (dir, "datainfo", name, NULL);
}

/* Whether entry @e belongs in @doc. */
static gboolean
document_has (const Document *doc, const DrExportEntry *e)
{
  return strcmp (e->split, doc->split) == 0
         && (doc->only_damage < 0 || dr_export_item_area (e->item, doc->only_damage) > 0);
}

/* Every document written for @split: the standard one, then the training code's (one per
 * damage type for train, one for any other split). Returns how many were stored in docs[]. */
static guint
documents_of_split (const char *split, Document docs[1 + DR_N_DAMAGE])
{
  guint n = 0;
  docs[n++] = (Document) { split, -1, 1 };
  if (strcmp (split, "train") != 0)
    docs[n++] = (Document) { split, -1, 0 };
  else
    for (int d = 0; d < DR_N_DAMAGE; d++)
      docs[n++] = (Document) { split, d, 0 };
  return n;
}

/* The images[] record: COCO's id/width/height/file_name plus claim, sha256, reviewer, the
 * photo's note (string or null), and per category name the verdict and the model SHA-256. */
static void
add_image (JsonBuilder *b, const DrExportEntry *e)
{
  const DrExportItem *item = e->item;
  json_builder_begin_object (b);
  dr_json_add_int (b, "id", item->photo_id);
  dr_json_add_int (b, "width", item->width);
  dr_json_add_int (b, "height", item->height);
  json_builder_set_member_name (b, "file_name");
  json_builder_add_string_value (b, e->image_name);
  dr_json_add_nullable_string (b, "claim", item->claim);
  dr_json_add_nullable_string (b, "sha256", item->sha256);
  dr_json_add_nullable_string (b, "reviewer", item->reviewer);
  dr_json_add_nullable_string (b, "note", item->note);
  json_builder_set_member_name (b, "verdicts");
  json_builder_begin_object (b);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      json_builder_set_member_name (b, dr_export_category_name (d));
      json_builder_add_string_value (b, dr_export_item_verdict (item, d));
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "model_sha256");
  json_builder_begin_object (b);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    dr_json_add_nullable_string (b, dr_export_category_name (d), item->model_sha256[d]);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

/* One annotation's content: a connected component of one layer. */
typedef struct {
  char *counts;              /* compressed RLE string */
  guint64 area;
  guint bbox[4];             /* x, y, w, h */
} Part;

static void
part_free (gpointer data)
{
  Part *part = data;
  g_free (part->counts);
  g_free (part);
}

/* The annotations of entry @e: [DR_N_DAMAGE] arrays of Part*, one per 8-connected component
 * of each layer; split once and shared by every document the entry is written to. */
typedef struct {
  GPtrArray *layer[DR_N_DAMAGE];
} EntryParts;

static void
entry_parts_free (gpointer data)
{
  EntryParts *ep = data;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_clear_pointer (&ep->layer[d], g_ptr_array_unref);
  g_free (ep);
}

/* Splits every layer of @e into its components; NULL and @error on failure. */
static EntryParts *
split_entry (const DrExportEntry *e, GError **error)
{
  const DrExportItem *item = e->item;
  EntryParts *ep = g_new0 (EntryParts, 1);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      ep->layer[d] = g_ptr_array_new_with_free_func (part_free);
      if (dr_export_item_area (item, d) == 0)
        continue;
      g_autofree guint8 *mask = dr_export_item_decode (item, d);
      g_autoptr (GPtrArray) rles = dr_mask_split_components (mask, item->width, item->height,
                                                             error);
      if (rles == NULL)
        {
          entry_parts_free (ep);
          return NULL;
        }
      for (guint k = 0; k < rles->len; k++)
        {
          const DrRle *rle = rles->pdata[k];
          Part *part = g_new0 (Part, 1);
          part->counts = dr_rle_to_string (rle);
          part->area = dr_rle_get_area (rle);
          dr_rle_get_bbox (rle, &part->bbox[0], &part->bbox[1], &part->bbox[2], &part->bbox[3]);
          g_ptr_array_add (ep->layer[d], part);
        }
    }
  return ep;
}

/* Appends one annotation per component of every layer of @e; *next_id is the next annotation id. */
static void
add_annotations (JsonBuilder *b, const DrExportEntry *e, const EntryParts *ep,
                 int category_base, gint64 *next_id)
{
  const DrExportItem *item = e->item;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      for (guint k = 0; k < ep->layer[d]->len; k++)
        {
          const Part *part = ep->layer[d]->pdata[k];
          json_builder_begin_object (b);
          dr_json_add_int (b, "id", (*next_id)++);
          dr_json_add_int (b, "image_id", item->photo_id);
          dr_json_add_int (b, "category_id", d + category_base);
          json_builder_set_member_name (b, "segmentation");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "size");
          json_builder_begin_array (b);
          json_builder_add_int_value (b, item->height);
          json_builder_add_int_value (b, item->width);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "counts");
          json_builder_add_string_value (b, part->counts);
          json_builder_end_object (b);
          dr_json_add_int (b, "area", (gint64) part->area);
          json_builder_set_member_name (b, "bbox");
          json_builder_begin_array (b);
          for (int k2 = 0; k2 < 4; k2++)
            json_builder_add_int_value (b, part->bbox[k2]);
          json_builder_end_array (b);
          dr_json_add_int (b, "iscrowd", 0);
          json_builder_end_object (b);
        }
    }
}

/* Builds the whole document and writes it in one g_file_set_contents call. @parts holds the
 * EntryParts of every entry of the split, by entry. */
static gboolean
write_document (GPtrArray *entries, GHashTable *parts, const Document *doc, const char *dir,
                guint *n_annotations, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "info");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, "Damage Review export");
  json_builder_set_member_name (b, "split");
  json_builder_add_string_value (b, doc->split);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format_iso8601 (now);
  json_builder_set_member_name (b, "date_created");
  json_builder_add_string_value (b, date);
  json_builder_set_member_name (b, "mask_orientation");
  json_builder_add_string_value (b, DR_EXPORT_MASK_ORIENTATION);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "licenses");
  json_builder_begin_array (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      json_builder_begin_object (b);
      dr_json_add_int (b, "id", d + doc->category_base);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, dr_export_category_name (d));
      json_builder_set_member_name (b, "supercategory");
      json_builder_add_string_value (b, "damage");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      if (document_has (doc, e))
        add_image (b, e);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "annotations");
  json_builder_begin_array (b);
  gint64 next_id = 1;
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      if (document_has (doc, e))
        add_annotations (b, e, g_hash_table_lookup (parts, e), doc->category_base, &next_id);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  gsize len;
  g_autofree char *text = json_generator_to_data (gen, &len);
  g_autofree char *path = document_path (dir, doc);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, text, (gssize) len, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", path, local->message);
      return FALSE;
    }
  *n_annotations = (guint) (next_id - 1);
  return TRUE;
}

/* See dr-export-private.h. Only the standard document's annotations are counted. Splitting
 * the masks into components is the slow part, so the cancellable is checked per image there. */
gboolean
dr_export_coco_write (GPtrArray *entries, const char *split, const char *dir,
                      GCancellable *cancellable, guint *n_annotations, GError **error)
{
  g_autoptr (GHashTable) parts = g_hash_table_new_full (NULL, NULL, NULL, entry_parts_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      if (strcmp (e->split, split) != 0)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      EntryParts *ep = split_entry (e, error);
      if (ep == NULL)
        return FALSE;
      g_hash_table_insert (parts, (gpointer) e, ep);
    }
  Document docs[1 + DR_N_DAMAGE];
  guint n_docs = documents_of_split (split, docs);
  for (guint k = 0; k < n_docs; k++)
    {
      guint n = 0;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!write_document (entries, parts, &docs[k], dir, &n, error))
        return FALSE;
      if (k == 0)
        *n_annotations += n;
    }
  return TRUE;
}

/* Sets a one-line CORRUPT error about @path and returns FALSE. */
G_GNUC_PRINTF (3, 4)
static gboolean
fail (GError **error, const char *path, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: %s", path, reason);
  return FALSE;
}

/* Object element @i of @arr, or NULL. */
static JsonObject *
get_object_element (JsonArray *arr, guint i)
{
  JsonNode *node = json_array_get_element (arr, i);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Checks the categories list is exactly ids base … base + 3 (the ids the annotations use, so
 * every file is self-consistent COCO) with our names and supercategory "damage". */
static gboolean
check_categories (JsonObject *root, int base, const char *path, GError **error)
{
  JsonArray *cats = dr_json_member_array (root, "categories");
  if (cats == NULL || json_array_get_length (cats) != DR_N_DAMAGE)
    return fail (error, path, "categories must list the %d damage types", DR_N_DAMAGE);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      JsonObject *c = get_object_element (cats, d);
      gint64 id;
      if (c == NULL || !dr_json_member_int (c, "id", FALSE, &id) || id != d + base
          || g_strcmp0 (dr_json_member_string (c, "name"),
                        dr_export_category_name (d)) != 0
          || g_strcmp0 (dr_json_member_string (c, "supercategory"),
                        "damage") != 0)
        return fail (error, path, "category %d is not {id %d, %s, damage}", d + 1, d + base,
                     dr_export_category_name (d));
    }
  return TRUE;
}

/* Sets to 1 every foreground pixel of @rle (column-major runs over a mask of the photo's size)
 * that lies in the window [@x0, @x0 + @ww) × [@y0, @y0 + @wh); @dst is that window, row-major,
 * @ww bytes a row. Returns FALSE when one of those pixels was set already. Costs the number of
 * runs plus the number of foreground pixels, whatever the photo's size. */
static gboolean
paint_runs (const DrRle *rle, guint8 *dst, guint x0, guint y0, guint ww, guint wh)
{
  gsize n;
  const guint32 *counts = dr_rle_get_counts (rle, &n);
  guint h = dr_rle_get_height (rle);
  guint64 p = 0;
  gboolean clean = TRUE;
  for (gsize i = 0; i < n; p += counts[i], i++)
    {
      if (i % 2 == 0)
        continue;
      for (guint64 q = p; q < p + counts[i]; q++)
        {
          guint x = (guint) (q / h), y = (guint) (q % h);
          if (x < x0 || x - x0 >= ww || y < y0 || y - y0 >= wh)
            continue;
          guint8 *px = dst + (gsize) (y - y0) * ww + (x - x0);
          clean &= *px == 0;
          *px = 1;
        }
    }
  return clean;
}

/* Decodes one annotation and checks it against COCO's rules and ours: integer ids, size
 * [h, w], compressed string counts, iscrowd 0, area = pixel count > 0, tight bbox, one
 * 8-connected component. Returns the parsed mask, owned by @decoded, or NULL. @decoded maps
 * "PHOTO-ID:COUNTS" to masks already decoded and found to be one component, so a string that
 * several documents repeat is decoded once (every other check still runs on each copy). */
static const DrRle *
check_annotation (JsonObject *ann, const DrExportItem *item, GHashTable *decoded,
                  const char *path, gint64 ann_id, GError **error)
{
  gint64 crowd, area, v;
  JsonObject *seg = dr_json_member_object (ann, "segmentation");
  JsonArray *size = seg != NULL ? dr_json_member_array (seg, "size") : NULL;
  JsonNode *counts = seg != NULL ? json_object_get_member (seg, "counts") : NULL;
  if (!dr_json_member_int (ann, "iscrowd", FALSE, &crowd) || crowd != 0)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": iscrowd must be 0", ann_id), NULL;
  if (size == NULL || json_array_get_length (size) != 2 || counts == NULL
      || !JSON_NODE_HOLDS_VALUE (counts) || json_node_get_value_type (counts) != G_TYPE_STRING)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": segmentation is not "
                 "{size: [h, w], counts: string}", ann_id), NULL;
  gint64 h = -1, w = -1;
  dr_json_array_int (size, 0, &h);
  dr_json_array_int (size, 1, &w);
  if (h != item->height || w != item->width)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": size [%" G_GINT64_FORMAT ", %"
                 G_GINT64_FORMAT "] is not the photo's [%u, %u]", ann_id, h, w, item->height,
                 item->width), NULL;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", item->photo_id,
                                          json_node_get_string (counts));
  const DrRle *known = g_hash_table_lookup (decoded, key);
  g_autoptr (GError) local = NULL;
  g_autoptr (DrRle) rle = known ? NULL : dr_rle_new_from_string (json_node_get_string (counts),
                                                                 item->height, item->width,
                                                                 &local);
  if (known == NULL && rle == NULL)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": %s", ann_id, local->message),
           NULL;
  const DrRle *mask = known ? known : rle;
  if (!dr_json_member_int (ann, "area", FALSE, &area) || area <= 0
      || (guint64) area != dr_rle_get_area (mask))
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": area is not the mask's %"
                 G_GUINT64_FORMAT " pixels", ann_id, dr_rle_get_area (mask)), NULL;
  JsonArray *bbox = dr_json_member_array (ann, "bbox");
  guint bx, by, bw, bh;
  dr_rle_get_bbox (mask, &bx, &by, &bw, &bh);
  guint want[4] = { bx, by, bw, bh };
  if (bbox == NULL || json_array_get_length (bbox) != 4)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": bbox is not [x, y, w, h]",
                 ann_id), NULL;
  for (guint k = 0; k < 4; k++)
    {
      if (!dr_json_array_int (bbox, k, &v) || v != want[k])
        return fail (error, path, "annotation %" G_GINT64_FORMAT ": bbox is not the tight box "
                     "[%u, %u, %u, %u]", ann_id, bx, by, bw, bh), NULL;
    }
  if (known != NULL)
    return known;
  /* Connectivity is checked on the bbox crop only: everything outside it is background. */
  g_autofree guint8 *crop = g_malloc0 ((gsize) bw * bh);
  g_autofree guint32 *labels = g_new (guint32, (gsize) bw * bh);
  paint_runs (rle, crop, bx, by, bw, bh);
  if (dr_mask_label_components (crop, bw, bh, labels) != 1)
    return fail (error, path, "annotation %" G_GINT64_FORMAT ": not one 8-connected "
                 "component", ann_id), NULL;
  g_hash_table_insert (decoded, g_steal_pointer (&key), rle);
  return g_steal_pointer (&rle);
}

/* Checks one image's annotations: their per-category union equals the item's layers exactly and
 * no two annotations of a category overlap. */
static gboolean
check_image_masks (const DrExportItem *item, GPtrArray *anns, int category_base,
                   GHashTable *decoded, const char *path, GError **error)
{
  gsize n = (gsize) item->width * item->height;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree guint8 *uni = g_malloc0 (n);
      for (guint k = 0; anns != NULL && k < anns->len; k++)
        {
          JsonObject *ann = anns->pdata[k];
          gint64 cat, id = 0;
          dr_json_member_int (ann, "id", FALSE, &id);
          if (!dr_json_member_int (ann, "category_id", FALSE, &cat) || cat < category_base
              || cat >= DR_N_DAMAGE + category_base)
            return fail (error, path, "annotation %" G_GINT64_FORMAT ": category_id must be "
                         "%d–%d", id, category_base, DR_N_DAMAGE - 1 + category_base);
          if (cat != d + category_base)
            continue;
          const DrRle *m = check_annotation (ann, item, decoded, path, id, error);
          if (m == NULL)
            return FALSE;
          if (!paint_runs (m, uni, 0, 0, item->width, item->height))
            return fail (error, path, "annotation %" G_GINT64_FORMAT " overlaps another %s "
                         "annotation", id, dr_export_category_name (d));
        }
      g_autofree guint8 *want = dr_export_item_decode (item, d);
      for (gsize i = 0; i < n; i++)
        if ((uni[i] != 0) != (want[i] != 0))
          return fail (error, path, "image %" G_GINT64_FORMAT ": %s pixel (%zu, %zu) is %d in "
                       "the annotations but %d in the project", item->photo_id,
                       dr_export_category_name (d), i % item->width, i / item->width,
                       uni[i] != 0, want[i] != 0);
    }
  return TRUE;
}

/* Whether member @name of @obj is the string @want, or null when @want is NULL; FALSE when the
 * member is missing or of another type. */
static gboolean
member_is_nullable_string (JsonObject *obj, const char *name, const char *want)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL)
    return FALSE;
  if (want == NULL)
    return JSON_NODE_HOLDS_NULL (node);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         && strcmp (json_node_get_string (node), want) == 0;
}

/* Parses the document back with json-glib and checks structure, images (size, file name and
 * note) and every mask; @cancellable is checked before each image's masks are compared. */
static gboolean
verify_document (GPtrArray *entries, const Document *doc, const char *dir, GHashTable *decoded,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *path = document_path (dir, doc);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_file (parser, path, &local))
    return fail (error, path, "%s", local->message);
  JsonNode *root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return fail (error, path, "top level is not an object");
  JsonObject *root = json_node_get_object (root_node);
  if (!check_categories (root, doc->category_base, path, error))
    return FALSE;
  JsonArray *images = dr_json_member_array (root, "images");
  JsonArray *anns = dr_json_member_array (root, "annotations");
  if (images == NULL || anns == NULL)
    return fail (error, path, "images and annotations must be lists");

  /* Expected images of this document by id. */
  g_autoptr (GHashTable) expected = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < entries->len; i++)
    {
      DrExportEntry *e = entries->pdata[i];
      if (document_has (doc, e))
        g_hash_table_insert (expected, (gpointer) &e->item->photo_id, e);
    }
  if (json_array_get_length (images) != g_hash_table_size (expected))
    return fail (error, path, "%u images listed, %u expected", json_array_get_length (images),
                 g_hash_table_size (expected));
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *img = get_object_element (images, i);
      gint64 id, w, h;
      if (img == NULL || !dr_json_member_int (img, "id", FALSE, &id)
          || !dr_json_member_int (img, "width", FALSE, &w)
          || !dr_json_member_int (img, "height", FALSE, &h))
        return fail (error, path, "images[%u] lacks integer id, width or height", i);
      DrExportEntry *e = g_hash_table_lookup (expected, &id);
      if (e == NULL || g_hash_table_contains (seen, &id))
        return fail (error, path, "image id %" G_GINT64_FORMAT " is unexpected or repeated", id);
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      if (w != e->item->width || h != e->item->height
          || g_strcmp0 (dr_json_member_string (img, "file_name"),
                        e->image_name) != 0)
        return fail (error, path, "image %" G_GINT64_FORMAT ": file_name or size differ from "
                     "the project", id);
      if (!member_is_nullable_string (img, "note", e->item->note))
        return fail (error, path, "image %" G_GINT64_FORMAT ": note differs from the project",
                     id);
    }

  /* Annotations grouped by image; ids must be unique integers. */
  g_autoptr (GHashTable) by_image = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) ann_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         NULL);
  for (guint i = 0; i < json_array_get_length (anns); i++)
    {
      JsonObject *ann = get_object_element (anns, i);
      gint64 id, image_id;
      if (ann == NULL || !dr_json_member_int (ann, "id", FALSE, &id)
          || !dr_json_member_int (ann, "image_id", FALSE, &image_id))
        return fail (error, path, "annotations[%u] lacks integer id or image_id", i);
      DrExportEntry *e = g_hash_table_lookup (expected, &image_id);
      if (e == NULL || g_hash_table_contains (ann_ids, &id))
        return fail (error, path, "annotation %" G_GINT64_FORMAT ": repeated id or unknown "
                     "image %" G_GINT64_FORMAT, id, image_id);
      g_hash_table_add (ann_ids, g_memdup2 (&id, sizeof id));
      GPtrArray *list = g_hash_table_lookup (by_image, &e->item->photo_id);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_image, (gpointer) &e->item->photo_id, list);
        }
      g_ptr_array_add (list, ann);
    }

  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const DrExportEntry *e = value;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!check_image_masks (e->item, g_hash_table_lookup (by_image, &e->item->photo_id),
                              doc->category_base, decoded, path, error))
        return FALSE;
    }
  return TRUE;
}

/* See dr-export-private.h. */
gboolean
dr_export_coco_verify (GPtrArray *entries, const char *split, const char *dir,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) decoded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) dr_rle_free);
  Document docs[1 + DR_N_DAMAGE];
  guint n_docs = documents_of_split (split, docs);
  for (guint k = 0; k < n_docs; k++)
    if (!verify_document (entries, &docs[k], dir, decoded, cancellable, error))
      return FALSE;
  return TRUE;
}
