/* dr-pg-push.c — copy a project file into a team project in one transaction (dr-pg-push.h). */
#include "dr-pg-push.h"

#include <string.h>

#include "dr-pg-photo-blob.h"
#include "dr-pg-team.h"
#include "dr-safe-file.h"
#include "dr-sqlite.h"
#include "dr-store-error.h"

/* A time stored in the file (microseconds since the epoch, UTC) as a timestamptz, exactly. */
#define TIME_OF(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

typedef struct {
  DrProject *project;
  DrPgConn *conn;
  char *team;                /* team id as text */
  char *base_dir;            /* folder of the project file, for relative photo paths */
  char *photo_root;          /* the team's shared photo root, or NULL */
  GHashTable *claims;        /* file claim id → team claim id (both gint64 *) */
  GHashTable *revisions;     /* file revision id → team revision id */
  DrPgPushSummary *sum;
} Push;

/* A statement on the project file being pushed, finalized at scope exit. push reads the file
 * through its own SQLite connection: it copies every row, which the store's API has no call for. */
typedef sqlite3_stmt PushStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PushStmt, sqlite3_finalize)

/* Sets error from the file's last SQLite error, as "PATH: WHAT: MESSAGE". */
static void
file_error (Push *p, GError **error, const char *what)
{
  sqlite3 *db = dr_sqlite_project_get_db (p->project);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED, "%s: %s: %s",
               dr_project_get_path (p->project), what,
               db != NULL ? sqlite3_errmsg (db) : "not a SQLite project");
}

/* Prepares @sql on the file; NULL and the file's error on failure. */
static PushStmt *
push_prepare (Push *p, const char *sql, GError **error)
{
  sqlite3 *db = dr_sqlite_project_get_db (p->project);
  sqlite3_stmt *stmt = NULL;
  if (db == NULL || sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      file_error (p, error, "reading the project");
      return NULL;
    }
  return stmt;
}

/* Column @col of the current row as new text, NULL for SQL NULL. */
static char *
col (sqlite3_stmt *stmt, int i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* Column @col as a double in text that reads back exactly, NULL for SQL NULL. */
static char *
col_double (sqlite3_stmt *stmt, int i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, sqlite3_column_double (stmt, i)));
}

/* A new gint64 key or value for the id maps. */
static gint64 *
id_new (gint64 v)
{
  gint64 *p = g_new (gint64, 1);
  *p = v;
  return p;
}

/* Finishes stepping @stmt: TRUE when it ended with SQLITE_DONE, otherwise the file's error. */
static gboolean
step_done (Push *p, int rc, const char *what, GError **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  file_error (p, error, what);
  return FALSE;
}

/* Runs one prepared statement on the team side. */
static PGresult *
exec (Push *p, const char *name, const char *sql, int n, const char *const *params,
      GError **error)
{
  return dr_pg_conn_exec (p->conn, name, sql, n, params, error);
}

/* Model records: each (damage, SHA-256) once per team; the file's current model stays current
 * unless the team already has a current model for that damage type. */
static gboolean
push_models (Push *p, GError **error)
{
  g_autoptr (PushStmt) stmt = push_prepare (p,
    "SELECT damage, sha256, path, name, current, added FROM models ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *damage = col (stmt, 0), *sha = col (stmt, 1), *path = col (stmt, 2),
                      *name = col (stmt, 3), *added = col (stmt, 5);
      const char *current = sqlite3_column_int (stmt, 4) ? "true" : "false";
      const char *params[] = { p->team, damage, sha, path, name, current, added };
      /* Adds the model unless the team has it; current only if the team has none yet. */
      g_autoptr (PGresult) res = exec (p, "push_model",
        "INSERT INTO dr.models (team_id, damage, sha256, path, name, current, added)"
        " SELECT $1, $2, $3, $4, $5, $6::boolean AND NOT EXISTS (SELECT 1 FROM dr.models"
        "   WHERE team_id = $1 AND damage = $2 AND current), " TIME_OF (7)
        " ON CONFLICT (team_id, damage, sha256) DO NOTHING RETURNING id", 7, params, error);
      if (res == NULL)
        return FALSE;
      p->sum->models += PQntuples (res);
    }
  return step_done (p, rc, "reading models", error);
}

