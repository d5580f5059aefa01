/* dr-pg-backend.h — the PostgreSQL implementation of DrStoreBackend (dr-store-backend.h): a team
 * project opened through the store's ordinary API. dr_project_open uses it when the location is
 * a connection string, so every caller that takes a project path (the window, the commands, the
 * edit writer, the session's writer, the report) takes a server too.
 *
 * Location. A libpq connection string: a postgresql:// (or postgres://) URI, "service=NAME" or
 * keyword=value pairs (dr_pg_is_conninfo). The password comes from ~/.pgpass or the service
 * file; a password written into the URI works but is then part of dr_project_get_path, so do not.
 * The location is kept as given, so a worker thread can open its own connection with it.
 *
 * Team. A login that is a member of exactly one team works on that team. A member of several
 * picks one with the custom setting dr.team in the connection's options, e.g.
 * postgresql://host/db?options=-c%20dr.team%3Dclaims-east (service file: options=-c dr.team=…);
 * the same rule as the commands' --team (dr_pg_team_resolve). Every read and write is limited to
 * that team; row-level security limits it to the member's teams in any case.
 *
 * Schema. The team schema must exist at this build's version (the administrator creates or
 * upgrades it with `damage-review team-init URI`); DR_PROJECT_OPEN_CREATE does not create it.
 * A missing, older or newer schema is UNSUPPORTED; an unreachable server, bad connection string,
 * rejected password or a login in no team is IO; each one line naming the server.
 *
 * Identity. Authors are the login role: revisions, verdicts and notes are stored with the
 * column default session_user, and the author a caller passes (DrRevision.author, DrReview.author,
 * note author) is IGNORED — the row-level security policy would refuse any other name anyway.
 * Reading back, author is origin_author (the name a pushed file recorded) when set, else the role.
 *
 * Photos. Bytes live in dr.photo_blobs; DrPhotoInfo.path is the photo's file in the local photo
 * cache (dr-pg-photo-cache.h, CACHE/SHA[0:2]/SHA/NAME). photo_collect of ONE photo and
 * photo_list_readable (analysis, export, label import) fetch each file if it is missing or damaged
 * and verify its SHA-256 before returning; photo_collect of the whole list only names the cache
 * path (a list of 100,000 photos must not download them all) — open the photo through
 * dr_photo_get to have it fetched. Scanned files added by photo_put_scan are uploaded (bounded by
 * DR_PG_MAX_PHOTO_BYTES; the server re-checks the SHA-256).
 *
 * Heads. head_move is dr_pg_edit_move_head (dr-pg-edit.h): compare-and-swap on the version,
 * CONFLICT naming the member who moved it when it lost. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DrStoreBackend DrStoreBackend;

/* The PostgreSQL implementation of DrStoreBackend; static, never freed. */
const DrStoreBackend *dr_pg_backend (void);

typedef struct _DrStoreConn DrStoreConn;

/* The backend's open without blocking the calling thread (dr_pg_conn_open_async: a non-blocking
 * connect driven by the calling thread's thread-default main context, then the short schema and
 * team statements), for dr_project_open_async. Cancelling gives G_IO_ERROR_CANCELLED. */
void dr_pg_backend_open_async (const char          *location,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);

/* The connection (freed with its backend's close) or NULL with the same errors as open. */
DrStoreConn *dr_pg_backend_open_finish (GAsyncResult *result, GError **error);

G_END_DECLS
