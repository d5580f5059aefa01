/* dr-pg-edit.c — edits, head moves, verdicts and notes on a team server (dr-pg-edit.h). */
#include "dr-pg-edit.h"

#include "dr-pg-team.h"

/* Frees what a head owns and zeroes it. */
void
dr_pg_head_clear (DrPgHead *head)
{
  g_clear_pointer (&head->moved_by, g_free);
  head->revision_id = 0;
  head->version = 0;
}

/* Integer text of (@r, @c), 0 for NULL. */
static gint64
int_at (const PGresult *res, int r, int c)
{
  return PQgetisnull (res, r, c) ? 0 : g_ascii_strtoll (PQgetvalue (res, r, c), NULL, 10);
}

/* Runs the prepared statement @name (@sql), which returns one row when what it names exists:
 * that result, or NULL with @error (NOT_FOUND: the server, then @missing formatted, when no
 * row came back). */
static G_GNUC_PRINTF (7, 8) PGresult *
exec_one_row (DrPgConn *conn, const char *name, const char *sql, int n_params,
              const char *const *params, GError **error, const char *missing, ...)
{
  PGresult *res = dr_pg_conn_exec (conn, name, sql, n_params, params, error);
  if (res == NULL || PQntuples (res) == 1)
    return res;
  PQclear (res);
  va_list args;
  va_start (args, missing);
  g_autofree char *what = g_strdup_vprintf (missing, args);
  va_end (args);
  g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND, "%s: %s",
               dr_pg_conn_get_server (conn), what);
  return NULL;
}

/* Fills @head from columns @c (revision), @c + 1 (version), @c + 2 (moved_by) of row 0. */
static void
head_from (DrPgHead *head, const PGresult *res, int c)
{
  g_free (head->moved_by);
  head->revision_id = int_at (res, 0, c);
  head->version = int_at (res, 0, c + 1);
  head->moved_by = g_strdup (PQgetvalue (res, 0, c + 2));
}

/* See dr-pg-edit.h. */
gboolean
dr_pg_head_read (DrPgConn *conn, gint64 photo_id, DrDamage damage, DrPgHead *head,
                 GError **error)
{
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage);
  const char *params[] = { photo, d };
  /* The layer's head (visible only to its team's members). */
  g_autoptr (PGresult) res = exec_one_row (conn, "edit_head",
    "SELECT revision_id, version, moved_by FROM dr.heads WHERE photo_id = $1 AND damage = $2",
    2, params, error, "photo %" G_GINT64_FORMAT " has no %s layer here", photo_id,
    dr_damage_to_string (damage));
  if (res == NULL)
    return FALSE;
  head_from (head, res, 0);
  return TRUE;
}

/* The conflict error after a lost CAS: re-reads the head into @head and names its mover. */
static gboolean
conflict (DrPgConn *conn, gint64 photo_id, DrDamage damage, const DrPgHead *seen,
          DrPgHead *head, GError **error)
{
  g_auto (DrPgHead) now = { 0 };
  if (!dr_pg_head_read (conn, photo_id, damage, &now, error))
    return FALSE;
  g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_CONFLICT,
               "%s changed this layer (photo %" G_GINT64_FORMAT ", %s) after you read it "
               "(version %" G_GINT64_FORMAT ", now %" G_GINT64_FORMAT ")", now.moved_by,
               photo_id, dr_damage_to_string (damage), seen->version, now.version);
  dr_pg_head_clear (head);
  *head = now;
  now.moved_by = NULL;
  return FALSE;
}

/* See dr-pg-edit.h. One statement, so one implicit transaction: the revision is inserted and
 * the head moved only if its version is still the one seen. */
gboolean
dr_pg_edit_commit (DrPgConn *conn, gint64 photo_id, DrDamage damage, const DrPgHead *seen,
                   const char *rle, gint64 area, const char *kind, gint64 *revision_id,
                   DrPgHead *head, GError **error)
{
  *revision_id = 0;
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *parent = seen->revision_id ? dr_pg_int (seen->revision_id) : NULL,
                  *a = dr_pg_int (area), *version = dr_pg_int (seen->version);
  gint64 seen_version = seen->version;
  const char *params[] = { photo, d, parent, rle, a, kind, version };
  /* Insert the revision (author = session_user), then CAS the head onto it. */
  g_autoptr (PGresult) res = exec_one_row (conn, "edit_commit",
    "WITH r AS (INSERT INTO dr.revisions (team_id, photo_id, damage, parent_id, rle, area, kind)"
    "   SELECT team_id, $1, $2, $3, $4, $5, $6 FROM dr.photos WHERE id = $1 RETURNING id),"
    " u AS (UPDATE dr.heads h SET revision_id = r.id, version = h.version + 1,"
    "   moved_by = session_user, moved_at = now () FROM r"
    "   WHERE h.photo_id = $1 AND h.damage = $2 AND h.version = $7"
    "   RETURNING h.revision_id, h.version, h.moved_by)"
    " SELECT r.id, u.revision_id, u.version, u.moved_by FROM r LEFT JOIN u ON true",
    7, params, error, "no photo %" G_GINT64_FORMAT " here", photo_id);
  if (res == NULL)
    return FALSE;
  *revision_id = int_at (res, 0, 0);
  if (PQgetisnull (res, 0, 2))
    {
      DrPgHead seen_copy = { seen->revision_id, seen_version, NULL };
      return conflict (conn, photo_id, damage, &seen_copy, head, error);
    }
  head_from (head, res, 1);
  return TRUE;
}

