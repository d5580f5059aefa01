/* dr-sqlite-labels.c — imported ground truth and its pairing with predictions, in the SQLite
 * backend. */
#include "dr-sqlite-private.h"

/* One upsert: a label source has one mask per layer. */
gboolean
dr_sqlite_ground_truth_put (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                            const char *source, const char *rle, gint64 area, gint64 imported,
                            GError **error)
{
  /* Replaces the row of the same (photo, damage, source). */
  return dr_sqlite_write (
    DR_SQLITE_CONN (conn), error,
    "INSERT OR REPLACE INTO ground_truth (photo_id, damage, source, rle, area, imported)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "IittII", photo_id, (int) damage, source, rle, area, imported);
}

/* The caller's function and data. */
typedef struct {
  DrStoreEvaluationFunc func;
  gpointer user_data;
} PairSink;

/* Hands one row over as a DrStoreEvaluationPair (strings borrowed from the row). */
static gboolean
add_pair (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  PairSink *sink = data;
  DrStoreEvaluationPair pair = {
    .damage = (DrDamage) sqlite3_column_int (stmt, 0),
    .model_sha256 = (const char *) sqlite3_column_text (stmt, 1),
    .model_name = (const char *) sqlite3_column_text (stmt, 2),
    .source = (const char *) sqlite3_column_text (stmt, 3),
    .photo_id = sqlite3_column_int64 (stmt, 4),
    .width = (guint) sqlite3_column_int64 (stmt, 5),
    .height = (guint) sqlite3_column_int64 (stmt, 6),
    .truth_rle = (const char *) sqlite3_column_text (stmt, 7),
    .prediction_rle = (const char *) sqlite3_column_text (stmt, 8),
  };
  return sink->func (&pair, sink->user_data, error);
}

/* One query, rows handed to func as they are stepped. */
gboolean
dr_sqlite_evaluation_foreach (DrStoreConn *conn, DrStoreEvaluationFunc func, gpointer user_data,
                              GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Every ground-truth mask with every prediction of the same layer, by key. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT g.damage, pr.model_sha256, m.name, g.source, g.photo_id, p.width, p.height,"
    "       g.rle, pr.rle"
    " FROM ground_truth g"
    " JOIN predictions pr ON pr.photo_id = g.photo_id AND pr.damage = g.damage"
    " JOIN photos p ON p.id = g.photo_id"
    " LEFT JOIN models m ON m.damage = pr.damage AND m.sha256 = pr.model_sha256"
    " ORDER BY g.damage, m.name, pr.model_sha256, g.source, g.photo_id",
    "");
  PairSink sink = { func, user_data };
  return stmt != NULL
         && dr_sqlite_step_each (self, stmt, add_pair, &sink,
                                 "reading ground truth and predictions", error);
}
