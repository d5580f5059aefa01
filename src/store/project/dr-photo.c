/* dr-photo.c — listing photos and deriving their status from predictions, heads and reviews. */
#include "dr-photo.h"

#include "dr-claim.h"
#include "dr-review.h"
#include "dr-store-error.h"

static const char *const status_ids[] = {
  [DR_PHOTO_STATUS_NOT_ANALYSED] = "not-analysed",
  [DR_PHOTO_STATUS_ANALYSED] = "analysed",
  [DR_PHOTO_STATUS_ERROR] = "error",
  [DR_PHOTO_STATUS_REVIEWED] = "reviewed",
};

/* The static id of status; "error" for out-of-range values. */
const char *
dr_photo_status_to_string (DrPhotoStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (status_ids))
    return "error";
  return status_ids[status];
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_photo_info_free (DrPhotoInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->claim);
  g_free (info->path);
  g_free (info->sha256);
  g_free (info->error);
  g_free (info);
}

/* Text column as a new string, NULL for SQL NULL. */
static char *
column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Binds ?1 to photo_id, or NULL (= every photo) when photo_id < 0. */
static void
bind_photo_filter (sqlite3_stmt *stmt, gint64 photo_id)
{
  if (photo_id >= 0)
    sqlite3_bind_int64 (stmt, 1, photo_id);
  else
    sqlite3_bind_null (stmt, 1);
}

/* Reads the photos rows (all, or one) into infos, indexed by id in by_id. */
static gboolean
read_photos (DrProject *project, gint64 photo_id, GPtrArray *infos, GHashTable *by_id,
             GError **error)
{
  /* Every photo (or the one asked for) with its claim name, in claim then path order. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT p.id, p.claim_id, c.name, p.path, p.sha256, p.size, p.width, p.height, p.error,"
    "       p.added"
    "  FROM photos p JOIN claims c ON c.id = p.claim_id"
    "  WHERE ?1 IS NULL OR p.id = ?1"
    "  ORDER BY c.name, p.path, p.id",
    error);
  if (stmt == NULL)
    return FALSE;
  bind_photo_filter (stmt, photo_id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DrPhotoInfo *info = g_new0 (DrPhotoInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->claim_id = sqlite3_column_int64 (stmt, 1);
      info->claim = column_strdup (stmt, 2);
      info->path = column_strdup (stmt, 3);
      info->sha256 = column_strdup (stmt, 4);
      info->size = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1
                                                                : sqlite3_column_int64 (stmt, 5);
      info->width = sqlite3_column_int (stmt, 6);
      info->height = sqlite3_column_int (stmt, 7);
      info->error = column_strdup (stmt, 8);
      info->added = sqlite3_column_int64 (stmt, 9);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          info->area[d] = -1;
          info->confidence[d] = -1;
        }
      g_ptr_array_add (infos, info);
      g_hash_table_insert (by_id, &info->id, info);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "listing photos");
      return FALSE;
    }
  return TRUE;
}

/* Bit d set when damage d has a current model. */
static gboolean
read_current_models (DrProject *project, guint8 *current, GError **error)
{
  /* Damage types that have a current model (at most one row each, by models_current). */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT damage FROM models WHERE current = 1", error);
  if (stmt == NULL)
    return FALSE;
  *current = 0;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int d = sqlite3_column_int (stmt, 0);
      if (DR_DAMAGE_IS_VALID (d))
        *current |= 1u << d;
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading models");
      return FALSE;
    }
  return TRUE;
}

/* Fills predicted, area and confidence from the current models' predictions, then lets a set
 * head override the area. */
