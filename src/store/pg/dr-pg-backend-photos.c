/* dr-pg-backend-photos.c — claims, photos and the photo list summary of a team project. */
#include <string.h>

#include "dr-pg-backend-private.h"
#include "dr-pg-photo-blob.h"
#include "dr-pg-photo-cache.h"
#include "dr-pg-push.h"
#include "dr-pg-team.h"
#include "dr-safe-file.h"
#include "dr-store-error.h"

/* Longest claim or photo name accepted from the server (the schema's CHECK bounds). */
#define MAX_NAME_BYTES 4096
/* Largest photo side accepted from the server. */
#define MAX_SIDE G_MAXINT

/* The id of claim @name, adding it (with its work item, unassigned, at stage annotation) when
 * the team has none of that name. Only a lead may add one (row-level security). */
gboolean
dr_pg_backend_claim_ensure (DrStoreConn *conn, const char *name, gint64 *id, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  const char *params[] = { self->team, name };
  /* The claim of that name, added (with its work item) when missing. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_claim_ensure",
    "WITH found AS (SELECT id FROM dr.claims WHERE team_id = $1 AND name = $2),"
    " added AS (INSERT INTO dr.claims (team_id, name) SELECT $1, $2"
    "   WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id),"
    " item AS (INSERT INTO dr.work_items (team_id, claim_id) SELECT $1, id FROM added)"
    " SELECT id FROM found UNION ALL SELECT id FROM added", 2, params, error);
  return res != NULL
         && dr_pg_backend_int (self, res, 0, 0, 1, DR_PG_BACKEND_MAX_INT, -1, id,
                               "reading a claim", error);
}

/* UPDATE by id; a taken name is FAILED as in the SQLite backend, an unknown id NOT_FOUND. */
gboolean
dr_pg_backend_claim_rename (DrStoreConn *conn, gint64 id, const char *name, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *claim = dr_pg_int (id);
  const char *params[] = { self->team, claim, name };
  /* Renames the claim unless another claim of the team has the name; says which happened. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_claim_rename",
    "WITH taken AS (SELECT 1 FROM dr.claims WHERE team_id = $1 AND name = $3 AND id <> $2),"
    " renamed AS (UPDATE dr.claims SET name = $3 WHERE team_id = $1 AND id = $2"
    "   AND NOT EXISTS (SELECT 1 FROM taken) RETURNING id)"
    " SELECT EXISTS (SELECT 1 FROM taken), EXISTS (SELECT 1 FROM renamed)", 3, params, error);
  if (res == NULL)
    return FALSE;
  if (g_strcmp0 (PQgetvalue (res, 0, 0), "t") == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a claim named “%s” already exists", name);
      return FALSE;
    }
  if (g_strcmp0 (PQgetvalue (res, 0, 1), "t") != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   "%s: no claim with id %" G_GINT64_FORMAT, dr_pg_conn_get_server (self->pg),
                   id);
      return FALSE;
    }
  return TRUE;
}

/* Every claim of the team with its photo count, by name. */
GPtrArray *
dr_pg_backend_claim_list (DrStoreConn *conn, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  const char *params[] = { self->team };
  /* The claims and how many photos each has. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_claim_list",
    "SELECT c.id, c.name, (SELECT count (*) FROM dr.photos p WHERE p.claim_id = c.id)"
    " FROM dr.claims c WHERE c.team_id = $1 ORDER BY c.name", 1, params, error);
  if (res == NULL)
    return NULL;
  g_autoptr (GPtrArray) claims = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_claim_info_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      DrClaimInfo *info = g_new0 (DrClaimInfo, 1);
      g_ptr_array_add (claims, info);
      gint64 n = 0;
      if (!dr_pg_backend_int (self, res, r, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &info->id,
                              "listing claims", error)
          || !dr_pg_backend_text (self, res, r, 1, MAX_NAME_BYTES, &info->name, "listing claims",
                                  error)
          || !dr_pg_backend_int (self, res, r, 2, 0, G_MAXUINT, DR_PG_BACKEND_NOT_NULL, &n, "listing claims", error))
        return NULL;
      info->n_photos = (guint) n;
    }
  return g_steal_pointer (&claims);
}

/* Reads row @r of columns id, claim_id, claim name, name, sha256, size, width, height, error,
 * added (µs): path is the photo's cache path (a readable photo) or its name (an error row). */
static DrPhotoInfo *
read_photo_row (DrPgBackendConn *self, const PGresult *res, int r, GError **error)
{
  g_autoptr (DrPhotoInfo) info = dr_photo_info_new ();
  g_autofree char *name = NULL;
  gint64 width = 0, height = 0;
  const char *what = "listing photos";
  if (!dr_pg_backend_int (self, res, r, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &info->id, what, error)
      || !dr_pg_backend_int (self, res, r, 1, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &info->claim_id,
                             what, error)
      || !dr_pg_backend_text (self, res, r, 2, MAX_NAME_BYTES, &info->claim, what, error)
      || !dr_pg_backend_text (self, res, r, 3, MAX_NAME_BYTES, &name, what, error)
      || !dr_pg_backend_text (self, res, r, 4, 64, &info->sha256, what, error)
      || !dr_pg_backend_int (self, res, r, 5, 0, DR_PG_BACKEND_MAX_INT, -1, &info->size, what,
                             error)
      || !dr_pg_backend_int (self, res, r, 6, 1, MAX_SIDE, 0, &width, what, error)
      || !dr_pg_backend_int (self, res, r, 7, 1, MAX_SIDE, 0, &height, what, error)
      || !dr_pg_backend_text (self, res, r, 8, MAX_NAME_BYTES, &info->error, what, error)
      || !dr_pg_backend_int (self, res, r, 9, G_MININT64, G_MAXINT64, 0, &info->added, what,
                             error))
    return NULL;
  info->width = (int) width;
  info->height = (int) height;
  /* The default cache folder ($XDG_CACHE_HOME/damage-review/photos). */
  info->path = info->sha256 != NULL ? dr_pg_photo_cache_path (NULL, info->sha256, name)
                                    : g_strdup (name);
  if (info->path == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE, "%s: %s: photo %"
                   G_GINT64_FORMAT " has an invalid SHA-256", dr_pg_conn_get_server (self->pg),
                   what, info->id);
      return NULL;
    }
  return g_steal_pointer (&info);
}

/* Replaces info->path by the verified cached file, fetching it when missing or damaged. */
static gboolean
fetch_photo (DrPgBackendConn *self, DrPhotoInfo *info, GError **error)
{
  g_autofree char *name = g_path_get_basename (info->path);
  char *path = dr_pg_photo_cache_get (self->pg, NULL, self->team_id, info->sha256, name,
                                      error);
  if (path == NULL)
    {
      dr_pg_backend_convert_error (error);
      return FALSE;
    }
  g_free (info->path);
  info->path = path;
  return TRUE;
}

/* What one layer row (photo_id, damage, …) does to its photo's summary. */
typedef gboolean (*LayerFunc) (DrPgBackendConn *self, DrPhotoInfo *info, DrDamage d,
                               const PGresult *res, int r, GError **error);

/* Applies @func to the photo of every row starting with (photo_id, damage); rows of photos not
 * listed are skipped, an out-of-range id or damage is an error. */
static gboolean
apply_layers (DrPgBackendConn *self, const PGresult *res, GHashTable *by_id, LayerFunc func,
              const char *what, GError **error)
{
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 id = 0, d = 0;
      if (!dr_pg_backend_int (self, res, r, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &id, what, error)
          || !dr_pg_backend_int (self, res, r, 1, 0, DR_N_DAMAGE - 1, DR_PG_BACKEND_NOT_NULL, &d, what, error))
        return FALSE;
      DrPhotoInfo *info = g_hash_table_lookup (by_id, &id);
      if (info != NULL && !func (self, info, (DrDamage) d, res, r, error))
        return FALSE;
    }
  return TRUE;
}

/* (photo, damage, area, confidence) of a current model's prediction. */
static gboolean
apply_prediction (DrPgBackendConn *self, DrPhotoInfo *info, DrDamage d, const PGresult *res,
                  int r, GError **error)
{
  info->predicted |= 1u << d;
  return dr_pg_backend_int (self, res, r, 2, 0, DR_PG_BACKEND_MAX_INT, -1, &info->area[d],
                            "reading predictions", error)
         && dr_pg_backend_double (self, res, r, 3, 0, 1, -1, &info->confidence[d],
                                  "reading predictions", error);
}

/* (photo, damage, area) of the head revision. */
static gboolean
apply_head (DrPgBackendConn *self, DrPhotoInfo *info, DrDamage d, const PGresult *res, int r,
            GError **error)
{
  info->edited |= 1u << d;
  return dr_pg_backend_int (self, res, r, 2, 0, DR_PG_BACKEND_MAX_INT, -1, &info->area[d],
                            "reading revisions", error);
}

/* (photo, damage, newest verdict, given on the current head): as in the SQLite backend, such a
 * verdict on the current head that empties the layer makes its area 0. */
static gboolean
apply_review (DrPgBackendConn *self, DrPhotoInfo *info, DrDamage d, const PGresult *res, int r,
              GError **error)
{
  DrVerdict verdict = dr_verdict_from_string (PQgetvalue (res, r, 2));
  if (verdict != DR_VERDICT_UNREVIEWED)
    info->reviewed |= 1u << d;
  if (dr_verdict_empties_layer (verdict) && g_strcmp0 (PQgetvalue (res, r, 3), "t") == 0)
    info->area[d] = 0;
  return TRUE;
}

/* Bit d of *current for each damage type with a current model. */
static gboolean
read_current_models (DrPgBackendConn *self, guint8 *current, GError **error)
{
  const char *params[] = { self->team };
  /* Damage types with a current model (at most one each, by models_current). */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_current_models",
    "SELECT damage FROM dr.models WHERE team_id = $1 AND current", 1, params, error);
  if (res == NULL)
    return FALSE;
  *current = 0;
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 d = 0;
      if (!dr_pg_backend_int (self, res, r, 0, 0, DR_N_DAMAGE - 1, DR_PG_BACKEND_NOT_NULL, &d, "reading models",
                              error))
        return FALSE;
      *current |= 1u << d;
    }
  return TRUE;
}

