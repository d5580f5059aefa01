/* dr-sqlite-photos.c — photos and their per-layer summary in the SQLite backend. */
#include "dr-sqlite-private.h"

#include "dr-store-error.h"

/* Reads columns id, claim_id, claim name, path, sha256, size, width, height, error, added. */
static DrPhotoInfo *
read_photo_row (DrSqliteStmt *stmt)
{
  DrPhotoInfo *info = dr_photo_info_new ();
  info->id = sqlite3_column_int64 (stmt, 0);
  info->claim_id = sqlite3_column_int64 (stmt, 1);
  info->claim = dr_sqlite_column_dup (stmt, 2);
  info->path = dr_sqlite_column_dup (stmt, 3);
  info->sha256 = dr_sqlite_column_dup (stmt, 4);
  info->size = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 5);
  info->width = sqlite3_column_int (stmt, 6);
  info->height = sqlite3_column_int (stmt, 7);
  info->error = dr_sqlite_column_dup (stmt, 8);
  info->added = sqlite3_column_int64 (stmt, 9);
  return info;
}

/* Where photo rows go: the list, and by id when by_id is not NULL. */
typedef struct {
  GPtrArray *photos;
  GHashTable *by_id;
} PhotoSink;

/* Adds one row of the columns of read_photo_row to the sink. */
static gboolean
add_photo (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  PhotoSink *sink = data;
  DrPhotoInfo *info = read_photo_row (stmt);
  g_ptr_array_add (sink->photos, info);
  if (sink->by_id != NULL)
    g_hash_table_insert (sink->by_id, &info->id, info);
  return TRUE;
}

/* Sets bit d of *(guint8 *) data for a valid damage d in column 0. */
static gboolean
add_current_model (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  int d = sqlite3_column_int (stmt, 0);
  if (DR_DAMAGE_IS_VALID (d))
    *(guint8 *) data |= 1u << d;
  return TRUE;
}

/* Bit d set when damage d has a current model. */
static gboolean
read_current_models (DrSqliteConn *self, guint8 *current, GError **error)
{
  /* Damage types that have a current model (at most one row each, by models_current). */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error, "SELECT damage FROM models WHERE current = 1", "");
  *current = 0;
  return stmt != NULL
         && dr_sqlite_step_each (self, stmt, add_current_model, current, "reading models", error);
}

/* What one layer row does to its photo's summary. */
typedef void (*LayerFunc) (DrPhotoInfo *info, DrDamage d, DrSqliteStmt *stmt);

/* The photos by id and what to do with a layer row. */
typedef struct {
  GHashTable *by_id;
  LayerFunc func;
} LayerSink;

/* A row starting with (photo_id, damage): applies the sink's func to that photo's info; rows
 * of unknown photos or invalid damage types are skipped. */
static gboolean
add_layer (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  LayerSink *sink = data;
  gint64 id = sqlite3_column_int64 (stmt, 0);
  DrPhotoInfo *info = g_hash_table_lookup (sink->by_id, &id);
  int d = sqlite3_column_int (stmt, 1);
  if (info != NULL && DR_DAMAGE_IS_VALID (d))
    sink->func (info, (DrDamage) d, stmt);
  return TRUE;
}

/* Steps every layer row of stmt through func. */
static gboolean
read_layer_rows (DrSqliteConn *self, DrSqliteStmt *stmt, GHashTable *by_id, LayerFunc func,
                 const char *what, GError **error)
{
  LayerSink sink = { by_id, func };
  return stmt != NULL && dr_sqlite_step_each (self, stmt, add_layer, &sink, what, error);
}

/* (photo, damage, area, confidence) of a current model's prediction. */
static void
apply_prediction (DrPhotoInfo *info, DrDamage d, DrSqliteStmt *stmt)
{
  info->predicted |= 1u << d;
  info->area[d] = sqlite3_column_int64 (stmt, 2);
  info->confidence[d] = sqlite3_column_type (stmt, 3) == SQLITE_NULL
                          ? -1 : sqlite3_column_double (stmt, 3);
}

/* (photo, damage, area) of the head revision. */
static void
apply_head (DrPhotoInfo *info, DrDamage d, DrSqliteStmt *stmt)
{
  info->edited |= 1u << d;
  info->area[d] = sqlite3_column_int64 (stmt, 2);
}

