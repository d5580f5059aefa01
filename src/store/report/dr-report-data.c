/* dr-report-data.c — what a claim report shows, read from a project: the export's items
 * (final masks and verdicts by the same rules as the window), grouped by claim, with each
 * layer's newest verdict (author, time) and the photo's status bits. */
#include <glib/gi18n.h>
#include <string.h>

#include "dr-photo.h"
#include "dr-report-private.h"
#include "dr-rle.h"
#include "dr-store-error.h"

/* Frees a photo and everything it owns. */
static void
report_photo_free (DrReportPhoto *photo)
{
  dr_export_item_free (photo->item);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    dr_review_free (photo->review[d]);
  g_free (photo);
}

/* See header. */
void
dr_report_claim_free (DrReportClaim *claim)
{
  if (claim == NULL)
    return;
  g_free (claim->name);
  g_ptr_array_unref (claim->photos);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_free (claim->models[d]);
  g_free (claim);
}

/* See header. */
gboolean
dr_report_photo_is_reviewed (const DrReportPhoto *photo, DrDamage d)
{
  return photo->review[d] != NULL && photo->review[d]->verdict != DR_VERDICT_UNREVIEWED;
}

/* See header. */
guint64
dr_report_photo_area (const DrReportPhoto *photo, DrDamage d)
{
  return photo->item->mask[d] != NULL ? dr_rle_get_area (photo->item->mask[d]) : 0;
}

/* The claim called @name in @claims, or NULL. */
static DrReportClaim *
find_claim (GPtrArray *claims, const char *name)
{
  for (guint i = 0; i < claims->len; i++)
    {
      DrReportClaim *claim = claims->pdata[i];
      if (g_strcmp0 (claim->name, name) == 0)
        return claim;
    }
  return NULL;
}

/* A new empty claim called @name, appended to @claims. */
static DrReportClaim *
add_claim (GPtrArray *claims, const char *name)
{
  DrReportClaim *claim = g_new0 (DrReportClaim, 1);
  claim->name = g_strdup (name);
  claim->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) report_photo_free);
  g_ptr_array_add (claims, claim);
  return claim;
}

/* Orders photos by file path, as the window lists them within a claim. */
static int
compare_photos (gconstpointer a, gconstpointer b)
{
  const DrReportPhoto *pa = *(DrReportPhoto *const *) a, *pb = *(DrReportPhoto *const *) b;
  return g_strcmp0 (pa->item->path, pb->item->path);
}

/* Orders claims by name. */
static int
compare_claims (gconstpointer a, gconstpointer b)
{
  const DrReportClaim *ca = *(DrReportClaim *const *) a, *cb = *(DrReportClaim *const *) b;
  return g_utf8_collate (ca->name, cb->name);
}

/* Joins the distinct model hashes of each damage type over the claim's photos. */
static void
collect_models (DrReportClaim *claim)
{
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autoptr (GString) joined = NULL;
      for (guint i = 0; i < claim->photos->len; i++)
        {
          const char *sha = ((DrReportPhoto *) claim->photos->pdata[i])->item->model_sha256[d];
          if (sha == NULL || (joined != NULL && strstr (joined->str, sha) != NULL))
            continue;
          if (joined == NULL)
            joined = g_string_new (sha);
          else
            g_string_append_printf (joined, ", %s", sha);
        }
      claim->models[d] = joined ? g_string_free (g_steal_pointer (&joined), FALSE) : NULL;
    }
}

/* Fills the verdict rows and status bits of @photo from the project. */
static gboolean
load_photo_details (DrProject *project, DrReportPhoto *photo, const DrPhotoInfo *info,
                    GError **error)
{
  photo->added = info->added;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      GError *local = NULL;
      photo->review[d] = dr_review_get_current (project, photo->item->photo_id, d, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      photo->edited[d] = (info->edited >> d) & 1;
      photo->predicted[d] = (info->predicted >> d) & 1;
    }
  return TRUE;
}

/* See header. */
GPtrArray *
dr_report_load_claims (DrProject *project, const char *const *names, GError **error)
{
  g_autoptr (GPtrArray) items = dr_export_load_items (project, error);
  if (items == NULL)
    return NULL;
  g_autoptr (GPtrArray) infos = dr_photo_list (project, error);
  if (infos == NULL)
    return NULL;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < infos->len; i++)
    {
      DrPhotoInfo *info = infos->pdata[i];
      g_hash_table_insert (by_id, &info->id, info);
    }

  gboolean all = names == NULL || names[0] == NULL;
  g_autoptr (GPtrArray) claims =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_report_claim_free);
  for (guint i = 0; !all && names[i] != NULL; i++)
    if (find_claim (claims, names[i]) == NULL)
      add_claim (claims, names[i]);

  /* Hand each item of a wanted claim over to its claim; the rest are freed with @items. */
  for (guint i = 0; i < items->len; i++)
    {
      DrExportItem *item = items->pdata[i];
      DrReportClaim *claim = find_claim (claims, item->claim);
      if (claim == NULL && !all)
        continue;
      if (claim == NULL)
        claim = add_claim (claims, item->claim);
      DrReportPhoto *photo = g_new0 (DrReportPhoto, 1);
      photo->item = item;
      items->pdata[i] = NULL;
      g_ptr_array_add (claim->photos, photo);
      const DrPhotoInfo *info = g_hash_table_lookup (by_id, &item->photo_id);
      if (info != NULL && !load_photo_details (project, photo, info, error))
        return NULL;
    }

  if (all)
    g_ptr_array_sort (claims, compare_claims);
  for (guint i = 0; i < claims->len; i++)
    {
      DrReportClaim *claim = claims->pdata[i];
      if (claim->photos->len == 0)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                       /* TRANSLATORS: error of the claim report; %s the project file, then
                        * the claim name. */
                       _("%s: no claim named “%s” with a readable photo"),
                       dr_project_get_path (project), claim->name);
          return NULL;
        }
      g_ptr_array_sort (claim->photos, compare_photos);
      collect_models (claim);
    }
  if (claims->len == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                   _("%s: the project has no readable photo to report on"),
                   dr_project_get_path (project));
      return NULL;
    }
  return g_steal_pointer (&claims);
}
