/* dr-sqlite-private.h — shared by the files of the SQLite backend (dr-sqlite-*.c) only. */
#pragma once

#include <sqlite3.h>

#include "dr-sqlite.h"
#include "dr-store-backend.h"

G_BEGIN_DECLS

/* One SQLite connection (WAL, foreign keys on, synchronous=FULL, busy timeout) with its cache
 * of prepared statements. */
typedef struct {
  DrStoreConn parent;
  sqlite3 *db;
  GHashTable *statements;  /* SQL text (owned by the statement) → sqlite3_stmt */
  int schema_version;
  guint transaction_depth;
  gboolean contents_checked;  /* opened with DR_PROJECT_OPEN_CHECKED */
  gboolean opening;           /* inside open_connection: no reopen from its migration */
} DrSqliteConn;

/* The SQLite connection behind a DrStoreConn of this backend. */
#define DR_SQLITE_CONN(conn) ((DrSqliteConn *) (conn))

/* A statement owned by the connection: prepared once per distinct SQL text and cached until
 * the connection closes; returned reset with its bindings cleared. Reset it after use (declare
 * it g_autoptr (DrSqliteStmt)). The same SQL text always gives the same statement, so a caller
 * must not prepare that text again while stepping it. NULL and error on SQL errors. */
typedef sqlite3_stmt DrSqliteStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrSqliteStmt, sqlite3_reset)
DrSqliteStmt *dr_sqlite_prepare (DrSqliteConn *self, const char *sql, GError **error);

/* dr_sqlite_prepare, then binds the arguments to ?1, ?2, … as types says, one character per
 * parameter: 'i' int; 'I' gint64; 'r' gint64 id, NULL when <= 0; 'n' gint64, NULL when < 0;
 * 'f' double, NULL when < 0; 't' const char *, NULL when NULL. Cast each argument to exactly
 * that type (they pass through "..."). */
DrSqliteStmt *dr_sqlite_query (DrSqliteConn *self, GError **error, const char *sql,
                               const char *types, ...);

/* dr_sqlite_query, then stepped to its end: one write; FALSE with error unless SQLITE_DONE. */
gboolean dr_sqlite_write (DrSqliteConn *self, GError **error, const char *sql,
                          const char *types, ...);

/* What dr_sqlite_step_each does with each row; FALSE (with error set) stops the walk. */
typedef gboolean (*DrSqliteRowFunc) (DrSqliteStmt *stmt, gpointer data, GError **error);

/* Calls func on every row of stmt; FALSE with error when func fails or stepping fails (then
 * "LOCATION: WHAT: message"). */
gboolean dr_sqlite_step_each (DrSqliteConn *self, DrSqliteStmt *stmt, DrSqliteRowFunc func,
                              gpointer data, const char *what, GError **error);

/* Steps stmt to its one row: TRUE on a row; otherwise FALSE with error — DATABASE (or as
 * dr_sqlite_set_error chooses) naming what on failure, NOT_FOUND "LOCATION: MISSING" (a printf
 * format) when there is no row. */
gboolean dr_sqlite_step_found (DrSqliteConn *self, DrSqliteStmt *stmt, const char *what,
                               GError **error, const char *missing, ...) G_GNUC_PRINTF (5, 6);

/* Steps stmt to its first row: TRUE on a row; FALSE without error when there is none; FALSE
 * with error (naming what was being done) on failure. */
gboolean dr_sqlite_step_row (DrSqliteConn *self, DrSqliteStmt *stmt, const char *what,
                             GError **error);

/* Sets error from the connection's last SQLite error, as "PATH: WHAT: MESSAGE", choosing the
 * DrStoreError code from the result (disk full / read-only → IO, corrupt → CORRUPT). */
void dr_sqlite_set_error (DrSqliteConn *self, GError **error, const char *what);

/* Rows changed by the last write. */
gint64 dr_sqlite_changes (DrSqliteConn *self);

/* Text column as a new string, NULL for SQL NULL. */
char *dr_sqlite_column_dup (DrSqliteStmt *stmt, int column);

/* Opens one snapshot for several reads when no transaction is open; *own tells
 * dr_sqlite_end_read whether to close it. */
gboolean dr_sqlite_begin_read (DrSqliteConn *self, gboolean *own, const char *what,
                               GError **error);
void dr_sqlite_end_read (DrSqliteConn *self, gboolean own);