/* Prediction, then head, then verdict rows, in that order (later ones override the area). */
static gboolean
read_layers (DrPgBackendConn *self, const char *photo, GHashTable *by_id, GError **error)
{
  const char *params[] = { self->team, photo };
  /* Predictions made by the model that is current for their damage type. */
  g_autoptr (PGresult) predictions = dr_pg_backend_exec (self, "backend_collect_predictions",
    "SELECT pr.photo_id, pr.damage, pr.area, pr.confidence FROM dr.predictions pr"
    " JOIN dr.models m ON m.team_id = pr.team_id AND m.damage = pr.damage"
    "   AND m.sha256 = pr.model_sha256 AND m.current"
    " WHERE pr.team_id = $1 AND ($2::bigint IS NULL OR pr.photo_id = $2)", 2, params, error);
  if (predictions == NULL
      || !apply_layers (self, predictions, by_id, apply_prediction, "reading predictions", error))
    return FALSE;
  /* Layers whose head names a revision, with that revision's area. */
  g_autoptr (PGresult) heads = dr_pg_backend_exec (self, "backend_collect_heads",
    "SELECT h.photo_id, h.damage, r.area FROM dr.heads h JOIN dr.revisions r"
    "   ON r.id = h.revision_id"
    " WHERE h.team_id = $1 AND ($2::bigint IS NULL OR h.photo_id = $2)", 2, params, error);
  if (heads == NULL || !apply_layers (self, heads, by_id, apply_head, "reading revisions", error))
    return FALSE;
  /* The newest verdict of each layer, and whether it was given on the layer's current head. */
  g_autoptr (PGresult) reviews = dr_pg_backend_exec (self, "backend_collect_reviews",
    "SELECT DISTINCT ON (rv.photo_id, rv.damage) rv.photo_id, rv.damage, rv.verdict,"
    "   rv.revision_id IS NOT DISTINCT FROM h.revision_id"
    " FROM dr.reviews rv LEFT JOIN dr.heads h ON h.photo_id = rv.photo_id"
    "   AND h.damage = rv.damage"
    " WHERE rv.team_id = $1 AND ($2::bigint IS NULL OR rv.photo_id = $2)"
    " ORDER BY rv.photo_id, rv.damage, rv.id DESC", 2, params, error);
  return reviews != NULL
         && apply_layers (self, reviews, by_id, apply_review, "reading reviews", error);
}