/* See dr-pg-edit.h. */
gboolean
dr_pg_edit_move_head (DrPgConn *conn, gint64 photo_id, DrDamage damage, const DrPgHead *seen,
                      gint64 revision_id, DrPgHead *head, GError **error)
{
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *target = revision_id ? dr_pg_int (revision_id) : NULL,
                  *version = dr_pg_int (seen->version);
  DrPgHead seen_copy = { seen->revision_id, seen->version, NULL };
  const char *params[] = { photo, d, target, version };
  /* CAS of the head onto another revision of the layer (or none); from version 0 a layer
   * without a head row (a photo added after the push) gets one at version 1, unless another
   * member created it first (ON CONFLICT: nothing, so a conflict). */
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "edit_move_head",
    "WITH u AS (UPDATE dr.heads SET revision_id = $3, version = version + 1,"
    "   moved_by = session_user, moved_at = now ()"
    "   WHERE photo_id = $1 AND damage = $2 AND version = $4"
    "   RETURNING revision_id, version, moved_by),"
    " i AS (INSERT INTO dr.heads (team_id, photo_id, damage, revision_id, version)"
    "   SELECT team_id, $1, $2, $3, 1 FROM dr.photos"
    "   WHERE id = $1 AND $4::bigint = 0 AND NOT EXISTS (SELECT 1 FROM u)"
    "   ON CONFLICT (photo_id, damage) DO NOTHING RETURNING revision_id, version, moved_by)"
    " SELECT * FROM u UNION ALL SELECT * FROM i", 4, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return conflict (conn, photo_id, damage, &seen_copy, head, error);
  head_from (head, res, 0);
  return TRUE;
}

/* See dr-pg-edit.h. */
gboolean
dr_pg_edit_parent (DrPgConn *conn, gint64 revision_id, gint64 *parent_id, GError **error)
{
  g_autofree char *id = dr_pg_int (revision_id);
  const char *params[] = { id };
  /* The revision's parent. */
  g_autoptr (PGresult) res = exec_one_row (conn, "edit_parent",
    "SELECT parent_id FROM dr.revisions WHERE id = $1", 1, params, error,
    "no revision %" G_GINT64_FORMAT, revision_id);
  if (res == NULL)
    return FALSE;
  *parent_id = int_at (res, 0, 0);
  return TRUE;
}

/* See dr-pg-edit.h. */
gboolean
dr_pg_verdict_add (DrPgConn *conn, gint64 photo_id, DrDamage damage, const DrPgHead *seen,
                   const char *verdict, gint64 *review_id, gboolean *stale, GError **error)
{
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *revision = seen->revision_id ? dr_pg_int (seen->revision_id) : NULL,
                  *version = dr_pg_int (seen->version);
  const char *params[] = { photo, d, verdict, revision, version };
  /* The verdict on the mask the caller saw, and the head's version now. */
  g_autoptr (PGresult) res = exec_one_row (conn, "edit_verdict",
    "WITH r AS (INSERT INTO dr.reviews (team_id, photo_id, damage, verdict, revision_id,"
    "   head_version) SELECT team_id, $1, $2, $3, $4, $5 FROM dr.photos WHERE id = $1"
    "   RETURNING id)"
    " SELECT r.id, (SELECT version FROM dr.heads WHERE photo_id = $1 AND damage = $2) FROM r",
    5, params, error, "no photo %" G_GINT64_FORMAT " here", photo_id);
  if (res == NULL)
    return FALSE;
  *review_id = int_at (res, 0, 0);
  *stale = int_at (res, 0, 1) != seen->version;
  return TRUE;
}

/* See dr-pg-edit.h. */
gboolean
dr_pg_note_add (DrPgConn *conn, gint64 photo_id, const char *text, gint64 *note_id,
                GError **error)
{
  g_autofree char *photo = dr_pg_int (photo_id);
  const char *params[] = { photo, text };
  /* The note (author = session_user). */
  g_autoptr (PGresult) res = exec_one_row (conn, "edit_note",
    "INSERT INTO dr.notes (team_id, photo_id, text) SELECT team_id, $1, $2 FROM dr.photos"
    " WHERE id = $1 RETURNING id", 2, params, error, "no photo %" G_GINT64_FORMAT " here",
    photo_id);
  if (res == NULL)
    return FALSE;
  *note_id = int_at (res, 0, 0);
  return TRUE;
}
