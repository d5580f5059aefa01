/* dr-export-source.c — what a project says should be exported: one DrExportItem per readable
 * photo.
 *
 * Per photo × damage type:
 *  - verdict: the newest reviews row ("unreviewed" when there is none);
 *  - mask: what the layer shows in the window (dr_revision_dup_layer_rle): empty after a
 *    "rejected" (false positive) or "none" (confirmed absent) verdict given on the current
 *    head; otherwise the head revision when the head names one, otherwise the current
 *    model's prediction, otherwise empty;
 *  - model SHA-256: the one the newest review recorded, otherwise the current model's when it
 *    has a prediction for this photo.
 * The reviewer is the author of the photo's newest review; the note is the photo's newest note
 * (dr_review_dup_note). Photo paths stored relative are resolved against the project file's
 * folder.
 */
#include "dr-export.h"

#include "dr-prediction.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

/* Parses a stored mask string of the photo's size, naming project, photo and layer on error. */
static DrRle *
parse_mask (DrProject *project, const DrExportItem *item, DrDamage d, const char *rle,
            GError **error)
{
  g_autoptr (GError) local = NULL;
  DrRle *mask = dr_rle_new_from_string (rle, item->height, item->width, &local);
  if (mask == NULL)
    g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: photo %" G_GINT64_FORMAT
                 " %s layer: %s", dr_project_get_path (project), item->photo_id,
                 dr_damage_to_string (d), local->message);
  return mask;
}

/* Fills verdict, mask and model of layer @d of @item; records the newest review time. */
static gboolean
load_layer (DrProject *project, DrExportItem *item, DrDamage d, gint64 *newest_review,
            GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (DrReview) review = dr_review_get_current (project, item->photo_id, d, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (review != NULL)
    {
      item->verdict[d] = g_strdup (dr_verdict_to_string (review->verdict));
      item->model_sha256[d] = g_steal_pointer (&review->model_sha256);
      if (review->id > *newest_review)
        {
          *newest_review = review->id;
          g_free (item->reviewer);
          item->reviewer = g_steal_pointer (&review->author);
        }
    }

  /* The current model's hash is the default model of the layer. */
  if (item->model_sha256[d] == NULL)
    {
      g_autoptr (DrPrediction) pred = dr_prediction_get_current (project, item->photo_id, d,
                                                                  &local);
      if (pred != NULL)
        item->model_sha256[d] = g_steal_pointer (&pred->model_sha256);
    }
  g_autofree char *rle = local ? NULL : dr_revision_dup_layer_rle (project, item->photo_id, d,
                                                                   &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (rle == NULL)
    return TRUE;
  item->mask[d] = parse_mask (project, item, d, rle, error);
  return item->mask[d] != NULL;
}

/* One item per photo without a read error, in photo id order. */
GPtrArray *
dr_export_load_items (DrProject *project, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
  if (conn == NULL || !conn->backend->photo_list_readable (conn, photos, error))
    return NULL;
  g_autofree char *base = g_path_get_dirname (dr_project_get_path (project));
  g_autoptr (GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_export_item_free);
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *photo = photos->pdata[i];
      DrExportItem *item = dr_export_item_new ();
      g_ptr_array_add (items, item);
      item->photo_id = photo->id;
      item->claim = g_steal_pointer (&photo->claim);
      item->path = g_path_is_absolute (photo->path) ? g_steal_pointer (&photo->path)
                                                    : g_build_filename (base, photo->path, NULL);
      item->sha256 = g_steal_pointer (&photo->sha256);
      item->width = (guint) photo->width;
      item->height = (guint) photo->height;
    }
  for (guint i = 0; i < items->len; i++)
    {
      DrExportItem *item = items->pdata[i];
      gint64 newest = 0;
      for (int d = 0; d < DR_N_DAMAGE; d++)
        if (!load_layer (project, item, d, &newest, error))
          return NULL;
      g_autoptr (GError) local = NULL;
      item->note = dr_review_dup_note (project, item->photo_id, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  return g_steal_pointer (&items);
}