/* Starts one read-only snapshot when no transaction is open (*own = TRUE). */
static gboolean
begin_read (DrPgBackendConn *self, gboolean *own, GError **error)
{
  *own = self->transaction_depth == 0;
  if (!*own)
    return TRUE;
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_begin_read",
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, error);
  return res != NULL;
}

/* Ends the snapshot begin_read started. */
static void
end_read (DrPgBackendConn *self, gboolean own)
{
  if (own)
    dr_pg_conn_rollback (self->pg);
}

/* The photo list in one snapshot (see dr-pg-backend.h for how path is filled). */
gboolean
dr_pg_backend_photo_collect (DrStoreConn *conn, gint64 photo_id, GPtrArray *photos,
                             guint8 *current_models, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = photo_id >= 0 ? dr_pg_int (photo_id) : NULL;
  const char *params[] = { self->team, photo };
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint first = photos->len;
  gboolean own;
  if (!begin_read (self, &own, error))
    return FALSE;
  /* Every photo of the team (or the one asked for) with its claim, in claim then name order. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_collect_photos",
    "SELECT p.id, p.claim_id, c.name, p.name, p.sha256, p.size, p.width, p.height, p.error, "
    DR_PG_MICROS ("p.added")
    " FROM dr.photos p JOIN dr.claims c ON c.id = p.claim_id"
    " WHERE p.team_id = $1 AND ($2::bigint IS NULL OR p.id = $2)"
    " ORDER BY c.name, p.name, p.id", 2, params, error);
  gboolean ok = res != NULL;
  for (int r = 0; ok && r < PQntuples (res); r++)
    {
      DrPhotoInfo *info = read_photo_row (self, res, r, error);
      ok = info != NULL;
      if (ok)
        {
          g_ptr_array_add (photos, info);
          g_hash_table_insert (by_id, &info->id, info);
        }
    }
  ok = ok && read_current_models (self, current_models, error)
       && read_layers (self, photo, by_id, error);
  end_read (self, own);
  /* One photo asked for: its file is fetched (the list only names the cache path). */
  for (guint i = first; ok && photo_id > 0 && i < photos->len; i++)
    {
      DrPhotoInfo *info = photos->pdata[i];
      if (info->sha256 != NULL && info->error == NULL)
        ok = fetch_photo (self, info, error);
    }
  if (!ok)
    g_ptr_array_remove_range (photos, first, photos->len - first);
  return ok;
}

