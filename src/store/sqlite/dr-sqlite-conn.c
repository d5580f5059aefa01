/* dr-sqlite-conn.c — the SQLite backend's connection: open, check, configure and migrate a
 * project file; the statement cache; transactions. */
#include "dr-sqlite-private.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-project-check.h"
#include "dr-safe-file.h"
#include "dr-schema.h"
#include "dr-store-error.h"

/* Destroy notify of the statement cache: finalizes one statement. */
static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* Maps an SQLite result code to the store's error code. */
static DrStoreError
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return DR_STORE_ERROR_CORRUPT;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return DR_STORE_ERROR_IO;
    default:
      return DR_STORE_ERROR_DATABASE;
    }
}

/* SQLite's last message, escaped and shortened: it can quote schema text from the file. */
static char *
db_message (DrSqliteConn *self)
{
  return dr_safe_excerpt (sqlite3_errmsg (self->db), -1, DR_NAME_MAX_CHARS * 2);
}

/* Builds "PATH: WHAT: sqlite message" with the code chosen by error_code_for. */
void
dr_sqlite_set_error (DrSqliteConn *self, GError **error, const char *what)
{
  int rc = sqlite3_extended_errcode (self->db);
  g_autofree char *message = db_message (self);
  g_set_error (error, DR_STORE_ERROR, error_code_for (rc), "%s: %s: %s",
               self->parent.location, what, message);
}

/* Looks the SQL up in the cache, preparing it (persistent) on first use; always hands back a
 * reset statement with no bindings. */