/* (photo, damage, verdict, max id, given on the head): as dr_revision_dup_layer_rle, such a
 * verdict on the current head empties the layer. */
static void
apply_review (DrPhotoInfo *info, DrDamage d, DrSqliteStmt *stmt)
{
  DrVerdict verdict = dr_verdict_from_string ((const char *) sqlite3_column_text (stmt, 2));
  if (verdict != DR_VERDICT_UNREVIEWED)
    info->reviewed |= 1u << d;
  if (dr_verdict_empties_layer (verdict) && sqlite3_column_int (stmt, 4))
    info->area[d] = 0;
}

/* Prediction, then head, then verdict rows, in that order (later ones override the area). */
static gboolean
read_layers (DrSqliteConn *self, gint64 photo_id, GHashTable *by_id, GError **error)
{
  /* Predictions made by the model that is current for their damage type. */
  g_autoptr (DrSqliteStmt) predictions = dr_sqlite_query (
    self, error,
    "SELECT pr.photo_id, pr.damage, pr.area, pr.confidence"
    "  FROM predictions pr JOIN models m"
    "    ON m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current = 1"
    "  WHERE ?1 IS NULL OR pr.photo_id = ?1",
    "r", photo_id);
  if (!read_layer_rows (self, predictions, by_id, apply_prediction, "reading predictions", error))
    return FALSE;

  /* Layers whose head names a revision, with that revision's area. */
  g_autoptr (DrSqliteStmt) heads = dr_sqlite_query (
    self, error,
    "SELECT h.photo_id, h.damage, r.area FROM heads h JOIN revisions r ON r.id = h.revision_id"
    "  WHERE ?1 IS NULL OR h.photo_id = ?1",
    "r", photo_id);
  if (!read_layer_rows (self, heads, by_id, apply_head, "reading revisions", error))
    return FALSE;

  /* The newest verdict of each layer (SQLite returns the bare columns of the max(id) row),
   * and whether it was given on the layer's current head. */
  g_autoptr (DrSqliteStmt) reviews = dr_sqlite_query (
    self, error,
    "SELECT rv.photo_id, rv.damage, rv.verdict, max (rv.id),"
    "       rv.revision_id IS h.revision_id"
    "  FROM reviews rv LEFT JOIN heads h ON h.photo_id = rv.photo_id AND h.damage = rv.damage"
    "  WHERE ?1 IS NULL OR rv.photo_id = ?1 GROUP BY rv.photo_id, rv.damage",
    "r", photo_id);
  return read_layer_rows (self, reviews, by_id, apply_review, "reading reviews", error);
}

/* The four queries of a photo list, in one read transaction. A photo_id of 0 matches no row
 * (ids are positive), as before. */
gboolean
dr_sqlite_photo_collect (DrStoreConn *conn, gint64 photo_id, GPtrArray *photos,
                         guint8 *current_models, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean own;
  if (!dr_sqlite_begin_read (self, &own, "reading photos", error))
    return FALSE;
  /* Every photo (or the one asked for) with its claim name, in claim then path order. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT p.id, p.claim_id, c.name, p.path, p.sha256, p.size, p.width, p.height, p.error,"
    "       p.added"
    "  FROM photos p JOIN claims c ON c.id = p.claim_id"
    "  WHERE ?1 IS NULL OR p.id = ?1"
    "  ORDER BY c.name, p.path, p.id",
    "n", photo_id);
  PhotoSink sink = { photos, by_id };
  gboolean ok = stmt != NULL
                && dr_sqlite_step_each (self, stmt, add_photo, &sink, "listing photos", error)
                && read_current_models (self, current_models, error)
                && read_layers (self, photo_id, by_id, error);
  dr_sqlite_end_read (self, own);
  return ok;
}

/* Readable photos in id order. */
gboolean
dr_sqlite_photo_list_readable (DrStoreConn *conn, GPtrArray *photos, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Every photo that was decoded at import, with its claim name. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT p.id, p.claim_id, c.name, p.path, p.sha256, p.size, p.width, p.height, p.error,"
    "       p.added"
    "  FROM photos p JOIN claims c ON c.id = p.claim_id WHERE p.error IS NULL ORDER BY p.id",
    "");
  PhotoSink sink = { photos, NULL };
  return stmt != NULL
         && dr_sqlite_step_each (self, stmt, add_photo, &sink, "listing photos", error);
}

