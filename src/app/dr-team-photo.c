/* dr-team-photo.c — see dr-team-photo.h. */
#include "config.h"

#include "dr-file-hash.h"
#include "dr-photo.h"
#include "dr-project.h"
#include "dr-team-photo.h"

/* See header. */
char *
dr_team_photo_fetch (const char *location, gint64 photo_id, const char *sha256,
                     const char *path, GError **error)
{
  g_return_val_if_fail (location != NULL && path != NULL, NULL);
  if (sha256 != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *actual = dr_file_sha256 (path, NULL);
      if (g_strcmp0 (actual, sha256) == 0)
        return g_strdup (path);
    }
  g_autoptr (DrProject) project = dr_project_open (location, DR_PROJECT_OPEN_EXISTING, error);
  if (project == NULL)
    return NULL;
  g_autoptr (DrPhotoInfo) info = dr_photo_get (project, photo_id, error);
  return info != NULL ? g_strdup (info->path) : NULL;
}
