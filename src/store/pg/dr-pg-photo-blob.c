/* dr-pg-photo-blob.c — see dr-pg-photo-blob.h. */
#include "dr-pg-photo-blob.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dr-pg-team.h"
#include "dr-safe-file.h"
#include "dr-store-error.h"

/* Longest root or path below it the schema allows (007-photo-root.sql). */
#define MAX_ROOT_PATH 4096

/* See header. */
gboolean
dr_pg_photo_root_get (DrPgConn *conn, const char *team, char **root, GError **error)
{
  const char *params[] = { team };
  /* The team's shared photo root, if any. */
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "photo_root_get",
    "SELECT photo_root FROM dr.teams WHERE id = $1", 1, params, error);
  if (res == NULL)
    return FALSE;
  const char *value = PQntuples (res) == 1 && !PQgetisnull (res, 0, 0)
                      ? PQgetvalue (res, 0, 0) : NULL;
  if (value != NULL && (value[0] != '/' || strlen (value) > MAX_ROOT_PATH))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: the team's photo root "
                   "is not an absolute path", dr_pg_conn_get_server (conn));
      return FALSE;
    }
  *root = g_strdup (value);
  return TRUE;
}

/* The path of @path below @root (both made canonical), or NULL when it is not below it or
 * either cannot be resolved. */
static char *
below_root (const char *path, const char *root)
{
  g_autofree char *real_root = realpath (root, NULL);
  g_autofree char *real_path = realpath (path, NULL);
  if (real_root == NULL || real_path == NULL)
    return NULL;
  gsize n = strlen (real_root);
  gboolean slash = n > 0 && real_root[n - 1] == '/';
  if (strncmp (real_path, real_root, n) != 0 || (!slash && real_path[n] != '/'))
    return NULL;
  const char *rel = real_path + n + !slash;
  /* The server keeps the path as text: a name that is not UTF-8 goes with its bytes. */
  return *rel != '\0' && strlen (rel) <= MAX_ROOT_PATH && g_utf8_validate (rel, -1, NULL)
         ? g_strdup (rel) : NULL;
}

/* See header. */
gboolean
dr_pg_photo_blob_put (DrPgConn *conn, const char *team, const char *sha256, GBytes *bytes,
                      const char *path, const char *root, gsize *sent, GError **error)
{
  g_autofree char *rel = root != NULL ? below_root (path, root) : NULL;
  gsize n = 0;
  const char *data = g_bytes_get_data (bytes, &n);
  const char *params[] = { team, sha256, rel != NULL ? rel : data };
  const int lengths[] = { 0, 0, rel != NULL ? 0 : (int) n };
  const int formats[] = { 0, 0, rel != NULL ? 0 : 1 };
  /* The file's path below the root, or the bytes (the server checks they hash to sha256);
   * once per team and SHA-256. */
  g_autoptr (PGresult) res = rel != NULL
    ? dr_pg_conn_exec (conn, "photo_blob_put_root",
        "INSERT INTO dr.photo_blobs (team_id, sha256, root_path) VALUES ($1, $2, $3)"
        " ON CONFLICT (team_id, sha256) DO NOTHING RETURNING 1", 3, params, error)
    : dr_pg_conn_exec_binary (conn, "photo_blob_put_bytes",
        "INSERT INTO dr.photo_blobs (team_id, sha256, bytes) VALUES ($1, $2, $3)"
        " ON CONFLICT (team_id, sha256) DO NOTHING RETURNING 1", 3, params, lengths, formats,
        0, error);
  if (res == NULL)
    return FALSE;
  if (sent != NULL)
    *sent = rel == NULL && PQntuples (res) == 1 ? n : 0;
  return TRUE;
}

/* Whether @rel, a path below the root sent by the server, stays below it: relative, no "."
 * or ".." component, no empty one, bounded. */
