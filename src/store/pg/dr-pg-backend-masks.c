/* dr-pg-backend-masks.c — models, predictions, revisions, heads, verdicts, notes and ground
 * truth of a team project. Authors are never sent: the server records session_user. */
#include <string.h>

#include "dr-pg-backend-private.h"
#include "dr-pg-edit.h"
#include "dr-pg-team.h"
#include "dr-store-error.h"

/* Longest SHA-256, source, author or verdict text accepted from the server. */
#define MAX_SHORT_TEXT 1024

/* The outcome of a write on photo @photo_id whose statement answers one row per row written
 * (RETURNING): FALSE (error already set) when @res is NULL; NOT_FOUND when no row came back, the
 * team having no such photo; with @id, the row's id (its first column, never NULL) read into it,
 * @what naming the write in a range error. */
static gboolean
photo_row_written (DrPgBackendConn *self, const PGresult *res, gint64 photo_id, gint64 *id,
                   const char *what, GError **error)
{
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    return dr_pg_backend_no_photo (self, photo_id, error);
  return id == NULL || dr_pg_backend_int (self, res, 0, 0, 1, DR_PG_BACKEND_MAX_INT,
                                          DR_PG_BACKEND_NOT_NULL, id, what, error);
}

/* Makes the model current through dr.set_current_model (a lead only; its checkpoint must be
 * stored in the project, as `damage-review analyse URI` does). @added is the server's time. */
