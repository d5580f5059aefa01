/* dr-sqlite-predictions.c — model records and predictions in the SQLite backend. */
#include "dr-sqlite-private.h"

/* Clears the current flag of damage's models, then upserts the model as current. */
gboolean
dr_sqlite_model_set_current (DrStoreConn *conn, DrDamage damage, const char *sha256,
                             const char *path, const char *name, gint64 added, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* No model of this damage type stays current (models_current allows one). */
  g_autoptr (DrSqliteStmt) clear = dr_sqlite_prepare (
    self, "UPDATE models SET current = 0 WHERE damage = ?1 AND current = 1", error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int (clear, 1, damage);
  if (!dr_sqlite_step_done (self, clear, error))
    return FALSE;
  /* The model row exists, is current, and carries the latest path and name. */
  g_autoptr (DrSqliteStmt) upsert = dr_sqlite_prepare (
    self,
    "INSERT INTO models (damage, sha256, path, name, current, added)"
    "  VALUES (?1, ?2, ?3, ?4, 1, ?5)"
    "  ON CONFLICT (damage, sha256) DO UPDATE SET path = ?3, name = ?4, current = 1",
    error);
  if (upsert == NULL)
    return FALSE;
  sqlite3_bind_int (upsert, 1, damage);
  sqlite3_bind_text (upsert, 2, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (upsert, 3, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (upsert, 4, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (upsert, 5, added);
  return dr_sqlite_step_done (self, upsert, error);
}

/* Reads the current model's digest. */
char *
dr_sqlite_model_dup_current (DrStoreConn *conn, DrDamage damage, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* At most one row, by the models_current index. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_prepare (
    self, "SELECT sha256 FROM models WHERE damage = ?1 AND current = 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, damage);
  if (!dr_sqlite_step_row (self, stmt, "reading models", error))
    return NULL;
  return dr_sqlite_column_dup (stmt, 0);
}

/* One upsert statement (atomic by itself). */
gboolean
dr_sqlite_prediction_put (DrStoreConn *conn, const DrPrediction *p, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* One row per (photo, damage, model); a repeated analysis replaces its own earlier result.
   * The foreign key refuses a model that was never registered. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_prepare (
    self,
    "INSERT INTO predictions (photo_id, damage, model_sha256, rle, area, confidence, created)"
    "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    "  ON CONFLICT (photo_id, damage, model_sha256) DO UPDATE"
    "  SET rle = ?4, area = ?5, confidence = ?6, created = ?7",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->photo_id);
  sqlite3_bind_int (stmt, 2, p->damage);
  sqlite3_bind_text (stmt, 3, p->model_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, p->rle, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, p->area);
  if (p->confidence >= 0)
    sqlite3_bind_double (stmt, 6, p->confidence);
  sqlite3_bind_int64 (stmt, 7, p->created);
  return dr_sqlite_step_done (self, stmt, error);
}

/* Joins with the current model of the damage type. */
DrPrediction *
dr_sqlite_prediction_get_current (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                  GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The prediction of the current model, if that model has analysed this photo. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_prepare (
    self,
    "SELECT pr.model_sha256, pr.rle, pr.area, pr.confidence, pr.created"
    "  FROM predictions pr JOIN models m"
    "    ON m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current = 1"
    "  WHERE pr.photo_id = ?1 AND pr.damage = ?2",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  if (!dr_sqlite_step_row (self, stmt, "reading a prediction", error))
    return NULL;
  DrPrediction *p = g_new0 (DrPrediction, 1);
  p->photo_id = photo_id;
  p->damage = damage;
  p->model_sha256 = dr_sqlite_column_dup (stmt, 0);
  p->rle = dr_sqlite_column_dup (stmt, 1);
  p->area = sqlite3_column_int64 (stmt, 2);
  p->confidence = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? -1
                                                                : sqlite3_column_double (stmt, 3);
  p->created = sqlite3_column_int64 (stmt, 4);
  return p;
}

/* Anti-join of readable photos against this model's predictions. */
GArray *
dr_sqlite_prediction_missing (DrStoreConn *conn, DrDamage damage, const char *model_sha256,
                              GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Readable photos that this model has not analysed for this damage type, oldest first. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_prepare (
    self,
    "SELECT p.id FROM photos p WHERE p.error IS NULL AND NOT EXISTS"
    "  (SELECT 1 FROM predictions pr"
    "    WHERE pr.photo_id = p.id AND pr.damage = ?1 AND pr.model_sha256 = ?2)"
    "  ORDER BY p.id",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, damage);
  sqlite3_bind_text (stmt, 2, model_sha256, -1, SQLITE_TRANSIENT);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      dr_sqlite_set_error (self, error, "finding photos to analyse");
      return NULL;
    }
  return g_steal_pointer (&ids);
}
