/* dr-file-hash.h — content hashes of files, for provenance (models) and identity (photos). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Streams the file at path through SHA-256 in fixed-size chunks (constant memory, any size).
 * Returns the lower-case hex digest, or NULL with error (DR_STORE_ERROR_IO) naming the file. */
char *dr_file_sha256 (const char *path, GError **error);

/* TRUE when text (NULL allowed) is a SHA-256 as this app writes it: 64 lower-case hex digits.
 * For checking digests read from files, caches and servers before they name anything. */
gboolean dr_sha256_is_valid (const char *text);

G_END_DECLS
