/* dr-pg-model-set.h — the checkpoints a team project is analysed with.
 *
 * The model set is dr.models WHERE current: per damage type the checkpoint's SHA-256, its
 * original file name and the model name. The checkpoint bytes are stored once per team in
 * dr.model_blobs (content-addressed; the server checks the digest), so every worker can
 * run exactly the same models with nothing but the connection string.
 *
 * Same thread rule as DrPgConn; errors are one line naming the server (or the file).
 */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* One current model of a team. */
typedef struct {
  int damage;     /* DrDamage */
  char *sha256;   /* lower-case hex */
  char *path;     /* the file it was registered from (its base name says .pt or .safetensors) */
} DrPgModel;

void dr_pg_model_free (DrPgModel *model);

/* The team's current models, ordered by damage (a GPtrArray of DrPgModel, maybe empty), or
 * NULL with error. */
GPtrArray *dr_pg_model_set_list (DrPgConn *conn, gint64 team, GError **error);

/* Stores the checkpoint at @path (whose SHA-256 the caller computed as @sha256) unless the
 * team has those bytes already, then makes it the current model of @damage (a lead only:
 * refused otherwise with DR_PG_ERROR_PERMISSION). @path must be at most 1 GB (bytea). */
gboolean dr_pg_model_set_register (DrPgConn *conn, gint64 team, int damage, const char *path,
                                   const char *sha256, const char *name, GError **error);

/* Writes the stored bytes of checkpoint @sha256 to @dest (through a temporary file renamed
 * into place only after the bytes' SHA-256 matched), reading them in bounded chunks. */
gboolean dr_pg_model_set_fetch (DrPgConn *conn, gint64 team, const char *sha256,
                                const char *dest, GError **error);

G_END_DECLS
