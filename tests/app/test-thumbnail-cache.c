/* test-thumbnail-cache.c — the on-disk thumbnail cache, alone and behind DrThumbnailer.
 *
 * $XDG_CACHE_HOME points at a temporary directory removed at the end; every case uses its
 * own photo (so its own cache file). The thumbnailer cases prove a thumbnail comes from the
 * cache by destroying the photo after the first request, and prove damaged cache files are
 * misses by damaging them. No display is needed: thumbnails are memory textures. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dr-thumbnail-cache.h"
#include "dr-thumbnailer.h"

#define SIZE (DR_THUMBNAIL_SIZE * 2)
#define PHOTO_W 300
#define PHOTO_H 200

/* Writes a PHOTO_W × PHOTO_H RGB pattern photo (different for each seed) as a PNG in a new
 * temporary directory and returns its path; sha256 receives the hex SHA-256 of its bytes. */
static char *
make_photo (guint seed, char **sha256)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dr-thumb-XXXXXX", &error);
  g_assert_no_error (error);
  gsize stride = PHOTO_W * 3;
  guint8 *pixels = g_malloc (stride * PHOTO_H);
  for (int y = 0; y < PHOTO_H; y++)
    for (int x = 0; x < PHOTO_W; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        p[0] = (guint8) (x * 255 / PHOTO_W);
        p[1] = (guint8) (y * 255 / PHOTO_H);
        p[2] = (guint8) ((x ^ y ^ seed) & 0xff);
      }
  g_autoptr (GBytes) bytes = g_bytes_new_take (pixels, stride * PHOTO_H);
  g_autoptr (GdkTexture) texture = gdk_memory_texture_new (PHOTO_W, PHOTO_H,
                                                           GDK_MEMORY_R8G8B8, bytes, stride);
  g_autoptr (GBytes) png = gdk_texture_save_to_png_bytes (texture);
  char *path = g_build_filename (dir, "photo.png", NULL);
  gsize length;
  const char *data = g_bytes_get_data (png, &length);
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  return path;
}

