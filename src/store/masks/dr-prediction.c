/* dr-prediction.c — registering models, storing and reading predictions, finding stale ones. */
#include "dr-prediction.h"

#include "dr-file-hash.h"
#include "dr-photo.h"
#include "dr-rle.h"
#include "dr-store-backend.h"
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
  if (!dr_sha256_is_valid (sha256))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "model id must be a lower-case SHA-256 hex digest");
      return FALSE;
    }
  return TRUE;
}

/* Clears the old current model and records the new one in one transaction. */
gboolean
dr_prediction_set_current_model (DrProject *project, DrDamage damage, const char *sha256,
                                 const char *path, const char *name, GError **error)
{
  if (!check_model_args (damage, sha256, error) || !dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gboolean ok = conn->backend->model_set_current (conn, damage, sha256, path, name,
                                                  dr_project_now (), error);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* The backend's answer. */
char *
dr_prediction_dup_current_model (DrProject *project, DrDamage damage, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->model_dup_current (conn, damage, error) : NULL;
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
  g_autoptr (DrRle) mask = dr_photo_parse_mask (project, photo_id, rle, "prediction", error);
  if (mask == NULL)
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  if (conn == NULL)
    return FALSE;
  DrPrediction p = {
    .photo_id = photo_id,
    .damage = damage,
    .model_sha256 = (char *) model_sha256,
    .rle = (char *) rle,
    .area = (gint64) dr_rle_get_area (mask),
    .confidence = confidence,
    .created = dr_project_now (),
  };
  return conn->backend->prediction_put (conn, &p, error);
}

/* The backend's answer. */
DrPrediction *
dr_prediction_get_current (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->prediction_get_current (conn, photo_id, damage, error)
                      : NULL;
}

/* Validates, then asks the backend. */
GArray *
dr_prediction_needs_analysis (DrProject *project, DrDamage damage, const char *model_sha256,
                              GError **error)
{
  if (!check_model_args (damage, model_sha256, error))
    return NULL;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->prediction_missing (conn, damage, model_sha256, error)
                      : NULL;
}
