/* test-model-identity.c — the stat-keyed checkpoint digest cache (dr-model-identity.h).
 *
 * Whether a call read the file is measured by the kernel, not by our code: the process's
 * read byte count (rchar in /proc/self/io) before and after the call. Digests are checked
 * against GLib's one-shot SHA-256 of the bytes written. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dr-model-identity.h"
#include "dr-test-util.h"

#define FILE_BYTES (1024 * 1024)

/* Bytes this process has read through read-like system calls so far. */
static guint64
bytes_read (void)
{
  g_autofree char *io = NULL;
  g_assert_true (g_file_get_contents ("/proc/self/io", &io, NULL, NULL));
  const char *line = strstr (io, "rchar: ");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 7, NULL, 10);
}

/* Writes FILE_BYTES pseudo-random bytes from seed to path (in place, same inode when it
 * exists) and returns their SHA-256. */
static char *
write_content (const char *path, guint32 seed)
{
  g_autofree guint8 *data = g_malloc (FILE_BYTES);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < FILE_BYTES; i++)
    data[i] = (guint8) g_rand_int (rand);
  int fd = open (path, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, FILE_BYTES), ==, FILE_BYTES);
  close (fd);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, FILE_BYTES);
}

/* Sets path's modification time to seconds_ago before now. */
static void
set_mtime_ago (const char *path, int seconds_ago)
{
  struct timespec times[2];
  clock_gettime (CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

/* The digest of path through the cache, and how many bytes the call read. */
static char *
identify (const char *path, guint64 *read)
{
  g_autoptr (GError) error = NULL;
  guint64 before = bytes_read ();
  char *sha = dr_model_identity_sha256 (path, &error);
  *read = bytes_read () - before;
  g_assert_no_error (error);
  return sha;
}

/* An unchanged old file is read once; later calls answer from the cache. A change of
 * mtime, inode or size is seen and re-hashed. */
static void
test_unchanged_not_reread (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "[DAMAGE][Scratch_0]Unet.pt", NULL);
  g_autofree char *want = write_content (path, 1);
  set_mtime_ago (path, 60);
  guint64 read;

  g_autofree char *first = identify (path, &read);
  g_assert_cmpstr (first, ==, want);
  g_assert_cmpuint (read, >=, FILE_BYTES);

  g_autofree char *again = identify (path, &read);
  g_assert_cmpstr (again, ==, want);
  g_assert_cmpuint (read, <, FILE_BYTES / 8);

  /* Same size, new bytes, mtime moved: re-hashed. */
  g_autofree char *want2 = write_content (path, 2);
  set_mtime_ago (path, 30);
  g_autofree char *changed = identify (path, &read);
  g_assert_cmpstr (changed, ==, want2);
  g_assert_cmpuint (read, >=, FILE_BYTES);

  /* Another file renamed over it (new inode), mtime back-dated to the same second: seen. */
  g_autofree char *other = g_build_filename (dir, "other", NULL);
  g_autofree char *want3 = write_content (other, 3);
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  struct timespec times[2] = { st.st_mtim, st.st_mtim };
  g_assert_cmpint (utimensat (AT_FDCWD, other, times, 0), ==, 0);
  g_assert_cmpint (g_rename (other, path), ==, 0);
  g_autofree char *replaced = identify (path, &read);
  g_assert_cmpstr (replaced, ==, want3);
  g_assert_cmpuint (read, >=, FILE_BYTES);

  dr_test_rmtree (dir);
}

/* A file hashed within two seconds of its last write is hashed again next time, so a
 * rewrite that keeps size and timestamp (coarse clock) cannot hide behind the cache. */
static void
test_racy_file_rehashed (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "model.pt", NULL);
  g_autofree char *want = write_content (path, 4);
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  guint64 read;
  g_autofree char *first = identify (path, &read);
  g_assert_cmpstr (first, ==, want);

  g_autofree char *want2 = write_content (path, 5);
  struct timespec times[2] = { st.st_mtim, st.st_mtim };
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
  g_autofree char *second = identify (path, &read);
  g_assert_cmpstr (second, ==, want2);
  g_assert_cmpuint (read, >=, FILE_BYTES);
  dr_test_rmtree (dir);
}

/* The cache trusts identity, not content: a same-size rewrite of an old file whose mtime is
 * put back exactly is not seen (the documented limit). This proves the answer comes from
 * the cache and not from reading the file. */
static void
test_backdated_rewrite_is_the_limit (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "model.pt", NULL);
  g_autofree char *want = write_content (path, 6);
  set_mtime_ago (path, 60);
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  guint64 read;
  g_autofree char *first = identify (path, &read);

  g_autofree char *want2 = write_content (path, 7);
  struct timespec times[2] = { st.st_mtim, st.st_mtim };
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
  g_autofree char *stale = identify (path, &read);
  g_assert_cmpstr (stale, ==, want);
  g_assert_cmpstr (stale, !=, want2);
  dr_test_rmtree (dir);
}

/* A damaged cache file is ignored (and replaced); a missing checkpoint is a one-line error
 * naming it. */
static void
test_bad_cache_and_missing_file (void)
{
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "damage-review",
                                             "model-sha256.ini", NULL);
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "model.pt", NULL);
  g_autofree char *want = write_content (path, 8);
  set_mtime_ago (path, 60);
  guint64 read;
  g_autofree char *first = identify (path, &read);
  g_assert_true (g_file_set_contents (cache, "[x\n\x01garbage=", -1, NULL));
  g_autofree char *second = identify (path, &read);
  g_assert_cmpstr (second, ==, want);
  g_assert_cmpuint (read, >=, FILE_BYTES);
  g_autofree char *third = identify (path, &read);
  g_assert_cmpuint (read, <, FILE_BYTES / 8);

  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (dir, "absent.pt", NULL);
  g_assert_null (dr_model_identity_sha256 (missing, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_null (strchr (error->message, '\n'));
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  /* Before GLib caches the user cache dir: a private one for this run. */
  g_autofree char *home = dr_test_make_tmpdir ();
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-identity/unchanged-not-reread", test_unchanged_not_reread);
  g_test_add_func ("/model-identity/racy-file-rehashed", test_racy_file_rehashed);
  g_test_add_func ("/model-identity/backdated-rewrite-is-the-limit",
                   test_backdated_rewrite_is_the_limit);
  g_test_add_func ("/model-identity/bad-cache-and-missing-file", test_bad_cache_and_missing_file);
  int rc = g_test_run ();
  dr_test_rmtree (home);
  return rc;
}
