/* push-fixture.c — writes the project tests/pg/check-push.py pushes to a server and exports
 * from both sides:
 *
 *   push-fixture PROJECT PHOTO_DIR
 *
 * 80 × 60 grey PNG photos imported through the store, claims "CLM-1" (front, rear) and "CLM-2"
 * (side, broken). Every part of the data model that the export or the history depends on:
 *   - Scratch has two models: an old one ("9…", predictions kept as history) and the current
 *     one ("1…"); Separated "2…" and Breakage "4…" are current; Crushed has none.
 *   - front: Scratch accepted by "Kim Jiwoo"; Separated rejected (shown empty); Crushed drawn
 *     and "added"; a note in Hangul with a comma, quotes and a line break.
 *   - rear: Scratch edited twice by "Lee Minho" and undone once (the head is the first edit,
 *     the second stays as history), verdict "corrected"; the others "none"; a note that was
 *     then cleared (no note).
 *   - side: Separated rejected by "Park Sora", then edited after the verdict (so it shows
 *     again); Breakage predicted, no verdict.
 *   - broken.png: not an image (an error row).
 * Prints nothing; exit 0 on success. */
#include <stdio.h>
#include <string.h>

#include "dr-image.h"
#include "dr-import.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"

#define W 80
#define H 60
#define NOTE "앞 범퍼, \"긁힘\" 재확인\nsecond line"

static GError *error;

/* Aborts with the pending error. */
static void
check (gboolean ok)
{
  if (!ok)
    g_error ("%s", error->message);
}

/* The COCO RLE string of the rectangle [x0, x1) × [y0, y1). */
static char *
rect (int x0, int x1, int y0, int y1)
{
  static guint8 m[W * H];
  memset (m, 0, sizeof m);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      m[y * W + x] = 1;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (m, H, W, &error);
  check (rle != NULL);
  return dr_rle_to_string (rle);
}

/* Imports @path into @claim and returns its photo id. */
static gint64
import (DrProject *project, const char *path, const char *claim)
{
  g_autoptr (DrImportScan) scan = dr_import_scan_file (path);
  DrImportOutcome outcome;
  check (dr_import_store (project, scan, claim, &outcome, &error));
  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  check (photos != NULL);
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *info = photos->pdata[i];
      if (g_strcmp0 (info->path, path) == 0)
        return info->id;
    }
  g_error ("%s was not imported", path);
}

/* Writes a grey photo whose first pixel is 100 + @mark (so the bytes differ) and imports it. */
static gint64
add_photo (DrProject *project, const char *dir, const char *name, const char *claim,
           guint8 mark)
{
  static guint8 px[W * H];
  memset (px, 100, sizeof px);
  px[0] = 100 + mark;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  check (dr_image_save_grey_png (path, px, W, H, W, &error));
  return import (project, path, claim);
}

/* The fake SHA-256 of a model: 64 times @c. */
static char *
model (char c)
{
  return g_strnfill (64, c);
}

/* Stores model @c's prediction of @d on @photo. */
static void
predict (DrProject *project, gint64 photo, DrDamage d, char c, char *rle)
{
  g_autofree char *owned = rle;
  g_autofree char *sha = model (c);
  check (dr_prediction_store (project, photo, d, sha, rle, 0.8125, &error));
}

/* Makes model @c current for @d. */
static void
current (DrProject *project, DrDamage d, char c)
{
  g_autofree char *sha = model (c);
  g_autofree char *path = g_strdup_printf ("/models/%c.pt", c);
  check (dr_prediction_set_current_model (project, d, sha, path, dr_damage_to_string (d),
                                          &error));
}

/* Appends an edit (owning @rle) by @author. */
static void
edit (DrProject *project, gint64 photo, DrDamage d, char *rle, const char *author)
{
  g_autofree char *owned = rle;
  check (dr_revision_append (project, photo, d, rle, DR_REVISION_BRUSH, author, NULL, &error));
}

