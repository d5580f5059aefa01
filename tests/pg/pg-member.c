/* pg-member.c — one simulated team member for test-pg-concurrency.c:
 *
 *   pg-member CONNINFO SECONDS SEED PHOTO_ID,… LOG
 *
 * For SECONDS it makes random edits, undos, verdicts and notes on the given photos' Scratch and
 * Separated layers through dr-pg-edit.h, like a reviewer who read a layer a while ago: the
 * head it last saw is reused until a conflict shows it a newer one (or, at random, it re-reads).
 * Every write the server acknowledged is appended to LOG (flushed at once, so a SIGKILL loses
 * nothing that was acknowledged), one line each:
 *   REV id photo damage          a revision stored (acknowledged)
 *   MOVE photo damage version revision   a head move that won its compare-and-swap
 *   CONFLICT photo damage        a head move that lost (the revision, if any, is still stored)
 *   VERDICT id / NOTE id         a verdict / note stored
 *   UNCERTAIN photo damage       the connection broke during a write: it may or may not have
 *                                been committed (the server was restarted, say)
 * When the server goes away it reconnects every 100 ms until the time is up. Exit 0. */
#include <stdio.h>
#include <stdlib.h>

#include "dr-pg-edit.h"

#define N_LAYERS 2

static FILE *log_file;

/* Appends one line to the log and flushes it. */
G_GNUC_PRINTF (1, 2) static void
say (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  vfprintf (log_file, format, ap);
  va_end (ap);
  fputc ('\n', log_file);
  fflush (log_file);
}

/* Whether @error means the connection is gone (the write's outcome is then unknown). */
static gboolean
lost (const GError *error)
{
  return g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE);
}

int
main (int argc, char **argv)
{
  if (argc != 6)
    {
      fprintf (stderr, "usage: pg-member CONNINFO SECONDS SEED PHOTO_ID,… LOG\n");
      return 2;
    }
  const char *conninfo = argv[1];
  gint64 deadline = g_get_monotonic_time () + g_ascii_strtoll (argv[2], NULL, 10) * G_USEC_PER_SEC;
  GRand *rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[3], NULL, 10));
  g_auto (GStrv) ids = g_strsplit (argv[4], ",", -1);
  guint n_photos = g_strv_length (ids);
  log_file = fopen (argv[5], "a");
  if (log_file == NULL || n_photos == 0)
    return 2;

  DrPgHead *seen = g_new0 (DrPgHead, n_photos * N_LAYERS);
  gboolean *known = g_new0 (gboolean, n_photos * N_LAYERS);
  DrPgConn *conn = NULL;
  guint n = 0;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GError) error = NULL;
      gboolean writing = FALSE;
      if (conn == NULL)
        {
          conn = dr_pg_conn_open (conninfo, DR_PG_OPEN_DEFAULT, &error);
          if (conn == NULL)
            {
              g_usleep (100 * 1000);
              continue;
            }
        }
      guint i = g_rand_int_range (rand, 0, (gint32) n_photos);
      DrDamage d = (DrDamage) g_rand_int_range (rand, 0, N_LAYERS);
      gint64 photo = g_ascii_strtoll (ids[i], NULL, 10);
      DrPgHead *s = &seen[i * N_LAYERS + d];
      if ((!known[i * N_LAYERS + d] || g_rand_int_range (rand, 0, 4) == 0)
          && !dr_pg_head_read (conn, photo, d, s, &error))
        goto failed;
      known[i * N_LAYERS + d] = TRUE;
      int op = g_rand_int_range (rand, 0, 100);
      writing = TRUE;
      if (op < 50)
        {
          g_autofree char *rle = g_strdup_printf ("edit %u of %s", ++n, argv[3]);
          gint64 rev = 0;
          gboolean ok = dr_pg_edit_commit (conn, photo, d, s, rle, g_rand_int_range (rand, 0, 999),
                                           "brush", &rev, s, &error);
          if (rev != 0)
            say ("REV %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d", rev, photo, d);
          if (ok)
            say ("MOVE %" G_GINT64_FORMAT " %d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, photo, d,
                 s->version, s->revision_id);
        }
      else if (op < 65)
        {
          gint64 parent = 0;
          writing = FALSE;
          if (s->revision_id == 0)
            continue;
          if (!dr_pg_edit_parent (conn, s->revision_id, &parent, &error))
            goto failed;
          writing = TRUE;
          if (dr_pg_edit_move_head (conn, photo, d, s, parent, s, &error))
            say ("MOVE %" G_GINT64_FORMAT " %d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, photo, d,
                 s->version, s->revision_id);
        }
      else if (op < 85)
        {
          static const char *const verdicts[] = { "accepted", "corrected", "rejected", "none" };
          gint64 id = 0;
          gboolean stale = FALSE;
          if (dr_pg_verdict_add (conn, photo, d, s, verdicts[g_rand_int_range (rand, 0, 4)], &id,
                                 &stale, &error))
            say ("VERDICT %" G_GINT64_FORMAT, id);
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("note %u of %s", ++n, argv[3]);
          gint64 id = 0;
          if (dr_pg_note_add (conn, photo, text, &id, &error))
            say ("NOTE %" G_GINT64_FORMAT, id);
        }
      if (error == NULL)
        continue;
    failed:
      if (g_error_matches (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT))
        say ("CONFLICT %" G_GINT64_FORMAT " %d", photo, d);
      else if (lost (error) || PQstatus (dr_pg_conn_get_pq (conn)) != CONNECTION_OK)
        {
          if (writing)
            say ("UNCERTAIN %" G_GINT64_FORMAT " %d", photo, d);
          g_clear_pointer (&conn, dr_pg_conn_free);
        }
      else
        {
          fprintf (stderr, "pg-member %s: %s\n", argv[3], error->message);
          return 1;
        }
    }
  dr_pg_conn_free (conn);
  for (guint i = 0; i < n_photos * N_LAYERS; i++)
    dr_pg_head_clear (&seen[i]);
  g_free (seen);
  g_free (known);
  g_rand_free (rand);
  fclose (log_file);
  return 0;
}