gboolean
dr_pg_backend_model_set_current (DrStoreConn *conn, DrDamage damage, const char *sha256,
                                 const char *path, const char *name, gint64 added,
                                 GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *d = dr_pg_int (damage);
  const char *params[] = { self->team, d, sha256, path, name };
  /* The model becomes the team's current one for its damage type. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_model_set_current",
    "SELECT dr.set_current_model ($1::bigint, $2::smallint, $3, $4, $5)", 5, params, error);
  return res != NULL;
}

/* The current model's SHA-256, NULL without error when none. */
char *
dr_pg_backend_model_dup_current (DrStoreConn *conn, DrDamage damage, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *d = dr_pg_int (damage);
  const char *params[] = { self->team, d };
  /* The team's current model of the damage type. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_model_current",
    "SELECT sha256 FROM dr.models WHERE team_id = $1 AND damage = $2 AND current", 2, params,
    error);
  char *sha = NULL;
  if (res == NULL || PQntuples (res) == 0
      || !dr_pg_backend_text (self, res, 0, 0, 64, &sha, "reading models", error))
    return NULL;
  return sha;
}

/* Inserts or replaces the prediction of (photo, damage, model). */
gboolean
dr_pg_backend_prediction_put (DrStoreConn *conn, const DrPrediction *p, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  char conf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *photo = dr_pg_int (p->photo_id), *d = dr_pg_int (p->damage),
                  *area = dr_pg_int (p->area), *created = dr_pg_int (p->created);
  const char *params[] = { self->team, photo, d, p->model_sha256, p->rle, area,
                           p->confidence < 0 ? NULL : g_ascii_dtostr (conf, sizeof conf,
                                                                      p->confidence),
                           created };
  /* The prediction, replacing the same model's earlier one. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_prediction_put",
    "INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256, rle, area, confidence,"
    "   created)"
    " SELECT team_id, $2, $3, $4, $5, $6, $7, " DR_PG_TIME_OF (8)
    "   FROM dr.photos WHERE team_id = $1 AND id = $2"
    " ON CONFLICT (photo_id, damage, model_sha256) DO UPDATE SET rle = EXCLUDED.rle,"
    "   area = EXCLUDED.area, confidence = EXCLUDED.confidence, created = EXCLUDED.created"
    " RETURNING 1", 8, params, error);
  return photo_row_written (self, res, p->photo_id, NULL, NULL, error);
}

/* The current model's prediction for the layer, NULL without error when none. */
DrPrediction *
dr_pg_backend_prediction_get_current (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                      GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage);
  const char *params[] = { self->team, photo, d };
  /* The prediction made by the damage type's current model. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_prediction_current",
    "SELECT pr.model_sha256, pr.rle, pr.area, pr.confidence, " DR_PG_MICROS ("pr.created")
    " FROM dr.predictions pr JOIN dr.models m ON m.team_id = pr.team_id"
    "   AND m.damage = pr.damage AND m.sha256 = pr.model_sha256 AND m.current"
    " WHERE pr.team_id = $1 AND pr.photo_id = $2 AND pr.damage = $3", 3, params, error);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  g_autoptr (DrPrediction) p = g_new0 (DrPrediction, 1);
  p->photo_id = photo_id;
  p->damage = damage;
  const char *what = "reading a prediction";
  if (!dr_pg_backend_text (self, res, 0, 0, 64, &p->model_sha256, what, error)
      || !dr_pg_backend_text (self, res, 0, 1, DR_PG_BACKEND_MAX_TEXT, &p->rle, what, error)
      || !dr_pg_backend_int (self, res, 0, 2, 0, DR_PG_BACKEND_MAX_INT, -1, &p->area, what,
                             error)
      || !dr_pg_backend_double (self, res, 0, 3, 0, 1, -1, &p->confidence, what, error)
      || !dr_pg_backend_int (self, res, 0, 4, G_MININT64, G_MAXINT64, 0, &p->created, what,
                             error))
    return NULL;
  return g_steal_pointer (&p);
}

/* Readable photos of the team without a prediction by (damage, model), by id. */
GArray *
dr_pg_backend_prediction_missing (DrStoreConn *conn, DrDamage damage, const char *model_sha256,
                                  GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *d = dr_pg_int (damage);
  const char *params[] = { self->team, d, model_sha256 };
  /* Photos still to analyse with this model. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_prediction_missing",
    "SELECT p.id FROM dr.photos p WHERE p.team_id = $1 AND p.error IS NULL AND NOT EXISTS"
    " (SELECT 1 FROM dr.predictions pr WHERE pr.photo_id = p.id AND pr.damage = $2"
    "   AND pr.model_sha256 = $3) ORDER BY p.id", 3, params, error);
  if (res == NULL)
    return NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 id = 0;
      if (!dr_pg_backend_int (self, res, r, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &id,
                              "finding photos to analyse", error))
        return NULL;
      g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

/* Appends the revision (author = session_user; r->author is not sent). */
gboolean
dr_pg_backend_revision_insert (DrStoreConn *conn, const DrRevision *r, gint64 *id,
                               GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (r->photo_id), *d = dr_pg_int (r->damage),
                  *parent = r->parent_id > 0 ? dr_pg_int (r->parent_id) : NULL,
                  *area = dr_pg_int (r->area), *created = dr_pg_int (r->created);
  const char *params[] = { self->team, photo, d, parent, r->rle, area, created,
                           dr_revision_kind_to_string (r->kind), r->key };
  /* The new revision, child of parent_id (the foreign key keeps it in the layer); with a key
   * already stored (a re-sent edit), that revision instead: check-before-insert in one
   * statement, and the unique index refuses a concurrent second one. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_revision_insert",
    "WITH old AS (SELECT id FROM dr.revisions WHERE team_id = $1 AND client_key = $9),"
    " ins AS (INSERT INTO dr.revisions (team_id, photo_id, damage, parent_id, rle, area,"
    "   created, kind, client_key)"
    "   SELECT team_id, $2, $3, $4, $5, $6, " DR_PG_TIME_OF (7) ", $8, $9"
    "   FROM dr.photos WHERE team_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM old)"
    "   RETURNING id)"
    " SELECT id FROM old UNION ALL SELECT id FROM ins", 9, params, error);
  return photo_row_written (self, res, r->photo_id, id, "adding an edit", error);
}

/* Reads row @r of columns id, photo_id, damage, parent_id, rle, area, author, created (µs),
 * kind. */
static DrRevision *
read_revision_row (DrPgBackendConn *self, const PGresult *res, int r, GError **error)
{
  g_autoptr (DrRevision) rev = g_new0 (DrRevision, 1);
  gint64 d = 0;
  g_autofree char *kind = NULL;
  const char *what = "reading an edit";
  if (!dr_pg_backend_int (self, res, r, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &rev->id, what, error)
      || !dr_pg_backend_int (self, res, r, 1, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &rev->photo_id,
                             what, error)
      || !dr_pg_backend_int (self, res, r, 2, 0, DR_N_DAMAGE - 1, DR_PG_BACKEND_NOT_NULL, &d, what, error)
      || !dr_pg_backend_int (self, res, r, 3, 1, DR_PG_BACKEND_MAX_INT, 0, &rev->parent_id,
                             what, error)
      || !dr_pg_backend_text (self, res, r, 4, DR_PG_BACKEND_MAX_TEXT, &rev->rle, what, error)
      || !dr_pg_backend_int (self, res, r, 5, 0, DR_PG_BACKEND_MAX_INT, -1, &rev->area, what,
                             error)
      || !dr_pg_backend_text (self, res, r, 6, MAX_SHORT_TEXT, &rev->author, what, error)
      || !dr_pg_backend_int (self, res, r, 7, G_MININT64, G_MAXINT64, 0, &rev->created, what,
                             error)
      || !dr_pg_backend_text (self, res, r, 8, MAX_SHORT_TEXT, &kind, what, error))
    return NULL;
  rev->damage = (DrDamage) d;
  rev->kind = dr_revision_kind_from_string (kind);
  return g_steal_pointer (&rev);
}

/* The columns read_revision_row reads, from dr.revisions r. */
#define REVISION_COLUMNS \
  "r.id, r.photo_id, r.damage, r.parent_id, r.rle, r.area, coalesce (r.origin_author," \
  " r.author::text), " DR_PG_MICROS ("r.created") ", r.kind"

/* One revision of the team by id; NOT_FOUND when none. */
DrRevision *
dr_pg_backend_revision_get (DrStoreConn *conn, gint64 revision_id, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *id = dr_pg_int (revision_id);
  const char *params[] = { self->team, id };
  /* The revision with this id. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_revision_get",
    "SELECT " REVISION_COLUMNS " FROM dr.revisions r WHERE r.team_id = $1 AND r.id = $2", 2,
    params, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND, "%s: no edit with id %"
                   G_GINT64_FORMAT, dr_pg_conn_get_server (self->pg), revision_id);
      return NULL;
    }
  return read_revision_row (self, res, 0, error);
}

/* The newest child of parent_id (0: first revisions) in the layer, 0 if none. */
gboolean
dr_pg_backend_revision_newest_child (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                     gint64 parent_id, gint64 *child, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *parent = parent_id > 0 ? dr_pg_int (parent_id) : NULL;
  const char *params[] = { self->team, photo, d, parent };
  /* Highest id among the layer's revisions whose parent is parent_id. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_revision_child",
    "SELECT max (id) FROM dr.revisions WHERE team_id = $1 AND photo_id = $2 AND damage = $3"
    " AND parent_id IS NOT DISTINCT FROM $4::bigint", 4, params, error);
  return res != NULL
         && dr_pg_backend_int (self, res, 0, 0, 1, DR_PG_BACKEND_MAX_INT, 0, child,
                               "reading an edit history", error);
}

/* The revision and its ancestors, oldest first (ids grow along a path). */
GPtrArray *
dr_pg_backend_revision_list_path (DrStoreConn *conn, gint64 revision_id, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *id = revision_id > 0 ? dr_pg_int (revision_id) : NULL;
  const char *params[] = { self->team, id };
  /* Parent links walked up from the revision. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_revision_path",
    "WITH RECURSIVE path (id) AS ("
    "   SELECT $2::bigint WHERE $2::bigint IS NOT NULL"
    " UNION ALL"
    "   SELECT r.parent_id FROM dr.revisions r JOIN path ON r.id = path.id"
    "     WHERE r.parent_id IS NOT NULL)"
    " SELECT " REVISION_COLUMNS " FROM path JOIN dr.revisions r ON r.id = path.id"
    " WHERE r.team_id = $1 ORDER BY r.id", 2, params, error);
  if (res == NULL)
    return NULL;
  g_autoptr (GPtrArray) path = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_revision_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      DrRevision *rev = read_revision_row (self, res, r, error);
      if (rev == NULL)
        return NULL;
      g_ptr_array_add (path, rev);
    }
  return g_steal_pointer (&path);
}

/* dr_pg_head_read; a layer without a head row reads as (0, 0). */
gboolean
dr_pg_backend_head_get (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                        gint64 *revision_id, gint64 *version, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_auto (DrPgHead) head = { 0 };
  g_autoptr (GError) local = NULL;
  if (!dr_pg_head_read (self->pg, photo_id, damage, &head, &local)
      && !g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      dr_pg_backend_convert_error (error);
      return FALSE;
    }
  if (head.revision_id < 0 || head.version < 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE, "%s: reading a head: the "
                   "server sent an out-of-range value", dr_pg_conn_get_server (self->pg));
      return FALSE;
    }
  *revision_id = head.revision_id;
  *version = head.version;
  return TRUE;
}

/* dr_pg_edit_move_head: compare-and-swap on the version; CONFLICT names who moved it. */
gboolean
dr_pg_backend_head_move (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                         gint64 seen_version, gint64 revision_id, gint64 *new_version,
                         GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  DrPgHead seen = { 0, seen_version, NULL };
  g_auto (DrPgHead) head = { 0 };
  g_autoptr (GError) local = NULL;
  if (!dr_pg_edit_move_head (self->pg, photo_id, damage, &seen, revision_id, &head, &local))
    {
      if (g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_CONFLICT))
        g_prefix_error (&local, "%s: ", dr_pg_conn_get_server (self->pg));
      dr_pg_backend_convert_error (&local);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (new_version != NULL)
    *new_version = head.version;
  return TRUE;
}

/* dr_pg_head_read's moved_by, bounded; NULL for a layer without a head row. */
char *
dr_pg_backend_head_mover (DrStoreConn *conn, gint64 photo_id, DrDamage damage, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_auto (DrPgHead) head = { 0 };
  g_autoptr (GError) local = NULL;
  if (!dr_pg_head_read (self->pg, photo_id, damage, &head, &local))
    {
      if (g_error_matches (local, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local));
      dr_pg_backend_convert_error (error);
      return NULL;
    }
  if (head.moved_by == NULL || strlen (head.moved_by) > MAX_SHORT_TEXT)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE, "%s: reading a head: the "
                   "server sent an out-of-range value", dr_pg_conn_get_server (self->pg));
      return NULL;
    }
  return g_steal_pointer (&head.moved_by);
}

/* Appends the verdict (author = session_user; r->author is not sent) with the head's version
 * at the time it is stored; with r->key already stored (a verdict sent again), that row's id
 * instead: check-before-insert in one statement, the unique index refusing a concurrent
 * second one. */
gboolean
dr_pg_backend_review_insert (DrStoreConn *conn, DrReview *r, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  char iou[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean measured = r->iou >= 0;
  g_autofree char *photo = dr_pg_int (r->photo_id), *d = dr_pg_int (r->damage),
                  *revision = r->revision_id > 0 ? dr_pg_int (r->revision_id) : NULL,
                  *created = dr_pg_int (r->created),
                  *added = measured ? dr_pg_int (r->px_added) : NULL,
                  *removed = measured ? dr_pg_int (r->px_removed) : NULL;
  const char *params[] = { self->team, photo, d, dr_verdict_to_string (r->verdict), revision,
                           r->model_sha256, created,
                           measured ? g_ascii_dtostr (iou, sizeof iou, r->iou) : NULL, added,
                           removed, r->key };
  /* The verdict on the photo's layer, once per client key. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_review_insert",
    "WITH old AS (SELECT id FROM dr.reviews WHERE team_id = $1 AND client_key = $11),"
    " ins AS (INSERT INTO dr.reviews (team_id, photo_id, damage, verdict, revision_id,"
    "   head_version, model_sha256, created, iou, px_added, px_removed, client_key)"
    "   SELECT p.team_id, $2, $3, $4, $5, (SELECT h.version FROM dr.heads h"
    "     WHERE h.photo_id = $2 AND h.damage = $3), $6, " DR_PG_TIME_OF (7) ", $8, $9, $10, $11"
    "   FROM dr.photos p WHERE p.team_id = $1 AND p.id = $2 AND NOT EXISTS (SELECT 1 FROM old)"
    "   RETURNING id)"
    " SELECT id FROM old UNION ALL SELECT id FROM ins", 11, params, error);
  return photo_row_written (self, res, r->photo_id, &r->id, "adding a verdict", error);
}

/* The newest verdict of the layer (among all, or given on revision_id); NULL without error when
 * none. */
DrReview *
dr_pg_backend_review_get_newest (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                 gboolean any_revision, gint64 revision_id, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *revision = revision_id > 0 ? dr_pg_int (revision_id) : NULL;
  const char *params[] = { self->team, photo, d, revision, any_revision ? "true" : "false" };
  /* Newest verdict of the layer, on any mask or on the one named. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_review_newest",
    "SELECT id, verdict, revision_id, model_sha256, coalesce (origin_author, author::text), "
    DR_PG_MICROS ("created") ", iou, px_added, px_removed FROM dr.reviews"
    " WHERE team_id = $1 AND photo_id = $2 AND damage = $3"
    "   AND ($5::boolean OR revision_id IS NOT DISTINCT FROM $4::bigint)"
    " ORDER BY id DESC LIMIT 1", 5, params, error);
  if (res == NULL || PQntuples (res) == 0)
    return NULL;
  g_autoptr (DrReview) r = g_new0 (DrReview, 1);
  r->photo_id = photo_id;
  r->damage = damage;
  g_autofree char *verdict = NULL;
  const char *what = "reading a verdict";
  if (!dr_pg_backend_int (self, res, 0, 0, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &r->id, what, error)
      || !dr_pg_backend_text (self, res, 0, 1, MAX_SHORT_TEXT, &verdict, what, error)
      || !dr_pg_backend_int (self, res, 0, 2, 1, DR_PG_BACKEND_MAX_INT, 0, &r->revision_id,
                             what, error)
      || !dr_pg_backend_text (self, res, 0, 3, 64, &r->model_sha256, what, error)
      || !dr_pg_backend_text (self, res, 0, 4, MAX_SHORT_TEXT, &r->author, what, error)
      || !dr_pg_backend_int (self, res, 0, 5, G_MININT64, G_MAXINT64, 0, &r->created, what,
                             error)
      || !dr_pg_backend_double (self, res, 0, 6, 0, 1, -1, &r->iou, what, error)
      || !dr_pg_backend_int (self, res, 0, 7, 0, DR_PG_BACKEND_MAX_INT, -1, &r->px_added, what,
                             error)
      || !dr_pg_backend_int (self, res, 0, 8, 0, DR_PG_BACKEND_MAX_INT, -1, &r->px_removed,
                             what, error))
    return NULL;
  r->verdict = dr_verdict_from_string (verdict);
  return g_steal_pointer (&r);
}

/* Appends a note (author = session_user; @author is not sent), once per client key (as
 * dr_pg_backend_review_insert). */
gboolean
dr_pg_backend_note_insert (DrStoreConn *conn, gint64 photo_id, const char *text,
                           const char *author, gint64 created, const char *key, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id), *time = dr_pg_int (created);
  const char *params[] = { self->team, photo, text, time, key };
  /* The note on the photo, once per client key. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_note_insert",
    "WITH old AS (SELECT id FROM dr.notes WHERE team_id = $1 AND client_key = $5),"
    " ins AS (INSERT INTO dr.notes (team_id, photo_id, text, created, client_key)"
    "   SELECT team_id, $2, $3, " DR_PG_TIME_OF (4) ", $5"
    "   FROM dr.photos WHERE team_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM old)"
    "   RETURNING id)"
    " SELECT id FROM old UNION ALL SELECT id FROM ins", 5, params, error);
  return photo_row_written (self, res, photo_id, NULL, NULL, error);
}

/* The newest note's text, NULL without error when none. */
char *
dr_pg_backend_note_dup_newest (DrStoreConn *conn, gint64 photo_id, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id);
  const char *params[] = { self->team, photo };
  /* The photo's newest note. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_note_newest",
    "SELECT text FROM dr.notes WHERE team_id = $1 AND photo_id = $2 ORDER BY id DESC LIMIT 1",
    2, params, error);
  char *text = NULL;
  if (res == NULL || PQntuples (res) == 0
      || !dr_pg_backend_text (self, res, 0, 0, DR_PG_BACKEND_MAX_TEXT, &text, "reading a note",
                              error))
    return NULL;
  return text;
}

/* Inserts or replaces the ground truth of (photo, damage, source). */
gboolean
dr_pg_backend_ground_truth_put (DrStoreConn *conn, gint64 photo_id, DrDamage damage,
                                const char *source, const char *rle, gint64 area,
                                gint64 imported, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  g_autofree char *photo = dr_pg_int (photo_id), *d = dr_pg_int (damage),
                  *a = dr_pg_int (area), *time = dr_pg_int (imported);
  const char *params[] = { self->team, photo, d, source, rle, a, time };
  /* The imported mask, replacing the same source's earlier one. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_ground_truth_put",
    "INSERT INTO dr.ground_truth (team_id, photo_id, damage, source, rle, area, imported)"
    " SELECT team_id, $2, $3, $4, $5, $6, " DR_PG_TIME_OF (7)
    "   FROM dr.photos WHERE team_id = $1 AND id = $2"
    " ON CONFLICT (photo_id, damage, source) DO UPDATE SET rle = EXCLUDED.rle,"
    "   area = EXCLUDED.area, imported = EXCLUDED.imported RETURNING 1", 7, params, error);
  return photo_row_written (self, res, photo_id, NULL, NULL, error);
}

/* Every (ground truth, prediction) pair of the team, in the order the interface gives. */
gboolean
dr_pg_backend_evaluation_foreach (DrStoreConn *conn, DrStoreEvaluationFunc func,
                                  gpointer user_data, GError **error)
{
  DrPgBackendConn *self = DR_PG_BACKEND_CONN (conn);
  const char *params[] = { self->team };
  /* Ground truth joined with every model's prediction of the same layer. */
  g_autoptr (PGresult) res = dr_pg_backend_exec (self, "backend_evaluation",
    "SELECT g.damage, pr.model_sha256, m.name, g.source, g.photo_id, p.width, p.height,"
    "   g.rle, pr.rle"
    " FROM dr.ground_truth g"
    " JOIN dr.predictions pr ON pr.photo_id = g.photo_id AND pr.damage = g.damage"
    " JOIN dr.photos p ON p.id = g.photo_id"
    " LEFT JOIN dr.models m ON m.team_id = pr.team_id AND m.damage = pr.damage"
    "   AND m.sha256 = pr.model_sha256"
    " WHERE g.team_id = $1"
    " ORDER BY g.damage, m.name COLLATE \"C\", pr.model_sha256 COLLATE \"C\","
    "   g.source COLLATE \"C\", g.photo_id", 1, params, error);
  if (res == NULL)
    return FALSE;
  const char *what = "reading ground truth and predictions";
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 d = 0, photo = 0, w = 0, h = 0;
      if (!dr_pg_backend_int (self, res, r, 0, 0, DR_N_DAMAGE - 1, DR_PG_BACKEND_NOT_NULL, &d, what, error)
          || !dr_pg_backend_int (self, res, r, 4, 1, DR_PG_BACKEND_MAX_INT, DR_PG_BACKEND_NOT_NULL, &photo, what,
                                 error)
          || !dr_pg_backend_int (self, res, r, 5, 1, G_MAXINT, 0, &w, what, error)
          || !dr_pg_backend_int (self, res, r, 6, 1, G_MAXINT, 0, &h, what, error))
        return FALSE;
      DrStoreEvaluationPair pair = {
        .damage = (DrDamage) d,
        .model_sha256 = PQgetvalue (res, r, 1),
        .model_name = PQgetisnull (res, r, 2) ? NULL : PQgetvalue (res, r, 2),
        .source = PQgetvalue (res, r, 3),
        .photo_id = photo,
        .width = (guint) w,
        .height = (guint) h,
        .truth_rle = PQgetvalue (res, r, 7),
        .prediction_rle = PQgetvalue (res, r, 8),
      };
      if (!func (&pair, user_data, error))
        return FALSE;
    }
  return TRUE;
}