/* Removes the photo and its temporary directory. */
static void
remove_photo (const char *path)
{
  g_remove (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Overwrites path with contents (NUL-terminated). */
static void
write_file (const char *path, const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The texture's pixels as premultiplied BGRA bytes, for comparisons. */
static GBytes *
texture_pixels (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  gsize stride = (gsize) w * 4;
  guint8 *data = g_malloc (stride * h);
  gdk_texture_download (texture, data, stride);
  return g_bytes_new_take (data, stride * h);
}

/* Asserts both textures have the same size and pixels. */
static void
assert_same_pixels (GdkTexture *a, GdkTexture *b)
{
  g_assert_cmpint (gdk_texture_get_width (a), ==, gdk_texture_get_width (b));
  g_assert_cmpint (gdk_texture_get_height (a), ==, gdk_texture_get_height (b));
  g_autoptr (GBytes) pa = texture_pixels (a);
  g_autoptr (GBytes) pb = texture_pixels (b);
  g_assert_true (g_bytes_equal (pa, pb));
}

/* Asks a new thumbnailer for item's thumbnail and returns it (a new reference), or NULL
 * when none came within a few seconds; the thumbnailer is freed before returning, which
 * waits for its workers. */
static GdkTexture *
thumbnail_of (DrPhotoItem *item)
{
  g_autoptr (DrThumbnailer) thumbnailer = dr_thumbnailer_new (4);
  dr_thumbnailer_request (thumbnailer, item);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (dr_photo_item_get_thumbnail (item) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  GObject *thumb = dr_photo_item_get_thumbnail (item);
  return thumb ? g_object_ref (GDK_TEXTURE (thumb)) : NULL;
}

/* A fresh item for the photo at path with the given hash, as the session makes it. */
static DrPhotoItem *
item_for (const char *path, const char *sha256)
{
  DrPhotoItem *item = dr_photo_item_new (1, path, NULL);
  dr_photo_item_set_sha256 (item, sha256);
  return item;
}

/* Paths follow <cache>/damage-review/thumbnails/<2 hex>/<sha256>-<size>.png; anything but
 * 64 hex digits has no path, so a bad hash can never name a file outside the cache. */
static void
test_path (void)
{
  const char *sha = "AB34567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef";
  g_autofree char *path = dr_thumbnail_cache_path (sha, 192);
  g_autofree char *lower = g_ascii_strdown (sha, -1);
  g_autofree char *name = g_strconcat (lower, "-192.png", NULL);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "damage-review",
                                                "thumbnails", "ab", name, NULL);
  g_assert_cmpstr (path, ==, expected);

  g_autofree char *other_size = dr_thumbnail_cache_path (sha, 96);
  g_assert_cmpstr (other_size, !=, path);
  g_assert_null (dr_thumbnail_cache_path (NULL, 192));
  g_assert_null (dr_thumbnail_cache_path ("", 192));
  g_assert_null (dr_thumbnail_cache_path ("abc", 192));
  g_assert_null (dr_thumbnail_cache_path ("../34567890abcdef1234567890abcdef1234567890abcdef"
                                          "1234567890abcdef", 192));
  g_assert_null (dr_thumbnail_cache_path ("AB34567890abcdef1234567890abcdef1234567890abcdef"
                                          "1234567890abcdef0", 192));
}

/* The first request decodes and writes the cache file; later requests are served from it
 * even after the photo was replaced by garbage or deleted. */
static void
test_thumbnailer_uses_cache (void)
{
  g_autofree char *sha = NULL;
  g_autofree char *photo = make_photo (1, &sha);
  g_autofree char *cache_file = dr_thumbnail_cache_path (sha, SIZE);
  g_assert_false (g_file_test (cache_file, G_FILE_TEST_EXISTS));

  g_autoptr (DrPhotoItem) first_item = item_for (photo, sha);
  g_autoptr (GdkTexture) first = thumbnail_of (first_item);
  g_assert_nonnull (first);
  g_assert_cmpint (gdk_texture_get_width (first), ==, SIZE);
  g_assert_cmpint (gdk_texture_get_height (first), ==, SIZE * PHOTO_H / PHOTO_W);
  g_assert_true (g_file_test (cache_file, G_FILE_TEST_IS_REGULAR));
  g_autoptr (GdkTexture) stored = dr_thumbnail_cache_load (sha, SIZE);
  g_assert_nonnull (stored);
  assert_same_pixels (first, stored);

  write_file (photo, "this is no longer an image");
  g_autoptr (DrPhotoItem) garbage_item = item_for (photo, sha);
  g_autoptr (GdkTexture) from_garbage = thumbnail_of (garbage_item);
  g_assert_nonnull (from_garbage);
  assert_same_pixels (first, from_garbage);

  remove_photo (photo);
  g_autoptr (DrPhotoItem) deleted_item = item_for (photo, sha);
  g_autoptr (GdkTexture) from_deleted = thumbnail_of (deleted_item);
  g_assert_nonnull (from_deleted);
  assert_same_pixels (first, from_deleted);
}

/* A photo without a known hash still gets a thumbnail but leaves nothing in the cache. */
static void
test_thumbnailer_without_hash (void)
{
  g_autofree char *sha = NULL;
  g_autofree char *photo = make_photo (2, &sha);
  g_autoptr (DrPhotoItem) item = dr_photo_item_new (0, photo, NULL);
  g_autoptr (GdkTexture) thumb = thumbnail_of (item);
  g_assert_nonnull (thumb);
  g_autofree char *cache_file = dr_thumbnail_cache_path (sha, SIZE);
  g_assert_false (g_file_test (cache_file, G_FILE_TEST_EXISTS));
  remove_photo (photo);
}

/* Each kind of damaged cache file is a miss; the thumbnailer then decodes the photo again
 * and replaces the file with a good one. */
static void
test_corrupt_cache_regenerated (void)
{
  g_autofree char *sha = NULL;
  g_autofree char *photo = make_photo (3, &sha);
  g_autofree char *cache_file = dr_thumbnail_cache_path (sha, SIZE);
  g_autoptr (DrPhotoItem) first_item = item_for (photo, sha);
  g_autoptr (GdkTexture) first = thumbnail_of (first_item);
  g_assert_nonnull (first);

  g_autofree char *good = NULL;
  gsize good_length = 0;
  g_file_get_contents (cache_file, &good, &good_length, NULL);
  g_assert_cmpuint (good_length, >, 64);
  g_autofree char *truncated = g_memdup2 (good, good_length / 2);
  g_autofree char *bad_crc = g_memdup2 (good, good_length);
  bad_crc[good_length / 2] ^= 0x5a;

  /* A real PNG, but larger than any thumbnail of this size can be. */
  g_autoptr (GBytes) big_pixels = g_bytes_new_take (g_malloc0 ((SIZE + 1) * 3 * 10),
                                                    (SIZE + 1) * 3 * 10);
  g_autoptr (GdkTexture) big = gdk_memory_texture_new (SIZE + 1, 10, GDK_MEMORY_R8G8B8,
                                                       big_pixels, (SIZE + 1) * 3);
  g_autoptr (GBytes) big_png = gdk_texture_save_to_png_bytes (big);

  struct { const char *what; const char *data; gsize length; } damage[] = {
    { "empty", "", 0 },
    { "garbage", "not a png at all, just some text", 32 },
    { "truncated", truncated, good_length / 2 },
    { "bad data", bad_crc, good_length },
    { "too large", g_bytes_get_data (big_png, NULL), g_bytes_get_size (big_png) },
  };
  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      g_test_message ("damage: %s", damage[i].what);
      g_autoptr (GError) error = NULL;
      g_file_set_contents (cache_file, damage[i].data, (gssize) damage[i].length, &error);
      g_assert_no_error (error);
      g_autoptr (GdkTexture) miss = dr_thumbnail_cache_load (sha, SIZE);
      g_assert_null (miss);

      g_autoptr (DrPhotoItem) item = item_for (photo, sha);
      g_autoptr (GdkTexture) again = thumbnail_of (item);
      g_assert_nonnull (again);
      assert_same_pixels (first, again);
      g_autoptr (GdkTexture) rewritten = dr_thumbnail_cache_load (sha, SIZE);
      g_assert_nonnull (rewritten);
      assert_same_pixels (first, rewritten);
    }
  remove_photo (photo);
}

/* When the cache cannot be written (the directory for this photo's file is a file), the
 * thumbnail still appears, nothing is cached, and no warning is raised (warnings are fatal
 * in tests). */
static void
test_unwritable_cache (void)
{
  g_autofree char *sha = NULL;
  g_autofree char *photo = make_photo (4, &sha);
  g_autofree char *cache_file = dr_thumbnail_cache_path (sha, SIZE);
  g_autofree char *dir = g_path_get_dirname (cache_file);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  write_file (dir, "in the way");

  g_autoptr (DrPhotoItem) item = item_for (photo, sha);
  g_autoptr (GdkTexture) thumb = thumbnail_of (item);
  g_assert_nonnull (thumb);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_REGULAR));
  g_autoptr (GdkTexture) miss = dr_thumbnail_cache_load (sha, SIZE);
  g_assert_null (miss);
  g_assert_cmpint (g_remove (dir), ==, 0);
  remove_photo (photo);
}

