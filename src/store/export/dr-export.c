/* dr-export.c — export plan, staging directory, images, and the write → verify → rename flow. */
#include "dr-export-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dr-export-split.h"
#include "dr-file-hash.h"
#include "dr-safe-file.h"
#include "dr-store-error.h"

static const char *const category_names[DR_N_DAMAGE] = {
  "Scratched", "Separated", "Crushed", "Breakage",
};

/* Static COCO category name of @damage. */
const char *
dr_export_category_name (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return category_names[damage];
}

/* A zeroed item. */
DrExportItem *
dr_export_item_new (void)
{
  return g_new0 (DrExportItem, 1);
}

/* Frees the item's strings, masks and the item. */
void
dr_export_item_free (DrExportItem *item)
{
  if (item == NULL)
    return;
  g_free (item->claim);
  g_free (item->path);
  g_free (item->sha256);
  g_free (item->reviewer);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_free (item->verdict[d]);
      dr_rle_free (item->mask[d]);
      g_free (item->model_sha256[d]);
    }
  g_free (item->note);
  g_free (item);
}

/* The verdict id, defaulting to unreviewed. */
const char *
dr_export_item_verdict (const DrExportItem *item, DrDamage d)
{
  return item->verdict[d] != NULL ? item->verdict[d] : DR_EXPORT_VERDICT_UNREVIEWED;
}

/* TRUE when no layer is unreviewed. */
gboolean
dr_export_item_is_reviewed (const DrExportItem *item)
{
  for (int d = 0; d < DR_N_DAMAGE; d++)
    if (strcmp (dr_export_item_verdict (item, d), DR_EXPORT_VERDICT_UNREVIEWED) == 0)
      return FALSE;
  return TRUE;
}

/* Decodes the layer, or returns zeros for a NULL (empty) mask. */
guint8 *
dr_export_item_decode (const DrExportItem *item, DrDamage d)
{
  guint8 *mask = g_malloc0 ((gsize) item->width * item->height);
  if (item->mask[d] != NULL)
    dr_rle_to_mask (item->mask[d], mask);
  return mask;
}

/* Area of the layer; 0 for a NULL mask. */
guint64
dr_export_item_area (const DrExportItem *item, DrDamage d)
{
  return item->mask[d] != NULL ? dr_rle_get_area (item->mask[d]) : 0;
}

/* Frees an entry's names and the entry (not the borrowed item). */
static void
entry_free (DrExportEntry *entry)
{
  g_free (entry->image_name);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_free (entry->mask_name[d]);
  g_free (entry);
}

/* A file-system-safe version of the photo's base name: valid UTF-8, no separators or control
 * characters, not hidden, never empty. */
static char *
safe_base_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path != NULL ? path : "");
  g_autofree char *valid = g_utf8_make_valid (base, -1);
  GString *out = g_string_new (NULL);
  for (const char *p = valid; *p; p++)
    {
      guchar c = (guchar) *p;
      gboolean bad = c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", c) != NULL;
      g_string_append_c (out, bad ? '_' : (char) c);
    }
  if (out->len == 0 || strcmp (out->str, ".") == 0 || strcmp (out->str, "..") == 0)
    g_string_assign (out, "photo");
  if (out->str[0] == '.')
    g_string_prepend_c (out, '_');
  return g_string_free (out, FALSE);
}

/* Splits @name into stem and extension (with its dot; "" when none). */
static void
split_ext (const char *name, char **stem, char **ext)
{
  const char *dot = strrchr (name, '.');
  if (dot == NULL || dot == name)
    dot = name + strlen (name);
  *stem = g_strndup (name, (gsize) (dot - name));
  *ext = g_strdup (dot);
}

