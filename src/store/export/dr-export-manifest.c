/* dr-export-manifest.c — manifest.csv and manifest.json: one row per exported photo, and their
 * re-read check.
 *
 * CSV columns: file, claim, split, sha256, width, height, reviewer, then for each damage id
 * (scratch, separated, crushed, breakage): <id>_verdict, <id>_mask, <id>_area,
 * <id>_model_sha256, and last the photo's note (last so that readers of the earlier columns
 * by position keep working). RFC 4180 quoting (a note may hold commas, quotes and line breaks);
 * empty field for a missing value; <id>_mask is empty when PNG masks were not exported.
 *
 * manifest.json has the same per image, with "note" a string or null.
 */
#include "dr-export-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dr-json.h"
#include "dr-store-error.h"

/* Appends @value to @row as one CSV field (quoted when it holds a comma, quote or newline). */
static void
csv_field (GString *row, const char *value, gboolean first)
{
  if (!first)
    g_string_append_c (row, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (row, value);
      return;
    }
  g_string_append_c (row, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  g_string_append_c (row, '"');
}

/* The CSV header line (without newline). */
static char *
csv_header (void)
{
  GString *row = g_string_new ("file,claim,split,sha256,width,height,reviewer");
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      const char *id = dr_damage_to_string (d);
      g_string_append_printf (row, ",%s_verdict,%s_mask,%s_area,%s_model_sha256", id, id, id, id);
    }
  g_string_append (row, ",note");
  return g_string_free (row, FALSE);
}

/* The fields of one entry's row, as owned strings (NULL for empty). */
static GPtrArray *
entry_fields (const DrExportEntry *e, gboolean png)
{
  const DrExportItem *item = e->item;
  GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (f, g_strdup (e->image_name));
  g_ptr_array_add (f, g_strdup (item->claim));
  g_ptr_array_add (f, g_strdup (e->split));
  g_ptr_array_add (f, g_strdup (item->sha256));
  g_ptr_array_add (f, g_strdup_printf ("%u", item->width));
  g_ptr_array_add (f, g_strdup_printf ("%u", item->height));
  g_ptr_array_add (f, g_strdup (item->reviewer));
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_ptr_array_add (f, g_strdup (dr_export_item_verdict (item, d)));
      g_ptr_array_add (f, png ? g_strconcat ("masks/", e->mask_name[d], NULL) : NULL);
      g_ptr_array_add (f, g_strdup_printf ("%" G_GUINT64_FORMAT, dr_export_item_area (item, d)));
      g_ptr_array_add (f, g_strdup (item->model_sha256[d]));
    }
  /* CSV reads an empty field back as missing, so an empty note is written as none. */
  g_ptr_array_add (f, item->note != NULL && item->note[0] != '\0' ? g_strdup (item->note) : NULL);
  return f;
}

/* The manifest.json document. */
static JsonNode *
build_json (GPtrArray *entries, const DrExportOptions *options)
{
  gboolean png = (options->formats & DR_EXPORT_FORMAT_PNG) != 0;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "damage-review-export");
  dr_json_add_int (b, "version", 1);
  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      json_builder_begin_object (b);
      dr_json_add_int (b, "id", d + 1);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, dr_export_category_name (d));
      json_builder_set_member_name (b, "damage");
      json_builder_add_string_value (b, dr_damage_to_string (d));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "split");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "claims ranked by sha256(seed:claim), "
                                    "first round(fraction*n) to val");
  json_builder_set_member_name (b, "val_fraction");
  json_builder_add_double_value (b, options->val_fraction);
  dr_json_add_int (b, "seed", (gint64) options->seed);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "mask_orientation");
  json_builder_add_string_value (b, DR_EXPORT_MASK_ORIENTATION);
  json_builder_set_member_name (b, "reviewed_only");
  json_builder_add_boolean_value (b, options->reviewed_only);

  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      const DrExportItem *item = e->item;
      json_builder_begin_object (b);
      dr_json_add_int (b, "id", item->photo_id);
      dr_json_add_nullable_string (b, "file", e->image_name);
      dr_json_add_nullable_string (b, "claim", item->claim);
      dr_json_add_nullable_string (b, "split", e->split);
      dr_json_add_nullable_string (b, "sha256", item->sha256);
      dr_json_add_int (b, "width", item->width);
      dr_json_add_int (b, "height", item->height);
      dr_json_add_nullable_string (b, "reviewer", item->reviewer);
      dr_json_add_nullable_string (b, "note", item->note);
      json_builder_set_member_name (b, "damages");
      json_builder_begin_object (b);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          json_builder_set_member_name (b, dr_export_category_name (d));
          json_builder_begin_object (b);
          dr_json_add_nullable_string (b, "verdict", dr_export_item_verdict (item, d));
          g_autofree char *mask = png ? g_strconcat ("masks/", e->mask_name[d], NULL) : NULL;
          dr_json_add_nullable_string (b, "mask", mask);
          dr_json_add_int (b, "area", (gint64) dr_export_item_area (item, d));
          dr_json_add_nullable_string (b, "model_sha256", item->model_sha256[d]);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Writes @len bytes of @text to @dir/@name, naming the file on failure. */
