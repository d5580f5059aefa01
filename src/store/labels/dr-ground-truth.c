/* dr-ground-truth.c — ground-truth layers, damage names, bounded JSON loading, rasterising. */
#include "dr-ground-truth.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "dr-safe-file.h"
#include "dr-store-error.h"

/* See dr-ground-truth.h. */
gpointer
dr_label_fail (GError **error, const char *prefix, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree char *reason = dr_safe_excerpt (text, -1, DR_MESSAGE_MAX_CHARS);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: %s", prefix, reason);
  return NULL;
}

/* See dr-ground-truth.h. */
void
dr_label_warn (GPtrArray *warnings, const char *format, ...)
{
  if (warnings == NULL)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (warnings, dr_safe_excerpt (text, -1, DR_MESSAGE_MAX_CHARS));
}

/* Allocates the record after checking the size. */
DrGroundTruth *
dr_ground_truth_new (const char *file_name, gint64 label_id, guint width, guint height,
                     const char *label_path, GError **error)
{
  if (width == 0 || height == 0 || (guint64) width * height > DR_MASK_MAX_PIXELS
      || width > G_MAXINT || height > G_MAXINT)
    {
      g_autofree char *shown = dr_safe_excerpt (file_name != NULL ? file_name : "(unnamed)", -1,
                                                DR_NAME_MAX_CHARS);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: image %s has an impossible size %u × %u", label_path, shown, width,
                   height);
      return NULL;
    }
  DrGroundTruth *gt = g_new0 (DrGroundTruth, 1);
  gt->file_name = g_strdup (file_name);
  gt->label_id = label_id;
  gt->width = width;
  gt->height = height;
  return gt;
}

/* Frees the record and its masks. */
void
dr_ground_truth_free (DrGroundTruth *gt)
{
  if (gt == NULL)
    return;
  g_free (gt->file_name);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    dr_rle_free (gt->mask[d]);
  g_free (gt);
}

static const struct {
  const char *name;
  DrDamage damage;
} damage_names[] = {
  { "scratched", DR_DAMAGE_SCRATCH },
  { "scratch", DR_DAMAGE_SCRATCH },
  { "separated", DR_DAMAGE_SEPARATED },
  { "seperated", DR_DAMAGE_SEPARATED },
  { "crushed", DR_DAMAGE_CRUSHED },
  { "dent", DR_DAMAGE_CRUSHED },
  { "dented", DR_DAMAGE_CRUSHED },
  { "breakage", DR_DAMAGE_BREAKAGE },
  { "broken", DR_DAMAGE_BREAKAGE },
};

/* Case-insensitive lookup in the table above (which includes dr_damage_to_string's ids). */
gboolean
dr_ground_truth_damage_from_name (const char *name, DrDamage *damage)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (damage_names); i++)
    if (g_ascii_strcasecmp (name, damage_names[i].name) == 0)
      {
        *damage = damage_names[i].damage;
        return TRUE;
      }
  return FALSE;
}

/* Base name, last extension removed, case-folded. Backslashes count as separators too, since
 * label files written on Windows carry them. */
char *
dr_ground_truth_stem (const char *file_name)
{
  const char *base = file_name;
  for (const char *p = file_name; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  const char *dot = strrchr (base, '.');
  gsize len = dot != NULL && dot != base ? (gsize) (dot - base) : strlen (base);
  g_autofree char *stem = g_strndup (base, len);
  g_autofree char *valid = g_utf8_make_valid (stem, -1);
  return g_utf8_casefold (valid, -1);
}

/* Deepest bracket nesting of JSON text, skipping string contents; stops counting past @limit. */
static int
json_depth (const char *text, gsize len, int limit)
{
  int depth = 0, max = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len && max <= limit; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          max = MAX (max, depth);
        }
      else if (c == ']' || c == '}')
        depth--;
    }
  return max;
}

