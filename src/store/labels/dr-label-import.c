/* dr-label-import.c — format detection, stem matching and storing of ground truth. */
#include "dr-label-import.h"

#include <string.h>

#include "dr-import-aihub.h"
#include "dr-import-coco.h"
#include "dr-json.h"
#include "dr-safe-file.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

/* Table stem → GPtrArray of DrPhotoInfo for every readable photo. */
static GHashTable *
photos_by_stem (DrProject *project, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  g_autoptr (GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
  if (conn == NULL || !conn->backend->photo_list_readable (conn, photos, error))
    return NULL;
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *p = photos->pdata[i];
      char *stem = dr_ground_truth_stem (p->path);
      GPtrArray *list = g_hash_table_lookup (table, stem);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_photo_info_free);
          g_hash_table_insert (table, stem, list);
        }
      else
        g_free (stem);
      g_ptr_array_add (list, g_steal_pointer (&photos->pdata[i]));
    }
  return g_steal_pointer (&table);
}

/* Writes the four layers of @gt for photo @photo_id (empty layers as an all-background RLE). */
static gboolean
store_layers (DrProject *project, const DrGroundTruth *gt, gint64 photo_id, const char *source,
              GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  guint32 all = gt->width * gt->height;
  g_autoptr (DrRle) empty = dr_rle_new_from_counts (&all, 1, gt->height, gt->width, error);
  if (empty == NULL)
    return FALSE;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      const DrRle *mask = gt->mask[d] != NULL ? gt->mask[d] : empty;
      g_autofree char *rle = dr_rle_to_string (mask);
      if (!conn->backend->ground_truth_put (conn, photo_id, d, source, rle,
                                            (gint64) dr_rle_get_area (mask), dr_project_now (),
                                            error))
        return FALSE;
    }
  return TRUE;
}

struct _DrLabelImport {
  DrProject *project;
  GHashTable *stems;    /* stem → GPtrArray of DrPhotoInfo */
  gboolean open;        /* a batch transaction is open */
  guint pending;        /* files in the open batch */
};

/* Reads the photo names once. */
DrLabelImport *
dr_label_import_new (DrProject *project, GError **error)
{
  GHashTable *stems = photos_by_stem (project, error);
  if (stems == NULL)
    return NULL;
  DrLabelImport *import = g_new0 (DrLabelImport, 1);
  import->project = g_object_ref (project);
  import->stems = stems;
  return import;
}

/* Commits the open batch, if any. */
gboolean
dr_label_import_finish (DrLabelImport *import, GError **error)
{
  if (!import->open)
    return TRUE;
  import->open = FALSE;
  import->pending = 0;
  return dr_project_commit (import->project, error);
}

/* Rolls back an unfinished batch and frees the session. */
void
dr_label_import_free (DrLabelImport *import)
{
  if (import == NULL)
    return;
  if (import->open)
    dr_project_rollback (import->project);
  g_hash_table_unref (import->stems);
  g_object_unref (import->project);
  g_free (import);
}

/* Matches every image and stores the matched ones (inside the caller's savepoint). */
static gboolean
store_all (DrProject *project, GHashTable *stems, GPtrArray *gts, const char *path,
           const char *source, GPtrArray *warnings, guint *n_matched, GError **error)
{
  for (guint i = 0; i < gts->len; i++)
    {
      const DrGroundTruth *gt = gts->pdata[i];
      g_autofree char *stem = dr_ground_truth_stem (gt->file_name);
      GPtrArray *list = g_hash_table_lookup (stems, stem);
      g_autofree char *shown = dr_safe_excerpt (gt->file_name, -1, DR_NAME_MAX_CHARS);
      if (list == NULL || list->len != 1)
        {
          if (warnings != NULL)
            g_ptr_array_add (warnings, g_strdup_printf ("%s: image %s matches %u photos in the "
                                                        "project, skipped", path, shown,
                                                        list != NULL ? list->len : 0));
          continue;
        }
      const DrPhotoInfo *photo = list->pdata[0];
      if ((guint) photo->width != gt->width || (guint) photo->height != gt->height)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: image %s is %u × %u "
                       "but the photo %s is %u × %u", path, shown, gt->width, gt->height,
                       photo->path, photo->width, photo->height);
          return FALSE;
        }
      if (!store_layers (project, gt, photo->id, source, error))
        return FALSE;
      (*n_matched)++;
    }
  return TRUE;
}

/* Loads, detects the format, parses, then stores inside a savepoint of the current batch. */
gboolean
dr_label_import_file (DrLabelImport *import, const char *path, GPtrArray *warnings,
                      DrLabelImportSummary *summary, GError **error)
{
  g_autoptr (JsonNode) root = dr_ground_truth_load_json (path, error);
  if (root == NULL)
    return FALSE;
  gboolean coco = JSON_NODE_HOLDS_OBJECT (root)
                  && dr_json_member_array (json_node_get_object (root), "categories") != NULL;
  g_autoptr (GPtrArray) gts = coco ? dr_import_coco_parse (root, path, warnings, error)
                                   : dr_import_aihub_parse (root, path, warnings, error);
  if (gts == NULL)
    return FALSE;
  if (!import->open)
    {
      if (!dr_project_begin (import->project, error))
        return FALSE;
      import->open = TRUE;
    }
  if (!dr_project_begin (import->project, error))
    return FALSE;
  guint n_matched = 0;
  gboolean ok = store_all (import->project, import->stems, gts, path, coco ? "coco" : "aihub",
                           warnings, &n_matched, error);
  if (!dr_project_commit_or_rollback (import->project, ok, error))
    return FALSE;
  if (summary != NULL)
    *summary = (DrLabelImportSummary) { gts->len, n_matched };
  if (++import->pending >= DR_LABEL_IMPORT_BATCH)
    return dr_label_import_finish (import, error);
  return TRUE;
}
