/* dr-photo-scan.c — recursive, cancellable folder walk in a GTask thread. */
#include "config.h"

#include <string.h>

#include "dr-photo-scan.h"

/* Bounds a walk so a mistakenly dropped home folder does not run forever. */
#define MAX_DEPTH 32

/* See header. */
gboolean
dr_photo_scan_is_photo_name (const char *name)
{
  static const char *const exts[] = { ".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp" };
  g_autofree char *lower = g_ascii_strdown (name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_str_has_suffix (lower, exts[i]))
      return TRUE;
  return FALSE;
}

/* Natural order of two GFileInfo names. */
static int
compare_infos (gconstpointer a, gconstpointer b)
{
  GFileInfo *ia = *(GFileInfo *const *) a, *ib = *(GFileInfo *const *) b;
  g_autofree char *ka = g_utf8_collate_key_for_filename (g_file_info_get_name (ia), -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (g_file_info_get_name (ib), -1);
  return strcmp (ka, kb);
}

/* Appends the photos under dir to out; unreadable folders are skipped (not fatal). */
static gboolean
walk (GFile *dir, int depth, GPtrArray *out, GCancellable *cancellable, GError **error)
{
  if (depth > MAX_DEPTH)
    return TRUE;
  g_autoptr (GFileEnumerator) en =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                               G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                               G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
  if (en == NULL)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);

  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  GFileInfo *info;
  while ((info = g_file_enumerator_next_file (en, cancellable, NULL)) != NULL)
    g_ptr_array_add (infos, info);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_ptr_array_sort (infos, compare_infos);

  for (guint i = 0; i < infos->len; i++)
    {
      GFileInfo *fi = infos->pdata[i];
      if (g_file_info_get_is_hidden (fi))
        continue;
      g_autoptr (GFile) child = g_file_get_child (dir, g_file_info_get_name (fi));
      GFileType type = g_file_info_get_file_type (fi);
      if (type == G_FILE_TYPE_DIRECTORY)
        {
          if (!walk (child, depth + 1, out, cancellable, error))
            return FALSE;
        }
      else if (type == G_FILE_TYPE_REGULAR && dr_photo_scan_is_photo_name (g_file_info_get_name (fi)))
        g_ptr_array_add (out, g_file_get_path (child));
    }
  return TRUE;
}

static void
scan_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GPtrArray *files = data;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  for (guint i = 0; i < files->len; i++)
    {
      GFile *file = files->pdata[i];
      GFileType type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable);
      if (type == G_FILE_TYPE_DIRECTORY)
        {
          if (!walk (file, 0, out, cancellable, &error))
            {
              g_task_return_error (task, error);
              return;
            }
        }
      else if (type == G_FILE_TYPE_REGULAR)
        {
          char *path = g_file_get_path (file);
          if (path != NULL)
            g_ptr_array_add (out, path);
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

/* See header. */
void
dr_photo_scan_async (GFile **files, guint n_files, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_photo_scan_async);
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (copy, g_object_ref (files[i]));
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, scan_thread);
}

/* See header. */
GPtrArray *
dr_photo_scan_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