/* Size check, depth pre-scan, then json-glib. */
JsonNode *
dr_ground_truth_load_json (const char *path, GError **error)
{
  g_autofree guint8 *bytes = NULL;
  gsize len = 0;
  if (!dr_safe_read_all (path, DR_LABEL_MAX_FILE_BYTES, &bytes, &len, error))
    return NULL;
  const char *text = (const char *) bytes;
  g_autoptr (GError) local = NULL;
  /* Label files are a JSON object or array: anything else (a photo given by mistake) is named
   * as what it is, before the depth scan could misread its bytes as brackets. */
  gsize start = len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
  while (start < len && g_ascii_isspace (text[start]))
    start++;
  if (start == len || (text[start] != '{' && text[start] != '['))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: not a JSON file (a label file starts with { or [)", path);
      return NULL;
    }
  if (json_depth (text, len, DR_LABEL_MAX_DEPTH) > DR_LABEL_MAX_DEPTH)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: JSON nested deeper than %d levels", path, DR_LABEL_MAX_DEPTH);
      return NULL;
    }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      g_autofree char *why = dr_safe_excerpt (local->message, -1, 120);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: not JSON: %s", path, why);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: empty file", path);
      return NULL;
    }
  return json_node_copy (root);
}

struct _DrGroundTruthCanvas {
  guint width, height;
  guint8 *layer[DR_N_DAMAGE];  /* height × width, lazily allocated */
  guint8 *scratch;             /* one polygon with its holes, before it is OR-ed in */
};

/* Allocates only the scratch layer; the damage layers appear on first use. */
DrGroundTruthCanvas *
dr_ground_truth_canvas_new (const DrGroundTruth *gt)
{
  DrGroundTruthCanvas *c = g_new0 (DrGroundTruthCanvas, 1);
  c->width = gt->width;
  c->height = gt->height;
  c->scratch = g_malloc0 ((gsize) gt->width * gt->height);
  return c;
}

/* Frees every layer. */
void
dr_ground_truth_canvas_free (DrGroundTruthCanvas *canvas)
{
  if (canvas == NULL)
    return;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_free (canvas->layer[d]);
  g_free (canvas->scratch);
  g_free (canvas);
}

/* The layer of @damage, allocated zeroed on first use. */
static guint8 *
canvas_layer (DrGroundTruthCanvas *c, DrDamage damage)
{
  if (c->layer[damage] == NULL)
    c->layer[damage] = g_malloc0 ((gsize) c->width * c->height);
  return c->layer[damage];
}

/* Paints the outline, erases the holes on the scratch layer, ORs the touched rectangle into the
 * damage layer and clears it again, so the cost stays within the polygon's box. */
void
dr_ground_truth_canvas_add_polygon (DrGroundTruthCanvas *canvas, DrDamage damage,
                                    const double *const *rings, const gsize *ring_points,
                                    gsize n_rings)
{
  if (n_rings == 0)
    return;
  DrMask m = { canvas->scratch, (int) canvas->width, (int) canvas->height };
  DrRect r = dr_mask_fill_polygon (&m, rings[0], ring_points[0], TRUE);
  for (gsize i = 1; i < n_rings; i++)
    dr_mask_fill_polygon (&m, rings[i], ring_points[i], FALSE);
  guint8 *layer = canvas_layer (canvas, damage);
  for (int y = r.y; y < r.y + r.height; y++)
    {
      gsize row = (gsize) y * canvas->width;
      for (int x = r.x; x < r.x + r.width; x++)
        {
          layer[row + x] |= canvas->scratch[row + x];
          canvas->scratch[row + x] = 0;
        }
    }
}

/* Decodes into the scratch layer and ORs it in. */
void
dr_ground_truth_canvas_add_rle (DrGroundTruthCanvas *canvas, DrDamage damage, const DrRle *rle)
{
  gsize n = (gsize) canvas->width * canvas->height;
  dr_rle_to_mask (rle, canvas->scratch);
  guint8 *layer = canvas_layer (canvas, damage);
  for (gsize i = 0; i < n; i++)
    layer[i] |= canvas->scratch[i];
  memset (canvas->scratch, 0, n);
}

