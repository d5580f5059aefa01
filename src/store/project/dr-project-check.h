/* dr-project-check.h — what opening a project verifies before anything is written. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Reads the whole file through @db (nothing is written) and verifies what the store relies
 * on: every page, index and CHECK constraint (integrity_check), every foreign key, damage
 * types 0…3 and verdict names, photo sizes within the image bounds and mask areas within
 * their photo. @schema_version says which tables exist. On failure sets a one-line
 * DR_STORE_ERROR_CORRUPT error naming @path, what is wrong (file contents escaped and
 * shortened) and how to recover a copy with the sqlite3 tool. */
gboolean dr_project_check (sqlite3 *db, const char *path, int schema_version, GError **error);

G_END_DECLS
