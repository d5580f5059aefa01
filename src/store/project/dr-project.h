/* dr-project.h — a Damage Review project: one SQLite file (*.damagereview).
 *
 * A DrProject owns one connection (WAL, foreign keys on, synchronous=FULL, 5 s busy timeout)
 * and a cache of prepared statements. It belongs to the thread that opened it: every call
 * below from another thread is refused with a g_critical (fatal in the tests) and an error,
 * before SQLite is touched. A worker that writes opens its own DrProject on its own thread
 * and hands results back to the owner's context (dr-post.h). */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define DR_TYPE_PROJECT (dr_project_get_type ())
G_DECLARE_FINAL_TYPE (DrProject, dr_project, DR, PROJECT, GObject)

/* Suggested file name extension of projects. */
#define DR_PROJECT_EXTENSION ".damagereview"

/* How long a connection waits for another connection's write lock before SQLITE_BUSY. */
#define DR_PROJECT_BUSY_TIMEOUT_MS 5000

typedef enum {
  DR_PROJECT_OPEN_EXISTING = 0,      /* fail if the file does not exist */
  DR_PROJECT_OPEN_CREATE = 1 << 0,   /* create an empty project if the file does not exist */
} DrProjectOpenFlags;

/* Opens (and if asked, creates) the project at path and migrates it to the current schema,
 * each migration step in its own transaction. Fails with a one-line message naming the file:
 * DR_STORE_ERROR_IO (missing, unreadable), _CORRUPT (not a database, damaged), _UNSUPPORTED
 * (another application's SQLite file, or a schema newer than this build — such files are not
 * modified in any way), _DATABASE (anything else SQLite reports). */
DrProject *dr_project_open (const char *path, DrProjectOpenFlags flags, GError **error);

/* TRUE when the connection is read-only (the file was not writable when it was opened, or
 * when it was last reopened). The first write after the file became writable again reopens
 * the connection read-write (see dr_project_begin). */
gboolean dr_project_is_read_only (DrProject *self);

/* A read-only connection whose file has become writable is replaced by a read-write one;
 * otherwise nothing changes. Writes nothing, so the main thread's reading connection may
 * call it to learn that Retry can succeed. FALSE with error only when reopening failed. */
gboolean dr_project_reopen_if_writable (DrProject *self, GError **error);

/* The file the project was opened from. */
const char *dr_project_get_path (DrProject *self);

/* The schema version of the open file (always DR_SCHEMA_VERSION after a successful open). */
int dr_project_get_schema_version (DrProject *self);

/* The connection, for the store's own modules (dr-photo, dr-prediction, …). Called from a
 * thread other than the opener's it logs a g_critical (and still returns the connection, so
 * the critical is the one symptom). */
sqlite3 *dr_project_get_db (DrProject *self);

/* A statement owned by the project: prepared once per distinct SQL text and cached until the
 * project is finalized; returned reset with its bindings cleared. Reset it after use (declare it
 * with g_autoptr (DrStatement) to do so at scope exit). Since the same SQL text always gives the
 * same statement, a caller must not run code that prepares that text again while stepping it.
 * NULL and error on SQL errors. */
typedef sqlite3_stmt DrStatement;
DrStatement *dr_project_prepare (DrProject *self, const char *sql, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrStatement, sqlite3_reset)

/* Steps stmt to completion of a write; TRUE on SQLITE_DONE, otherwise sets error. */
gboolean dr_project_step_done (DrProject *self, DrStatement *stmt, GError **error);

/* Transactions. Outside any transaction, begin first reopens a read-only connection
 * read-write when the file has become writable. Begin opens BEGIN IMMEDIATE (so a write never fails half-way for a lock), or a
 * savepoint when one is already open. Commit commits (or releases the savepoint); rollback
 * undoes everything since the matching begin. Every begin needs exactly one commit or rollback. */
gboolean dr_project_begin (DrProject *self, GError **error);
gboolean dr_project_commit (DrProject *self, GError **error);
void dr_project_rollback (DrProject *self);

/* Sets error from the connection's last SQLite error, as "PATH: WHAT: MESSAGE", choosing the
 * DrStoreError code from the SQLite result (disk full / read-only → IO, corrupt → CORRUPT). */
void dr_project_set_db_error (DrProject *self, GError **error, const char *what);

/* Whether the calling thread is the one that opened the project. */
gboolean dr_project_is_owner (DrProject *self);

/* Current time as stored in the project: microseconds since the Unix epoch, UTC. */
gint64 dr_project_now (void);

G_END_DECLS
