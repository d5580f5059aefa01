/* dr-path-settings.h — settings that remember files (the last project, the recent projects,
 * the last photo). File names need not be UTF-8 and GSettings strings must be, so a file is
 * stored as a file: URI; a plain path, what versions before it stored, is still read. A team
 * project's location (a connection string, dr_pg_is_conninfo) is stored as it is. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The file a stored value names, newly allocated: a file: URI's path, or the value itself
 * when it is a plain absolute path (older versions) or a connection string; NULL for "" or
 * anything else. */
char  *dr_path_settings_decode  (const char *value);
/* The value that stores path (a file: URI, valid UTF-8; a connection string as it is),
 * newly allocated; NULL when path is neither absolute nor a UTF-8 connection string, and for
 * a connection string that carries a password (never stored). */
char  *dr_path_settings_encode  (const char *path);
/* The file string key of settings names, or NULL (see dr_path_settings_decode). */
char  *dr_path_settings_get     (GSettings *settings, const char *key);
/* Stores path in string key as a file: URI; FALSE (nothing stored) when path is not
 * absolute. */
gboolean dr_path_settings_set   (GSettings *settings, const char *key, const char *path);

G_END_DECLS
