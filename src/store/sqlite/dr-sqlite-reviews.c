/* dr-sqlite-reviews.c — verdicts and notes (both append-only) in the SQLite backend. */
#include "dr-sqlite-private.h"

/* One INSERT; the schema refuses unknown photos, damage types and verdicts. */
gboolean
dr_sqlite_review_insert (DrStoreConn *conn, DrReview *r, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  gboolean measured = r->iou >= 0;
  /* A new verdict row; without a measurement iou, px_added and px_removed are all NULL. */
  if (!dr_sqlite_write (
        self, error,
        "INSERT INTO reviews (photo_id, damage, verdict, revision_id, model_sha256, author,"
        "                     created, iou, px_added, px_removed)"
        "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        "IitrttIfnn", r->photo_id, (int) r->damage, dr_verdict_to_string (r->verdict),
        r->revision_id, r->model_sha256, r->author, r->created, r->iou,
        measured ? r->px_added : (gint64) -1, measured ? r->px_removed : (gint64) -1))
    return FALSE;
  r->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* The newest row (ids grow with time) of the layer, among all or those on one revision. */
DrReview *
dr_sqlite_review_get_newest (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                             gboolean any_revision, gint64 revision_id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The newest verdict of the layer, or (?4 = 1) the newest given while the head was ?3
   * (NULL: no revision). */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT id, verdict, revision_id, model_sha256, author, created, iou, px_added, px_removed"
    "  FROM reviews WHERE photo_id = ?1 AND damage = ?2 AND (?4 = 0 OR revision_id IS ?3)"
    "  ORDER BY id DESC LIMIT 1",
    "Iiri", photo_id, (int) damage, revision_id, any_revision ? 0 : 1);
  if (stmt == NULL || !dr_sqlite_step_row (self, stmt, "reading a verdict", error))
    return NULL;
  DrReview *r = g_new0 (DrReview, 1);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->photo_id = photo_id;
  r->damage = damage;
  r->verdict = dr_verdict_from_string ((const char *) sqlite3_column_text (stmt, 1));
  r->revision_id = sqlite3_column_int64 (stmt, 2);
  r->model_sha256 = dr_sqlite_column_dup (stmt, 3);
  r->author = dr_sqlite_column_dup (stmt, 4);
  r->created = sqlite3_column_int64 (stmt, 5);
  gboolean measured = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
  r->iou = measured ? sqlite3_column_double (stmt, 6) : -1;
  r->px_added = measured ? sqlite3_column_int64 (stmt, 7) : -1;
  r->px_removed = measured ? sqlite3_column_int64 (stmt, 8) : -1;
  return r;
}

/* One INSERT; the foreign key refuses unknown photos. The key is not kept (one user, no
 * journal). */
gboolean
dr_sqlite_note_insert (DrStoreConn *conn, gint64 photo_id, const char *text, const char *author,
                       gint64 created, const char *key, GError **error)
{
  /* A new note row. */
  return dr_sqlite_write (
    DR_SQLITE_CONN (conn), error,
    "INSERT INTO notes (photo_id, text, author, created) VALUES (?1, ?2, ?3, ?4)",
    "IttI", photo_id, text, author, created);
}

/* The newest note's text, empty or not. */
char *
dr_sqlite_note_dup_newest (DrStoreConn *conn, gint64 photo_id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The newest note of the photo. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error, "SELECT text FROM notes WHERE photo_id = ?1 ORDER BY id DESC LIMIT 1", "I",
    photo_id);
  if (stmt == NULL || !dr_sqlite_step_row (self, stmt, "reading a note", error))
    return NULL;
  return dr_sqlite_column_dup (stmt, 0);
}
