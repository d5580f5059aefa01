/* dr-sqlite.h — the SQLite backend of the store: one project = one SQLite file. All SQL of the
 * store lives in this folder (and in dr-schema.c / dr-project-check.c, its schema and checks). */
#pragma once

#include <sqlite3.h>

#include "dr-project.h"

G_BEGIN_DECLS

typedef struct _DrStoreBackend DrStoreBackend;

/* The SQLite implementation of DrStoreBackend (dr-store-backend.h); static, never freed. */
const DrStoreBackend *dr_sqlite_backend (void);

/* The connection of a project opened with the SQLite backend, for tests that check the file
 * with SQL of their own. From a thread other than the opener's it logs a g_critical and
 * returns NULL; NULL for a project of another backend. */
sqlite3 *dr_sqlite_project_get_db (DrProject *project);

G_END_DECLS