/* Readable photos by id, each fetched into the cache and verified. */
gboolean
dr_pg_backend_photo_list_readable (DrStoreConn *conn, GPtrArray *photos, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  const char *params[] = { self->team };
  /* Photos without an error, in id order (layer columns are not needed). */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_readable_photos",
    "SELECT p.id, p.claim_id, c.name, p.name, p.sha256, p.size, p.width, p.height, p.error, "
    DR_PG_MICROS ("p.added")
    " FROM dr.photos p JOIN dr.claims c ON c.id = p.claim_id"
    " WHERE p.team_id = $1 AND p.error IS NULL ORDER BY p.id", 1, params, error);
  if (res == NULL)
    return FALSE;
  guint first = photos->len;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DrPhotoInfo *info = read_photo_row (self, res, r, error);
      if (info == NULL || info->sha256 == NULL || !fetch_photo (self, info, error))
        {
          if (info != NULL && info->sha256 == NULL)
            g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE,
                         "%s: photo %" G_GINT64_FORMAT " has no SHA-256 and no error",
                         dr_pg_conn_get_server (self->pg), info->id);
          dr_photo_info_free (info);
          g_ptr_array_remove_range (photos, first, photos->len - first);
          return FALSE;
        }
      g_ptr_array_add (photos, info);
    }
  return TRUE;
}

/* Width and height of a readable photo of the team. */
gboolean
dr_pg_backend_photo_get_size (DrStoreConn *conn, gint64 photo_id, guint *width, guint *height,
                              GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id);
  const char *params[] = { self->team, photo };
  /* The oriented size of a photo stored without an error. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_photo_size",
    "SELECT width, height FROM dr.photos WHERE team_id = $1 AND id = $2 AND error IS NULL",
    2, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   "%s: no readable photo with id %" G_GINT64_FORMAT,
                   dr_pg_conn_get_server (self->pg), photo_id);
      return FALSE;
    }
  gint64 w = 0, h = 0;
  if (!dr_pg_backend_int (self, res, 0, 0, 1, MAX_SIDE, DR_PG_BACKEND_NOT_NULL, &w, "reading a photo", error)
      || !dr_pg_backend_int (self, res, 0, 1, 1, MAX_SIDE, DR_PG_BACKEND_NOT_NULL, &h, "reading a photo", error))
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/* Whether the team has a photo with these bytes, and whether it carries an error. */
gboolean
dr_pg_backend_photo_find_sha256 (DrStoreConn *conn, const char *sha256, gboolean *exists,
                                 gboolean *has_error, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  const char *params[] = { self->team, sha256 };
  /* The photo with these bytes (unique per team). */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_photo_find",
    "SELECT error IS NOT NULL FROM dr.photos WHERE team_id = $1 AND sha256 = $2", 2, params,
    error);
  if (res == NULL)
    return FALSE;
  *exists = PQntuples (res) > 0;
  *has_error = *exists && g_strcmp0 (PQgetvalue (res, 0, 0), "t") == 0;
  return TRUE;
}