DrSqliteStmt *
dr_sqlite_prepare (DrSqliteConn *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
          != SQLITE_OK)
        {
          dr_sqlite_set_error (self, error, "preparing a statement");
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_hash_table_insert (self->statements, (gpointer) sqlite3_sql (stmt), stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* Runs a write statement to the end; any other result than SQLITE_DONE is an error. */
static gboolean
step_done (DrSqliteConn *self, DrSqliteStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dr_sqlite_set_error (self, error, "writing");
      return FALSE;
    }
  return TRUE;
}

/* Leaves the parameter NULL (as cleared by dr_sqlite_prepare) when text is NULL. */
static void
bind_text_or_null (DrSqliteStmt *stmt, int index, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* Leaves the parameter NULL when id <= 0. */
static void
bind_id_or_null (DrSqliteStmt *stmt, int index, gint64 id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
}

/* One character of types per parameter, from ?1 on. */
static void
bind_valist (DrSqliteStmt *stmt, const char *types, va_list args)
{
  for (int i = 1; types[i - 1] != '\0'; i++)
    switch (types[i - 1])
      {
      case 'i':
        sqlite3_bind_int (stmt, i, va_arg (args, int));
        break;
      case 'I':
        sqlite3_bind_int64 (stmt, i, va_arg (args, gint64));
        break;
      case 'r':
        bind_id_or_null (stmt, i, va_arg (args, gint64));
        break;
      case 'n':
        {
          gint64 n = va_arg (args, gint64);
          if (n >= 0)
            sqlite3_bind_int64 (stmt, i, n);
        }
        break;
      case 'f':
        {
          double f = va_arg (args, double);
          if (f >= 0)
            sqlite3_bind_double (stmt, i, f);
        }
        break;
      case 't':
        bind_text_or_null (stmt, i, va_arg (args, const char *));
        break;
      default:
        g_assert_not_reached ();
      }
}

/* Prepare (cached), then bind. */
static DrSqliteStmt *
query_valist (DrSqliteConn *self, GError **error, const char *sql, const char *types,
              va_list args)
{
  DrSqliteStmt *stmt = dr_sqlite_prepare (self, sql, error);
  if (stmt != NULL)
    bind_valist (stmt, types, args);
  return stmt;
}

/* See query_valist. */
DrSqliteStmt *
dr_sqlite_query (DrSqliteConn *self, GError **error, const char *sql, const char *types, ...)
{
  va_list args;
  va_start (args, types);
  DrSqliteStmt *stmt = query_valist (self, error, sql, types, args);
  va_end (args);
  return stmt;
}

/* Prepare (cached), bind, step to the end. */
gboolean
dr_sqlite_write (DrSqliteConn *self, GError **error, const char *sql, const char *types, ...)
{
  va_list args;
  va_start (args, types);
  DrSqliteStmt *stmt = query_valist (self, error, sql, types, args);
  va_end (args);
  return stmt != NULL && step_done (self, stmt, error);
}

/* Steps every row through func; the statement is reset at the end either way. */
gboolean
dr_sqlite_step_each (DrSqliteConn *self, DrSqliteStmt *stmt, DrSqliteRowFunc func,
                     gpointer data, const char *what, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!func (stmt, data, error))
      {
        sqlite3_reset (stmt);
        return FALSE;
      }
  if (rc != SQLITE_DONE)
    dr_sqlite_set_error (self, error, what);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* A missing row becomes NOT_FOUND with the caller's message after the location. */
gboolean
dr_sqlite_step_found (DrSqliteConn *self, DrSqliteStmt *stmt, const char *what, GError **error,
                      const char *missing, ...)
{
  g_autoptr (GError) local = NULL;
  if (dr_sqlite_step_row (self, stmt, what, &local))
    return TRUE;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  va_list args;
  va_start (args, missing);
  g_autofree char *message = g_strdup_vprintf (missing, args);
  va_end (args);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND, "%s: %s",
               self->parent.location, message);
  return FALSE;
}

/* One step: a row, the end, or an error named after what. */
gboolean
dr_sqlite_step_row (DrSqliteConn *self, DrSqliteStmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    dr_sqlite_set_error (self, error, what);
  return FALSE;
}

/* sqlite3_changes64 of the connection. */
gint64
dr_sqlite_changes (DrSqliteConn *self)
{
  return sqlite3_changes64 (self->db);
}

/* NULL stays NULL. */
char *
dr_sqlite_column_dup (DrSqliteStmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Executes SQL without results (no user input is ever part of it). */
static gboolean
exec (DrSqliteConn *self, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      dr_sqlite_set_error (self, error, what);
      return FALSE;
    }
  return TRUE;
}

/* A deferred BEGIN only in autocommit mode: inside a caller's transaction its snapshot is
 * already the one the reads share. */
gboolean
dr_sqlite_begin_read (DrSqliteConn *self, gboolean *own, const char *what, GError **error)
{
  *own = sqlite3_get_autocommit (self->db) != 0;
  return !*own || exec (self, "BEGIN", what, error);
}

/* Ends a read transaction opened by dr_sqlite_begin_read (nothing was written). */
void
dr_sqlite_end_read (DrSqliteConn *self, gboolean own)
{
  if (own)
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
}

/* Depth 0: BEGIN IMMEDIATE takes the write lock at once (waiting up to the busy timeout), so
 * statements inside never fail on a lock half-way; a connection opened read-only is first
 * reopened read-write if the file has become writable. Deeper: a savepoint named after the
 * depth. */
gboolean
dr_sqlite_begin (DrStoreConn *conn, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  if (self->transaction_depth == 0)
    {
      if (!dr_sqlite_reopen_if_writable (conn, error))
        return FALSE;
      if (!exec (self, "BEGIN IMMEDIATE", "starting a transaction", error))
        return FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT dr%u", self->transaction_depth);
      if (!exec (self, sql, "starting a savepoint", error))
        return FALSE;
    }
  self->transaction_depth++;
  return TRUE;
}

/* Depth 1: COMMIT makes everything since begin durable (synchronous=FULL). Deeper: RELEASE.
 * If COMMIT fails the transaction is rolled back, so the caller's state stays consistent. */
gboolean
dr_sqlite_commit (DrStoreConn *conn, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);
  self->transaction_depth--;
  if (self->transaction_depth == 0)
    {
      if (!exec (self, "COMMIT", "committing", error))
        {
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      return TRUE;
    }
  g_autofree char *sql = g_strdup_printf ("RELEASE dr%u", self->transaction_depth);
  return exec (self, sql, "releasing a savepoint", error);
}

/* Depth 1: ROLLBACK. Deeper: ROLLBACK TO and RELEASE the savepoint, keeping the outer work. */
void
dr_sqlite_rollback (DrStoreConn *conn)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  g_return_if_fail (self->transaction_depth > 0);
  self->transaction_depth--;
  if (self->transaction_depth == 0)
    {
      if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return;
    }
  g_autofree char *sql = g_strdup_printf ("ROLLBACK TO dr%u; RELEASE dr%u",
                                          self->transaction_depth, self->transaction_depth);
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

/* Reads one integer from a single-row PRAGMA or query. */
static gboolean
query_int (DrSqliteConn *self, const char *sql, gint64 *value, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      dr_sqlite_set_error (self, error, "reading the file header");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Decides, without writing anything, whether the file may be opened: it must be an SQLite file
 * that is either empty or ours with a schema version this build knows. */
static gboolean
check_identity (DrSqliteConn *self, GError **error)
{
  const char *path = self->parent.location;
  gint64 app_id, version, n_objects;
  g_autoptr (GError) local = NULL;
  /* These three reads are the first accesses: a non-database fails here (SQLITE_NOTADB). */
  if (!query_int (self, "PRAGMA application_id", &app_id, &local)
      || !query_int (self, "PRAGMA user_version", &version, &local)
      || !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, &local))
    {
      int rc = sqlite3_errcode (self->db);
      g_autofree char *message = db_message (self);
      if (rc == SQLITE_NOTADB)
        g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                     "%s: not a Damage Review project (%s)", path, message);
      else if (rc == SQLITE_CORRUPT)
        g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                     "%s: damaged project file (%s); it was not changed — recover a copy with "
                     "“sqlite3 '%s' .recover | sqlite3 recovered.damagereview”", path,
                     message, path);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  gboolean empty = app_id == 0 && version == 0 && n_objects == 0;
  if (!empty && app_id != DR_SCHEMA_APPLICATION_ID)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED,
                   "%s: not a Damage Review project (an SQLite database of another application)",
                   path);
      return FALSE;
    }
  if (version > DR_SCHEMA_VERSION)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_UNSUPPORTED,
                   "%s: written by a newer Damage Review (schema %" G_GINT64_FORMAT
                   ", this version knows up to %d); left untouched", path, version,
                   DR_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: damaged project file (schema version %" G_GINT64_FORMAT ")", path,
                   version);
      return FALSE;
    }
  self->schema_version = (int) version;
  return TRUE;
}

