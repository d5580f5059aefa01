/* test-layer-cache.c — what the window last read is given back as it was put, copies are the
 * caller's, the reviewer's unsent edits are not replaced by an older read, and only the
 * DR_LAYER_CACHE_MAX_PHOTOS photos put last are kept. */
#include "config.h"

#include "dr-layer-cache.h"

/* A layer, a verdict and a note come back as put; empty values are kept as empty, and what was
 * never put is reported as unknown. */
static void
test_round_trip (void)
{
  g_autoptr (DrLayerCache) cache = dr_layer_cache_new ();
  DrHeadSeen seen = { .revision_id = 12, .version = 3 }, got = { 0 };
  char *rle = NULL;
  g_assert_false (dr_layer_cache_get_layer (cache, 5, DR_DAMAGE_CRUSHED, &rle, &got));
  dr_layer_cache_put_layer (cache, 5, DR_DAMAGE_CRUSHED, "a1b2", &seen);
  dr_layer_cache_put_layer (cache, 5, DR_DAMAGE_SCRATCH, NULL, &(DrHeadSeen) { 0 });
  g_assert_true (dr_layer_cache_get_layer (cache, 5, DR_DAMAGE_CRUSHED, &rle, &got));
  g_assert_cmpstr (rle, ==, "a1b2");
  g_assert_cmpint (got.revision_id, ==, 12);
  g_assert_cmpint (got.version, ==, 3);
  g_free (rle);
  g_assert_true (dr_layer_cache_get_layer (cache, 5, DR_DAMAGE_SCRATCH, &rle, &got));
  g_assert_null (rle);
  g_assert_false (dr_layer_cache_get_layer (cache, 5, DR_DAMAGE_BREAKAGE, &rle, &got));
  g_assert_false (dr_layer_cache_get_layer (cache, 6, DR_DAMAGE_CRUSHED, &rle, &got));

  DrReview review = { .id = 9, .photo_id = 5, .damage = DR_DAMAGE_CRUSHED,
                      .verdict = DR_VERDICT_REJECTED, .author = (char *) "bob", .iou = 0.5 };
  DrReview *copy = NULL;
  g_assert_false (dr_layer_cache_get_review (cache, 5, DR_DAMAGE_CRUSHED, &copy));
  dr_layer_cache_put_review (cache, 5, DR_DAMAGE_CRUSHED, &review);
  dr_layer_cache_put_review (cache, 5, DR_DAMAGE_SCRATCH, NULL);
  review.author = (char *) "changed after put";
  g_assert_true (dr_layer_cache_get_review (cache, 5, DR_DAMAGE_CRUSHED, &copy));
  g_assert_cmpint (copy->verdict, ==, DR_VERDICT_REJECTED);
  g_assert_cmpstr (copy->author, ==, "bob");
  g_assert_cmpfloat (copy->iou, ==, 0.5);
  dr_review_free (copy);
  g_assert_true (dr_layer_cache_get_review (cache, 5, DR_DAMAGE_SCRATCH, &copy));
  g_assert_null (copy);

  char *note = NULL;
  g_assert_false (dr_layer_cache_get_note (cache, 5, &note));
  dr_layer_cache_put_note (cache, 5, "dent on the door");
  dr_layer_cache_put_note (cache, 7, NULL);
  g_assert_true (dr_layer_cache_get_note (cache, 5, &note));
  g_assert_cmpstr (note, ==, "dent on the door");
  g_free (note);
  g_assert_true (dr_layer_cache_get_note (cache, 7, &note));
  g_assert_null (note);

  dr_layer_cache_clear (cache);
  g_assert_false (dr_layer_cache_get_layer (cache, 5, DR_DAMAGE_CRUSHED, &rle, &got));
  g_assert_false (dr_layer_cache_get_note (cache, 5, &note));
}

/* A layer the reviewer left with edits the server may not have yet is not replaced by a read of
 * the same or an older head; a read of a newer head (the edits were sent, or someone else
 * changed the layer since) replaces it. */
