/* dr-keyring.h — team project passwords in the GNOME keyring (libsecret).
 *
 * One item per login on a server: schema io.github.damagereview.DamageReview.TeamLogin with
 * the attributes server, port, database and login, as dr_pg_location_get_parts reads them from
 * the location (so a location typed again, in another form, finds the same item as long as
 * those four agree). The password never leaves the keyring except into dr-pg-password's
 * memory. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The attributes (server, port, database, login) of @location's keyring item, as a new
 * string → string table; NULL when the location cannot be parsed. */
GHashTable *dr_keyring_attributes (const char *location);

/* Blocking: the password stored for @location, or NULL (none, no keyring, or an error, which is
 * logged at debug level only). Call it from a worker thread. Free with dr_pg_password_free. */
char *dr_keyring_lookup_sync (const char *location, GCancellable *cancellable);

/* Stores @password for @location without blocking; @callback (may be NULL) gets the result,
 * finished with dr_keyring_store_finish. */
void dr_keyring_store_async (const char         *location,
                             const char         *password,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
gboolean dr_keyring_store_finish (GAsyncResult *result, GError **error);

G_END_DECLS
