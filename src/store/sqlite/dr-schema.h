/* dr-schema.h — the project file's schema, one migration per version. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "DRev" (0x44526576): PRAGMA application_id of every Damage Review project file. Decimal, so
 * that G_STRINGIFY gives the SQL literal. */
#define DR_SCHEMA_APPLICATION_ID 1146250614

/* The newest schema version this build writes (PRAGMA user_version). */
#define DR_SCHEMA_VERSION 3

/* The oldest schema this build reads as it is: a file at this version or newer that can only be
 * opened read-only is read without migrating it (heads read as version 0); it is migrated once
 * it is reopened writable. Older files must be migrated to be opened. */
#define DR_SCHEMA_READABLE_MIN 2

/* The SQL that takes a file from version - 1 to version (1 … DR_SCHEMA_VERSION). It does not set
 * user_version and does not open a transaction: the caller runs it inside one and then sets
 * user_version. NULL for any other version. */
const char *dr_schema_migration (int version);

G_END_DECLS