/* Checks one item's fields before anything is written. */
static gboolean
check_item (const DrExportItem *item, GError **error)
{
  if (item->photo_id <= 0 || item->path == NULL || item->width == 0 || item->height == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "photo %" G_GINT64_FORMAT " (%s): missing id, path or size",
                   item->photo_id, item->path != NULL ? item->path : "no path");
      return FALSE;
    }
  if ((guint64) item->width * item->height > DR_RLE_MAX_PIXELS)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "%s: %u × %u pixels is too large to export", item->path, item->width,
                   item->height);
      return FALSE;
    }
  for (int d = 0; d < DR_N_DAMAGE; d++)
    if (item->mask[d] != NULL
        && (dr_rle_get_width (item->mask[d]) != item->width
            || dr_rle_get_height (item->mask[d]) != item->height))
      {
        g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                     "%s: %s mask is %u × %u but the photo is %u × %u", item->path,
                     dr_export_category_name (d), dr_rle_get_width (item->mask[d]),
                     dr_rle_get_height (item->mask[d]), item->width, item->height);
        return FALSE;
      }
  return TRUE;
}

/* The split group of an item: its claim, or its photo hash (or id) when it has no claim, so two
 * copies of the same unclaimed photo still share a split. */
static char *
group_key (const DrExportItem *item)
{
  if (item->claim != NULL)
    return g_strconcat ("claim:", item->claim, NULL);
  if (item->sha256 != NULL)
    return g_strconcat ("photo:", item->sha256, NULL);
  return g_strdup_printf ("id:%" G_GINT64_FORMAT, item->photo_id);
}

/* Filters, splits and names; see dr-export-private.h. */
GPtrArray *
dr_export_plan (GPtrArray *items, const DrExportOptions *options, guint *n_skipped,
                GError **error)
{
  if (!(options->val_fraction >= 0.0 && options->val_fraction <= 1.0))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "split fraction %g is not between 0 and 1", options->val_fraction);
      return NULL;
    }
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  *n_skipped = 0;
  for (guint i = 0; i < items->len; i++)
    {
      DrExportItem *item = items->pdata[i];
      if (!check_item (item, error))
        return NULL;
      if (g_hash_table_contains (ids, &item->photo_id))
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                       "photo id %" G_GINT64_FORMAT " appears twice", item->photo_id);
          return NULL;
        }
      g_hash_table_add (ids, &item->photo_id);
      if (options->reviewed_only && !dr_export_item_is_reviewed (item))
        {
          (*n_skipped)++;
          continue;
        }
      g_ptr_array_add (kept, item);
      g_ptr_array_add (keys, group_key (item));
    }

  g_autoptr (GHashTable) split = dr_export_split_claims ((const char *const *) keys->pdata,
                                                         keys->len, options->val_fraction,
                                                         options->seed);
  g_autoptr (GHashTable) stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  for (guint i = 0; i < kept->len; i++)
    {
      DrExportEntry *entry = g_new0 (DrExportEntry, 1);
      entry->item = kept->pdata[i];
      entry->split = g_hash_table_lookup (split, keys->pdata[i]);
      g_autofree char *base = safe_base_name (entry->item->path);
      g_autofree char *stem = NULL, *ext = NULL;
      split_ext (base, &stem, &ext);
      g_autofree char *folded = g_utf8_casefold (stem, -1);
      if (g_hash_table_contains (stems, folded))
        {
          char *unique = g_strdup_printf ("%s-%" G_GINT64_FORMAT, stem, entry->item->photo_id);
          g_free (stem);
          stem = unique;
          g_free (folded);
          folded = g_utf8_casefold (stem, -1);
        }
      g_hash_table_add (stems, g_steal_pointer (&folded));
      entry->image_name = g_strconcat (stem, ext, NULL);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        entry->mask_name[d] = g_strdup_printf ("%s_%s.png", stem, dr_damage_to_string (d));
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

/* Copies @src to @dest. Never a hard link: claim photos are evidence, and a training script
 * that edits the dataset in place must not be able to alter the original. */
static gboolean
place_image (const char *src, const char *dest, GError **error)
{
  g_autoptr (GFile) fsrc = g_file_new_for_path (src);
  g_autoptr (GFile) fdest = g_file_new_for_path (dest);
  g_autoptr (GError) local = NULL;
  if (!g_file_copy (fsrc, fdest, G_FILE_COPY_NONE, NULL, NULL, NULL, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot copy the photo: %s",
                   src, local->message);
      return FALSE;
    }
  return TRUE;
}

/* TRUE when @dir does not exist or is an empty directory; else an error naming it. */
static gboolean
check_out_dir (const char *dir, GError **error)
{
  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    return TRUE;
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", dir, local->message);
      return FALSE;
    }
  if (g_dir_read_name (d) != NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "%s: exists and is not empty; choose a new output directory", dir);
      return FALSE;
    }
  return TRUE;
}

