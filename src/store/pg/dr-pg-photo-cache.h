/* dr-pg-photo-cache.h — team photos as local files, fetched once and verified on every use.
 *
 * A team project keeps photo bytes in the database or on its shared photo root
 * (dr-pg-photo-blob.h). Code that needs a file (export copies photos byte for byte; decoders
 * read files) gets one here: CACHE/SHA[0:2]/SHA/NAME, where CACHE is $XDG_CACHE_HOME/damage-review/photos unless given,
 * SHA the photo's SHA-256 and NAME its base name (made safe). A file is written to a temporary
 * name and renamed into place, so a crash never leaves a partial photo; its SHA-256 is checked
 * against the expected one before it is returned, whether just fetched or already cached — a
 * damaged cached copy is fetched again, wrong bytes from the server are refused. */
#pragma once

#include "dr-pg-conn.h"
#include "dr-pg-photo-blob.h"

G_BEGIN_DECLS

/* The default cache folder. */
char *dr_pg_photo_cache_default_dir (void);

/* Where the cached file of the photo with @sha256 and base name @name is (or will be) kept in
 * @cache_dir (NULL: the default); fetches nothing. NULL when @sha256 is not 64 hex digits. */
char *dr_pg_photo_cache_path (const char *cache_dir, const char *sha256, const char *name);

/* The verified local file of team @team_id's photo with @sha256 (and base name @name), fetched
 * into @cache_dir when missing or damaged. NULL with a one-line error naming the server or the
 * file otherwise. */
char *dr_pg_photo_cache_get (DrPgConn   *conn,
                             const char *cache_dir,
                             gint64      team_id,
                             const char *sha256,
                             const char *name,
                             GError    **error);

G_END_DECLS
