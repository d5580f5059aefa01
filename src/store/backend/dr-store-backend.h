/* dr-store-backend.h — the interface a project database implements (SQLite today, PostgreSQL
 * next). The store's public API (dr-project, dr-photo, dr-prediction, dr-revision, dr-review,
 * dr-claim, dr-import, dr-label-import, export, evaluate) holds the rules — validation, RLE
 * checks, status derivation, IoU — and calls these functions for every row it reads or writes.
 * No SQL and no database type appears outside the backend that implements them.
 *
 * Connection and threads. A backend's open() returns a DrStoreConn whose first member is the
 * DrStoreConn header below. The connection belongs to the thread that opened it; DrProject
 * checks the owner thread before every call (a call from another thread never reaches the
 * backend), so a backend needs no locking of its own. A worker that writes opens its own
 * connection on its own thread.
 *
 * Errors. Every function that can fail takes a GError ** last and returns FALSE / NULL with it
 * set: a one-line message that names the connection's location (file path or server) and the
 * reason, in the DR_STORE_ERROR domain (dr-store-error.h). NOT_FOUND where a named row is
 * missing; CONFLICT when a compare-and-swap on a head lost; DATABASE for anything else the
 * database reports; CORRUPT / UNSUPPORTED / IO at open as documented on open().
 * "NULL without error" means "no such row" for the getters that say so.
 *
 * Transactions. begin() opens a transaction (nested calls nest: savepoints), commit() makes
 * everything since the matching begin() durable, rollback() undoes it. Every begin needs exactly
 * one commit or rollback. Functions below that write several rows (revision + head, model flags)
 * are called by the store inside begin/commit; single-row writes may run outside a transaction
 * (autocommit). Reads outside a transaction may each see a different snapshot, except where a
 * function says it reads one snapshot.
 *
 * Append-only. revisions, reviews (verdicts) and notes are never updated or deleted: the
 * backend offers only insert and read for them and should refuse UPDATE/DELETE in the database
 * itself (SQLite: triggers; PostgreSQL: grants / rules). Heads are the only mutable pointer into
 * the revision tree; predictions, ground truth, photo error / claim, claim names and model flags
 * are the other mutable rows.
 *
 * Heads and compare-and-swap. Each layer (photo × damage) has a head: the revision it shows (0 =
 * the model's prediction) and a version counter. A layer that never had a head row reads as
 * (revision 0, version 0). head_move() succeeds only when the stored version still equals the
 * version the caller read; it then sets the revision, increments the version by exactly one and
 * returns the new version; otherwise it changes nothing and fails with DR_STORE_ERROR_CONFLICT.
 * The counter (not the revision id) is compared, so A → B → undo → A is still seen as a change.
 *
 * Ids and times. Row ids are positive gint64 assigned by the database and grow with insertion
 * order (the store orders "newest" by id). Times are microseconds since the Unix epoch, UTC,
 * chosen by the store (dr_project_now) and stored as given. Damage is 0 … 3 (DrDamage). Masks
 * are COCO compressed RLE strings, stored and returned byte for byte. */
#pragma once

#include "dr-claim.h"
#include "dr-damage.h"
#include "dr-import.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"

G_BEGIN_DECLS

typedef struct _DrStoreBackend DrStoreBackend;
typedef struct _DrStoreConn DrStoreConn;

/* The part of every connection the store may read; a backend's own connection struct starts
 * with it. */
struct _DrStoreConn {
  const DrStoreBackend *backend;
  char *location;          /* file path or server/project name, for messages; owned */
};

/* One (ground truth, prediction) pair, as evaluation_foreach hands it over; strings are
 * borrowed for the call. model_name is NULL when the model is not registered. */
typedef struct {
  DrDamage damage;
  const char *model_sha256;
  const char *model_name;
  const char *source;      /* label source of the ground truth */
  gint64 photo_id;
  guint width, height;     /* the photo's oriented size */
  const char *truth_rle;
  const char *prediction_rle;
} DrStoreEvaluationPair;

/* Called once per pair; returning FALSE (with error set) stops the walk with that error. */
typedef gboolean (*DrStoreEvaluationFunc) (const DrStoreEvaluationPair *pair, gpointer user_data,
                                           GError **error);

struct _DrStoreBackend {
  const char *name;                        /* "sqlite", "postgresql" */

  /* ---- connection, project metadata, transactions ---- */