/* Creates @parent/@name as a directory. */
static gboolean
make_subdir (const char *parent, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (parent, name, NULL);
  if (g_mkdir (path, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: %s", path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* The splits present in @entries, in the fixed order train, val. */
static GPtrArray *
splits_used (GPtrArray *entries)
{
  gboolean has[2] = { FALSE, FALSE };
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      has[strcmp (e->split, "val") == 0] = TRUE;
    }
  GPtrArray *splits = g_ptr_array_new ();
  if (has[0])
    g_ptr_array_add (splits, (gpointer) "train");
  if (has[1])
    g_ptr_array_add (splits, (gpointer) "val");
  return splits;
}

/* Reports progress when a callback is set. */
static void
report (DrExportProgressFunc progress, gpointer user_data, double fraction)
{
  if (progress != NULL)
    progress (CLAMP (fraction, 0.0, 1.0), user_data);
}

/* Checks every image copy by hash, every PNG and COCO file and both manifests. Verification is
 * the second half of the progress bar when called from dr_export_run. */
static gboolean
verify_entries (GPtrArray *entries, const char *dir, const DrExportOptions *options,
                DrExportProgressFunc progress, gpointer user_data, double base,
                GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_autofree char *image = g_build_filename (dir, "images", e->image_name, NULL);
      g_autofree char *sha = dr_file_sha256 (image, error);
      if (sha == NULL)
        return FALSE;
      if (e->item->sha256 != NULL && g_ascii_strcasecmp (sha, e->item->sha256) != 0)
        {
          g_autofree char *stored = dr_safe_excerpt (e->item->sha256, -1, 64);
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                       "%s: SHA-256 %s differs from the project's %s (photo changed on disk?)",
                       image, sha, stored);
          return FALSE;
        }
      if ((options->formats & DR_EXPORT_FORMAT_PNG) && !dr_export_png_verify (e, dir, error))
        return FALSE;
      report (progress, user_data, base + (1.0 - base) * 0.8 * (i + 1) / MAX (entries->len, 1));
    }
  if (options->formats & DR_EXPORT_FORMAT_COCO)
    {
      g_autoptr (GPtrArray) splits = splits_used (entries);
      for (guint s = 0; s < splits->len; s++)
        if (!dr_export_coco_verify (entries, splits->pdata[s], dir, cancellable, error))
          return FALSE;
    }
  if (!dr_export_manifest_verify (entries, options, dir, error))
    return FALSE;
  report (progress, user_data, 1.0);
  return TRUE;
}

/* Plans, then checks the directory against the plan. */
gboolean
dr_export_verify (GPtrArray *items, const char *dir, const DrExportOptions *options,
                  GCancellable *cancellable, GError **error)
{
  guint skipped;
  g_autoptr (GPtrArray) entries = dr_export_plan (items, options, &skipped, error);
  if (entries == NULL)
    return FALSE;
  return verify_entries (entries, dir, options, NULL, NULL, 0.0, cancellable, error);
}

