/* dr-pg-model-set.c — registering, listing and fetching a team's checkpoints. */
#include "config.h"

#include "dr-pg-model-set.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dr-pg-team.h"
#include "dr-safe-file.h"

#define CHUNK_BYTES (8 * 1024 * 1024)           /* one fetch statement's share of a blob */
#define MAX_CHECKPOINT_BYTES (G_GUINT64_CONSTANT (1) << 30) /* a bytea holds at most 1 GB */

/* Frees the strings and the struct; NULL allowed. */
void
dr_pg_model_free (DrPgModel *model)
{
  if (model == NULL)
    return;
  g_free (model->sha256);
  g_free (model->path);
  g_free (model);
}

/* See dr-pg-model-set.h. */
GPtrArray *
dr_pg_model_set_list (DrPgConn *conn, gint64 team, GError **error)
{
  /* At most one current model per damage (models_current index). */
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_model_set_list",
    "SELECT damage, sha256, path FROM dr.models WHERE team_id = $1::bigint AND current"
    " ORDER BY damage", error);
  if (res == NULL)
    return NULL;
  GPtrArray *models = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_pg_model_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      DrPgModel *m = g_new0 (DrPgModel, 1);
      m->damage = (int) g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
      m->sha256 = g_strdup (PQgetvalue (res, i, 1));
      m->path = g_strdup (PQgetvalue (res, i, 2));
      g_ptr_array_add (models, m);
    }
  return models;
}

/* See dr-pg-model-set.h. */
gboolean
dr_pg_model_set_register (DrPgConn *conn, gint64 team, int damage, const char *path,
                          const char *sha256, const char *name, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  const char *key[] = { team_s, sha256 };
  g_autoptr (PGresult) have = dr_pg_conn_exec (conn, "dr_model_blob_exists",
    "SELECT 1 FROM dr.model_blobs WHERE team_id = $1::bigint AND sha256 = $2", 2, key, error);
  if (have == NULL)
    return FALSE;
  if (PQntuples (have) == 0)
    {
      g_autofree guint8 *bytes = NULL;
      gsize len = 0;
      if (!dr_safe_read_all (path, MAX_CHECKPOINT_BYTES, &bytes, &len, error))
        return FALSE;
      const char *params[] = { team_s, sha256, (const char *) bytes };
      const int lengths[] = { 0, 0, (int) len };
      const int formats[] = { 0, 0, 1 };
      /* The server recomputes the digest (CHECK), so a file changed since it was hashed is
       * refused rather than stored under the wrong key. */
      g_autoptr (PGresult) res = dr_pg_conn_exec_binary (conn, "dr_model_blob_add",
        "INSERT INTO dr.model_blobs (team_id, sha256, bytes) VALUES ($1::bigint, $2, $3)"
        " ON CONFLICT DO NOTHING",
        3, params, lengths, formats, 0, error);
      if (res == NULL)
        return FALSE;
    }
  g_autofree char *damage_s = g_strdup_printf ("%d", damage);
  g_autofree char *base = g_path_get_basename (path);
  const char *params[] = { team_s, damage_s, sha256, base, name };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_model_set_current",
    "SELECT dr.set_current_model ($1::bigint, $2::smallint, $3, $4, $5)", 5, params, error);
  return res != NULL;
}

/* Appends the bytes of one chunk (bytea in text hex form) to out and the checksum. */
static gboolean
write_chunk (DrPgConn *conn, const PGresult *res, FILE *out, GChecksum *sum, gsize *got,
             const char *dest, GError **error)
{
  size_t n = 0;
  unsigned char *bytes = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, 0, 0), &n);
  if (bytes == NULL)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED, "%s: a checkpoint chunk is not bytea",
                   dr_pg_conn_get_server (conn));
      return FALSE;
    }
  g_checksum_update (sum, bytes, n);
  gboolean ok = fwrite (bytes, 1, n, out) == n;
  PQfreemem (bytes);
  if (!ok)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: cannot write: %s", dest,
                   g_strerror (errno));
      return FALSE;
    }
  *got += n;
  return TRUE;
}

/* See dr-pg-model-set.h. */
gboolean
dr_pg_model_set_fetch (DrPgConn *conn, gint64 team, const char *sha256, const char *dest,
                       GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  const char *key[] = { team_s, sha256 };
  g_autoptr (PGresult) size = dr_pg_conn_exec (conn, "dr_model_blob_size",
    "SELECT octet_length (bytes) FROM dr.model_blobs WHERE team_id = $1::bigint AND sha256 = $2",
    2, key, error);
  if (size == NULL)
    return FALSE;
  if (PQntuples (size) != 1)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                   "%s: checkpoint %s is not stored in the project", dr_pg_conn_get_server (conn),
                   sha256);
      return FALSE;
    }
  gsize total = (gsize) g_ascii_strtoull (PQgetvalue (size, 0, 0), NULL, 10);
  g_autofree char *dir = g_path_get_dirname (dest);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: cannot create: %s",
                   dir, g_strerror (errno));
      return FALSE;
    }
  g_autofree char *tmp = g_strconcat (dest, ".part-XXXXXX", NULL);
  int fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: cannot create: %s",
                   tmp, g_strerror (errno));
      return FALSE;
    }
  FILE *out = fdopen (fd, "wb");
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize got = 0;
  gboolean ok = TRUE;
  while (ok && got < total)
    {
      g_autofree char *from = g_strdup_printf ("%" G_GSIZE_FORMAT, got + 1);
      g_autofree char *count = g_strdup_printf ("%d", CHUNK_BYTES);
      const char *params[] = { team_s, sha256, from, count };
      g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_model_blob_chunk",
        "SELECT substring (bytes FROM $3::integer FOR $4::integer) FROM dr.model_blobs"
        " WHERE team_id = $1::bigint AND sha256 = $2",
        4, params, error);
      ok = res != NULL && PQntuples (res) == 1
           && write_chunk (conn, res, out, sum, &got, dest, error);
      if (ok && PQgetlength (res, 0, 0) <= 2)
        ok = FALSE; /* an empty chunk before the end: the row changed under us */
    }
  ok = fclose (out) == 0 && ok;
  if (ok && strcmp (g_checksum_get_string (sum), sha256) != 0)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                   "%s: checkpoint %s arrived with SHA-256 %s", dr_pg_conn_get_server (conn),
                   sha256, g_checksum_get_string (sum));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, dest) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: cannot rename: %s",
                   dest, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED, "%s: checkpoint %s: short read",
                     dr_pg_conn_get_server (conn), sha256);
      g_unlink (tmp);
    }
  return ok;
}
