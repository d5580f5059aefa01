/* make-legacy-project.c — how tests/store/data/legacy-v2/legacy.damagereview was made.
 *
 * Built once against main at commit 3fea989 (schema version 2, before the store backend
 * interface) and run there; the file it wrote is the fixture. It is kept as the record of
 * what the file holds, not built by meson (the current tree's API may change; the fixture must
 * not). To remake it (see README.md beside this file):
 *
 *   git worktree add /tmp/old-main 3fea989
 *   cp make-legacy-project.c /tmp/old-main/tests/store/
 *   (add an executable for it to /tmp/old-main/tests/store/meson.build, build, run:)
 *   make-legacy-project OUT.damagereview PHOTO_DIR
 *
 * Every table gets rows through the public store API of that commit: claims (three, one
 * renamed), photos (three readable 32 × 24 PNGs, one unreadable file, one photo later marked
 * undecodable, one moved to another claim), models (a replaced Scratch model and a Crushed
 * one), predictions (of current and of replaced models, with and without confidence),
 * revisions (a branch left by undo-then-edit, a layer undone back to the prediction),
 * heads, reviews (measured and unmeasured, later ones superseding earlier ones), notes (one
 * with Hangul and a line break, one cleared) and ground truth (a COCO file). */
#include <stdio.h>
#include <string.h>

#include "dr-claim.h"
#include "dr-image.h"
#include "dr-import.h"
#include "dr-label-import.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-rle.h"

#define W 32
#define H 24

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

