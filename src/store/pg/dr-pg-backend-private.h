/* dr-pg-backend-private.h — shared by the files of the PostgreSQL store backend
 * (dr-pg-backend*.c) only. */
#pragma once

#include <libpq-fe.h>

#include "dr-pg-conn.h"
#include "dr-store-backend.h"

G_BEGIN_DECLS

/* One team project: a libpq connection and the team it works on. */
typedef struct {
  DrStoreConn parent;      /* location = the connection string, as given (re-openable) */
  DrPgConn *pg;
  gint64 team_id;
  char *team;              /* team_id as text, the first parameter of most statements */
  guint transaction_depth;
} DrPgBackendConn;

#define DR_PG_BACKEND_CONN(conn) ((DrPgBackendConn *) (conn))

/* A time in microseconds since the epoch, given as parameter $n, as a timestamptz (exact). */
#define DR_PG_TIME_OF(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"
/* A timestamptz column as microseconds since the epoch (exact: extract gives numeric). */
#define DR_PG_MICROS(col) "(extract (epoch FROM " col ") * 1000000)::bigint"

/* Runs a prepared statement and turns a DR_PG_ERROR into the DR_STORE_ERROR the store expects
 * (CONFLICT → CONFLICT, NOT_FOUND → NOT_FOUND, UNREACHABLE → IO, anything else → DATABASE);
 * the message keeps naming the server. */
PGresult *dr_pg_backend_exec (DrPgBackendConn *self, const char *name, const char *sql,
                              int n_params, const char *const *params, GError **error);

/* Converts an error from the pg modules (DR_PG_ERROR) in place into DR_STORE_ERROR as above. */
void dr_pg_backend_convert_error (GError **error);

/* Value (r, c) of a result from the server, range-checked: an integer in [min, max] into *out
 * (SQL NULL reads as null_value, which need not be in range, or is refused like an
 * out-of-range value when null_value is DR_PG_BACKEND_NOT_NULL). FALSE with a DATABASE error
 * "SERVER: WHAT: the server sent an out-of-range value" otherwise. */
gboolean dr_pg_backend_int (DrPgBackendConn *self, const PGresult *res, int r, int c,
                            gint64 min, gint64 max, gint64 null_value, gint64 *out,
                            const char *what, GError **error);

/* The same for a double in [min, max] (NULL reads as null_value). */
gboolean dr_pg_backend_double (DrPgBackendConn *self, const PGresult *res, int r, int c,
                               double min, double max, double null_value, double *out,
                               const char *what, GError **error);

/* Text value (r, c) as a new string, NULL for SQL NULL; FALSE with error when it is longer
 * than max_bytes. */
gboolean dr_pg_backend_text (DrPgBackendConn *self, const PGresult *res, int r, int c,
                             gsize max_bytes, char **out, const char *what, GError **error);

/* Sets NOT_FOUND "SERVER: no photo with id N" (a write named a photo the team does not have);
 * returns FALSE. */
gboolean dr_pg_backend_no_photo (DrPgBackendConn *self, gint64 photo_id, GError **error);

/* Longest text read from the server: masks (RLE) and notes. */
#define DR_PG_BACKEND_MAX_TEXT (G_GINT64_CONSTANT (64) * 1024 * 1024)
/* null_value for dr_pg_backend_int: the column must not be NULL (an id, a damage, a size),
 * whatever the schema says, since the server is not trusted. */
#define DR_PG_BACKEND_NOT_NULL G_MININT64
/* Largest id, count, area or size accepted from the server. */
#define DR_PG_BACKEND_MAX_INT G_MAXINT64

/* The backend's functions, by kind (dr-pg-backend-<kind>.c). */
DrStoreConn *dr_pg_backend_open (const char *location, DrProjectOpenFlags flags, GError **error);
void dr_pg_backend_close (DrStoreConn *conn);
int dr_pg_backend_get_schema_version (DrStoreConn *conn);
gboolean dr_pg_backend_is_read_only (DrStoreConn *conn);
gboolean dr_pg_backend_is_lost (DrStoreConn *conn);
gboolean dr_pg_backend_reopen_if_writable (DrStoreConn *conn, GError **error);
gboolean dr_pg_backend_begin (DrStoreConn *conn, GError **error);
gboolean dr_pg_backend_commit (DrStoreConn *conn, GError **error);
void dr_pg_backend_rollback (DrStoreConn *conn);

