/* revision-writer.c — helper of test-revision's crash test: appends revisions to one layer of
 * PROJECT's photo PHOTO_ID (4×3) for ever, printing each id once its transaction committed. */
#include <stdio.h>

#include "dr-revision.h"

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  gint64 photo_id = g_ascii_strtoll (argv[2], NULL, 10);
  /* 12-pixel masks: "<" is 12 clear; "03" + "9" is 3 set then 9 clear. */
  static const char *const masks[] = { "<", "039", "48" };
  for (guint i = 0;; i++)
    {
      gint64 id;
      if (!dr_revision_append (project, photo_id, DR_DAMAGE_CRUSHED, masks[i % 3],
                               DR_REVISION_BRUSH, "writer", &id, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("%" G_GINT64_FORMAT "\n", id);
      fflush (stdout);
    }
}
