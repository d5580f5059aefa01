/* dr-team-photo.h — a team project's photo as a local file, for the window's decoders.
 *
 * A team project's photo list names each photo's place in the local photo cache without
 * fetching it (a 100,000-photo list must not download everything). Before the canvas or the
 * thumbnailer decodes a photo, dr_team_photo_fetch makes sure that file holds exactly the
 * photo's bytes: a cached file whose SHA-256 matches is used as it is, without the server;
 * otherwise the photo is fetched and verified through the store (dr_photo_get) on a connection
 * opened for that call. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Blocking (a worker thread). The local file of photo @photo_id (@sha256, its listed @path)
 * of the team project @location, newly allocated; NULL with a one-line error when the server
 * cannot give it or its bytes fail verification (DR_STORE_ERROR_CORRUPT). */
char *dr_team_photo_fetch (const char *location, gint64 photo_id, const char *sha256,
                           const char *path, GError **error);

G_END_DECLS