/* Sets the connection options every project relies on and verifies that they took effect:
 * WAL (readers never block the writer, a crash never corrupts), foreign keys, FULL sync (a
 * committed stroke survives a power cut, not only a crash — commits are human-paced, so the
 * extra fsync per commit is affordable). */
static gboolean
configure (DrSqliteConn *self, GError **error)
{
  sqlite3_busy_timeout (self->db, DR_PROJECT_BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);
  /* "PRAGMA journal_mode" answers with the mode actually in force. */
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    {
      g_autofree char *message = db_message (self);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO,
                   "%s: cannot switch the project to write-ahead logging (%s)",
                   self->parent.location, message);
      return FALSE;
    }
  if (!exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", "configuring", error))
    return FALSE;
  gint64 fk;
  if (!query_int (self, "PRAGMA foreign_keys", &fk, error))
    return FALSE;
  if (fk != 1)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE,
                   "%s: SQLite refused to enforce foreign keys", self->parent.location);
      return FALSE;
    }
  return TRUE;
}

/* Runs every migration above the file's version, each in its own IMMEDIATE transaction that
 * also sets user_version, so an interrupted migration leaves the previous version intact. */
static gboolean
migrate (DrSqliteConn *self, GError **error)
{
  for (int v = self->schema_version + 1; v <= DR_SCHEMA_VERSION; v++)
    {
      g_autofree char *what = g_strdup_printf ("migrating to schema %d", v);
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v);
      if (!dr_sqlite_begin (&self->parent, error))
        return FALSE;
      if (!exec (self, dr_schema_migration (v), what, error)
          || !exec (self, set_version, what, error)
          || !dr_sqlite_commit (&self->parent, error))
        {
          if (self->transaction_depth > 0)
            dr_sqlite_rollback (&self->parent);
          return FALSE;
        }
      self->schema_version = v;
    }
  return TRUE;
}

/* A missing path is an error unless creating; anything but a regular file is refused without
 * blocking on it; an empty file is refused unless creating. */
static gboolean
check_path (const char *path, DrProjectOpenFlags flags, GError **error)
{
  gboolean create = (flags & DR_PROJECT_OPEN_CREATE) != 0;
  GStatBuf st;
  if (g_stat (path, &st) != 0 && errno == ENOENT)
    {
      if (create)
        return TRUE;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: no such project file", path);
      return FALSE;
    }
  guint64 size = 0;
  int fd = dr_safe_open (path, 0, &size, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (size == 0 && !create)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: empty file, not a project (only “add” or New Project create one)", path);
      return FALSE;
    }
  return TRUE;
}

/* SQLite gives a project's -wal and -shm files the mode of the project file, so a session on a
 * read-only (0444) project leaves a read-only -shm behind, and every later read-write session
 * fails with "attempt to write a readonly database". Makes the owner's own side files
 * owner-writable again (they hold no data of their own); files of other users are left alone. */
static void
repair_side_files (const char *path)
{
  static const char *const suffixes[] = { "-shm", "-wal" };
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;
      if (g_lstat (side, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == geteuid ()
          && (st.st_mode & S_IWUSR) == 0)
        g_chmod (side, (st.st_mode & 07777) | S_IWUSR);
    }
}

