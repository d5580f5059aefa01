/* fuzz-project.c — libFuzzer entry point for opening a project file (dr-project.c and its
 * check, dr-project-check.c) and reading what the review window and export read from it.
 *
 * Any file must be either refused with a one-line error naming it, or opened and then read
 * (photo list, every photo, every layer's mask, the export items) without a crash, a
 * sanitizer report or a message of more than one line.
 */
#include "fuzz-common.h"

#include <glib/gstdio.h>

#include "dr-export.h"
#include "dr-photo.h"
#include "dr-project.h"
#include "dr-revision.h"
#include "dr-rle.h"

/* Reads everything the app reads of an opened project; errors must be one line. */
static void
read_all (DrProject *project)
{
  GError *error = NULL;
  GPtrArray *photos = dr_photo_list (project, &error);
  if (photos == NULL)
    {
      fuzz_check_message (error->message, NULL);
      g_clear_error (&error);
      return;
    }
  for (guint i = 0; i < photos->len && i < 16; i++)
    {
      const DrPhotoInfo *info = photos->pdata[i];
      DrPhotoInfo *again = dr_photo_get (project, info->id, &error);
      if (again == NULL)
        {
          fuzz_check_message (error->message, NULL);
          g_clear_error (&error);
        }
      dr_photo_info_free (again);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          g_autofree char *rle = dr_revision_dup_layer_rle (project, info->id, d, &error);
          if (error != NULL)
            {
              fuzz_check_message (error->message, NULL);
              g_clear_error (&error);
            }
        }
    }
  g_ptr_array_unref (photos);
  GPtrArray *items = dr_export_load_items (project, &error);
  if (items == NULL)
    {
      fuzz_check_message (error->message, NULL);
      g_clear_error (&error);
    }
  else
    g_ptr_array_unref (items);
}

/* Opens the input as a project; a refusal must name the file on one line. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_file (data, size, "fuzz.damagereview");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  GError *error = NULL;
  DrProject *project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    {
      fuzz_check_message (error->message, "fuzz.damagereview");
      g_error_free (error);
      return 0;
    }
  read_all (project);
  g_object_unref (project);
  return 0;
}