/* A mask filled on the rectangle [x0, x1) × [y0, y1), as COCO RLE. */
static char *
rect (int x0, int x1, int y0, int y1)
{
  guint8 m[W * H] = { 0 };
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      m[y * W + x] = 1;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (m, H, W, &error);
  check (rle != NULL, error);
  return dr_rle_to_string (rle);
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: make-legacy-project PROJECT PHOTO_DIR\n");
      return 2;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *north = g_build_filename (argv[2], "north", NULL);
  g_autofree char *south = g_build_filename (argv[2], "south", NULL);
  g_mkdir_with_parents (north, 0755);
  g_mkdir_with_parents (south, 0755);
  const char *names[] = { "north/a.png", "north/b.png", "south/c.png" };
  for (int i = 0; i < 3; i++)
    {
      guint8 px[W * H];
      memset (px, 40 + 50 * i, sizeof px);
      g_autofree char *path = g_build_filename (argv[2], names[i], NULL);
      check (dr_image_save_grey_png (path, px, W, H, W, &error), error);
    }
  g_autofree char *broken = g_build_filename (south, "broken.png", NULL);
  check (g_file_set_contents (broken, "not a png", -1, &error), error);

  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_CREATE, &error);
  check (project != NULL, error);
  const char *paths[] = { north, south, NULL };
  DrImportStats stats = { 0 };
  check (dr_import_paths (project, paths, NULL, NULL, NULL, NULL, &stats, &error), error);
  g_autoptr (GPtrArray) claims = dr_claim_list (project, &error);
  check (claims != NULL, error);
  DrClaimInfo *first = claims->pdata[0];
  check (dr_claim_rename (project, first->id, "north (Kim)", &error), error);
  gint64 other_claim;
  check (dr_claim_ensure (project, "empty claim", &other_claim, &error), error);

  /* Photo ids in import order: 1 a, 2 b, 3 broken (error row), 4 c. */
  g_autoptr (GPtrArray) photos = dr_photo_list (project, &error);
  check (photos != NULL, error);
  gint64 id[3] = { 0 };
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *p = photos->pdata[i];
      for (int k = 0; k < 3; k++)
        if (g_str_has_suffix (p->path, names[k]))
          id[k] = p->id;
    }

  const char *old_scratch = "1111111111111111111111111111111111111111111111111111111111111111";
  const char *new_scratch = "2222222222222222222222222222222222222222222222222222222222222222";
  const char *crushed = "3333333333333333333333333333333333333333333333333333333333333333";
  check (dr_prediction_set_current_model (project, DR_DAMAGE_SCRATCH, old_scratch,
                                          "/models/old.pt", "Scratch old", &error), error);
  check (dr_prediction_set_current_model (project, DR_DAMAGE_CRUSHED, crushed,
                                          "/models/crushed.pt", "Crushed", &error), error);
  g_autofree char *left = rect (0, 16, 0, 24);
  g_autofree char *top = rect (0, 32, 0, 8);
  g_autofree char *dot = rect (10, 14, 10, 14);
  g_autofree char *empty = rect (0, 0, 0, 0);
  for (int k = 0; k < 3; k++)
    check (dr_prediction_store (project, id[k], DR_DAMAGE_SCRATCH, old_scratch, left,
                                0.25 + 0.25 * k, &error), error);
  check (dr_prediction_store (project, id[0], DR_DAMAGE_CRUSHED, crushed, dot, -1, &error),
         error);
  check (dr_prediction_set_current_model (project, DR_DAMAGE_SCRATCH, new_scratch,
                                          "/models/new.pt", "Scratch new", &error), error);
  check (dr_prediction_store (project, id[0], DR_DAMAGE_SCRATCH, new_scratch, top, 0.875,
                              &error), error);
  check (dr_prediction_store (project, id[1], DR_DAMAGE_SCRATCH, new_scratch, empty, 0,
                              &error), error);

  /* a.png Scratch: brush, eraser, undo, polygon (a branch). Crushed: fill, then undone. */
  gboolean moved;
  check (dr_revision_append (project, id[0], DR_DAMAGE_SCRATCH, left, DR_REVISION_BRUSH, "kim",
                             NULL, &error), error);
  check (dr_review_set_verdict (project, id[0], DR_DAMAGE_SCRATCH, DR_VERDICT_CORRECTED, "kim",
                                NULL, NULL, &error), error);
  check (dr_revision_append (project, id[0], DR_DAMAGE_SCRATCH, dot, DR_REVISION_ERASER, "kim",
                             NULL, &error), error);
  check (dr_revision_undo (project, id[0], DR_DAMAGE_SCRATCH, &moved, &error), error);
  check (dr_revision_append (project, id[0], DR_DAMAGE_SCRATCH, top, DR_REVISION_POLYGON,
                             "lee", NULL, &error), error);
  check (dr_review_set_verdict (project, id[0], DR_DAMAGE_SCRATCH, DR_VERDICT_ADDED, "lee",
                                NULL, NULL, &error), error);
  check (dr_revision_append (project, id[0], DR_DAMAGE_CRUSHED, top, DR_REVISION_FILL, "kim",
                             NULL, &error), error);
  check (dr_revision_undo (project, id[0], DR_DAMAGE_CRUSHED, &moved, &error), error);
  check (dr_review_set_verdict (project, id[0], DR_DAMAGE_CRUSHED, DR_VERDICT_NONE, "kim",
                                NULL, NULL, &error), error);
  check (dr_review_set_verdict (project, id[0], DR_DAMAGE_BREAKAGE, DR_VERDICT_ACCEPTED, "kim",
                                NULL, NULL, &error), error);
  /* b.png: Breakage cleared; Scratch rejected, then withdrawn. */
  check (dr_revision_append (project, id[1], DR_DAMAGE_BREAKAGE, empty, DR_REVISION_CLEAR,
                             "park", NULL, &error), error);
  check (dr_review_set_verdict (project, id[1], DR_DAMAGE_SCRATCH, DR_VERDICT_REJECTED, "park",
                                NULL, NULL, &error), error);
  check (dr_review_set_verdict (project, id[1], DR_DAMAGE_SCRATCH, DR_VERDICT_UNREVIEWED,
                                "park", NULL, NULL, &error), error);
  check (dr_review_set_verdict (project, id[1], DR_DAMAGE_SEPARATED, DR_VERDICT_ACCEPTED,
                                "park", NULL, NULL, &error), error);

  check (dr_review_add_note (project, id[0], "앞 범퍼, \"긁힘\" 재확인\nsecond line", "kim", NULL,
                             &error), error);
  check (dr_review_add_note (project, id[1], "temporary", "park", NULL, &error), error);
  check (dr_review_add_note (project, id[1], "", "park", NULL, &error), error);

  check (dr_photo_set_claim (project, id[1], "south", &error), error);
  check (dr_photo_set_error (project, id[2], "c.png: damaged after import", &error), error);

  g_autofree char *coco = g_build_filename (argv[2], "labels.json", NULL);
  check (g_file_set_contents (coco,
                              "{\"images\": [{\"id\": 1, \"width\": 32, \"height\": 24,"
                              " \"file_name\": \"a.png\"}],"
                              " \"categories\": [{\"id\": 1, \"name\": \"Scratched\"}],"
                              " \"annotations\": [{\"id\": 1, \"image_id\": 1,"
                              " \"category_id\": 1,"
                              " \"segmentation\": [[0, 0, 20, 0, 20, 12, 0, 12]]}]}", -1, &error),
         error);
  g_autoptr (DrLabelImport) import = dr_label_import_new (project, &error);
  check (import != NULL, error);
  check (dr_label_import_file (import, coco, NULL, NULL, &error), error);
  check (dr_label_import_finish (import, &error), error);
  return 0;
}