  /* Opens the project at location (a file path for SQLite, a connection string for a server),
   * creating it when flags has DR_PROJECT_OPEN_CREATE, checks it and migrates it to the newest
   * schema (each step atomic: a failed migration leaves the previous version). Refused projects
   * are not modified: IO (missing, unreadable), CORRUPT (not a database, damaged),
   * UNSUPPORTED (another application's database, or a schema newer than this build). */
  DrStoreConn *(*open) (const char *location, DrProjectOpenFlags flags, GError **error);
  /* Closes and frees the connection (NULL allowed); an open transaction is rolled back. */
  void (*close) (DrStoreConn *conn);
  /* The schema version of the open project (the newest after a successful open). */
  int (*get_schema_version) (DrStoreConn *conn);
  /* TRUE when writes will fail because the project could only be opened read-only. */
  gboolean (*is_read_only) (DrStoreConn *conn);
  /* TRUE once the connection is known lost (a server's went away or stopped answering); a
   * lost connection stays lost: the project must be opened again. */
  gboolean (*is_lost) (DrStoreConn *conn);
  /* A read-only connection whose project has become writable is replaced by a read-write one;
   * otherwise nothing changes. Writes nothing. FALSE only when reopening failed. */
  gboolean (*reopen_if_writable) (DrStoreConn *conn, GError **error);
  /* See "Transactions" above. begin at depth 0 takes the write lock at once (SQLite BEGIN
   * IMMEDIATE; PostgreSQL BEGIN), so a write inside never fails half-way for a lock. */
  gboolean (*begin) (DrStoreConn *conn, GError **error);
  gboolean (*commit) (DrStoreConn *conn, GError **error);
  void (*rollback) (DrStoreConn *conn);

  /* ---- claims ---- */

  /* The id of the claim called name (already normalised by the store), inserting it if
   * missing; an existing row is never changed. */
  gboolean (*claim_ensure) (DrStoreConn *conn, const char *name, gint64 *id, GError **error);
  /* Renames claim id. FAILED ("a claim named “NAME” already exists") when another claim has
   * that name, NOT_FOUND for an unknown id;
   * nothing changes on failure. */
  gboolean (*claim_rename) (DrStoreConn *conn, gint64 id, const char *name, GError **error);
  /* Every claim with its photo count, sorted by name; a GPtrArray of DrClaimInfo. */
  GPtrArray *(*claim_list) (DrStoreConn *conn, GError **error);

  /* ---- photos ---- */

  /* Reads, in one snapshot, every photo (photo_id < 0) or the one photo, sorted by claim name,
   * path, id, into photos (DrPhotoInfo, status left 0): the photo columns, claim name, and per
   * damage d — predicted/area/confidence from the current model's prediction, edited/area from
   * a head that names a revision, reviewed from the newest verdict (≠ unreviewed), area = 0
   * when that newest verdict empties the layer and was given on the current head revision.
   * area/confidence are -1 where nothing sets them. *current_models gets bit d for each damage
   * type that has a current model. */
  gboolean (*photo_collect) (DrStoreConn *conn, gint64 photo_id, GPtrArray *photos,
                             guint8 *current_models, GError **error);
  /* Every photo without an error, in id order, into photos (DrPhotoInfo: id, claim_id, claim,
   * path, sha256, size, width, height, added; the rest zero / -1). */
  gboolean (*photo_list_readable) (DrStoreConn *conn, GPtrArray *photos, GError **error);
  /* Width and height of a photo stored without an error; NOT_FOUND otherwise. */
  gboolean (*photo_get_size) (DrStoreConn *conn, gint64 photo_id, guint *width, guint *height,
                              GError **error);
  /* Whether a photo with these bytes exists, and whether it is stored with an error. */
  gboolean (*photo_find_sha256) (DrStoreConn *conn, const char *sha256, gboolean *exists,
                                 gboolean *has_error, GError **error);
  /* Stores a scanned file in claim_id at time added: replaces the row of the same path that
   * has no sha256 (an earlier unreadable file) if there is one, else inserts a new row. The
   * database refuses a row without error that lacks sha256 or dimensions. */
  gboolean (*photo_put_scan) (DrStoreConn *conn, const DrImportScan *scan, gint64 claim_id,
                              gint64 added, GError **error);
  /* Moves a photo to claim_id; NOT_FOUND for an unknown photo. */
  gboolean (*photo_set_claim) (DrStoreConn *conn, gint64 photo_id, gint64 claim_id,
                               GError **error);
  /* Sets a photo's error text (one line); nothing else changes. NOT_FOUND for an unknown id. */
  gboolean (*photo_set_error) (DrStoreConn *conn, gint64 photo_id, const char *message,
                               GError **error);

  /* ---- model records ---- */

  /* Makes (damage, sha256) the one current model of damage, inserting it (path, name, added)
   * or refreshing path and name; the previous current model of damage stops being current.
   * Called inside a transaction. */
  gboolean (*model_set_current) (DrStoreConn *conn, DrDamage damage, const char *sha256,
                                 const char *path, const char *name, gint64 added,
                                 GError **error);
  /* The current model's SHA-256 of damage; NULL without error when there is none. */
  char *(*model_dup_current) (DrStoreConn *conn, DrDamage damage, GError **error);

  /* ---- predictions (derived data: replaced, not appended) ---- */

