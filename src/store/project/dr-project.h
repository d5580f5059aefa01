/* dr-project.h — a Damage Review project: one SQLite file (*.damagereview), or a project of
 * another backend (dr-store-backend.h).
 *
 * A DrProject owns one backend connection (for SQLite: WAL, foreign keys on, synchronous=FULL,
 * 5 s busy timeout, a cache of prepared statements). It belongs to the thread that opened it:
 * every call below, and every store function taking the project, from another thread is
 * refused with a g_critical (fatal in the tests) and an error, before the database is touched.
 * A worker that writes opens its own DrProject on its own thread and hands results back to the
 * owner's context (dr-post.h). */
#pragma once

#include <gio/gio.h>

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
  /* Another connection of this process has just opened the file, which checked its contents
   * (indexes, foreign keys, value ranges: seconds for a big project): identity and version
   * are still checked, the contents not again. For a reader on a thread that must not
   * block, after a worker opened the same file. */
  DR_PROJECT_OPEN_CHECKED = 1 << 1,
  /* A team project's statements wait at most DR_PG_WRITE_ANSWER_TIMEOUT_S for their answer: a
   * server that hangs (the kernel still acknowledges, so no TCP timeout fires) fails them as
   * unreachable. For a writer that journals what the server does not take. */
  DR_PROJECT_OPEN_BOUNDED = 1 << 2,
} DrProjectOpenFlags;

/* Opens (and if asked, creates) the project at path and migrates it to the current schema,
 * each migration step in its own transaction. A libpq connection string instead of a path (a
 * postgresql:// URI, "service=NAME", keyword=value) opens a team project on that server with
 * the PostgreSQL backend (dr-pg-backend.h: team, authorship, photo cache, its errors). For a
 * file, it fails with a one-line message naming the file:
 * DR_STORE_ERROR_IO (missing, unreadable), _CORRUPT (not a database, damaged), _UNSUPPORTED
 * (another application's SQLite file, or a schema newer than this build — such files are not
 * modified in any way), _DATABASE (anything else SQLite reports). */
DrProject *dr_project_open (const char *path, DrProjectOpenFlags flags, GError **error);

/* The same without blocking the calling thread on a server: for a connection string, libpq
 * connects non-blocking from the calling thread's thread-default main context (which that
 * thread must iterate; it becomes the owner), then the short schema and team statements run;
 * cancelling @cancellable closes the connection and gives G_IO_ERROR_CANCELLED. A file is opened
 * as dr_project_open does (SQLite files are local) and the result delivered the same way. */
void dr_project_open_async (const char          *path,
                            DrProjectOpenFlags   flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/* The project, or NULL with the error dr_project_open gives (or G_IO_ERROR_CANCELLED). */
DrProject *dr_project_open_finish (GAsyncResult *result, GError **error);

/* TRUE when the connection is read-only (the file was not writable when it was opened, or
 * when it was last reopened). The first write after the file became writable again reopens
 * the connection read-write (see dr_project_begin). */
gboolean dr_project_is_read_only (DrProject *self);

/* A read-only connection whose file has become writable is replaced by a read-write one;
 * otherwise nothing changes. Writes nothing, so the main thread's reading connection may
 * call it to learn that Retry can succeed. FALSE with error only when reopening failed. */
gboolean dr_project_reopen_if_writable (DrProject *self, GError **error);

/* The file (or connection string) the project was opened from. */
const char *dr_project_get_path (DrProject *self);

/* The schema version of the open file: DR_SCHEMA_VERSION after a successful open, except for
 * a read-only file of an older readable schema (DR_SCHEMA_READABLE_MIN), left as it is. */
int dr_project_get_schema_version (DrProject *self);

/* TRUE once the connection to a team server is lost (it went away or stopped answering); it
 * stays lost: the project must be opened again. Always FALSE for a project file. */
gboolean dr_project_is_lost (DrProject *self);

/* Transactions. Outside any transaction, begin first reopens a read-only connection
 * read-write when the file has become writable. Begin opens BEGIN IMMEDIATE (so a write never fails half-way for a lock), or a
 * savepoint when one is already open. Commit commits (or releases the savepoint); rollback
 * undoes everything since the matching begin. Every begin needs exactly one commit or rollback. */
gboolean dr_project_begin (DrProject *self, GError **error);
gboolean dr_project_commit (DrProject *self, GError **error);
void dr_project_rollback (DrProject *self);

/* Ends the transaction of the matching begin by the outcome of its work: commits when @ok (FALSE
 * with @error when the commit fails), else rolls back and returns FALSE (@error was set by the
 * work that failed). */
gboolean dr_project_commit_or_rollback (DrProject *self, gboolean ok, GError **error);

/* Whether the calling thread is the one that opened the project. */
gboolean dr_project_is_owner (DrProject *self);

/* Current time as stored in the project: microseconds since the Unix epoch, UTC. */
gint64 dr_project_now (void);

G_END_DECLS