static void
test_edited_kept (void)
{
  g_autoptr (DrLayerCache) cache = dr_layer_cache_new ();
  DrHeadSeen v3 = { .revision_id = 7, .version = 3 }, v4 = { .revision_id = 9, .version = 4 };
  DrHeadSeen got = { 0 };
  char *rle = NULL;
  dr_layer_cache_put_layer (cache, 1, DR_DAMAGE_SCRATCH, "server", &v3);
  dr_layer_cache_keep_edited (cache, 1, DR_DAMAGE_SCRATCH, "mine", &v3);
  dr_layer_cache_put_layer (cache, 1, DR_DAMAGE_SCRATCH, "server again", &v3);
  g_assert_true (dr_layer_cache_get_layer (cache, 1, DR_DAMAGE_SCRATCH, &rle, &got));
  g_assert_cmpstr (rle, ==, "mine");
  g_assert_cmpint (got.version, ==, 3);
  g_free (rle);
  dr_layer_cache_keep_edited (cache, 1, DR_DAMAGE_SCRATCH, "mine, more", &v3);
  g_assert_true (dr_layer_cache_get_layer (cache, 1, DR_DAMAGE_SCRATCH, &rle, &got));
  g_assert_cmpstr (rle, ==, "mine, more");
  g_free (rle);
  dr_layer_cache_put_layer (cache, 1, DR_DAMAGE_SCRATCH, "newer", &v4);
  g_assert_true (dr_layer_cache_get_layer (cache, 1, DR_DAMAGE_SCRATCH, &rle, &got));
  g_assert_cmpstr (rle, ==, "newer");
  g_assert_cmpint (got.revision_id, ==, 9);
  g_free (rle);
  /* Read from the server now, so a later read replaces it again. */
  dr_layer_cache_put_layer (cache, 1, DR_DAMAGE_SCRATCH, "newest", &v4);
  g_assert_true (dr_layer_cache_get_layer (cache, 1, DR_DAMAGE_SCRATCH, &rle, &got));
  g_assert_cmpstr (rle, ==, "newest");
  g_free (rle);
}

/* The same project opened again keeps what was read; another project does not see it. */
static void
test_follow (void)
{
  g_autoptr (DrLayerCache) cache = dr_layer_cache_new ();
  DrHeadSeen seen = { .revision_id = 2, .version = 1 };
  char *rle = NULL;
  dr_layer_cache_follow (cache, "postgresql://a@db/claims");
  g_assert_false (dr_layer_cache_knows_photo (cache, 4));
  dr_layer_cache_put_layer (cache, 4, DR_DAMAGE_BREAKAGE, "b", &seen);
  g_assert_true (dr_layer_cache_knows_photo (cache, 4));
  g_assert_false (dr_layer_cache_knows_photo (cache, 5));
  dr_layer_cache_follow (cache, "postgresql://a@db/claims");
  g_assert_true (dr_layer_cache_get_layer (cache, 4, DR_DAMAGE_BREAKAGE, &rle, &seen));
  g_assert_cmpstr (rle, ==, "b");
  g_free (rle);
  dr_layer_cache_follow (cache, "postgresql://a@db/other");
  g_assert_false (dr_layer_cache_knows_photo (cache, 4));
  g_assert_false (dr_layer_cache_get_layer (cache, 4, DR_DAMAGE_BREAKAGE, &rle, &seen));
}

/* Photos beyond the bound are forgotten least recently put first; putting a photo again makes
 * it recent. */
static void
test_bounded (void)
{
  g_autoptr (DrLayerCache) cache = dr_layer_cache_new ();
  DrHeadSeen seen = { 0 };
  char *rle = NULL;
  for (gint64 id = 1; id <= DR_LAYER_CACHE_MAX_PHOTOS; id++)
    dr_layer_cache_put_layer (cache, id, DR_DAMAGE_SCRATCH, "x", &seen);
  dr_layer_cache_put_note (cache, 1, "recent again");
  dr_layer_cache_put_layer (cache, DR_LAYER_CACHE_MAX_PHOTOS + 1, DR_DAMAGE_SCRATCH, "y", &seen);
  g_assert_false (dr_layer_cache_get_layer (cache, 2, DR_DAMAGE_SCRATCH, &rle, &seen));
  g_assert_true (dr_layer_cache_get_layer (cache, 1, DR_DAMAGE_SCRATCH, &rle, &seen));
  g_free (rle);
  g_assert_true (dr_layer_cache_get_layer (cache, 3, DR_DAMAGE_SCRATCH, &rle, &seen));
  g_free (rle);
  g_assert_true (dr_layer_cache_get_layer (cache, DR_LAYER_CACHE_MAX_PHOTOS + 1,
                                           DR_DAMAGE_SCRATCH, &rle, &seen));
  g_assert_cmpstr (rle, ==, "y");
  g_free (rle);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/layer-cache/round-trip", test_round_trip);
  g_test_add_func ("/core/layer-cache/edited-kept", test_edited_kept);
  g_test_add_func ("/core/layer-cache/follow", test_follow);
  g_test_add_func ("/core/layer-cache/bounded", test_bounded);
  return g_test_run ();
}
