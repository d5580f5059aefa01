/* dr-json.h — type-checked reads from untrusted JSON (json-glib's own getters warn, and under
 * G_DEBUG=fatal-warnings abort, when a member has an unexpected type), and builder helpers. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Member @name of @obj as a string; NULL when absent or not a string. */
const char *dr_json_member_string (JsonObject *obj, const char *name);

/* Member @name of @obj as an integer (a JSON integer, or a double with a whole value when
 * @allow_whole_double); FALSE when absent or of another type. */
gboolean dr_json_member_int (JsonObject *obj, const char *name, gboolean allow_whole_double,
                             gint64 *out);

/* Element @i of @arr as a JSON integer; FALSE when out of range or of another type. */
gboolean dr_json_array_int (JsonArray *arr, guint i, gint64 *out);

/* Member @name of @obj as a list / an object; NULL when absent or of another type. */
JsonArray *dr_json_member_array (JsonObject *obj, const char *name);
JsonObject *dr_json_member_object (JsonObject *obj, const char *name);

/* Adds member @name to the object @b is building: the string @value, or null when it is NULL. */
void dr_json_add_nullable_string (JsonBuilder *b, const char *name, const char *value);

/* Adds member @name to the object @b is building: the integer @value. */
void dr_json_add_int (JsonBuilder *b, const char *name, gint64 value);

G_END_DECLS