static gboolean
read_layers (DrProject *project, gint64 photo_id, GHashTable *by_id, GError **error)
{
  /* Predictions made by the model that is current for their damage type. */
  g_autoptr (DrStatement) predictions = dr_project_prepare (
    project,
    "SELECT pr.photo_id, pr.damage, pr.area, pr.confidence"
    "  FROM predictions pr JOIN models m"
    "    ON m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current = 1"
    "  WHERE ?1 IS NULL OR pr.photo_id = ?1",
    error);
  if (predictions == NULL)
    return FALSE;
  bind_photo_filter (predictions, photo_id);
  int rc;
  while ((rc = sqlite3_step (predictions)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (predictions, 0);
      DrPhotoInfo *info = g_hash_table_lookup (by_id, &id);
      int d = sqlite3_column_int (predictions, 1);
      if (info == NULL || !DR_DAMAGE_IS_VALID (d))
        continue;
      info->predicted |= 1u << d;
      info->area[d] = sqlite3_column_int64 (predictions, 2);
      info->confidence[d] = sqlite3_column_type (predictions, 3) == SQLITE_NULL
                              ? -1 : sqlite3_column_double (predictions, 3);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading predictions");
      return FALSE;
    }

  /* Layers whose head names a revision, with that revision's area. */
  g_autoptr (DrStatement) heads = dr_project_prepare (
    project,
    "SELECT h.photo_id, h.damage, r.area FROM heads h JOIN revisions r ON r.id = h.revision_id"
    "  WHERE ?1 IS NULL OR h.photo_id = ?1",
    error);
  if (heads == NULL)
    return FALSE;
  bind_photo_filter (heads, photo_id);
  while ((rc = sqlite3_step (heads)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (heads, 0);
      DrPhotoInfo *info = g_hash_table_lookup (by_id, &id);
      int d = sqlite3_column_int (heads, 1);
      if (info == NULL || !DR_DAMAGE_IS_VALID (d))
        continue;
      info->edited |= 1u << d;
      info->area[d] = sqlite3_column_int64 (heads, 2);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading revisions");
      return FALSE;
    }

  /* The newest verdict of each layer (SQLite returns the bare columns of the max(id) row),
   * and whether it was given on the layer's current head. */
  g_autoptr (DrStatement) reviews = dr_project_prepare (
    project,
    "SELECT rv.photo_id, rv.damage, rv.verdict, max (rv.id),"
    "       rv.revision_id IS h.revision_id"
    "  FROM reviews rv LEFT JOIN heads h ON h.photo_id = rv.photo_id AND h.damage = rv.damage"
    "  WHERE ?1 IS NULL OR rv.photo_id = ?1 GROUP BY rv.photo_id, rv.damage",
    error);
  if (reviews == NULL)
    return FALSE;
  bind_photo_filter (reviews, photo_id);
  while ((rc = sqlite3_step (reviews)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (reviews, 0);
      DrPhotoInfo *info = g_hash_table_lookup (by_id, &id);
      int d = sqlite3_column_int (reviews, 1);
      if (info == NULL || !DR_DAMAGE_IS_VALID (d))
        continue;
      DrVerdict verdict = dr_verdict_from_string ((const char *) sqlite3_column_text (reviews, 2));
      if (verdict != DR_VERDICT_UNREVIEWED)
        info->reviewed |= 1u << d;
      /* As dr_revision_dup_layer_rle: such a verdict on the current head empties the layer. */
      if (dr_verdict_empties_layer (verdict) && sqlite3_column_int (reviews, 4))
        info->area[d] = 0;
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading reviews");
      return FALSE;
    }
  return TRUE;
}

/* error wins; then a full set of verdicts; then a prediction from every current model. */
static DrPhotoStatus
derive_status (const DrPhotoInfo *info, guint8 current_models)
{
  if (info->error != NULL)
    return DR_PHOTO_STATUS_ERROR;
  if (info->reviewed == (1u << DR_N_DAMAGE) - 1)
    return DR_PHOTO_STATUS_REVIEWED;
  if (current_models != 0 && (info->predicted & current_models) == current_models)
    return DR_PHOTO_STATUS_ANALYSED;
  return DR_PHOTO_STATUS_NOT_ANALYSED;
}

/* Shared by list and get: photo_id < 0 means all photos. Runs in one read transaction so the
 * four queries see the same snapshot. */
static GPtrArray *
collect (DrProject *project, gint64 photo_id, GError **error)
{
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint8 current = 0;
  sqlite3 *db = dr_project_get_db (project);
  gboolean own_read = sqlite3_get_autocommit (db) != 0;
  if (own_read && sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      dr_project_set_db_error (project, error, "reading photos");
      return NULL;
    }
  gboolean ok = read_photos (project, photo_id, infos, by_id, error)
                && read_current_models (project, &current, error)
                && read_layers (project, photo_id, by_id, error);
  if (own_read)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (!ok)
    return NULL;
  for (guint i = 0; i < infos->len; i++)
    {
      DrPhotoInfo *info = infos->pdata[i];
      info->status = derive_status (info, current);
    }
  return g_steal_pointer (&infos);
}

/* All photos. */
GPtrArray *
dr_photo_list (DrProject *project, GError **error)
{
  return collect (project, -1, error);
}

/* One photo, or NOT_FOUND. */
DrPhotoInfo *
dr_photo_get (DrProject *project, gint64 photo_id, GError **error)
{
  g_autoptr (GPtrArray) infos = collect (project, photo_id < 0 ? G_MAXINT64 : photo_id, error);
  if (infos == NULL)
    return NULL;
  if (infos->len == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   "%s: no photo with id %" G_GINT64_FORMAT, dr_project_get_path (project),
                   photo_id);
      return NULL;
    }
  return g_ptr_array_steal_index (infos, 0);
}

/* Reads the size columns of a readable photo. */
gboolean
dr_photo_get_size (DrProject *project, gint64 photo_id, guint *width, guint *height,
                   GError **error)
{
  /* Size of the photo, only if it was decoded at import. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT width, height FROM photos WHERE id = ?1 AND error IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                     "%s: no readable photo with id %" G_GINT64_FORMAT,
                     dr_project_get_path (project), photo_id);
      else
        dr_project_set_db_error (project, error, "reading a photo");
      return FALSE;
    }
  *width = (guint) sqlite3_column_int (stmt, 0);
  *height = (guint) sqlite3_column_int (stmt, 1);
  return TRUE;
}

/* Ensures the claim, then points the photo at it, in one transaction. */
gboolean
dr_photo_set_claim (DrProject *project, gint64 photo_id, const char *claim_name, GError **error)
{
  gint64 claim_id;
  if (!dr_project_begin (project, error))
    return FALSE;
  if (!dr_claim_ensure (project, claim_name, &claim_id, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  /* Moves exactly this photo to the claim. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "UPDATE photos SET claim_id = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    {
      dr_project_rollback (project);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, claim_id);
  sqlite3_bind_int64 (stmt, 2, photo_id);
  if (!dr_project_step_done (project, stmt, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  if (sqlite3_changes (dr_project_get_db (project)) == 0)
    {
      dr_project_rollback (project);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   "%s: no photo with id %" G_GINT64_FORMAT, dr_project_get_path (project),
                   photo_id);
      return FALSE;
    }
  return dr_project_commit (project, error);
}

/* One UPDATE of the error column; NOT_FOUND when no row has that id. */
gboolean
dr_photo_set_error (DrProject *project, gint64 photo_id, const char *message, GError **error)
{
  g_return_val_if_fail (message != NULL, FALSE);
  /* Sets exactly this photo's error and nothing else. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "UPDATE photos SET error = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, photo_id);
  if (!dr_project_step_done (project, stmt, error))
    return FALSE;
  if (sqlite3_changes (dr_project_get_db (project)) == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   "%s: no photo with id %" G_GINT64_FORMAT, dr_project_get_path (project),
                   photo_id);
      return FALSE;
    }
  return TRUE;
}

/* CORRUPT, UNSUPPORTED and TOO_LARGE describe the bytes; everything else may be transient. */
gboolean
dr_photo_error_is_permanent (const GError *error)
{
  return error != NULL &&
         (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT) ||
          g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED) ||
          g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE));
}
