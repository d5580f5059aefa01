/* dr-schema.h — the project file's schema, one migration per version. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "DRev": PRAGMA application_id of every Damage Review project file. */
#define DR_SCHEMA_APPLICATION_ID 0x44526576

/* The newest schema version this build writes (PRAGMA user_version). */
#define DR_SCHEMA_VERSION 2

/* The SQL that takes a file from version - 1 to version (1 … DR_SCHEMA_VERSION). It does not set
 * user_version and does not open a transaction: the caller runs it inside one and then sets
 * user_version. NULL for any other version. */
const char *dr_schema_migration (int version);

G_END_DECLS
