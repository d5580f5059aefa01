/* dr-json.c — type-checked JSON reads. */
#include "dr-json.h"

/* String member or NULL, never a warning. */
const char *
dr_json_member_string (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* Reads an integer node, optionally accepting whole-valued doubles within gint64 range. */
static gboolean
node_int (JsonNode *n, gboolean allow_whole_double, gint64 *out)
{
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    {
      *out = json_node_get_int (n);
      return TRUE;
    }
  if (t == G_TYPE_DOUBLE && allow_whole_double)
    {
      double v = json_node_get_double (n);
      if (v >= -9.0e15 && v <= 9.0e15 && v == (double) (gint64) v)
        {
          *out = (gint64) v;
          return TRUE;
        }
    }
  return FALSE;
}

/* Integer member; see header. */
gboolean
dr_json_member_int (JsonObject *obj, const char *name, gboolean allow_whole_double, gint64 *out)
{
  return node_int (json_object_get_member (obj, name), allow_whole_double, out);
}

/* Integer element; see header. */
gboolean
dr_json_array_int (JsonArray *arr, guint i, gint64 *out)
{
  if (i >= json_array_get_length (arr))
    return FALSE;
  return node_int (json_array_get_element (arr, i), FALSE, out);
}

/* List member or NULL. */
JsonArray *
dr_json_member_array (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

/* Object member or NULL. */
JsonObject *
dr_json_member_object (JsonObject *obj, const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* See dr-json.h. */
void
dr_json_add_nullable_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* See dr-json.h. */
void
dr_json_add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}
