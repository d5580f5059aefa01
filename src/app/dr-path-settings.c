/* dr-path-settings.c — see dr-path-settings.h. */
#include "config.h"

#include "dr-path-settings.h"
#include "dr-pg-conn.h"
#include "dr-pg-location.h"

/* See header. */
char *
dr_path_settings_decode (const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  if (dr_pg_is_conninfo (value))
    return g_strdup (value);
  if (g_str_has_prefix (value, "file:"))
    return g_filename_from_uri (value, NULL, NULL);
  return g_path_is_absolute (value) ? g_strdup (value) : NULL;
}

/* See header. */
char *
dr_path_settings_encode (const char *path)
{
  if (path != NULL && dr_pg_is_conninfo (path))
    return g_utf8_validate (path, -1, NULL) && !dr_pg_location_has_password (path)
             ? g_strdup (path) : NULL;
  if (path == NULL || !g_path_is_absolute (path))
    return NULL;
  return g_filename_to_uri (path, NULL, NULL);
}

/* See header. */
char *
dr_path_settings_get (GSettings *settings, const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);
  return dr_path_settings_decode (value);
}

/* See header. */
gboolean
dr_path_settings_set (GSettings *settings, const char *key, const char *path)
{
  g_autofree char *uri = dr_path_settings_encode (path);
  return uri != NULL && g_settings_set_string (settings, key, uri);
}