static gboolean
is_below_root (const char *rel)
{
  if (rel[0] == '\0' || rel[0] == '/' || strlen (rel) > MAX_ROOT_PATH)
    return FALSE;
  g_auto (GStrv) parts = g_strsplit (rel, "/", -1);
  for (char **p = parts; *p != NULL; p++)
    if (**p == '\0' || strcmp (*p, ".") == 0 || strcmp (*p, "..") == 0)
      return FALSE;
  return TRUE;
}

/* Reads the photo @sha256 from the file @rel below @root (both from the server), at most
 * @max_bytes; the file, symbolic links resolved, must still lie below the root (a link in the
 * share leads nowhere else). What a file holds never goes into a message: a worker's message
 * is stored on the server. */
static guint8 *
read_from_root (DrPgConn *conn, const char *root, const char *rel, const char *sha256,
                gint64 max_bytes, gsize *len, GError **error)
{
  if (root == NULL || root[0] != '/' || strlen (root) > MAX_ROOT_PATH || !is_below_root (rel))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: photo %s is kept on a "
                   "photo root the team does not record, or at a path outside it; refused",
                   dr_pg_conn_get_server (conn), sha256);
      return NULL;
    }
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *inside = below_root (path, root);
  if (inside == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: photo %s is not a readable "
                   "file below the team's photo root; refused", path, sha256);
      return NULL;
    }
  guint8 *data = NULL;
  gsize size = 0;
  GError *local = NULL;
  if (!dr_safe_read_all (path, (guint64) max_bytes, &data, &size, &local))
    {
      if (g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE))
        {
          g_clear_error (&local);
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                       "%s: photo %s is larger than %" G_GINT64_FORMAT " bytes; not read", path,
                       sha256, max_bytes);
        }
      else
        g_propagate_error (error, local);
      return NULL;
    }
  g_autofree char *actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  if (strcmp (actual, sha256) != 0)
    {
      g_free (data);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: the file on the team's "
                   "photo root does not have the photo's SHA-256 %s; refused", path, sha256);
      return NULL;
    }
  *len = size;
  return data;
}

/* See header. The size is asked with the bytes, so an oversized photo is never transferred. */
guint8 *
dr_pg_photo_fetch (DrPgConn *conn, gint64 team_id, const char *sha256, gint64 max_bytes,
                   gsize *len, GError **error)
{
  g_autofree char *team = dr_pg_int (team_id);
  g_autofree char *limit = dr_pg_int (max_bytes);
  const char *params[] = { team, sha256, limit };
  /* The bytes (raw, binary result) unless larger than the bound; the size in any case; or
   * the file below the team's photo root. */
  g_autoptr (PGresult) res = dr_pg_conn_exec_binary (conn, "photo_fetch",
    "SELECT CASE WHEN octet_length (b.bytes) <= $3::bigint THEN b.bytes END,"
    " octet_length (b.bytes)::text, b.root_path, t.photo_root"
    " FROM dr.photo_blobs b JOIN dr.teams t ON t.id = b.team_id"
    " WHERE b.team_id = $1 AND b.sha256 = $2", 3, params, NULL, NULL, 1, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND, "%s: no photo bytes with SHA-256 %s",
                   dr_pg_conn_get_server (conn), sha256);
      return NULL;
    }
  if (!PQgetisnull (res, 0, 2))
    return read_from_root (conn, PQgetisnull (res, 0, 3) ? NULL : PQgetvalue (res, 0, 3),
                           PQgetvalue (res, 0, 2), sha256, max_bytes, len, error);
  if (PQgetisnull (res, 0, 0))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "%s: photo %s is larger than %" G_GINT64_FORMAT " bytes; not fetched",
                   dr_pg_conn_get_server (conn), sha256, max_bytes);
      return NULL;
    }
  const char *data = PQgetvalue (res, 0, 0);
  gsize size = (gsize) PQgetlength (res, 0, 0);
  g_autofree char *actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
                                                         size);
  if (strcmp (actual, sha256) != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: photo %s arrived with SHA-256 %s; refused", dr_pg_conn_get_server (conn),
                   sha256, actual);
      return NULL;
    }
  *len = size;
  return g_memdup2 (data, size);
}
