/* dr-project-check.c — read-only verification of a project file at open.
 *
 * quick_check alone misses what the issue-14 campaign found: index entries that disagree with
 * their table (a damage of 93 read through a broken index), dangling foreign keys, values out
 * of the range the code indexes arrays with. integrity_check reads every page and every index
 * and evaluates CHECK constraints; the queries below add foreign keys and the ranges the
 * store's C code relies on. Cost: one pass over the file per check; measured in
 * tests/store/bench-store.c (see README "Damaged projects").
 */
#include "dr-project-check.h"

#include "dr-safe-file.h"
#include "dr-store-error.h"

/* A named query returning one row and one integer: the number of offending rows. */
typedef struct {
  int since_version;   /* the schema version that added the tables it reads */
  const char *what;    /* for the message */
  const char *sql;
} RangeCheck;

/* Ranges the C code relies on beyond the schema's own CHECK constraints (which
 * integrity_check evaluates): photo sizes within the decoder bounds, so width × height fits
 * the mask code; areas within their photo, as every RLE decoder assumes. */
static const RangeCheck range_checks[] = {
  { 1, "a photo size out of range",
    "SELECT count(*) FROM photos WHERE width IS NOT NULL AND (typeof (width) != 'integer'"
    " OR typeof (height) != 'integer' OR width NOT BETWEEN 1 AND 65535"
    " OR height NOT BETWEEN 1 AND 65535 OR width * height > 100000000)" },
  { 1, "a file hash that is not 64 hexadecimal digits",
    "SELECT (SELECT count(*) FROM photos WHERE sha256 IS NOT NULL"
    "        AND (length (sha256) != 64 OR sha256 GLOB '*[^0-9a-f]*'))"
    "     + (SELECT count(*) FROM models"
    "        WHERE length (sha256) != 64 OR sha256 GLOB '*[^0-9a-f]*')" },
  { 1, "a damage type outside 0…3",
    "SELECT (SELECT count(*) FROM models WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)"
    "     + (SELECT count(*) FROM predictions WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)" },
  { 1, "a prediction larger than its photo",
    "SELECT count(*) FROM predictions pr JOIN photos p ON p.id = pr.photo_id"
    " WHERE p.width IS NULL OR pr.area > p.width * p.height OR typeof (pr.rle) != 'text'" },
  { 2, "a damage type outside 0…3",
    "SELECT (SELECT count(*) FROM revisions WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)"
    "     + (SELECT count(*) FROM heads WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)"
    "     + (SELECT count(*) FROM reviews WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)"
    "     + (SELECT count(*) FROM ground_truth WHERE typeof (damage) != 'integer'"
    "        OR damage NOT BETWEEN 0 AND 3)" },
  { 2, "an unknown verdict",
    "SELECT count(*) FROM reviews WHERE verdict NOT IN ('unreviewed', 'accepted', 'corrected',"
    " 'rejected', 'added', 'none')" },
  { 2, "a mask larger than its photo",
    "SELECT (SELECT count(*) FROM revisions r JOIN photos p ON p.id = r.photo_id"
    "        WHERE p.width IS NULL OR r.area > p.width * p.height OR typeof (r.rle) != 'text')"
    "     + (SELECT count(*) FROM ground_truth g JOIN photos p ON p.id = g.photo_id"
    "        WHERE p.width IS NULL OR g.area > p.width * p.height OR typeof (g.rle) != 'text')" },
};

/* The recovery hint every refusal ends with. */
static void
refuse (GError **error, const char *path, const char *what)
{
  g_autofree char *name = g_filename_display_name (path);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
               "%s: damaged project file (%s); it was not changed — recover a copy with "
               "“sqlite3 '%s' .recover | sqlite3 recovered.damagereview”", name, what, name);
}

/* Refusal for an SQLite error while checking (SQLITE_CORRUPT and friends); a lock held by
 * another program is no damage and says so. */
static gboolean
refuse_db (sqlite3 *db, GError **error, const char *path)
{
  int rc = sqlite3_errcode (db) & 0xff;
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO,
                   "%s: cannot check the project, another program holds it locked", name);
      return FALSE;
    }
  g_autofree char *what = dr_safe_excerpt (sqlite3_errmsg (db), -1, DR_NAME_MAX_CHARS * 2);
  refuse (error, path, what);
  return FALSE;
}

/* integrity_check (1): the first problem only, so a badly broken file is refused quickly. */
static gboolean
check_integrity (sqlite3 *db, const char *path, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return refuse_db (db, error, path);
    }
  const char *result = (const char *) sqlite3_column_text (stmt, 0);
  gboolean ok = g_strcmp0 (result, "ok") == 0;
  if (!ok)
    {
      g_autofree char *what = dr_safe_excerpt (result, -1, DR_NAME_MAX_CHARS * 2);
      refuse (error, path, what);
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* foreign_key_check: any row is a child pointing at a missing parent. */
static gboolean
check_foreign_keys (sqlite3 *db, const char *path, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return refuse_db (db, error, path);
    }
  g_autofree char *child = dr_safe_excerpt ((const char *) sqlite3_column_text (stmt, 0), -1,
                                            DR_NAME_MAX_CHARS);
  g_autofree char *parent = dr_safe_excerpt ((const char *) sqlite3_column_text (stmt, 2), -1,
                                             DR_NAME_MAX_CHARS);
  g_autofree char *what = g_strdup_printf ("a row of %s refers to a missing row of %s", child,
                                           parent);
  sqlite3_finalize (stmt);
  refuse (error, path, what);
  return FALSE;
}

/* Runs the range queries that apply to @schema_version. */
static gboolean
check_ranges (sqlite3 *db, const char *path, int schema_version, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (range_checks); i++)
    {
      const RangeCheck *c = &range_checks[i];
      if (schema_version < c->since_version)
        continue;
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, c->sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          return refuse_db (db, error, path);
        }
      gint64 bad = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (bad != 0)
        {
          refuse (error, path, c->what);
          return FALSE;
        }
    }
  return TRUE;
}

/* See dr-project-check.h. All reads run in one read transaction, so they see one state. */
gboolean
dr_project_check (sqlite3 *db, const char *path, int schema_version, GError **error)
{
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return refuse_db (db, error, path);
  gboolean ok = check_integrity (db, path, error) && check_foreign_keys (db, path, error)
                && check_ranges (db, path, schema_version, error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  return ok;
}