/* The backend's functions, by kind (dr-sqlite-<kind>.c). */
DrStoreConn *dr_sqlite_open (const char *path, DrProjectOpenFlags flags, GError **error);
void dr_sqlite_close (DrStoreConn *conn);
int dr_sqlite_get_schema_version (DrStoreConn *conn);
gboolean dr_sqlite_is_read_only (DrStoreConn *conn);
gboolean dr_sqlite_is_lost (DrStoreConn *conn);
gboolean dr_sqlite_reopen_if_writable (DrStoreConn *conn, GError **error);
gboolean dr_sqlite_begin (DrStoreConn *conn, GError **error);
gboolean dr_sqlite_commit (DrStoreConn *conn, GError **error);
void dr_sqlite_rollback (DrStoreConn *conn);

gboolean dr_sqlite_claim_ensure (DrStoreConn *conn, const char *name, gint64 *id, GError **error);
gboolean dr_sqlite_claim_rename (DrStoreConn *conn, gint64 id, const char *name, GError **error);
GPtrArray *dr_sqlite_claim_list (DrStoreConn *conn, GError **error);

gboolean dr_sqlite_photo_collect (DrStoreConn *conn, gint64 photo_id, GPtrArray *photos,
                                  guint8 *current_models, GError **error);
gboolean dr_sqlite_photo_list_readable (DrStoreConn *conn, GPtrArray *photos, GError **error);
gboolean dr_sqlite_photo_get_size (DrStoreConn *conn, gint64 photo_id, guint *width,
                                   guint *height, GError **error);
gboolean dr_sqlite_photo_find_sha256 (DrStoreConn *conn, const char *sha256, gboolean *exists,
                                      gboolean *has_error, GError **error);
gboolean dr_sqlite_photo_put_scan (DrStoreConn *conn, const DrImportScan *scan, gint64 claim_id,
                                   gint64 added, GError **error);
gboolean dr_sqlite_photo_set_claim (DrStoreConn *conn, gint64 photo_id, gint64 claim_id,
                                    GError **error);
gboolean dr_sqlite_photo_set_error (DrStoreConn *conn, gint64 photo_id, const char *message,
                                    GError **error);

gboolean dr_sqlite_model_set_current (DrStoreConn *conn, DrDamage damage, const char *sha256,
                                      const char *path, const char *name, gint64 added,
                                      GError **error);
char *dr_sqlite_model_dup_current (DrStoreConn *conn, DrDamage damage, GError **error);
gboolean dr_sqlite_prediction_put (DrStoreConn *conn, const DrPrediction *p, GError **error);
DrPrediction *dr_sqlite_prediction_get_current (DrStoreConn *conn, gint64 photo_id,
                                                DrDamage damage, GError **error);
GArray *dr_sqlite_prediction_missing (DrStoreConn *conn, DrDamage damage,
                                      const char *model_sha256, GError **error);

gboolean dr_sqlite_revision_insert (DrStoreConn *conn, const DrRevision *r, gint64 *id,
                                    GError **error);
DrRevision *dr_sqlite_revision_get (DrStoreConn *conn, gint64 revision_id, GError **error);
gboolean dr_sqlite_revision_newest_child (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                          gint64 parent_id, gint64 *child, GError **error);
GPtrArray *dr_sqlite_revision_list_path (DrStoreConn *conn, gint64 revision_id, GError **error);
gboolean dr_sqlite_head_get (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                             gint64 *revision_id, gint64 *version, GError **error);
gboolean dr_sqlite_head_move (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                              gint64 seen_version, gint64 revision_id, gint64 *new_version,
                              GError **error);

gboolean dr_sqlite_review_insert (DrStoreConn *conn, DrReview *r, GError **error);
DrReview *dr_sqlite_review_get_newest (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                       gboolean any_revision, gint64 revision_id,
                                       GError **error);
gboolean dr_sqlite_note_insert (DrStoreConn *conn, gint64 photo_id, const char *text,
                                const char *author, gint64 created, const char *key,
                                GError **error);
char *dr_sqlite_note_dup_newest (DrStoreConn *conn, gint64 photo_id, GError **error);

gboolean dr_sqlite_ground_truth_put (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                     const char *source, const char *rle, gint64 area,
                                     gint64 imported, GError **error);
gboolean dr_sqlite_evaluation_foreach (DrStoreConn *conn, DrStoreEvaluationFunc func,
                                       gpointer user_data, GError **error);

G_END_DECLS