/* Reads the size columns of a readable photo. */
gboolean
dr_sqlite_photo_get_size (DrStoreConn *conn, gint64 photo_id, guint *width, guint *height,
                          GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Size of the photo, only if it was decoded at import. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error, "SELECT width, height FROM photos WHERE id = ?1 AND error IS NULL", "I",
    photo_id);
  if (stmt == NULL
      || !dr_sqlite_step_found (self, stmt, "reading a photo", error,
                                "no readable photo with id %" G_GINT64_FORMAT, photo_id))
    return FALSE;
  *width = (guint) sqlite3_column_int (stmt, 0);
  *height = (guint) sqlite3_column_int (stmt, 1);
  return TRUE;
}

/* At most one row: photos.sha256 is UNIQUE. */
gboolean
dr_sqlite_photo_find_sha256 (DrStoreConn *conn, const char *sha256, gboolean *exists,
                             gboolean *has_error, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Whether the photo with these bytes was stored with an error. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error, "SELECT error IS NOT NULL FROM photos WHERE sha256 = ?1", "t", sha256);
  if (stmt == NULL)
    return FALSE;
  g_autoptr (GError) local = NULL;
  *exists = dr_sqlite_step_row (self, stmt, "looking up a photo", &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *has_error = *exists && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* Update of an earlier unreadable row of the path, else insert; both bind ?1 claim, ?2 path,
 * ?3 sha256, ?4 size, ?5 width, ?6 height, ?7 error, ?8 added. */
gboolean
dr_sqlite_photo_put_scan (DrStoreConn *conn, const DrImportScan *scan, gint64 claim_id,
                          gint64 added, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  gboolean sized = scan->width > 0 && scan->height > 0;
  gint64 width = sized ? scan->width : 0, height = sized ? scan->height : 0;
  /* Turns the earlier "could not read" row of this path (unique by photos_unreadable_path)
   * into the new result, so re-imports never pile up error rows. */
  if (!dr_sqlite_write (self, error,
                        "UPDATE photos SET claim_id = ?1, sha256 = ?3, size = ?4, width = ?5,"
                        "  height = ?6, error = ?7, added = ?8"
                        "  WHERE path = ?2 AND sha256 IS NULL",
                        "IttnrrtI", claim_id, scan->path, scan->sha256, scan->size, width,
                        height, scan->error, added))
    return FALSE;
  if (dr_sqlite_changes (self) > 0)
    return TRUE;
  /* A new photo row; the schema's CHECKs refuse a row without error that lacks a hash or
   * dimensions. */
  return dr_sqlite_write (self, error,
                          "INSERT INTO photos (claim_id, path, sha256, size, width, height,"
                          "                    error, added)"
                          "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          "IttnrrtI", claim_id, scan->path, scan->sha256, scan->size, width,
                          height, scan->error, added);
}

/* NOT_FOUND when the last write changed no row (no photo with that id). */
static gboolean
check_found (DrSqliteConn *self, gint64 photo_id, GError **error)
{
  if (dr_sqlite_changes (self) > 0)
    return TRUE;
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
               "%s: no photo with id %" G_GINT64_FORMAT, self->parent.location, photo_id);
  return FALSE;
}

/* One UPDATE of the claim column. */
gboolean
dr_sqlite_photo_set_claim (DrStoreConn *conn, gint64 photo_id, gint64 claim_id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Moves exactly this photo to the claim. */
  return dr_sqlite_write (self, error, "UPDATE photos SET claim_id = ?1 WHERE id = ?2", "II",
                          claim_id, photo_id)
         && check_found (self, photo_id, error);
}

/* One UPDATE of the error column. */
gboolean
dr_sqlite_photo_set_error (DrStoreConn *conn, gint64 photo_id, const char *message,
                           GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Sets exactly this photo's error and nothing else. */
  return dr_sqlite_write (self, error, "UPDATE photos SET error = ?1 WHERE id = ?2", "tI",
                          message, photo_id)
         && check_found (self, photo_id, error);
}