/* Claims by name (each new one also a work item at stage annotation); fills p->claims. */
static gboolean
push_claims (Push *p, GError **error)
{
  g_autoptr (PushStmt) stmt = push_prepare (p,
    "SELECT id, name FROM claims ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *name = col (stmt, 1);
      const char *params[] = { p->team, name };
      /* Adds the claim unless the team has one of that name. */
      g_autoptr (PGresult) added = exec (p, "push_claim",
        "INSERT INTO dr.claims (team_id, name) VALUES ($1, $2)"
        " ON CONFLICT (team_id, name) DO NOTHING RETURNING id", 2, params, error);
      if (added == NULL)
        return FALSE;
      /* The team's claim of that name (new or old). */
      g_autoptr (PGresult) found = exec (p, "push_claim_id",
        "SELECT id FROM dr.claims WHERE team_id = $1 AND name = $2", 2, params, error);
      if (found == NULL)
        return FALSE;
      const char *id = PQgetvalue (found, 0, 0);
      if (PQntuples (added) == 1)
        {
          p->sum->claims++;
          const char *item[] = { p->team, id };
          /* A new claim is a new work item, unassigned, at stage annotation. */
          g_autoptr (PGresult) res = exec (p, "push_work_item",
            "INSERT INTO dr.work_items (team_id, claim_id) VALUES ($1, $2)", 2, item, error);
          if (res == NULL)
            return FALSE;
        }
      g_hash_table_insert (p->claims, id_new (sqlite3_column_int64 (stmt, 0)),
                           id_new (g_ascii_strtoll (id, NULL, 10)));
    }
  return step_done (p, rc, "reading claims", error);
}

/* Reads the photo file at @path (bounded) and checks it still has the recorded @sha256. */
static GBytes *
read_photo (Push *p, const char *path, const char *sha256, GError **error)
{
  g_autofree char *full = g_path_is_absolute (path) ? g_strdup (path)
                                                    : g_build_filename (p->base_dir, path, NULL);
  g_autoptr (GError) local = NULL;
  guint8 *data = NULL;
  gsize size = 0;
  if (!dr_safe_read_all (full, DR_PG_MAX_PHOTO_BYTES, &data, &size, &local))
    {
      g_set_error (error, local->domain, local->code, "%s (nothing was pushed)", local->message);
      return NULL;
    }
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, size);
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (actual, sha256) != 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: the file changed since it was added to %s (SHA-256 %s, the project "
                   "recorded %s); nothing was pushed", full, dr_project_get_path (p->project),
                   actual, sha256);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* The team's id of file revision @id (its parent was pushed first: ids grow along a path). */
static char *
map_revision (Push *p, sqlite3_stmt *stmt, int i)
{
  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return NULL;
  gint64 old = sqlite3_column_int64 (stmt, i);
  gint64 *mapped = g_hash_table_lookup (p->revisions, &old);
  return mapped != NULL ? dr_pg_int (*mapped) : NULL;
}

/* Revisions of one photo, oldest first, with their parent links mapped. */
static gboolean
push_revisions (Push *p, gint64 photo, const char *team_photo, GError **error)
{
  g_autoptr (PushStmt) stmt = push_prepare (p,
    "SELECT id, damage, parent_id, rle, area, author, created, kind FROM revisions"
    " WHERE photo_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *damage = col (stmt, 1), *parent = map_revision (p, stmt, 2),
                      *rle = col (stmt, 3), *area = col (stmt, 4), *author = col (stmt, 5),
                      *created = col (stmt, 6), *kind = col (stmt, 7);
      const char *params[] = { p->team, team_photo, damage, parent, rle, area, author, created,
                               kind };
      /* author defaults to session_user; the file's author is kept as origin_author. */
      g_autoptr (PGresult) res = exec (p, "push_revision",
        "INSERT INTO dr.revisions (team_id, photo_id, damage, parent_id, rle, area,"
        " origin_author, created, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, " TIME_OF (8)
        ", $9) RETURNING id", 9, params, error);
      if (res == NULL)
        return FALSE;
      g_hash_table_insert (p->revisions, id_new (sqlite3_column_int64 (stmt, 0)),
                           id_new (g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10)));
      p->sum->revisions++;
    }
  return step_done (p, rc, "reading revisions", error);
}

/* One head per damage type at version 0: the file's head revision, or none (prediction). */
static gboolean
push_heads (Push *p, gint64 photo, const char *team_photo, GError **error)
{
  char *heads[4] = { NULL, NULL, NULL, NULL };
  g_autoptr (PushStmt) stmt = push_prepare (p,
    "SELECT damage, revision_id FROM heads WHERE photo_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int d = sqlite3_column_int (stmt, 0);
      if (d >= 0 && d < 4)
        {
          g_free (heads[d]);
          heads[d] = map_revision (p, stmt, 1);
        }
    }
  gboolean ok = step_done (p, rc, "reading heads", error);
  for (int d = 0; d < 4 && ok; d++)
    {
      g_autofree char *damage = dr_pg_int (d);
      const char *params[] = { p->team, team_photo, damage, heads[d] };
      g_autoptr (PGresult) res = exec (p, "push_head",
        "INSERT INTO dr.heads (team_id, photo_id, damage, revision_id) VALUES ($1, $2, $3, $4)",
        4, params, error);
      ok = res != NULL;
    }
  for (int d = 0; d < 4; d++)
    g_free (heads[d]);
  return ok;
}

