/* dataset-fixture.c — writes a small project for the CLI tests (tests/app/check-cli-dataset.py):
 *
 *   dataset-fixture PROJECT PHOTO_DIR
 *
 * Three 32 × 24 grey PNG photos a.png, b.png, c.png in claims "north" (a, b) and "south" (c).
 * The current Scratch model predicts the rectangle [0, 16) × [0, 24) on every photo (384 px);
 * a.png's scratch layer is accepted, every other layer of a.png is reviewed "none"; b and c
 * are unreviewed. a.png has the note FIXTURE_NOTE (a comma, quotes, a line break and Hangul, to
 * exercise CSV quoting); b.png had a note that was then cleared; c.png never had one. Prints
 * nothing; exit 0 on success. */
#include <stdio.h>
#include <string.h>

#include "dr-image.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-rle.h"
#include "dr-sqlite.h"

#define W 32
#define H 24

/* tests/app/check-cli-dataset.py expects exactly this text back from the export. */
#define FIXTURE_NOTE "앞 범퍼, \"긁힘\" 재확인\nsecond line"

/* Writes one photo and returns the SHA-256 of its file. */
static char *
write_photo (const char *dir, const char *name, guint8 shade)
{
  guint8 px[W * H];
  memset (px, shade, sizeof px);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  if (!dr_image_save_grey_png (path, px, W, H, W, &error))
    g_error ("%s", error->message);
  g_autofree char *bytes = NULL;
  gsize len;
  if (!g_file_get_contents (path, &bytes, &len, &error))
    g_error ("%s", error->message);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, len);
}

/* Creates the project described above. */
int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: dataset-fixture PROJECT PHOTO_DIR\n");
      return 2;
    }
  g_mkdir_with_parents (argv[2], 0755);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_CREATE, &error);
  if (project == NULL)
    g_error ("%s", error->message);
  g_autofree char *sa = write_photo (argv[2], "a.png", 40);
  g_autofree char *sb = write_photo (argv[2], "b.png", 90);
  g_autofree char *sc = write_photo (argv[2], "c.png", 140);
  guint8 m[W * H] = { 0 };
  for (int y = 0; y < H; y++)
    for (int x = 0; x < 16; x++)
      m[y * W + x] = 1;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (m, H, W, &error);
  g_autofree char *pred = dr_rle_to_string (rle);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO claims (id, name) VALUES (1, 'north'), (2, 'south');"
    "INSERT INTO photos (id, claim_id, path, sha256, size, width, height, added) VALUES"
    "  (1, 1, '%s/a.png', '%s', 1, %d, %d, 0), (2, 1, '%s/b.png', '%s', 1, %d, %d, 0),"
    "  (3, 2, '%s/c.png', '%s', 1, %d, %d, 0);"
    "INSERT INTO models (damage, sha256, path, name, current, added)"
    "  VALUES (0, printf ('%%064d', 1), 'm', 'Scratch', 1, 0);"
    "INSERT INTO predictions SELECT id, 0, printf ('%%064d', 1), '%s', 384, 0.9, 0 FROM photos;"
    "INSERT INTO reviews (photo_id, damage, verdict, author, created) VALUES"
    "  (1, 0, 'accepted', 'kim', 1), (1, 1, 'none', 'kim', 2), (1, 2, 'none', 'kim', 3),"
    "  (1, 3, 'none', 'kim', 4);",
    argv[2], sa, W, H, argv[2], sb, W, H, argv[2], sc, W, H, pred);
  char *msg = NULL;
  if (sqlite3_exec (dr_sqlite_project_get_db (project), sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s", msg);
  if (!dr_review_add_note (project, 1, FIXTURE_NOTE, "kim", NULL, &error)
      || !dr_review_add_note (project, 2, "temporary", "kim", NULL, &error)
      || !dr_review_add_note (project, 2, "", "kim", NULL, &error))
    g_error ("%s", error->message);
  return 0;
}
