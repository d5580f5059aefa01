/* dr-claim.c — creating, renaming and listing claims. */
#include "dr-claim.h"

#include "dr-store-error.h"

/* Frees the name and the struct; NULL allowed. */
void
dr_claim_info_free (DrClaimInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

/* Returns the stripped copy of name if it is valid UTF-8 of 1 … DR_CLAIM_NAME_MAX characters. */
static char *
normalise_name (const char *name, GError **error)
{
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "claim name is not valid UTF-8");
      return NULL;
    }
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  glong length = g_utf8_strlen (stripped, -1);
  if (length == 0 || length > DR_CLAIM_NAME_MAX)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "claim name must have 1 to %d characters", DR_CLAIM_NAME_MAX);
      return NULL;
    }
  return g_steal_pointer (&stripped);
}

/* Inserts the name if missing, then reads its id. */
static gboolean
ensure_claim (DrProject *project, const char *name, gint64 *id, GError **error)
{
  /* Creates the claim unless one of that name exists; never changes an existing row. */
  g_autoptr (DrStatement) insert = dr_project_prepare (
    project, "INSERT INTO claims (name) VALUES (?1) ON CONFLICT (name) DO NOTHING", error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, name, -1, SQLITE_TRANSIENT);
  if (!dr_project_step_done (project, insert, error))
    return FALSE;
  /* The id of the (now certainly existing) claim of that name. */
  g_autoptr (DrStatement) select = dr_project_prepare (
    project, "SELECT id FROM claims WHERE name = ?1", error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_text (select, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (select) != SQLITE_ROW)
    {
      dr_project_set_db_error (project, error, "reading a claim");
      return FALSE;
    }
  *id = sqlite3_column_int64 (select, 0);
  return TRUE;
}

/* Runs ensure_claim inside one (nested) transaction, so the id returned is the row that exists
 * when the caller's transaction commits. */
gboolean
dr_claim_ensure (DrProject *project, const char *name, gint64 *id, GError **error)
{
  g_autofree char *clean = normalise_name (name, error);
  if (clean == NULL || !dr_project_begin (project, error))
    return FALSE;
  if (!ensure_claim (project, clean, id, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  return dr_project_commit (project, error);
}

/* Checks for a name clash first so the user gets a sentence, not a constraint name. */
gboolean
dr_claim_rename (DrProject *project, gint64 id, const char *name, GError **error)
{
  g_autofree char *clean = normalise_name (name, error);
  if (clean == NULL)
    return FALSE;
  /* Another claim with the wanted name, if any. */
  g_autoptr (DrStatement) clash = dr_project_prepare (
    project, "SELECT 1 FROM claims WHERE name = ?1 AND id != ?2", error);
  if (clash == NULL)
    return FALSE;
  sqlite3_bind_text (clash, 1, clean, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (clash, 2, id);
  if (sqlite3_step (clash) == SQLITE_ROW)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a claim named “%s” already exists", clean);
      return FALSE;
    }
  /* Renames exactly the claim with this id (no row: unknown id). */
  g_autoptr (DrStatement) update = dr_project_prepare (
    project, "UPDATE claims SET name = ?1 WHERE id = ?2", error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_text (update, 1, clean, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 2, id);
  if (!dr_project_step_done (project, update, error))
    return FALSE;
  if (sqlite3_changes (dr_project_get_db (project)) == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND, "no claim with id %"
                   G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

/* Reads every claim in name order. */
GPtrArray *
dr_claim_list (DrProject *project, GError **error)
{
  /* Each claim once, with the number of its photos (0 for an empty claim). */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT c.id, c.name, (SELECT count(*) FROM photos p WHERE p.claim_id = c.id)"
    "  FROM claims c ORDER BY c.name",
    error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) claims = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_claim_info_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DrClaimInfo *info = g_new0 (DrClaimInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->n_photos = (guint) sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (claims, info);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "listing claims");
      return NULL;
    }
  return g_steal_pointer (&claims);
}
