/* dr-pg-photo-cache.c — fetch, verify and keep team photos as local files. */
#include "dr-pg-photo-cache.h"

#include <errno.h>
#include <string.h>

#include "dr-file-hash.h"
#include "dr-pg-push.h"
#include "dr-pg-team.h"
#include "dr-store-error.h"

/* $XDG_CACHE_HOME/damage-review/photos. */
char *
dr_pg_photo_cache_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "damage-review", "photos", NULL);
}

/* A base name from the server that is safe as one path component: no separators, not "." or
 * "..", not empty or hidden, at most 200 bytes; otherwise "photo". */
static char *
safe_name (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strchr (name, '/') != NULL
      || strlen (name) > 200)
    return g_strdup ("photo");
  return g_strdup (name);
}

/* Writes the photo's verified bytes from the server to @path (atomically). */
static gboolean
fetch (DrPgConn *conn, gint64 team_id, const char *sha256, const char *path, GError **error)
{
  gsize size = 0;
  g_autofree guint8 *data = dr_pg_photo_fetch (conn, team_id, sha256, DR_PG_MAX_PHOTO_BYTES,
                                               &size, error);
  return data != NULL
         && g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* See dr-pg-photo-cache.h. */
char *
dr_pg_photo_cache_path (const char *cache_dir, const char *sha256, const char *name)
{
  if (!dr_sha256_is_valid (sha256))
    return NULL;
  g_autofree char *default_dir = cache_dir ? NULL : dr_pg_photo_cache_default_dir ();
  g_autofree char *prefix = g_strndup (sha256, 2);
  g_autofree char *safe = safe_name (name);
  return g_build_filename (cache_dir ? cache_dir : default_dir, prefix, sha256, safe, NULL);
}

/* See dr-pg-photo-cache.h. */
char *
dr_pg_photo_cache_get (DrPgConn *conn, const char *cache_dir, gint64 team_id,
                       const char *sha256, const char *name, GError **error)
{
  g_autofree char *path = dr_pg_photo_cache_path (cache_dir, sha256, name);
  if (path == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: a photo has an invalid "
                   "SHA-256 \"%.70s\"", dr_pg_conn_get_server (conn), sha256 ? sha256 : "");
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *cached = dr_file_sha256 (path, NULL);
      if (g_strcmp0 (cached, sha256) == 0)
        return g_steal_pointer (&path);
    }
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", dir, g_strerror (errsv));
      return NULL;
    }
  if (!fetch (conn, team_id, sha256, path, error))
    return NULL;
  return g_steal_pointer (&path);
}
