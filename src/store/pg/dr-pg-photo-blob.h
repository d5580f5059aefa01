/* dr-pg-photo-blob.h — where a team photo's bytes are: in the database (dr.photo_blobs.bytes)
 * or, for a team that records a shared photo root (migration 007), in a file below that root,
 * which every member and worker mounts at the same absolute path. Content-addressed either
 * way: one blob per SHA-256 and team. The server checks the SHA-256 of bytes it stores; a file
 * on the root is checked by every client that reads it. Paths and the root from the server
 * are untrusted: a path below the root is relative, without "." or ".." components, bounded. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* The shared photo root team @team records (a number as text), or NULL in *root when it has
 * none. FALSE with a one-line error naming the server when it cannot be read. */
gboolean dr_pg_photo_root_get (DrPgConn    *conn,
                               const char  *team,
                               char       **root,
                               GError     **error);

/* Stores the photo @sha256 of team @team whose bytes (already read from @path and checked
 * against @sha256) are @bytes: when @root is not NULL and @path, made absolute and canonical,
 * lies below it, only its path below the root; otherwise the bytes (the server re-checks their
 * SHA-256). Nothing changes when the team has that blob already. *sent (may be NULL): how many
 * bytes went to the server for it (0 when they stay on the root or were there). */
gboolean dr_pg_photo_blob_put (DrPgConn    *conn,
                               const char  *team,
                               const char  *sha256,
                               GBytes      *bytes,
                               const char  *path,
                               const char  *root,
                               gsize       *sent,
                               GError     **error);

/* The bytes of team @team_id's photo with content @sha256, at most @max_bytes, in a new buffer
 * (*len gets the size), from the database or the file below the team's photo root; the digest
 * of what was read is checked. Errors (one line naming the server or the file):
 * DR_PG_ERROR_NOT_FOUND when not stored, DR_STORE_ERROR_TOO_LARGE above the bound,
 * DR_STORE_ERROR_CORRUPT when the bytes do not have that SHA-256 or the server names a path
 * that is not below the root, the file's reading error, or the connection's. */
guint8 *dr_pg_photo_fetch (DrPgConn   *conn,
                           gint64      team_id,
                           const char *sha256,
                           gint64      max_bytes,
                           gsize      *len,
                           GError    **error);

G_END_DECLS
