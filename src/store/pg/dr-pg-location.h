/* dr-pg-location.h — what the window shows and keys on for a team project's location (a
 * connection string that dr_pg_is_conninfo accepts), read with libpq's own parser and never
 * connecting. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The parts of a location a person recognises and the keyring keys on; each "" when the
 * location does not say (libpq then takes it from the environment or the service file). */
typedef struct {
  char *server;     /* host name (or socket folder), or "service NAME" for a service */
  char *port;
  char *database;
  char *login;
} DrPgLocationParts;

/* Parses @location; FALSE (and @parts untouched) when libpq cannot parse it. */
gboolean dr_pg_location_get_parts (const char *location, DrPgLocationParts *parts);

/* Frees the strings of @parts (not @parts itself). */
void dr_pg_location_parts_clear (DrPgLocationParts *parts);

/* "DATABASE@SERVER" for lists and titles ("DATABASE@localhost" for a local socket; a service
 * shows its name), never the password; NULL when the location cannot be parsed. */
char *dr_pg_location_describe (const char *location);

/* Whether @location itself carries a password (user:password@ or password=): such a location
 * must not be stored or shown. */
gboolean dr_pg_location_has_password (const char *location);

/* @location with the login role @login (a URI gets a user= query parameter, keyword=value text
 * a quoted user= pair at the end, which libpq lets override an earlier one). @login "" or NULL
 * returns a copy of @location. */
char *dr_pg_location_with_login (const char *location, const char *login);

G_END_DECLS