/* Writes everything into @stage (images, masks, COCO, manifests). First half of the progress. */
static gboolean
write_entries (GPtrArray *entries, const char *stage, const DrExportOptions *options,
               DrExportProgressFunc progress, gpointer user_data, GCancellable *cancellable,
               guint *n_annotations, GError **error)
{
  if (!make_subdir (stage, "images", error))
    return FALSE;
  if ((options->formats & DR_EXPORT_FORMAT_PNG) && !make_subdir (stage, "masks", error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      const DrExportEntry *e = entries->pdata[i];
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_autofree char *image = g_build_filename (stage, "images", e->image_name, NULL);
      if (!place_image (e->item->path, image, error))
        return FALSE;
      if ((options->formats & DR_EXPORT_FORMAT_PNG) && !dr_export_png_write (e, stage, error))
        return FALSE;
      report (progress, user_data, 0.4 * (i + 1) / MAX (entries->len, 1));
    }
  *n_annotations = 0;
  if (options->formats & DR_EXPORT_FORMAT_COCO)
    {
      if (!make_subdir (stage, "annotations", error) || !make_subdir (stage, "datainfo", error))
        return FALSE;
      g_autoptr (GPtrArray) splits = splits_used (entries);
      for (guint s = 0; s < splits->len; s++)
        if (!dr_export_coco_write (entries, splits->pdata[s], stage, cancellable, n_annotations,
                                   error))
          return FALSE;
    }
  if (!dr_export_manifest_write (entries, options, stage, error))
    return FALSE;
  report (progress, user_data, 0.5);
  return TRUE;
}

/* Staging directory (stale ones of the same target swept first) → write → verify → rename;
 * the staging directory is removed on any failure. */
gboolean
dr_export_run (GPtrArray *items, const char *out_dir, const DrExportOptions *options,
               DrExportProgressFunc progress, gpointer user_data, GCancellable *cancellable,
               DrExportSummary *summary, GError **error)
{
  g_return_val_if_fail (items != NULL && out_dir != NULL && options != NULL, FALSE);
  if ((options->formats & DR_EXPORT_FORMAT_BOTH) == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED, "no export format chosen");
      return FALSE;
    }
  guint skipped = 0;
  g_autoptr (GPtrArray) entries = dr_export_plan (items, options, &skipped, error);
  g_autofree char *clean_out = g_canonicalize_filename (out_dir, NULL);
  dr_export_stage_sweep (clean_out);
  if (entries == NULL || !check_out_dir (out_dir, error))
    return FALSE;

  g_autofree char *parent = g_path_get_dirname (clean_out);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot create: %s", parent,
                   g_strerror (e));
      return FALSE;
    }
  int lock_fd = -1;
  g_autofree char *stage = dr_export_stage_create (clean_out, &lock_fd, error);
  if (stage == NULL)
    return FALSE;

  guint n_annotations = 0;
  /* The last cancellation check comes right before the rename: a cancel that arrives while the
   * export is being verified still leaves nothing at @out_dir. */
  gboolean ok = write_entries (entries, stage, options, progress, user_data, cancellable,
                               &n_annotations, error)
                && verify_entries (entries, stage, options, progress, user_data, 0.5,
                                   cancellable, error)
                && !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (ok && g_rename (stage, clean_out) != 0)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot move the export into "
                   "place: %s", clean_out, g_strerror (e));
      ok = FALSE;
    }
  if (!ok)
    dr_export_stage_remove (stage);
  close (lock_fd);
  if (!ok)
    return FALSE;
  if (summary != NULL)
    {
      *summary = (DrExportSummary) { entries->len, 0, 0, n_annotations, skipped, 0 };
      g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      for (guint i = 0; i < entries->len; i++)
        {
          const DrExportEntry *e = entries->pdata[i];
          if (strcmp (e->split, "val") == 0)
            summary->n_val++;
          else
            summary->n_train++;
          g_hash_table_add (groups, group_key (e->item));
        }
      summary->n_claims = g_hash_table_size (groups);
    }
  return TRUE;
}
