/* dr-team-photo.c — see dr-team-photo.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-file-hash.h"
#include "dr-photo.h"
#include "dr-project.h"
#include "dr-store-error.h"
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
  g_autoptr (GError) local = NULL;
  g_autoptr (DrPhotoInfo) info = dr_photo_get (project, photo_id, &local);
  if (info != NULL)
    return g_strdup (info->path);
  /* Bytes that do not hash to the photo's SHA-256 are said plainly; the store's line (with
   * both hashes) goes to the log. */
  if (g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT))
    {
      g_message ("%s", local->message);
      g_autofree char *name = g_path_get_basename (path);
      /* TRANSLATORS: %s is a photo's file name. */
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   _("%s: the photo sent by the server does not match its SHA-256 fingerprint "
                     "and was refused"), name);
      return NULL;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}
