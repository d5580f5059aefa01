/* dr-model-identity.h — a checkpoint's SHA-256 without re-reading an unchanged file.
 *
 * Hashing the four checkpoints (about 373 MB) costs seconds; most runs find the same files
 * as last time. This cache remembers, per absolute path, the file's device, inode, size and
 * modification time (nanoseconds) together with its digest and when that digest was taken.
 * A lookup trusts the remembered digest only when all four still match AND the file had
 * not been modified during the second before it was hashed (a file written in the same
 * instant it was hashed could have changed again without moving its timestamp, the "racy"
 * case git also guards against); in any doubt the file is hashed again and the entry
 * refreshed. A change that keeps path, inode, size and a back-dated mtime is not seen —
 * the accepted limit of any stat-based cache (make, git, rsync).
 *
 * The cache is one small key file, $XDG_CACHE_HOME/damage-review/model-sha256.ini, written
 * atomically (rename); an unreadable, oversized or malformed cache is ignored, never fatal.
 * Thread-safe for independent calls (each call reads and writes the file whole). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lower-case hex SHA-256 of the file at path: from the cache when its identity is unchanged
 * and trustworthy (see above), else by reading the file (then recorded). NULL with error
 * (DR_STORE_ERROR_IO) naming the file when it cannot be read. */
char *dr_model_identity_sha256 (const char *path, GError **error);

G_END_DECLS
