/* dr-pg-migrate.h — versioned migrations of the team schema, embedded in the binary.
 *
 * Migrations are the files src/store/pg/migrations/NNN-NAME.sql, compiled into the binary as a
 * GResource (dr-pg.gresource.xml) and applied in the order of NNN, which is the schema version
 * they produce. dr_pg_migrate applies every missing one in ONE transaction that first takes a
 * transaction-level advisory lock, so two clients migrating at once serialise and the second
 * finds nothing left to do; each applied version is recorded in dr.schema_version (version,
 * name, applied_at, applied_by = session_user). A failure rolls everything back.
 *
 * Adding a migration: write migrations/NNN-NAME.sql (NNN = the next number, three digits),
 * list it in dr-pg.gresource.xml, grant what dr_member needs inside it, and give the tests a
 * case for it. Never edit a migration that has been merged: add another.
 */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* The schema version this build produces: the highest NNN among the embedded migrations. */
int dr_pg_migrate_latest_version (void);

/* The SQL text of migration @version (1 … latest), or NULL. */
GBytes *dr_pg_migrate_get_sql (int version);

/* Reads the schema version of @conn's database into @version: 0 when it has no
 * dr.schema_version table. FALSE with error when the server refuses (e.g. no rights on "dr"). */
gboolean dr_pg_migrate_read_version (DrPgConn *conn, int *version, GError **error);

/* Brings the schema of @conn's database to dr_pg_migrate_latest_version (). A schema newer than
 * this build is left untouched and reported (DR_PG_ERROR_SCHEMA_NEW); missing rights give
 * DR_PG_ERROR_PERMISSION. TRUE when the schema is current afterwards. */
gboolean dr_pg_migrate (DrPgConn *conn, GError **error);

G_END_DECLS
