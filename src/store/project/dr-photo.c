/* dr-photo.c — listing photos and deriving their status from predictions, heads and reviews. */
#include "dr-photo.h"

#include "dr-claim.h"
#include "dr-review.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

/* A zeroed DrPhotoInfo with no layer data: every area and confidence -1. */
DrPhotoInfo *
dr_photo_info_new (void)
{
  DrPhotoInfo *info = g_new0 (DrPhotoInfo, 1);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      info->area[d] = -1;
      info->confidence[d] = -1;
    }
  return info;
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

/* Shared by list and get: photo_id < 0 means all photos. The backend reads one snapshot. */
static GPtrArray *
collect (DrProject *project, gint64 photo_id, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  if (conn == NULL)
    return NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
  guint8 current = 0;
  if (!conn->backend->photo_collect (conn, photo_id, infos, &current, error))
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

/* The backend's answer. */
gboolean
dr_photo_get_size (DrProject *project, gint64 photo_id, guint *width, guint *height,
                   GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL && conn->backend->photo_get_size (conn, photo_id, width, height, error);
}

/* Reads the size, then decodes against it. */
DrRle *
dr_photo_parse_mask (DrProject *project, gint64 photo_id, const char *rle, const char *what,
                     GError **error)
{
  guint width, height;
  if (!dr_photo_get_size (project, photo_id, &width, &height, error))
    return NULL;
  g_autoptr (GError) local = NULL;
  DrRle *mask = dr_rle_new_from_string (rle, height, width, &local);
  if (mask == NULL)
    g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                 "%s of photo %" G_GINT64_FORMAT " does not fit its %u×%u size: %s", what,
                 photo_id, width, height, local->message);
  return mask;
}

/* Ensures the claim, then points the photo at it, in one transaction. */
gboolean
dr_photo_set_claim (DrProject *project, gint64 photo_id, const char *claim_name, GError **error)
{
  gint64 claim_id;
  if (!dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gboolean ok = dr_claim_ensure (project, claim_name, &claim_id, error)
                && conn->backend->photo_set_claim (conn, photo_id, claim_id, error);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* One write of the error column; NOT_FOUND when no row has that id. */
gboolean
dr_photo_set_error (DrProject *project, gint64 photo_id, const char *message, GError **error)
{
  g_return_val_if_fail (message != NULL, FALSE);
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL && conn->backend->photo_set_error (conn, photo_id, message, error);
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