static gboolean
write_file (const char *dir, const char *name, const char *text, gssize len, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, text, len, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Writes both manifests. */
gboolean
dr_export_manifest_write (GPtrArray *entries, const DrExportOptions *options, const char *dir,
                          GError **error)
{
  gboolean png = (options->formats & DR_EXPORT_FORMAT_PNG) != 0;
  g_autofree char *header = csv_header ();
  g_autoptr (GString) csv = g_string_new (header);
  g_string_append (csv, "\r\n");
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr (GPtrArray) f = entry_fields (entries->pdata[i], png);
      for (guint k = 0; k < f->len; k++)
        csv_field (csv, f->pdata[k], k == 0);
      g_string_append (csv, "\r\n");
    }
  if (!write_file (dir, "manifest.csv", csv->str, (gssize) csv->len, error))
    return FALSE;

  g_autoptr (JsonNode) root = build_json (entries, options);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  gsize len;
  g_autofree char *text = json_generator_to_data (gen, &len);
  return write_file (dir, "manifest.json", text, (gssize) len, error);
}

/* Parses one CSV record starting at *p (RFC 4180); advances *p past its line end. Returns the
 * fields, with NULL for empty ones, or NULL at the end of the text or on a broken quote. */
static GPtrArray *
csv_parse_record (const char **p)
{
  if (**p == '\0')
    return NULL;
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  for (;;)
    {
      if (**p == '"')
        {
          (*p)++;
          for (;;)
            {
              if (**p == '\0')
                {
                  g_string_free (field, TRUE);
                  g_ptr_array_unref (fields);
                  return NULL;
                }
              if (**p == '"' && (*p)[1] == '"')
                g_string_append_c (field, '"'), *p += 2;
              else if (**p == '"')
                {
                  (*p)++;
                  break;
                }
              else
                g_string_append_c (field, *(*p)++);
            }
        }
      while (**p != '\0' && **p != ',' && **p != '\r' && **p != '\n')
        g_string_append_c (field, *(*p)++);
      g_ptr_array_add (fields, field->len > 0 ? g_strdup (field->str) : NULL);
      g_string_truncate (field, 0);
      if (**p == ',')
        {
          (*p)++;
          continue;
        }
      if (**p == '\r')
        (*p)++;
      if (**p == '\n')
        (*p)++;
      break;
    }
  g_string_free (field, TRUE);
  return fields;
}

/* Re-reads manifest.csv: header and every field of every row must be what we would write. */
static gboolean
verify_csv (GPtrArray *entries, gboolean png, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "manifest.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", path, local->message);
      return FALSE;
    }
  const char *p = text;
  g_autoptr (GPtrArray) head = csv_parse_record (&p);
  g_autofree char *want_head = csv_header ();
  g_autoptr (GString) got_head = g_string_new (NULL);
  for (guint k = 0; head != NULL && k < head->len; k++)
    g_string_append_printf (got_head, "%s%s", k > 0 ? "," : "",
                            head->pdata[k] != NULL ? (char *) head->pdata[k] : "");
  if (head == NULL || strcmp (got_head->str, want_head) != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: unexpected header", path);
      return FALSE;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr (GPtrArray) row = csv_parse_record (&p);
      g_autoptr (GPtrArray) want = entry_fields (entries->pdata[i], png);
      gboolean same = row != NULL && row->len == want->len;
      for (guint k = 0; same && k < want->len; k++)
        same = g_strcmp0 (row->pdata[k], want->pdata[k]) == 0;
      if (!same)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                       "%s: row %u differs from the project", path, i + 2);
          return FALSE;
        }
    }
  if (*p != '\0')
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: extra rows", path);
      return FALSE;
    }
  return TRUE;
}

/* Re-reads manifest.json and compares it node for node with the document we would write. */
static gboolean
verify_json (GPtrArray *entries, const DrExportOptions *options, const char *dir,
             GError **error)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: %s", path, local->message);
      return FALSE;
    }
  g_autoptr (JsonNode) want = build_json (entries, options);
  JsonNode *got = json_parser_get_root (parser);
  if (got == NULL || !json_node_equal (got, want))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: content differs from the project", path);
      return FALSE;
    }
  return TRUE;
}

/* Checks both manifests. */
gboolean
dr_export_manifest_verify (GPtrArray *entries, const DrExportOptions *options, const char *dir,
                           GError **error)
{
  return verify_csv (entries, (options->formats & DR_EXPORT_FORMAT_PNG) != 0, dir, error)
         && verify_json (entries, options, dir, error);
}