/* Most columns push_rows copies from one row. */
#define PUSH_MAX_COLUMNS 9

/* A per-photo table of the file that push_rows copies row for row. */
typedef struct {
  const char *what;     /* what reading it is called in the file's error */
  const char *select;   /* on the file, oldest first where order matters; ?1 = the photo id */
  const char *columns;  /* a letter per selected column: 't' as text, 'd' a double that reads
                         * back exactly, 'r' a file revision id mapped to the team's */
  const char *name;     /* the team-side statement's name */
  const char *insert;   /* $1 the team, $2 the team's photo, then the columns in order */
} PushRows;

static const PushRows predictions = {
  "reading predictions",
  "SELECT damage, model_sha256, rle, area, confidence, created FROM predictions"
  " WHERE photo_id = ?1", "ttttdt",
  "push_prediction",
  "INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256, rle, area,"
  " confidence, created) VALUES ($1, $2, $3, $4, $5, $6, $7, " TIME_OF (8) ")",
};

static const PushRows reviews = {
  "reading verdicts",
  "SELECT damage, verdict, revision_id, model_sha256, author, created, iou, px_added,"
  " px_removed FROM reviews WHERE photo_id = ?1 ORDER BY id", "ttrtttdtt",
  "push_review",
  "INSERT INTO dr.reviews (team_id, photo_id, damage, verdict, revision_id, head_version,"
  " model_sha256, origin_author, created, iou, px_added, px_removed)"
  " VALUES ($1, $2, $3, $4, $5, 0, $6, $7, " TIME_OF (8) ", $9, $10, $11)",
};

static const PushRows notes = {
  "reading notes",
  "SELECT text, author, created FROM notes WHERE photo_id = ?1 ORDER BY id", "ttt",
  "push_note",
  "INSERT INTO dr.notes (team_id, photo_id, text, origin_author, created)"
  " VALUES ($1, $2, $3, $4, " TIME_OF (5) ")",
};

static const PushRows ground_truth = {
  "reading ground truth",
  "SELECT damage, source, rle, area, imported FROM ground_truth WHERE photo_id = ?1", "ttttt",
  "push_ground_truth",
  "INSERT INTO dr.ground_truth (team_id, photo_id, damage, source, rle, area, imported)"
  " VALUES ($1, $2, $3, $4, $5, $6, " TIME_OF (7) ")",
};

/* Copies every row of @rows for file photo @photo to the team's photo @team_photo, adding
 * each to *count. */
static gboolean
push_rows (Push *p, const PushRows *rows, gint64 photo, const char *team_photo, guint *count,
           GError **error)
{
  int n = (int) strlen (rows->columns);
  g_return_val_if_fail (n <= PUSH_MAX_COLUMNS, FALSE);
  g_autoptr (PushStmt) stmt = push_prepare (p, rows->select, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *values[PUSH_MAX_COLUMNS];
      const char *params[2 + PUSH_MAX_COLUMNS] = { p->team, team_photo };
      for (int i = 0; i < n; i++)
        {
          values[i] = rows->columns[i] == 'd'   ? col_double (stmt, i)
                      : rows->columns[i] == 'r' ? map_revision (p, stmt, i)
                                                : col (stmt, i);
          params[2 + i] = values[i];
        }
      g_autoptr (PGresult) res = exec (p, rows->name, rows->insert, 2 + n, params, error);
      for (int i = 0; i < n; i++)
        g_free (values[i]);
      if (res == NULL)
        return FALSE;
      (*count)++;
    }
  return step_done (p, rc, rows->what, error);
}

/* Adds the photo row (and for a readable photo its bytes, unless the team has them); returns
 * the team's new photo id, or NULL with *present set when the team already has this photo, or
 * NULL with error. */