/* RLE-encodes each allocated layer. */
gboolean
dr_ground_truth_canvas_finish (DrGroundTruthCanvas *canvas, DrGroundTruth *gt, GError **error)
{
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (canvas->layer[d] == NULL)
        continue;
      DrRle *rle = dr_rle_new_from_mask (canvas->layer[d], gt->height, gt->width, error);
      if (rle == NULL)
        return FALSE;
      dr_rle_free (gt->mask[d]);
      gt->mask[d] = rle;
    }
  return TRUE;
}

/* Reads coordinate element @i of @arr as a finite double. */
static gboolean
read_number (JsonArray *arr, guint i, double *out)
{
  JsonNode *n = json_array_get_element (arr, i);
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (n);
  return isfinite (*out);
}

/* Reads one ring; see dr-ground-truth.h. */
double *
dr_ground_truth_read_ring (JsonNode *node, gboolean pairs, const DrGroundTruth *gt,
                           gsize *n_points, gsize *budget, const char *where, GError **error)
{
  JsonArray *ring = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (ring == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: a polygon ring is not a "
                   "list", where);
      return NULL;
    }
  guint len = json_array_get_length (ring);
  gsize n = pairs ? len : len / 2;
  if (!pairs && len % 2 != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: a polygon has an odd "
                   "number of coordinates", where);
      return NULL;
    }
  if (n > *budget)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE, "%s: more than %zu polygon "
                   "points in one file", where, (gsize) DR_LABEL_MAX_POINTS);
      return NULL;
    }
  *budget -= n;
  g_autofree double *xy = g_new (double, 2 * MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      gboolean ok;
      if (pairs)
        {
          JsonNode *pn = json_array_get_element (ring, (guint) i);
          JsonArray *pt = JSON_NODE_HOLDS_ARRAY (pn) ? json_node_get_array (pn) : NULL;
          ok = pt != NULL && json_array_get_length (pt) == 2 && read_number (pt, 0, &xy[2 * i])
               && read_number (pt, 1, &xy[2 * i + 1]);
        }
      else
        ok = read_number (ring, (guint) (2 * i), &xy[2 * i])
             && read_number (ring, (guint) (2 * i + 1), &xy[2 * i + 1]);
      if (!ok)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: polygon point %zu is "
                       "not a pair of numbers", where, i);
          return NULL;
        }
      double x = xy[2 * i], y = xy[2 * i + 1];
      if (x < -(double) gt->width || x > 2.0 * gt->width || y < -(double) gt->height
          || y > 2.0 * gt->height)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: point (%g, %g) is far "
                       "outside the %u × %u image", where, x, y, gt->width, gt->height);
          return NULL;
        }
    }
  /* A ring closed by repeating its first point: the repeat adds nothing. */
  if (n >= 2 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1])
    n--;
  if (n < 3)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: polygon with fewer than 3 "
                   "points", where);
      return NULL;
    }
  *n_points = n;
  return g_steal_pointer (&xy);
}

/* See dr-ground-truth.h. */
GPtrArray *
dr_ground_truth_routes_new (GPtrArray *gts)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint k = 0; k < gts->len; k++)
    g_ptr_array_add (routes, g_array_new (FALSE, FALSE, sizeof (guint)));
  return routes;
}

/* See dr-ground-truth.h. */
gboolean
dr_ground_truth_paint_all (GPtrArray *gts, GPtrArray *routes, JsonArray *anns,
                           DrGroundTruthPaintFunc paint, gpointer user_data, GError **error)
{
  gsize budget = DR_LABEL_MAX_POINTS;
  for (guint k = 0; k < gts->len; k++)
    {
      DrGroundTruth *gt = gts->pdata[k];
      GArray *list = routes->pdata[k];
      if (list->len == 0)
        continue;
      g_autoptr (DrGroundTruthCanvas) canvas = dr_ground_truth_canvas_new (gt);
      for (guint j = 0; j < list->len; j++)
        {
          guint i = g_array_index (list, guint, j);
          if (!paint (json_array_get_object_element (anns, i), i, gt, canvas, &budget, user_data,
                      error))
            return FALSE;
        }
      if (!dr_ground_truth_canvas_finish (canvas, gt, error))
        return FALSE;
    }
  return TRUE;
}