/* A verdict by @author. */
static void
verdict (DrProject *project, gint64 photo, DrDamage d, DrVerdict v, const char *author)
{
  check (dr_review_set_verdict (project, photo, d, v, author, NULL, NULL, &error));
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: push-fixture PROJECT PHOTO_DIR\n");
      return 2;
    }
  g_mkdir_with_parents (argv[2], 0755);
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_CREATE, &error);
  check (project != NULL);
  current (project, DR_DAMAGE_SCRATCH, '9');
  current (project, DR_DAMAGE_SEPARATED, '2');
  current (project, DR_DAMAGE_BREAKAGE, '4');

  gint64 front = add_photo (project, argv[2], "front.png", "CLM-1", 0);
  gint64 rear = add_photo (project, argv[2], "rear.png", "CLM-1", 1);
  gint64 side = add_photo (project, argv[2], "side.png", "CLM-2", 2);
  g_autofree char *broken = g_build_filename (argv[2], "broken.png", NULL);
  check (g_file_set_contents (broken, "not a png", -1, &error));
  import (project, broken, "CLM-2");

  /* the old Scratch model's predictions, then the current one's */
  predict (project, front, DR_DAMAGE_SCRATCH, '9', rect (0, 10, 0, 10));
  predict (project, rear, DR_DAMAGE_SCRATCH, '9', rect (0, 20, 0, 10));
  current (project, DR_DAMAGE_SCRATCH, '1');

  predict (project, front, DR_DAMAGE_SCRATCH, '1', rect (8, 28, 8, 20));
  predict (project, front, DR_DAMAGE_SEPARATED, '2', rect (40, 60, 30, 46));
  predict (project, front, DR_DAMAGE_BREAKAGE, '4', rect (12, 32, 36, 52));
  verdict (project, front, DR_DAMAGE_SCRATCH, DR_VERDICT_ACCEPTED, "Kim Jiwoo");
  verdict (project, front, DR_DAMAGE_SEPARATED, DR_VERDICT_REJECTED, "Kim Jiwoo");
  edit (project, front, DR_DAMAGE_CRUSHED, rect (52, 72, 8, 24), "Kim Jiwoo");
  verdict (project, front, DR_DAMAGE_CRUSHED, DR_VERDICT_ADDED, "Kim Jiwoo");
  check (dr_review_add_note (project, front, NOTE, "Kim Jiwoo", NULL, &error));

  predict (project, rear, DR_DAMAGE_SCRATCH, '1', rect (10, 30, 10, 30));
  edit (project, rear, DR_DAMAGE_SCRATCH, rect (10, 40, 10, 30), "Lee Minho");
  edit (project, rear, DR_DAMAGE_SCRATCH, rect (10, 50, 10, 30), "Lee Minho");
  gboolean moved = FALSE;
  check (dr_revision_undo (project, rear, DR_DAMAGE_SCRATCH, &moved, &error));
  g_assert (moved);
  verdict (project, rear, DR_DAMAGE_SCRATCH, DR_VERDICT_CORRECTED, "Lee Minho");
  for (DrDamage d = DR_DAMAGE_SEPARATED; d < DR_N_DAMAGE; d++)
    verdict (project, rear, d, DR_VERDICT_NONE, "Lee Minho");
  check (dr_review_add_note (project, rear, "to be cleared", "Lee Minho", NULL, &error));
  check (dr_review_add_note (project, rear, "", "Lee Minho", NULL, &error));

  predict (project, side, DR_DAMAGE_SEPARATED, '2', rect (20, 40, 20, 40));
  predict (project, side, DR_DAMAGE_BREAKAGE, '4', rect (50, 70, 40, 55));
  verdict (project, side, DR_DAMAGE_SEPARATED, DR_VERDICT_REJECTED, "Park Sora");
  edit (project, side, DR_DAMAGE_SEPARATED, rect (22, 30, 22, 30), "Park Sora");
  return 0;
}
