/* dr-sqlite-claims.c — claims in the SQLite backend. */
#include "dr-sqlite-private.h"

#include "dr-store-error.h"

/* Inserts the name if missing, then reads its id. */
gboolean
dr_sqlite_claim_ensure (DrStoreConn *conn, const char *name, gint64 *id, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Creates the claim unless one of that name exists; never changes an existing row. */
  if (!dr_sqlite_write (self, error,
                        "INSERT INTO claims (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
                        "t", name))
    return FALSE;
  /* The id of the (now certainly existing) claim of that name. */
  g_autoptr (DrSqliteStmt) select = dr_sqlite_query (
    self, error, "SELECT id FROM claims WHERE name = ?1", "t", name);
  if (select == NULL)
    return FALSE;
  if (sqlite3_step (select) != SQLITE_ROW)
    {
      dr_sqlite_set_error (self, error, "reading a claim");
      return FALSE;
    }
  *id = sqlite3_column_int64 (select, 0);
  return TRUE;
}

/* Checks for a name clash first so the user gets a sentence, not a constraint name. */
gboolean
dr_sqlite_claim_rename (DrStoreConn *conn, gint64 id, const char *name, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Another claim with the wanted name, if any. */
  g_autoptr (DrSqliteStmt) clash = dr_sqlite_query (
    self, error, "SELECT 1 FROM claims WHERE name = ?1 AND id != ?2", "tI", name, id);
  if (clash == NULL)
    return FALSE;
  if (sqlite3_step (clash) == SQLITE_ROW)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a claim named “%s” already exists", name);
      return FALSE;
    }
  /* Renames exactly the claim with this id (no row: unknown id). */
  if (!dr_sqlite_write (self, error, "UPDATE claims SET name = ?1 WHERE id = ?2", "tI", name,
                        id))
    return FALSE;
  if (dr_sqlite_changes (self) == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND, "no claim with id %"
                   G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

/* Appends the claim of a row (id, name, photo count) to the GPtrArray data. */
static gboolean
add_claim (DrSqliteStmt *stmt, gpointer data, GError **error)
{
  DrClaimInfo *info = g_new0 (DrClaimInfo, 1);
  info->id = sqlite3_column_int64 (stmt, 0);
  info->name = dr_sqlite_column_dup (stmt, 1);
  info->n_photos = (guint) sqlite3_column_int64 (stmt, 2);
  g_ptr_array_add (data, info);
  return TRUE;
}

/* Reads every claim in name order. */
GPtrArray *
dr_sqlite_claim_list (DrStoreConn *conn, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  /* Each claim once, with the number of its photos (0 for an empty claim). */
  g_autoptr (DrSqliteStmt) stmt = dr_sqlite_query (
    self, error,
    "SELECT c.id, c.name, (SELECT count(*) FROM photos p WHERE p.claim_id = c.id)"
    "  FROM claims c ORDER BY c.name",
    "");
  g_autoptr (GPtrArray) claims = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_claim_info_free);
  if (stmt == NULL || !dr_sqlite_step_each (self, stmt, add_claim, claims, "listing claims", error))
    return NULL;
  return g_steal_pointer (&claims);
}