  /* Stores p (photo, damage, model_sha256, rle, area, confidence (< 0: NULL), created),
   * replacing the row of the same (photo, damage, model). The model must be registered. */
  gboolean (*prediction_put) (DrStoreConn *conn, const DrPrediction *p, GError **error);
  /* The prediction of damage's current model for the photo; NULL without error if none. */
  DrPrediction *(*prediction_get_current) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                           GError **error);
  /* Ids (gint64) of photos without an error that have no prediction by (damage, sha256), in id
   * order. */
  GArray *(*prediction_missing) (DrStoreConn *conn, DrDamage damage, const char *model_sha256,
                                 GError **error);

  /* ---- revisions (append-only) and heads (compare-and-swap) ---- */

  /* Appends r (photo_id, damage, parent_id (0: none), rle, area, author, created, kind) and
   * stores its new id in *id. The database refuses a parent of another layer. Does not move
   * the head. */
  gboolean (*revision_insert) (DrStoreConn *conn, const DrRevision *r, gint64 *id,
                               GError **error);
  /* One revision by id; NOT_FOUND when there is none. */
  DrRevision *(*revision_get) (DrStoreConn *conn, gint64 revision_id, GError **error);
  /* The newest (highest id) revision of the layer whose parent is parent_id (0: the layer's
   * first revisions) into *child, 0 if none. Redo goes there. */
  gboolean (*revision_newest_child) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                     gint64 parent_id, gint64 *child, GError **error);
  /* The revision revision_id and all its ancestors, oldest first (a GPtrArray of DrRevision):
   * the undo history when revision_id is the head. Empty for 0. */
  GPtrArray *(*revision_list_path) (DrStoreConn *conn, gint64 revision_id, GError **error);
  /* The layer's head: *revision_id (0 = the prediction) and *version (0 when the layer never
   * had a head). */
  gboolean (*head_get) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                        gint64 *revision_id, gint64 *version, GError **error);
  /* Compare-and-swap: when the layer's version is still seen_version, points the head at
   * revision_id (0 = the prediction; otherwise a revision of the same layer, the database
   * refuses others), sets the version to seen_version + 1 and stores it in *new_version (may be
   * NULL). Otherwise changes nothing and fails with DR_STORE_ERROR_CONFLICT. */
  gboolean (*head_move) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                         gint64 seen_version, gint64 revision_id, gint64 *new_version,
                         GError **error);
  /* Who last moved the layer's head (a login), newly allocated; NULL without error when the
   * database does not record it or the layer has no head. May be NULL (SQLite: one user). */
  char *(*head_mover) (DrStoreConn *conn, gint64 photo_id, DrDamage damage, GError **error);

  /* ---- reviews / verdicts (append-only) ---- */

  /* Appends r (photo_id, damage, verdict, revision_id (0: NULL), model_sha256 (NULL allowed),
   * author, created, iou/px_added/px_removed (iou < 0: all three NULL)); sets r->id. A backend
   * that records client keys stores a verdict with r->key (not NULL) once: sent again, the
   * first row's id is returned and nothing is added (SQLite, one user, ignores the key). */
  gboolean (*review_insert) (DrStoreConn *conn, DrReview *r, GError **error);
  /* The newest verdict of the layer — among all (any_revision TRUE) or among those given on
   * revision_id (0: on the prediction); NULL without error when there is none. Unknown stored
   * verdict names read as DR_VERDICT_UNREVIEWED, NULL measurements as -1. */
  DrReview *(*review_get_newest) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                  gboolean any_revision, gint64 revision_id, GError **error);

  /* ---- notes (append-only) ---- */

  /* Appends a note (text may be empty: "cleared"); key (NULL: none) as for review_insert. */
  gboolean (*note_insert) (DrStoreConn *conn, gint64 photo_id, const char *text,
                           const char *author, gint64 created, const char *key,
                           GError **error);
  /* The text of the photo's newest note (possibly empty); NULL without error if none. */
  char *(*note_dup_newest) (DrStoreConn *conn, gint64 photo_id, GError **error);

  /* ---- ground truth and evaluation ---- */

  /* Stores one imported ground-truth mask, replacing the row of the same (photo, damage,
   * source). */
  gboolean (*ground_truth_put) (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                const char *source, const char *rle, gint64 area,
                                gint64 imported, GError **error);
  /* Calls func for every (ground truth, prediction of any model) pair of the same photo and
   * damage, sorted by damage, model name, model SHA-256, source, photo id. */
  gboolean (*evaluation_foreach) (DrStoreConn *conn, DrStoreEvaluationFunc func,
                                  gpointer user_data, GError **error);
};

/* Opens a project through backend (dr_project_open uses the SQLite backend): the calling
 * thread becomes the project's owner. Same errors as backend->open. */
DrProject *dr_project_open_with_backend (const DrStoreBackend *backend, const char *location,
                                         DrProjectOpenFlags flags, GError **error);

/* The project's connection, for the store's own modules. From a thread other than the opener's:
 * a g_critical naming both threads and the location (fatal in the tests), error set, NULL — so
 * a misplaced caller fails before the database is touched. */
DrStoreConn *dr_project_get_conn (DrProject *self, const char *func, GError **error);

G_END_DECLS
