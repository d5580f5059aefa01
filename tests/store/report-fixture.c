/* report-fixture.c — writes the project tests/app/check-cli-report.py reports on:
 *
 *   report-fixture PROJECT PHOTO_DIR
 *
 * Grey (128) 400 × 300 PNG photos, imported through the store:
 *   claim "CLM-2026-0117": front.png, rear.png; claim "CLM-2026-0200": side.png.
 * Models for Scratch, Separated and Breakage are current (hashes 1…, 2…, 4…; none for
 * Crushed). Rectangles are [x0, x1) × [y0, y1):
 *   front.png  Scratch   predicted [40,140)×[40,100), accepted by "Kim Jiwoo"
 *              Separated predicted [200,300)×[150,230), rejected by "Kim Jiwoo" (drawn empty)
 *              Crushed   drawn by "Kim Jiwoo" as [260,360)×[40,120), verdict "added"
 *              Breakage  predicted [60,160)×[180,260), no verdict (model prediction)
 *              note FIXTURE_NOTE by "Kim Jiwoo"
 *   rear.png   Scratch   predicted [50,150)×[50,150), edited by "Lee Minho" to
 *                        [50,200)×[50,150), verdict "corrected"; the other three "none"
 *   side.png   Scratch   predicted [100,300)×[100,200), no verdict
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

#define W 400
#define H 300
#define FIXTURE_NOTE "Front bumper inspected on site; 현장 확인 완료"

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

/* Writes a grey photo and imports it into @claim; returns its id. The top-left pixel is
 * 128 + @mark, so that the photos' bytes (and SHA-256) differ. */
static gint64
add_photo (DrProject *project, const char *dir, const char *name, const char *claim,
           guint8 mark)
{
  static guint8 px[W * H];
  memset (px, 128, sizeof px);
  px[0] = 128 + mark;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  check (dr_image_save_grey_png (path, px, W, H, W, &error));
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

/* Stores the current model's prediction of @d on @photo. */
static void
predict (DrProject *project, gint64 photo, DrDamage d, char *rle)
{
  g_autofree char *owned = rle;
  g_autofree char *sha = g_strnfill (64, (char) ('1' + d));
  check (dr_prediction_store (project, photo, d, sha, rle, 0.8, &error));
}

/* Creates the project described above. */
int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: report-fixture PROJECT PHOTO_DIR\n");
      return 2;
    }
  g_mkdir_with_parents (argv[2], 0755);
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_CREATE, &error);
  check (project != NULL);
  for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
    if (d != DR_DAMAGE_CRUSHED)
      {
        g_autofree char *sha = g_strnfill (64, (char) ('1' + d));
        check (dr_prediction_set_current_model (project, d, sha, "/models/m.pt",
                                                dr_damage_to_string (d), &error));
      }
  gint64 front = add_photo (project, argv[2], "front.png", "CLM-2026-0117", 0);
  gint64 rear = add_photo (project, argv[2], "rear.png", "CLM-2026-0117", 1);
  gint64 side = add_photo (project, argv[2], "side.png", "CLM-2026-0200", 2);

  predict (project, front, DR_DAMAGE_SCRATCH, rect (40, 140, 40, 100));
  predict (project, front, DR_DAMAGE_SEPARATED, rect (200, 300, 150, 230));
  predict (project, front, DR_DAMAGE_BREAKAGE, rect (60, 160, 180, 260));
  check (dr_review_set_verdict (project, front, DR_DAMAGE_SCRATCH, DR_VERDICT_ACCEPTED,
                                "Kim Jiwoo", NULL, NULL, &error));
  check (dr_review_set_verdict (project, front, DR_DAMAGE_SEPARATED, DR_VERDICT_REJECTED,
                                "Kim Jiwoo", NULL, NULL, &error));
  g_autofree char *crushed = rect (260, 360, 40, 120);
  check (dr_revision_append (project, front, DR_DAMAGE_CRUSHED, crushed, DR_REVISION_POLYGON,
                             "Kim Jiwoo", NULL, &error));
  check (dr_review_set_verdict (project, front, DR_DAMAGE_CRUSHED, DR_VERDICT_ADDED,
                                "Kim Jiwoo", NULL, NULL, &error));
  check (dr_review_add_note (project, front, FIXTURE_NOTE, "Kim Jiwoo", NULL, &error));

  predict (project, rear, DR_DAMAGE_SCRATCH, rect (50, 150, 50, 150));
  g_autofree char *edited = rect (50, 200, 50, 150);
  check (dr_revision_append (project, rear, DR_DAMAGE_SCRATCH, edited, DR_REVISION_BRUSH,
                             "Lee Minho", NULL, &error));
  check (dr_review_set_verdict (project, rear, DR_DAMAGE_SCRATCH, DR_VERDICT_CORRECTED,
                                "Lee Minho", NULL, NULL, &error));
  for (DrDamage d = DR_DAMAGE_SEPARATED; d < DR_N_DAMAGE; d++)
    check (dr_review_set_verdict (project, rear, d, DR_VERDICT_NONE, "Lee Minho", NULL, NULL,
                                  &error));

  predict (project, side, DR_DAMAGE_SCRATCH, rect (100, 300, 100, 200));
  return 0;
}