static char *
push_photo_row (Push *p, sqlite3_stmt *stmt, gboolean *present, GError **error)
{
  g_autofree char *path = col (stmt, 2), *sha = col (stmt, 3), *size = col (stmt, 4),
                  *width = col (stmt, 5), *height = col (stmt, 6), *err = col (stmt, 7),
                  *added = col (stmt, 8);
  gint64 *claim = g_hash_table_lookup (p->claims, &(gint64) { sqlite3_column_int64 (stmt, 1) });
  g_return_val_if_fail (claim != NULL, NULL);
  g_autofree char *claim_id = dr_pg_int (*claim);
  g_autofree char *name = g_path_get_basename (path);
  const char *key[] = { p->team, sha != NULL ? sha : name };
  /* Whether the team has this photo: by bytes, or an unreadable one by name. */
  g_autoptr (PGresult) found = sha != NULL
    ? exec (p, "push_photo_known", "SELECT id FROM dr.photos WHERE team_id = $1 AND sha256 = $2",
            2, key, error)
    : exec (p, "push_photo_known_error", "SELECT id FROM dr.photos"
            " WHERE team_id = $1 AND sha256 IS NULL AND name = $2", 2, key, error);
  if (found == NULL)
    return NULL;
  if (PQntuples (found) > 0)
    {
      *present = TRUE;
      return NULL;
    }
  if (sha != NULL)
    {
      g_autoptr (GBytes) bytes = read_photo (p, path, sha, error);
      if (bytes == NULL)
        return NULL;
      g_autofree char *full = g_path_is_absolute (path)
        ? g_strdup (path) : g_build_filename (p->base_dir, path, NULL);
      gsize sent = 0;
      if (!dr_pg_photo_blob_put (p->conn, p->team, sha, bytes, full, p->photo_root, &sent,
                                 error))
        return NULL;
      p->sum->bytes += sent;
    }
  const char *params[] = { p->team, claim_id, name, sha, size, width, height, err, added };
  g_autoptr (PGresult) res = exec (p, "push_photo",
    "INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height, error, added)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " TIME_OF (9) ") RETURNING id", 9, params, error);
  if (res == NULL)
    return NULL;
  p->sum->photos++;
  return g_strdup (PQgetvalue (res, 0, 0));
}

/* Every photo of the file with its history. */
static gboolean
push_photos (Push *p, GError **error)
{
  g_autoptr (PushStmt) stmt = push_prepare (p,
    "SELECT id, claim_id, path, sha256, size, width, height, error, added FROM photos"
    " ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean present = FALSE;
      g_autofree char *team_photo = push_photo_row (p, stmt, &present, error);
      if (present)
        {
          p->sum->photos_present++;
          continue;
        }
      if (team_photo == NULL)
        return FALSE;
      gint64 photo = sqlite3_column_int64 (stmt, 0);
      if (!push_rows (p, &predictions, photo, team_photo, &p->sum->predictions, error)
          || !push_revisions (p, photo, team_photo, error)
          || !push_heads (p, photo, team_photo, error)
          || !push_rows (p, &reviews, photo, team_photo, &p->sum->reviews, error)
          || !push_rows (p, &notes, photo, team_photo, &p->sum->notes, error)
          || !push_rows (p, &ground_truth, photo, team_photo, &p->sum->ground_truth, error))
        return FALSE;
    }
  return step_done (p, rc, "reading photos", error);
}

/* See dr-pg-push.h. */
gboolean
dr_pg_push (DrProject *project, DrPgConn *conn, gint64 team_id, DrPgPushSummary *summary,
            GError **error)
{
  DrPgPushSummary local_summary = { 0 };
  Push p = {
    .project = project,
    .conn = conn,
    .team = dr_pg_int (team_id),
    .base_dir = g_path_get_dirname (dr_project_get_path (project)),
    .claims = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free),
    .revisions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free),
    .sum = summary != NULL ? summary : &local_summary,
  };
  memset (p.sum, 0, sizeof *p.sum);
  g_autoptr (GError) local = NULL;
  gboolean ok = dr_pg_conn_begin (conn, &local)
                && dr_pg_photo_root_get (conn, p.team, &p.photo_root, &local);
  if (ok)
    {
      ok = push_models (&p, &local) && push_claims (&p, &local) && push_photos (&p, &local);
      if (ok)
        ok = dr_pg_conn_commit (conn, &local);
      else
        dr_pg_conn_rollback (conn);
    }
  if (g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_PERMISSION))
    g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_PERMISSION, "%s (only a lead of the team may "
                 "push; nothing was pushed)", local->message);
  else if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  if (!ok)
    memset (p.sum, 0, sizeof *p.sum);
  g_free (p.team);
  g_free (p.base_dir);
  g_free (p.photo_root);
  g_hash_table_unref (p.claims);
  g_hash_table_unref (p.revisions);
  return ok;
}