/* Waits (up to 20 s) for item's thumbnail from thumbnailer, already requested. */
static void
wait_for_thumbnail (DrPhotoItem *item)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (dr_photo_item_get_thumbnail (item) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (dr_photo_item_get_thumbnail (item));
}

/* With room for one thumbnail, an item a row still shows keeps its thumbnail when another
 * is made; once released it is the one evicted, and a new request makes it again (from the
 * cache). */
static void
test_shown_items_kept (void)
{
  g_autofree char *sha_a = NULL, *sha_b = NULL, *sha_c = NULL;
  g_autofree char *photo_a = make_photo (5, &sha_a);
  g_autofree char *photo_b = make_photo (6, &sha_b);
  g_autofree char *photo_c = make_photo (7, &sha_c);
  g_autoptr (DrPhotoItem) a = item_for (photo_a, sha_a);
  g_autoptr (DrPhotoItem) b = item_for (photo_b, sha_b);
  g_autoptr (DrPhotoItem) c = item_for (photo_c, sha_c);
  g_autoptr (DrThumbnailer) thumbnailer = dr_thumbnailer_new (1);

  dr_thumbnailer_request (thumbnailer, a);
  wait_for_thumbnail (a);
  dr_thumbnailer_request (thumbnailer, b);
  wait_for_thumbnail (b);
  g_assert_nonnull (dr_photo_item_get_thumbnail (a));

  dr_thumbnailer_release (thumbnailer, a);
  dr_thumbnailer_request (thumbnailer, c);
  wait_for_thumbnail (c);
  g_assert_null (dr_photo_item_get_thumbnail (a));
  g_assert_nonnull (dr_photo_item_get_thumbnail (b));

  remove_photo (photo_a);
  dr_thumbnailer_request (thumbnailer, a);
  wait_for_thumbnail (a);
  remove_photo (photo_b);
  remove_photo (photo_c);
}

/* Deletes path and, if it is a directory, everything in it. */
static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_remove (path);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cache_home = g_dir_make_tmp ("dr-thumb-cache-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/thumbnail-cache/path", test_path);
  g_test_add_func ("/thumbnail-cache/thumbnailer-uses-cache", test_thumbnailer_uses_cache);
  g_test_add_func ("/thumbnail-cache/thumbnailer-without-hash", test_thumbnailer_without_hash);
  g_test_add_func ("/thumbnail-cache/corrupt-cache-regenerated", test_corrupt_cache_regenerated);
  g_test_add_func ("/thumbnail-cache/unwritable-cache", test_unwritable_cache);
  g_test_add_func ("/thumbnail-cache/shown-items-kept", test_shown_items_kept);
  int status = g_test_run ();
  remove_tree (cache_home);
  return status;
}
