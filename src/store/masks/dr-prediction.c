/* dr-prediction.c — registering models, storing and reading predictions, finding stale ones. */
#include "dr-prediction.h"

#include "dr-photo.h"
#include "dr-rle.h"
#include "dr-store-error.h"

/* Frees the strings and the struct; NULL allowed. */
void
dr_prediction_free (DrPrediction *prediction)
{
  if (prediction == NULL)
    return;
  g_free (prediction->model_sha256);
  g_free (prediction->rle);
  g_free (prediction);
}

/* TRUE for exactly 64 lower-case hex digits. */
static gboolean
is_sha256 (const char *sha256)
{
  if (sha256 == NULL)
    return FALSE;
  int n = 0;
  for (; sha256[n] != '\0'; n++)
    if (!g_ascii_isxdigit (sha256[n]) || g_ascii_isupper (sha256[n]))
      return FALSE;
  return n == 64;
}

/* Checks the arguments shared by every entry point. */
static gboolean
check_model_args (DrDamage damage, const char *sha256, GError **error)
{
  if (!DR_DAMAGE_IS_VALID ((int) damage))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED, "invalid damage type %d",
                   (int) damage);
      return FALSE;
    }
  if (!is_sha256 (sha256))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "model id must be a lower-case SHA-256 hex digest");
      return FALSE;
    }
  return TRUE;
}

/* The body of dr_prediction_set_current_model, inside its transaction. */
static gboolean
set_current_model (DrProject *project, DrDamage damage, const char *sha256, const char *path,
                   const char *name, GError **error)
{
  /* No model of this damage type stays current (models_current allows one). */
  g_autoptr (DrStatement) clear = dr_project_prepare (
    project, "UPDATE models SET current = 0 WHERE damage = ?1 AND current = 1", error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int (clear, 1, damage);
  if (!dr_project_step_done (project, clear, error))
    return FALSE;
  /* The model row exists, is current, and carries the latest path and name. */
  g_autoptr (DrStatement) upsert = dr_project_prepare (
    project,
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
  sqlite3_bind_int64 (upsert, 5, dr_project_now ());
  return dr_project_step_done (project, upsert, error);
}

/* Runs set_current_model in one transaction. */
gboolean
dr_prediction_set_current_model (DrProject *project, DrDamage damage, const char *sha256,
                                 const char *path, const char *name, GError **error)
{
  if (!check_model_args (damage, sha256, error) || !dr_project_begin (project, error))
    return FALSE;
  if (!set_current_model (project, damage, sha256, path, name, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  return dr_project_commit (project, error);
}

/* Reads the current model's digest. */
char *
dr_prediction_dup_current_model (DrProject *project, DrDamage damage, GError **error)
{
  /* At most one row, by the models_current index. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT sha256 FROM models WHERE damage = ?1 AND current = 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, damage);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    dr_project_set_db_error (project, error, "reading models");
  return NULL;
}

/* Validates everything before one upsert statement (atomic by itself). */
gboolean
dr_prediction_store (DrProject *project, gint64 photo_id, DrDamage damage,
                     const char *model_sha256, const char *rle, double confidence,
                     GError **error)
{
  if (!check_model_args (damage, model_sha256, error))
    return FALSE;
  if (confidence > 1.0 || confidence != confidence)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "confidence %g is outside 0 … 1", confidence);
      return FALSE;
    }
  guint width, height;
  if (!dr_photo_get_size (project, photo_id, &width, &height, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  g_autoptr (DrRle) mask = dr_rle_new_from_string (rle, height, width, &local);
  if (mask == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "prediction for photo %" G_GINT64_FORMAT " does not fit its %u×%u size: %s",
                   photo_id, width, height, local->message);
      return FALSE;
    }
  /* One row per (photo, damage, model); a repeated analysis replaces its own earlier result.
   * The foreign key refuses a model that was never registered. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "INSERT INTO predictions (photo_id, damage, model_sha256, rle, area, confidence, created)"
    "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    "  ON CONFLICT (photo_id, damage, model_sha256) DO UPDATE"
    "  SET rle = ?4, area = ?5, confidence = ?6, created = ?7",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  sqlite3_bind_text (stmt, 3, model_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, rle, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, (gint64) dr_rle_get_area (mask));
  if (confidence >= 0)
    sqlite3_bind_double (stmt, 6, confidence);
  sqlite3_bind_int64 (stmt, 7, dr_project_now ());
  return dr_project_step_done (project, stmt, error);
}

/* Joins with the current model of the damage type. */
DrPrediction *
dr_prediction_get_current (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  /* The prediction of the current model, if that model has analysed this photo. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT pr.model_sha256, pr.rle, pr.area, pr.confidence, pr.created"
    "  FROM predictions pr JOIN models m"
    "    ON m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current = 1"
    "  WHERE pr.photo_id = ?1 AND pr.damage = ?2",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        dr_project_set_db_error (project, error, "reading a prediction");
      return NULL;
    }
  DrPrediction *p = g_new0 (DrPrediction, 1);
  p->photo_id = photo_id;
  p->damage = damage;
  p->model_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  p->rle = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  p->area = sqlite3_column_int64 (stmt, 2);
  p->confidence = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? -1
                                                                : sqlite3_column_double (stmt, 3);
  p->created = sqlite3_column_int64 (stmt, 4);
  return p;
}

/* Anti-join of readable photos against this model's predictions. */
GArray *
dr_prediction_needs_analysis (DrProject *project, DrDamage damage, const char *model_sha256,
                              GError **error)
{
  if (!check_model_args (damage, model_sha256, error))
    return NULL;
  /* Readable photos that this model has not analysed for this damage type, oldest first. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
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
      dr_project_set_db_error (project, error, "finding photos to analyse");
      return NULL;
    }
  return g_steal_pointer (&ids);
}