/* Stores the scanned file's bytes (bounded, hash re-checked here and, unless they stay on the
 * team's photo root, by the server) unless the team has them. */
static gboolean
upload_blob (DrPgBackendConn *self, const DrImportScan *scan, GError **error)
{
  guint8 *data = NULL;
  gsize size = 0;
  if (!dr_safe_read_all (scan->path, DR_PG_MAX_PHOTO_BYTES, &data, &size, error))
    return FALSE;
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, size);
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (actual, scan->sha256) != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO,
                   "%s: the file changed while it was being added", scan->path);
      return FALSE;
    }
  g_autofree char *root = NULL;
  if (!dr_pg_photo_root_get (self->pg, self->team, &root, error)
      || !dr_pg_photo_blob_put (self->pg, self->team, scan->sha256, bytes, scan->path, root,
                                NULL, error))
    {
      dr_pg_backend_convert_error (error);
      return FALSE;
    }
  return TRUE;
}

/* Replaces the unreadable row of the same name, else inserts a new one; the photo's name on the
 * server is the file's base name. */
gboolean
dr_pg_backend_photo_put_scan (DrStoreConn *conn, const DrImportScan *scan, gint64 claim_id,
                              gint64 added, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  if (scan->sha256 != NULL && !upload_blob (self, scan, error))
    return FALSE;
  g_autofree char *name = g_path_get_basename (scan->path);
  g_autofree char *claim = dr_pg_int (claim_id), *time = dr_pg_int (added);
  g_autofree char *size = scan->size >= 0 ? dr_pg_int (scan->size) : NULL;
  g_autofree char *width = scan->width > 0 ? dr_pg_int (scan->width) : NULL;
  g_autofree char *height = scan->height > 0 ? dr_pg_int (scan->height) : NULL;
  const char *params[] = { self->team, claim, name, scan->sha256, size, width, height,
                           scan->error, time };
  /* The earlier unreadable row of this name takes the scan; otherwise a new row. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_photo_put_scan",
    "WITH old AS (UPDATE dr.photos SET claim_id = $2, sha256 = $4, size = $5, width = $6,"
    "   height = $7, error = $8, added = " DR_PG_TIME_OF (9)
    "   WHERE team_id = $1 AND name = $3 AND sha256 IS NULL RETURNING id)"
    " INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height, error, added)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, " DR_PG_TIME_OF (9)
    " WHERE NOT EXISTS (SELECT 1 FROM old)", 9, params, error);
  return res != NULL;
}

/* Runs a one-row UPDATE of photo @photo_id; NOT_FOUND when no row changed. */
static gboolean
update_photo (DrPgBackendConn *self, const char *name, const char *sql, gint64 photo_id,
              const char *value, GError **error)
{
  g_autofree char *photo = dr_pg_int (photo_id);
  const char *params[] = { self->team, photo, value };
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, name, sql, 3, params, error);
  if (res == NULL)
    return FALSE;
  return g_strcmp0 (PQcmdTuples (res), "1") == 0 || dr_pg_backend_no_photo (self, photo_id, error);
}

/* Moves the photo to another claim of the team. */
gboolean
dr_pg_backend_photo_set_claim (DrStoreConn *conn, gint64 photo_id, gint64 claim_id,
                               GError **error)
{
  g_autofree char *claim = dr_pg_int (claim_id);
  /* The photo's claim (the foreign key keeps it in the team). */
  return update_photo (DR_PG_BACKEND_CONN (conn), "backend_photo_set_claim",
                       "UPDATE dr.photos SET claim_id = $3 WHERE team_id = $1 AND id = $2",
                       photo_id, claim, error);
}

/* Records the photo's error line. */
gboolean
dr_pg_backend_photo_set_error (DrStoreConn *conn, gint64 photo_id, const char *message,
                               GError **error)
{
  /* The photo's error text. */
  return update_photo (DR_PG_BACKEND_CONN (conn), "backend_photo_set_error",
                       "UPDATE dr.photos SET error = $3 WHERE team_id = $1 AND id = $2",
                       photo_id, message, error);
}
