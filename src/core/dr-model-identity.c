/* dr-model-identity.c — the stat-keyed SHA-256 cache of checkpoint files. */
#include "config.h"

#include "dr-model-identity.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "dr-file-hash.h"

#define CACHE_MAX_BYTES (64 * 1024) /* a larger file is not ours: ignored */
#define CACHE_MAX_ENTRIES 32        /* oldest hashed entries are dropped beyond this */
/* A digest is trusted only for a file last modified this long before hashing began:
 * covers timestamp granularities up to FAT's 2 s. */
#define RACY_NS G_GINT64_CONSTANT (2000000000)

/* What stat says about a file; equal identities mean "unchanged" for this cache. */
typedef struct {
  guint64 dev;
  guint64 ino;
  gint64 size;
  gint64 mtime_ns;
} Identity;

/* Fills id from stat(path); FALSE (errno set) when the path cannot be stat'ed. */
static gboolean
identity_of (const char *path, Identity *id)
{
  struct stat st;
  if (stat (path, &st) != 0)
    return FALSE;
  id->dev = (guint64) st.st_dev;
  id->ino = (guint64) st.st_ino;
  id->size = (gint64) st.st_size;
  id->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return TRUE;
}

/* TRUE when both identities describe the same, unchanged file. */
static gboolean
identity_equal (const Identity *a, const Identity *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

/* Path of the cache file (newly allocated). */
static char *
cache_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), PACKAGE_NAME, "model-sha256.ini", NULL);
}

/* The cache as a key file; an empty one when it is missing, too large or malformed. */
static GKeyFile *
cache_load (const char *file)
{
  GKeyFile *keys = g_key_file_new ();
  g_autofree char *text = NULL;
  gsize len = 0;
  if (g_file_get_contents (file, &text, &len, NULL)
      && (len > CACHE_MAX_BYTES || !g_key_file_load_from_data (keys, text, len, 0, NULL)))
    {
      g_key_file_free (keys);
      keys = g_key_file_new ();
    }
  return keys;
}

/* Group name for a path: its SHA-256 (group names may not hold '[' or ']', which every
 * original checkpoint name does). */
static char *
group_for (const char *abs_path)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, abs_path, -1);
}

/* The cached digest for abs_path when the entry matches id and was taken at least RACY_NS
 * after the file's modification; NULL otherwise. */
static char *
cache_lookup (GKeyFile *keys, const char *abs_path, const Identity *id)
{
  g_autofree char *group = group_for (abs_path);
  g_autofree char *path = g_key_file_get_string (keys, group, "path", NULL);
  g_autofree char *sha = g_key_file_get_string (keys, group, "sha256", NULL);
  if (g_strcmp0 (path, abs_path) != 0 || !dr_sha256_is_valid (sha))
    return NULL;
  g_autoptr (GError) bad = NULL;
  guint64 dev = g_key_file_get_uint64 (keys, group, "dev", &bad);
  guint64 ino = bad ? 0 : g_key_file_get_uint64 (keys, group, "ino", &bad);
  gint64 size = bad ? 0 : g_key_file_get_int64 (keys, group, "size", &bad);
  gint64 mtime = bad ? 0 : g_key_file_get_int64 (keys, group, "mtime_ns", &bad);
  gint64 hashed = bad ? 0 : g_key_file_get_int64 (keys, group, "hashed_at_ns", &bad);
  if (bad != NULL || dev != id->dev || ino != id->ino || size != id->size
      || mtime != id->mtime_ns || id->mtime_ns > hashed - RACY_NS)
    return NULL;
  return g_steal_pointer (&sha);
}

/* Drops the entries hashed longest ago until at most CACHE_MAX_ENTRIES - 1 remain. */
static void
cache_trim (GKeyFile *keys)
{
  gsize n = 0;
  g_auto (GStrv) groups = g_key_file_get_groups (keys, &n);
  while (n >= CACHE_MAX_ENTRIES)
    {
      gsize oldest = 0;
      gint64 oldest_at = G_MAXINT64;
      for (gsize i = 0; i < n; i++)
        {
          gint64 at = g_key_file_get_int64 (keys, groups[i], "hashed_at_ns", NULL);
          if (groups[i][0] != '\0' && at < oldest_at)
            {
              oldest = i;
              oldest_at = at;
            }
        }
      g_key_file_remove_group (keys, groups[oldest], NULL);
      groups[oldest][0] = '\0';
      n--;
    }
}

/* Records abs_path's digest under id, hashed at hashed_at_ns, and rewrites the cache file
 * atomically; failures only lose the cache entry (logged at debug level). */
static void
cache_store (const char *file, const char *abs_path, const Identity *id, gint64 hashed_at_ns,
             const char *sha)
{
  g_autoptr (GKeyFile) keys = cache_load (file);
  g_autofree char *group = group_for (abs_path);
  g_key_file_remove_group (keys, group, NULL);
  cache_trim (keys);
  g_key_file_set_string (keys, group, "path", abs_path);
  g_key_file_set_uint64 (keys, group, "dev", id->dev);
  g_key_file_set_uint64 (keys, group, "ino", id->ino);
  g_key_file_set_int64 (keys, group, "size", id->size);
  g_key_file_set_int64 (keys, group, "mtime_ns", id->mtime_ns);
  g_key_file_set_int64 (keys, group, "hashed_at_ns", hashed_at_ns);
  g_key_file_set_string (keys, group, "sha256", sha);
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (keys, &len, NULL);
  g_autofree char *dir = g_path_get_dirname (file);
  g_autoptr (GError) error = NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (file, text, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                    0600, &error))
    g_debug ("model digest cache %s not written: %s", file,
             error ? error->message : g_strerror (errno));
}

/* Cache hit when the identity is unchanged and trustworthy; otherwise hashes the file and
 * records the digest, unless the file changed while it was being hashed. */
char *
dr_model_identity_sha256 (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *abs_path = g_canonicalize_filename (path, NULL);
  g_autofree char *file = cache_path ();
  Identity before = { 0 };
  gboolean known = identity_of (abs_path, &before);
  if (known)
    {
      g_autoptr (GKeyFile) keys = cache_load (file);
      char *sha = cache_lookup (keys, abs_path, &before);
      if (sha != NULL)
        return sha;
    }
  gint64 started_ns = g_get_real_time () * 1000;
  char *sha = dr_file_sha256 (path, error);
  Identity after;
  if (sha != NULL && known && identity_of (abs_path, &after) && identity_equal (&before, &after))
    cache_store (file, abs_path, &after, started_ns, sha);
  return sha;
}
