/* bench-store.c — prints how long the store's hot paths take (not a pass/fail test):
 * RLE encode/decode of a 12-megapixel mask, one reviewer stroke committed as a revision
 * (encode + validate + one synchronous=FULL transaction), and listing a 500-photo project.
 * Usage: bench-store [DIR]   (DIR: where to put the temporary project; default: a temp dir) */
#include <stdio.h>
#include <string.h>

#include "dr-photo.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-sqlite.h"
#include "dr-test-util.h"

#define W 4000
#define H 3000
#define STROKES 20

/* Milliseconds since start. */
static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Paints a filled disc of radius r at (cx, cy) into the mask. */
static void
disc (guint8 *mask, int cx, int cy, int r)
{
  for (int y = MAX (0, cy - r); y < MIN (H, cy + r); y++)
    for (int x = MAX (0, cx - r); x < MIN (W, cx + r); x++)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
        mask[(gsize) y * W + x] = 1;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1]) : dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bench.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  if (project == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  sqlite3 *db = dr_sqlite_project_get_db (project);
  sqlite3_exec (db, "BEGIN; INSERT INTO claims (id, name) VALUES (1, 'bench');", NULL, NULL,
                NULL);
  for (int i = 1; i <= 500; i++)
    {
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added)"
        " VALUES (%d, 1, '/photos/%04d.jpg', printf ('%%064d', %d), 1, %d, %d, 0)",
        i, i, i, W, H);
      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);

  g_autofree guint8 *mask = g_malloc0 ((gsize) W * H);
  disc (mask, 1500, 1200, 600);
  disc (mask, 2600, 1800, 300);

  gint64 t = g_get_monotonic_time ();
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, H, W, NULL);
  double encode = ms_since (t);
  t = g_get_monotonic_time ();
  g_autofree char *s = dr_rle_to_string (rle);
  double to_string = ms_since (t);
  t = g_get_monotonic_time ();
  g_autoptr (DrRle) back = dr_rle_new_from_string (s, H, W, NULL);
  double parse = ms_since (t);
  t = g_get_monotonic_time ();
  dr_rle_to_mask (back, mask);
  double decode = ms_since (t);
  printf ("12 MP mask (%zu-char RLE): encode %.1f ms, to string %.2f ms, parse %.2f ms, "
          "decode to pixels %.1f ms\n", strlen (s), encode, to_string, parse, decode);

  double worst = 0, total = 0;
  for (int i = 0; i < STROKES; i++)
    {
      disc (mask, 500 + 150 * i, 400 + 100 * i, 40);
      t = g_get_monotonic_time ();
      g_autoptr (DrRle) stroke = dr_rle_new_from_mask (mask, H, W, NULL);
      g_autofree char *text = dr_rle_to_string (stroke);
      if (!dr_revision_append (project, 1, DR_DAMAGE_SCRATCH, text, DR_REVISION_BRUSH, "bench",
                               NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      double one = ms_since (t);
      total += one;
      worst = MAX (worst, one);
    }
  printf ("stroke commit on a 12 MP photo (encode + validate + transaction, synchronous=FULL): "
          "mean %.1f ms, worst %.1f ms over %d strokes\n", total / STROKES, worst, STROKES);

  t = g_get_monotonic_time ();
  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  printf ("listing %u photos with status and areas: %.1f ms\n", photos->len, ms_since (t));
  if (argc <= 1)
    dr_test_rmtree (dir);
  return 0;
}
