/* dr-pg-location.c — see dr-pg-location.h. */
#include "dr-pg-location.h"

#include <libpq-fe.h>
#include <string.h>

/* See header. */
gboolean
dr_pg_location_get_parts (const char *location, DrPgLocationParts *parts)
{
  g_return_val_if_fail (location != NULL && parts != NULL, FALSE);
  PQconninfoOption *opts = PQconninfoParse (location, NULL);
  if (opts == NULL)
    return FALSE;
  const char *host = "", *port = "", *db = "", *user = "", *service = "";
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    {
      const char *v = o->val != NULL ? o->val : "";
      if (strcmp (o->keyword, "host") == 0)
        host = v;
      else if (strcmp (o->keyword, "port") == 0)
        port = v;
      else if (strcmp (o->keyword, "dbname") == 0)
        db = v;
      else if (strcmp (o->keyword, "user") == 0)
        user = v;
      else if (strcmp (o->keyword, "service") == 0)
        service = v;
    }
  parts->server = *host || !*service ? g_strdup (host) : g_strdup_printf ("service %s", service);
  parts->port = g_strdup (port);
  parts->database = g_strdup (db);
  parts->login = g_strdup (user);
  PQconninfoFree (opts);
  return TRUE;
}

/* See header. */
void
dr_pg_location_parts_clear (DrPgLocationParts *parts)
{
  g_clear_pointer (&parts->server, g_free);
  g_clear_pointer (&parts->port, g_free);
  g_clear_pointer (&parts->database, g_free);
  g_clear_pointer (&parts->login, g_free);
}

/* See header. */
char *
dr_pg_location_describe (const char *location)
{
  DrPgLocationParts parts;
  if (!dr_pg_location_get_parts (location, &parts))
    return NULL;
  const char *server = *parts.server && parts.server[0] != '/' ? parts.server : "localhost";
  char *text;
  if (*parts.database)
    text = g_strdup_printf ("%s@%s", parts.database, server);
  else
    text = g_strdup (server);
  dr_pg_location_parts_clear (&parts);
  return text;
}

/* See header. */
gboolean
dr_pg_location_has_password (const char *location)
{
  PQconninfoOption *opts = PQconninfoParse (location, NULL);
  gboolean found = FALSE;
  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    if (strcmp (o->keyword, "password") == 0 && o->val != NULL && *o->val)
      found = TRUE;
  PQconninfoFree (opts);
  return found;
}

/* See header. */
char *
dr_pg_location_with_login (const char *location, const char *login)
{
  g_return_val_if_fail (location != NULL, NULL);
  if (login == NULL || *login == '\0')
    return g_strdup (location);
  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    {
      g_autofree char *escaped = g_uri_escape_string (login, NULL, FALSE);
      return g_strdup_printf ("%s%suser=%s", location, strchr (location, '?') ? "&" : "?",
                              escaped);
    }
  GString *quoted = g_string_new (NULL);
  for (const char *p = login; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  char *result = g_strdup_printf ("%s user='%s'", location, quoted->str);
  g_string_free (quoted, TRUE);
  return result;
}
