/* dr-sqlite-predictions.c — model records and predictions in the SQLite backend. */
#include "dr-sqlite-private.h"

/* Clears the current flag of damage's models, then upserts the model as current. */
gboolean
dr_sqlite_model_set_current (DrStoreConn *conn, DrDamage damage, const char *sha256,
                             const char *path, const char *name, gint64 added, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* No model of this damage type stays current (models_current allows one); then the model
   * row exists, is current, and carries the latest path and name. */
  return dr_sqlite_write (self, error,
                          "UPDATE models SET current = 0 WHERE damage = ?1 AND current = 1",
                          "i", (int) damage)
         && dr_sqlite_write (self, error,
                             "INSERT INTO models (damage, sha256, path, name, current, added)"
                             "  VALUES (?1, ?2, ?3, ?4, 1, ?5)"
                             "  ON CONFLICT (damage, sha256) DO UPDATE"
                             "  SET path = ?3, name = ?4, current = 1",
                             "itttI", (int) damage, sha256, path, name, added);
}

/* Reads the current model's digest. */
char *
dr_sqlite_model_dup_current (DrStoreConn *conn, DrDamage damage, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* At most one row, by the models_current index. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error, "SELECT sha256 FROM models WHERE damage = ?1 AND current = 1", "i",
    (int) damage);
  if (stmt == NULL || !dr_sqlite_step_row (self, stmt, "reading models", error))
    return NULL;
  return dr_sqlite_column_dup (stmt, 0);
}

/* One upsert statement (atomic by itself). */
gboolean
dr_sqlite_prediction_put (DrStoreConn *conn, const DrPrediction *p, GError **error)
{
  /* One row per (photo, damage, model); a repeated analysis replaces its own earlier result.
   * The foreign key refuses a model that was never registered. */
  return dr_sqlite_write (
    DR_SQLITE_CONN (conn), error,
    "INSERT INTO predictions (photo_id, damage, model_sha256, rle, area, confidence, created)"
    "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    "  ON CONFLICT (photo_id, damage, model_sha256) DO UPDATE"
    "  SET rle = ?4, area = ?5, confidence = ?6, created = ?7",
    "IittIfI", p->photo_id, (int) p->damage, p->model_sha256, p->rle, p->area, p->confidence,
    p->created);
}

/* Joins with the current model of the damage type. */
DrPrediction *
dr_sqlite_prediction_get_current (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                  GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The prediction of the current model, if that model has analysed this photo. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT pr.model_sha256, pr.rle, pr.area, pr.confidence, pr.created"
    "  FROM predictions pr JOIN models m"
    "    ON m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current = 1"
    "  WHERE pr.photo_id = ?1 AND pr.damage = ?2",
    "Ii", photo_id, (int) damage);
  if (stmt == NULL || !dr_sqlite_step_row (self, stmt, "reading a prediction", error))
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

/* Appends the id in column 0 to the GArray data. */
static gboolean
add_id (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);
  g_array_append_val ((GArray *) data, id);
  return TRUE;
}

/* Anti-join of readable photos against this model's predictions. */
GArray *
dr_sqlite_prediction_missing (DrStoreConn *conn, DrDamage damage, const char *model_sha256,
                              GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Readable photos that this model has not analysed for this damage type, oldest first. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT p.id FROM photos p WHERE p.error IS NULL AND NOT EXISTS"
    "  (SELECT 1 FROM predictions pr"
    "    WHERE pr.photo_id = p.id AND pr.damage = ?1 AND pr.model_sha256 = ?2)"
    "  ORDER BY p.id",
    "it", (int) damage, model_sha256);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (stmt == NULL
      || !dr_sqlite_step_each (self, stmt, add_id, ids, "finding photos to analyse", error))
    return NULL;
  return g_steal_pointer (&ids);
}
