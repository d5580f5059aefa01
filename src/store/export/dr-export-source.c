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
#include "dr-store-error.h"

/* Text column @col of the current row, duplicated (NULL stays NULL). */
static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* Steps a single-row query: TRUE with a row, FALSE with none (error unset) or on error (set). */
static gboolean
step_row (DrProject *project, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    dr_project_set_db_error (project, error, "reading the export data");
  return FALSE;
}

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
  /* The newest verdict of this layer. */
  g_autoptr (DrStatement) rev = dr_project_prepare (project,
    "SELECT verdict, author, model_sha256, id FROM reviews"
    " WHERE photo_id = ?1 AND damage = ?2 ORDER BY id DESC LIMIT 1", error);
  if (rev == NULL)
    return FALSE;
  sqlite3_bind_int64 (rev, 1, item->photo_id);
  sqlite3_bind_int (rev, 2, d);
  if (step_row (project, rev, error))
    {
      item->verdict[d] = column_dup (rev, 0);
      item->model_sha256[d] = column_dup (rev, 2);
      gint64 id = sqlite3_column_int64 (rev, 3);
      if (id > *newest_review)
        {
          *newest_review = id;
          g_free (item->reviewer);
          item->reviewer = column_dup (rev, 1);
        }
    }
  else if (error != NULL && *error != NULL)
    return FALSE;

  /* The current model's hash is the default model of the layer. */
  GError *local = NULL;
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
      g_propagate_error (error, local);
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
  g_autoptr (DrStatement) photos = dr_project_prepare (project,
    "SELECT p.id, c.name, p.path, p.sha256, p.width, p.height FROM photos p"
    " JOIN claims c ON c.id = p.claim_id WHERE p.error IS NULL ORDER BY p.id", error);
  if (photos == NULL)
    return NULL;
  g_autofree char *base = g_path_get_dirname (dr_project_get_path (project));
  g_autoptr (GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_export_item_free);
  int rc;
  while ((rc = sqlite3_step (photos)) == SQLITE_ROW)
    {
      DrExportItem *item = dr_export_item_new ();
      g_ptr_array_add (items, item);
      item->photo_id = sqlite3_column_int64 (photos, 0);
      item->claim = column_dup (photos, 1);
      const char *path = (const char *) sqlite3_column_text (photos, 2);
      item->path = g_path_is_absolute (path) ? g_strdup (path)
                                             : g_build_filename (base, path, NULL);
      item->sha256 = column_dup (photos, 3);
      item->width = (guint) sqlite3_column_int64 (photos, 4);
      item->height = (guint) sqlite3_column_int64 (photos, 5);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading photos");
      return NULL;
    }
  sqlite3_reset (photos);
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