/* A read-only file cannot be migrated; one recent enough is read as it is (see
 * DR_SCHEMA_READABLE_MIN) rather than refused, and migrated when it is reopened writable. */
static gboolean
can_read_unmigrated (DrSqliteConn *self)
{
  return sqlite3_db_readonly (self->db, "main") == 1
         && self->schema_version >= DR_SCHEMA_READABLE_MIN;
}

/* Opens the connection and checks and sets up the file; leaves self->db NULL on failure. */
static gboolean
open_connection (DrSqliteConn *self, int open_flags, GError **error)
{
  const char *path = self->parent.location;
  repair_side_files (path);
  int rc = sqlite3_open_v2 (path, &self->db, open_flags, NULL);
  self->opening = TRUE;
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DR_STORE_ERROR, error_code_for (rc), "%s: cannot open (%s)", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      g_clear_pointer (&self->db, sqlite3_close);
      self->opening = FALSE;
      return FALSE;
    }
  gboolean ok = check_identity (self, error)
                && (self->contents_checked
                    || dr_project_check (self->db, path, self->schema_version, error))
                && configure (self, error)
                && (can_read_unmigrated (self) || migrate (self, error));
  /* A read-only session has just created the -shm file with the project's 0444 mode. */
  repair_side_files (path);
  self->opening = FALSE;
  if (!ok)
    {
      g_hash_table_remove_all (self->statements);
      g_clear_pointer (&self->db, sqlite3_close);
    }
  return ok;
}

/* SQLite opens a file it may not write read-only; once the file is writable again (chmod), a
 * new read-write connection replaces that one, so Retry works in the same session. Keeps the
 * read-only connection (the write then fails as before) when the new one cannot be opened.
 * Writes nothing: a reading connection can use it to learn that the file is writable again.
 * Never while a connection is being opened: a writable file that SQLite still opens read-only
 * (a header saying so) would reopen from its own migration for ever (found by fuzz-project:
 * 1.3 GB in 3.5 M allocations from an 18 KB file). */
gboolean
dr_sqlite_reopen_if_writable (DrStoreConn *conn, GError **error)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  if (self->opening || !dr_sqlite_is_read_only (conn) || g_access (conn->location, W_OK) != 0)
    return TRUE;
  sqlite3 *old = g_steal_pointer (&self->db);
  g_autoptr (GHashTable) old_statements = g_steal_pointer (&self->statements);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, statement_free);
  if (open_connection (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, error))
    {
      g_clear_pointer (&old_statements, g_hash_table_unref);
      sqlite3_close (old);
      return TRUE;
    }
  g_hash_table_unref (self->statements);
  self->statements = g_steal_pointer (&old_statements);
  self->db = old;
  return FALSE;
}

/* Finalizes every cached statement, then closes the connection (which checkpoints the WAL). */
void
dr_sqlite_close (DrStoreConn *conn)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  if (self == NULL)
    return;
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (conn->location);
  g_free (self);
}

/* Opening order matters: identity, version and contents (dr-project-check.c) are checked with
 * reads only, before WAL is switched on, so refused files are never modified. The path is
 * first opened without blocking (a FIFO would hang SQLite's read); an existing empty file is
 * no project, and only DR_PROJECT_OPEN_CREATE may make one of it. The connection is opened
 * SQLITE_OPEN_NOMUTEX: DrProject guarantees that only the opening thread uses it. */
DrStoreConn *
dr_sqlite_open (const char *path, DrProjectOpenFlags flags, GError **error)
{
  if (!check_path (path, flags, error))
    return NULL;
  DrSqliteConn *self = g_new0 (DrSqliteConn, 1);
  self->parent.backend = dr_sqlite_backend ();
  self->parent.location = g_strdup (path);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, statement_free);
  self->contents_checked = (flags & DR_PROJECT_OPEN_CHECKED) != 0;
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (flags & DR_PROJECT_OPEN_CREATE)
    open_flags |= SQLITE_OPEN_CREATE;
  if (!open_connection (self, open_flags, error))
    {
      dr_sqlite_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}

/* SQLite's own answer: the file could not be opened for writing. */
gboolean
dr_sqlite_is_read_only (DrStoreConn *conn)
{
  DrSqliteConn *self = DR_SQLITE_CONN (conn);
  return self->db == NULL || sqlite3_db_readonly (self->db, "main") == 1;
}

/* A file has no connection to lose. */
gboolean
dr_sqlite_is_lost (DrStoreConn *conn)
{
  return FALSE;
}

/* The version reached by migrate. */
int
dr_sqlite_get_schema_version (DrStoreConn *conn)
{
  return DR_SQLITE_CONN (conn)->schema_version;
}
