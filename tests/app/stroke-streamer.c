/* stroke-streamer.c — the process test-stroke-kill kills: streams strokes through the real
 * DrEditWriter into PROJECT and prints "durable N" (N = 0-based stroke number in the file)
 * on stdout, flushed, each time the writer reports a stroke stored; "ready" first, once the
 * project is open and the writer made.
 *
 *   stroke-streamer PROJECT PHOTO_ID WIDTH HEIGHT
 *
 * Stroke N's mask is stroke_streamer_mask (N) (see stroke-mask.h). Numbering continues from
 * the number of Scratch revisions of the photo already in the file, so successive runs
 * extend one chain. The main thread only reads the project; the writer thread writes. It
 * keeps at most four strokes queued and runs until killed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dr-edit-writer.h"
#include "dr-sqlite.h"
#include "stroke-mask.h"

typedef struct {
  gint64 next_durable;
} State;

/* "written": the oldest outstanding stroke is committed; say so before anything else. */
static void
written_cb (DrEditWriter *writer, DrProject *project, gint64 photo_id, int damage, State *s)
{
  printf ("durable %" G_GINT64_FORMAT "\n", s->next_durable++);
  fflush (stdout);
}

static void
failed_cb (DrEditWriter *writer, const char *message, State *s)
{
  g_printerr ("stroke-streamer: %s\n", message);
  exit (1);
}

/* Revisions of the photo's Scratch layer already stored (a read on the main connection). */
static gint64
count_strokes (DrProject *project, gint64 photo_id)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (dr_sqlite_project_get_db (project),
                          "SELECT count(*) FROM revisions WHERE photo_id = ?1 AND damage = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("preparing the count failed");
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, DR_DAMAGE_SCRATCH);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("counting revisions failed");
  gint64 n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      g_printerr ("usage: stroke-streamer PROJECT PHOTO_ID WIDTH HEIGHT\n");
      return 2;
    }
  gint64 photo_id = g_ascii_strtoll (argv[2], NULL, 10);
  int width = atoi (argv[3]), height = atoi (argv[4]);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    {
      g_printerr ("stroke-streamer: %s\n", error->message);
      return 1;
    }
  State s = { count_strokes (project, photo_id) };
  g_autoptr (DrEditWriter) writer = dr_edit_writer_new ();
  g_signal_connect (writer, "written", G_CALLBACK (written_cb), &s);
  g_signal_connect (writer, "failed", G_CALLBACK (failed_cb), &s);
  g_autofree guint8 *mask = g_malloc ((gsize) width * height);
  printf ("ready\n");
  fflush (stdout);
  for (gint64 n = s.next_durable;; )
    {
      if (dr_edit_writer_get_n_queued (writer) < 4)
        {
          stroke_mask (n++, mask, width, height);
          dr_edit_writer_push (writer, project, photo_id, DR_DAMAGE_SCRATCH, width, height, mask,
                               DR_REVISION_BRUSH, "kill-test", NULL);
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
    }
}
