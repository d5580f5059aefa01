/* dr-pg-password.h — passwords typed in the window, kept in this process's memory only.
 *
 * A team project's location (a connection string) never holds the password: it is shown, kept
 * in the recent list and settings, and re-opened by worker threads. A password typed in the
 * connect dialog (or found in the GNOME keyring) is registered here for its exact location, and
 * every connection the store opens for that location (dr_pg_conn_open: the window's, the edit
 * writer's, the import task's; the live watch's) passes it to libpq as the "password"
 * parameter of PQconnectdbParams. Nothing is written anywhere and no environment variable is
 * set. Safe to call from any thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remembers @password for connections to @location; NULL or "" forgets it. The previous
 * value is wiped from memory. */
void dr_pg_password_set (const char *location, const char *password);

/* A copy of the password registered for @location, or NULL. Free it with
 * dr_pg_password_free (wipes it). */
char *dr_pg_password_dup (const char *location);

/* Wipes and frees a password copy; NULL is allowed. */
void dr_pg_password_free (char *password);

/* Seconds a connect may take unless the location or PGCONNECT_TIMEOUT says otherwise (libpq
 * would wait for ever on a server that went silent). */
#define DR_PG_CONNECT_TIMEOUT_S 10

/* Milliseconds data sent to a team server may stay unacknowledged before the connection
 * counts as lost (a network path gone silent), unless the location says otherwise. */
#define DR_PG_TCP_USER_TIMEOUT_MS 20000

/* The parameters of PQconnectdbParams / PQconnectStartParams for @location (expanded through
 * "dbname", expand_dbname = 1) plus @n_extra further keyword/value pairs, and the registered
 * password if any, last so that it wins. Unless PGCONNECT_TIMEOUT is set, connect_timeout
 * DR_PG_CONNECT_TIMEOUT_S comes first, then TCP keepalives and tcp_user_timeout
 * (DR_PG_TCP_USER_TIMEOUT_MS), so the location overrides any of them (libpq keeps the last
 * value of a repeated keyword). Arrays are NULL-terminated; free both with
 * dr_pg_password_params_free. */
void dr_pg_password_params (const char  *location,
                            const char  *const *extra_keys,
                            const char  *const *extra_values,
                            guint        n_extra,
                            char      ***keys,
                            char      ***values);

/* Frees what dr_pg_password_params returned, wiping the values. */
void dr_pg_password_params_free (char **keys, char **values);

G_END_DECLS