gboolean dr_pg_backend_claim_ensure (DrStoreConn *conn, const char *name, gint64 *id,
                                     GError **error);
gboolean dr_pg_backend_claim_rename (DrStoreConn *conn, gint64 id, const char *name,
                                     GError **error);
GPtrArray *dr_pg_backend_claim_list (DrStoreConn *conn, GError **error);

gboolean dr_pg_backend_photo_collect (DrStoreConn *conn, gint64 photo_id, GPtrArray *photos,
                                      guint8 *current_models, GError **error);
gboolean dr_pg_backend_photo_list_readable (DrStoreConn *conn, GPtrArray *photos,
                                            GError **error);
gboolean dr_pg_backend_photo_get_size (DrStoreConn *conn, gint64 photo_id, guint *width,
                                       guint *height, GError **error);
gboolean dr_pg_backend_photo_find_sha256 (DrStoreConn *conn, const char *sha256,
                                          gboolean *exists, gboolean *has_error,
                                          GError **error);
gboolean dr_pg_backend_photo_put_scan (DrStoreConn *conn, const DrImportScan *scan,
                                       gint64 claim_id, gint64 added, GError **error);
gboolean dr_pg_backend_photo_set_claim (DrStoreConn *conn, gint64 photo_id, gint64 claim_id,
                                        GError **error);
gboolean dr_pg_backend_photo_set_error (DrStoreConn *conn, gint64 photo_id, const char *message,
                                        GError **error);

gboolean dr_pg_backend_model_set_current (DrStoreConn *conn, DrDamage damage, const char *sha256,
                                          const char *path, const char *name, gint64 added,
                                          GError **error);
char *dr_pg_backend_model_dup_current (DrStoreConn *conn, DrDamage damage, GError **error);
gboolean dr_pg_backend_prediction_put (DrStoreConn *conn, const DrPrediction *p, GError **error);
DrPrediction *dr_pg_backend_prediction_get_current (DrStoreConn *conn, gint64 photo_id,
                                                    DrDamage damage, GError **error);
GArray *dr_pg_backend_prediction_missing (DrStoreConn *conn, DrDamage damage,
                                          const char *model_sha256, GError **error);

gboolean dr_pg_backend_revision_insert (DrStoreConn *conn, const DrRevision *r, gint64 *id,
                                        GError **error);
DrRevision *dr_pg_backend_revision_get (DrStoreConn *conn, gint64 revision_id, GError **error);
gboolean dr_pg_backend_revision_newest_child (DrStoreConn *conn, gint64 photo_id,
                                              DrDamage damage, gint64 parent_id, gint64 *child,
                                              GError **error);
GPtrArray *dr_pg_backend_revision_list_path (DrStoreConn *conn, gint64 revision_id,
                                             GError **error);
gboolean dr_pg_backend_head_get (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                 gint64 *revision_id, gint64 *version, GError **error);
gboolean dr_pg_backend_head_move (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                  gint64 seen_version, gint64 revision_id, gint64 *new_version,
                                  GError **error);
char    *dr_pg_backend_head_mover (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                    GError **error);

gboolean dr_pg_backend_review_insert (DrStoreConn *conn, DrReview *r, GError **error);
DrReview *dr_pg_backend_review_get_newest (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                           gboolean any_revision, gint64 revision_id,
                                           GError **error);
gboolean dr_pg_backend_note_insert (DrStoreConn *conn, gint64 photo_id, const char *text,
                                    const char *author, gint64 created, const char *key,
                                    GError **error);
char *dr_pg_backend_note_dup_newest (DrStoreConn *conn, gint64 photo_id, GError **error);

gboolean dr_pg_backend_ground_truth_put (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                         const char *source, const char *rle, gint64 area,
                                         gint64 imported, GError **error);
gboolean dr_pg_backend_evaluation_foreach (DrStoreConn *conn, DrStoreEvaluationFunc func,
                                           gpointer user_data, GError **error);

G_END_DECLS
