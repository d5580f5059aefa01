/* dr-sqlite-revisions.c — revisions (append-only) and heads (compare-and-swap) in the SQLite
 * backend. */
#include "dr-sqlite-private.h"

#include "dr-store-error.h"

/* Reads columns id, photo_id, damage, parent_id, rle, area, author, created, kind. */
static DrRevision *
read_revision_row (DrSqliteStmt *stmt)
{
  DrRevision *r = g_new0 (DrRevision, 1);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->photo_id = sqlite3_column_int64 (stmt, 1);
  r->damage = (DrDamage) sqlite3_column_int (stmt, 2);
  r->parent_id = sqlite3_column_int64 (stmt, 3); /* NULL reads as 0 */
  r->rle = dr_sqlite_column_dup (stmt, 4);
  r->area = sqlite3_column_int64 (stmt, 5);
  r->author = dr_sqlite_column_dup (stmt, 6);
  r->created = sqlite3_column_int64 (stmt, 7);
  r->kind = dr_revision_kind_from_string ((const char *) sqlite3_column_text (stmt, 8));
  return r;
}

/* Appends the revision of a row (as read_revision_row) to the GPtrArray data. */
static gboolean
add_revision (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  g_ptr_array_add (data, read_revision_row (stmt));
  return TRUE;
}

/* One INSERT; revisions_same_layer guards the parent. */
gboolean
dr_sqlite_revision_insert (DrStoreConn *conn, const DrRevision *r, gint64 *id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The new revision, child of parent_id (NULL for a first revision). */
  if (!dr_sqlite_write (
        self, error,
        "INSERT INTO revisions (photo_id, damage, parent_id, rle, area, author, created, kind)"
        "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        "IirtItIt", r->photo_id, (int) r->damage, r->parent_id, r->rle, r->area, r->author,
        r->created, dr_revision_kind_to_string (r->kind)))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* One row by primary key. */
DrRevision *
dr_sqlite_revision_get (DrStoreConn *conn, gint64 revision_id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The revision with this id. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT id, photo_id, damage, parent_id, rle, area, author, created, kind"
    "  FROM revisions WHERE id = ?1",
    "I", revision_id);
  if (stmt == NULL
      || !dr_sqlite_step_found (self, stmt, "reading an edit", error,
                                "no edit with id %" G_GINT64_FORMAT, revision_id))
    return NULL;
  return read_revision_row (stmt);
}

/* max(id) among the children of parent_id in the layer. */
gboolean
dr_sqlite_revision_newest_child (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                 gint64 parent_id, gint64 *child, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Newest (highest id) revision of the layer whose parent is parent_id, or NULL. */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT max (id) FROM revisions WHERE photo_id = ?1 AND damage = ?2 AND parent_id IS ?3",
    "Iir", photo_id, (int) damage, parent_id);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      dr_sqlite_set_error (self, error, "reading an edit history");
      return FALSE;
    }
  *child = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Walks parent links up from revision_id with a recursive query; ids grow along every path,
 * so ordering by id gives oldest first. */
GPtrArray *
dr_sqlite_revision_list_path (DrStoreConn *conn, gint64 revision_id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The revision and all its ancestors (parents have smaller ids). */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "WITH RECURSIVE path (id) AS ("
    "    SELECT ?1 WHERE ?1 IS NOT NULL"
    "  UNION ALL"
    "    SELECT r.parent_id FROM revisions r JOIN path ON r.id = path.id"
    "      WHERE r.parent_id IS NOT NULL)"
    "SELECT r.id, r.photo_id, r.damage, r.parent_id, r.rle, r.area, r.author, r.created, r.kind"
    "  FROM path JOIN revisions r ON r.id = path.id ORDER BY r.id",
    "r", revision_id);
  g_autoptr (GPtrArray) path = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_revision_free);
  if (stmt == NULL
      || !dr_sqlite_step_each (self, stmt, add_revision, path, "reading an edit history", error))
    return NULL;
  return g_steal_pointer (&path);
}

/* At most one row: (photo_id, damage) is the primary key of heads. */
gboolean
dr_sqlite_head_get (DrStoreConn *conn, gint64 photo_id, DrDamage damage, gint64 *revision_id,
                    gint64 *version, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* The layer's head and its version (a read-only schema-2 file has no versions: 0). */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    self->schema_version >= 3
      ? "SELECT revision_id, version FROM heads WHERE photo_id = ?1 AND damage = ?2"
      : "SELECT revision_id, 0 FROM heads WHERE photo_id = ?1 AND damage = ?2",
    "Ii", photo_id, (int) damage);
  if (stmt == NULL)
    return FALSE;
  g_autoptr (GError) local = NULL;
  gboolean found = dr_sqlite_step_row (self, stmt, "reading an edit history", &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *revision_id = found ? sqlite3_column_int64 (stmt, 0) : 0;
  *version = found ? sqlite3_column_int64 (stmt, 1) : 0;
  return TRUE;
}

/* The compare and the swap are one statement: from version 0 an upsert that inserts the row
 * or updates it only while it is still at 0 (a migrated head); from a later version an UPDATE
 * only while the stored version is the one seen. No row changed means the comparison failed.
 * The heads_same_layer triggers refuse a revision of another layer. */
gboolean
dr_sqlite_head_move (DrStoreConn *conn, gint64 photo_id, DrDamage damage, gint64 seen_version,
                     gint64 revision_id, gint64 *new_version, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* From 0: creates the head at version 1, or moves a head still at version 0. Later: moves
   * the head only from the version seen. */
  if (!dr_sqlite_write (
        self, error,
        seen_version == 0
          ? "INSERT INTO heads (photo_id, damage, revision_id, version) VALUES (?1, ?2, ?3, 1)"
            "  ON CONFLICT (photo_id, damage) DO UPDATE SET revision_id = ?3, version = 1"
            "    WHERE version = ?4"
          : "UPDATE heads SET revision_id = ?3, version = version + 1"
            "  WHERE photo_id = ?1 AND damage = ?2 AND version = ?4",
        "IirI", photo_id, (int) damage, revision_id, seen_version))
    return FALSE;
  if (dr_sqlite_changes (self) == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CONFLICT,
                   "%s: photo %" G_GINT64_FORMAT " %s layer was changed by another writer",
                   conn->location, photo_id, dr_damage_to_string (damage));
      return FALSE;
    }
  if (new_version != NULL)
    *new_version = seen_version + 1;
  return TRUE;
}
