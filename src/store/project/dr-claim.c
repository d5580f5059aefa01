/* dr-claim.c — creating, renaming and listing claims. */
#include "dr-claim.h"

#include "dr-store-backend.h"
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

/* Asks the backend inside one (nested) transaction, so the id returned is the row that exists
 * when the caller's transaction commits. */
gboolean
dr_claim_ensure (DrProject *project, const char *name, gint64 *id, GError **error)
{
  g_autofree char *clean = normalise_name (name, error);
  if (clean == NULL || !dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gboolean ok = conn->backend->claim_ensure (conn, clean, id, error);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* Normalises, then lets the backend refuse a clash or an unknown id. */
gboolean
dr_claim_rename (DrProject *project, gint64 id, const char *name, GError **error)
{
  g_autofree char *clean = normalise_name (name, error);
  if (clean == NULL)
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL && conn->backend->claim_rename (conn, id, clean, error);
}

/* The backend's list. */
GPtrArray *
dr_claim_list (DrProject *project, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->claim_list (conn, error) : NULL;
}
