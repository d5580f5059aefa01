/* dr-revision.c — appending revisions and moving a layer's head (undo/redo). */
#include "dr-revision.h"

#include "dr-id-table.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-review.h"
#include "dr-rle.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"

static const char *const kind_ids[] = {
  [DR_REVISION_BRUSH] = "brush",
  [DR_REVISION_ERASER] = "eraser",
  [DR_REVISION_POLYGON] = "polygon",
  [DR_REVISION_FILL] = "fill",
  [DR_REVISION_CLEAR] = "clear",
  [DR_REVISION_RESET] = "reset",
  [DR_REVISION_IMPORT] = "import",
};

/* The static id of kind; NULL when out of range. */
const char *
dr_revision_kind_to_string (DrRevisionKind kind)
{
  return dr_id_table_name (kind_ids, G_N_ELEMENTS (kind_ids), kind);
}

/* The first kind whose id matches; brush otherwise. */
DrRevisionKind
dr_revision_kind_from_string (const char *id)
{
  return dr_id_table_find (kind_ids, G_N_ELEMENTS (kind_ids), id, DR_REVISION_BRUSH);
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_revision_free (DrRevision *revision)
{
  if (revision == NULL)
    return;
  g_free (revision->rle);
  g_free (revision->author);
  g_free (revision->key);
  g_free (revision);
}

/* Checks what every new revision needs — a damage type, a kind, an author and no key or a
 * UUID (else FAILED with the caller's @needs message) — and that @rle is a mask of the photo,
 * then fills *r for revision_insert (strings borrowed; parent_id 0, created now). */
static gboolean
revision_prepare (DrProject *project, gint64 photo_id, DrDamage damage, const char *rle,
                  DrRevisionKind kind, const char *author, const char *key, const char *needs,
                  DrRevision *r, GError **error)
{
  if (!DR_DAMAGE_IS_VALID ((int) damage) || dr_revision_kind_to_string (kind) == NULL
      || author == NULL || author[0] == '\0' || (key != NULL && !g_uuid_string_is_valid (key)))
    {
      g_set_error_literal (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED, needs);
      return FALSE;
    }
  g_autoptr (DrRle) mask = dr_photo_parse_mask (project, photo_id, rle, "edit", error);
  if (mask == NULL)
    return FALSE;
  *r = (DrRevision) {
    .photo_id = photo_id,
    .damage = damage,
    .rle = (char *) rle,
    .area = (gint64) dr_rle_get_area (mask),
    .author = (char *) author,
    .created = dr_project_now (),
    .kind = kind,
    .key = (char *) key,
  };
  return TRUE;
}

/* The body of dr_revision_append, inside its transaction: the new revision is a child of the
 * head read here, and the head moves to it only from the version read here. */
static gboolean
append (DrProject *project, DrRevision *r, gint64 *revision_id, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gint64 version, id;
  if (!conn->backend->head_get (conn, r->photo_id, r->damage, &r->parent_id, &version, error)
      || !conn->backend->revision_insert (conn, r, &id, error)
      || !conn->backend->head_move (conn, r->photo_id, r->damage, version, id, NULL, error))
    return FALSE;
  if (revision_id != NULL)
    *revision_id = id;
  return TRUE;
}

/* Validates, then appends and moves the head in one transaction. */
gboolean
dr_revision_append (DrProject *project, gint64 photo_id, DrDamage damage, const char *rle,
                    DrRevisionKind kind, const char *author, gint64 *revision_id,
                    GError **error)
{
  DrRevision r;
  if (!revision_prepare (project, photo_id, damage, rle, kind, author, NULL,
                         "a revision needs a damage type, a kind and an author", &r, error)
      || !dr_project_begin (project, error))
    return FALSE;
  return dr_project_commit_or_rollback (project, append (project, &r, revision_id, error), error);
}

/* Frees the mover and zeroes the outcome. */
void
dr_revision_outcome_clear (DrRevisionOutcome *outcome)
{
  g_clear_pointer (&outcome->moved_by, g_free);
  *outcome = (DrRevisionOutcome) { 0 };
}

/* The backend's head_get. */
gboolean
dr_revision_read_head (DrProject *project, gint64 photo_id, DrDamage damage, DrHeadSeen *head,
                       GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL && conn->backend->head_get (conn, photo_id, damage, &head->revision_id,
                                                  &head->version, error);
}

/* Inside a transaction: moves the head from seen_version to out->revision_id, unless it is
 * there already or (resent: the revision may have been stored and moved before) on the head's
 * history, edits having been made on it since; a lost compare-and-swap fills out with the head
 * as it is. */
static gboolean
cas_to (DrStoreConn *conn, gint64 photo_id, DrDamage damage, gint64 seen_version,
        gboolean resent, DrRevisionOutcome *out, GError **error)
{
  DrHeadSeen now;
  if (!conn->backend->head_get (conn, photo_id, damage, &now.revision_id, &now.version, error))
    return FALSE;
  gboolean applied = now.revision_id == out->revision_id && out->revision_id > 0;
  if (!applied && resent && now.revision_id > 0)
    {
      g_autoptr (GPtrArray) path = conn->backend->revision_list_path (conn, now.revision_id,
                                                                      error);
      if (path == NULL)
        return FALSE;
      for (guint i = 0; i < path->len && !applied; i++)
        applied = ((DrRevision *) g_ptr_array_index (path, i))->id == out->revision_id;
    }
  if (applied)
    {
      out->moved = TRUE;
      out->head = now;
      return TRUE;
    }
  g_autoptr (GError) local = NULL;
  gint64 version;
  if (conn->backend->head_move (conn, photo_id, damage, seen_version, out->revision_id,
                                &version, &local))
    {
      out->moved = TRUE;
      out->head = (DrHeadSeen) { out->revision_id, version };
      return TRUE;
    }
  if (!g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_CONFLICT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_error (&local);
  out->moved = FALSE;
  if (!conn->backend->head_get (conn, photo_id, damage, &out->head.revision_id,
                                &out->head.version, error))
    return FALSE;
  if (conn->backend->head_mover != NULL)
    {
      out->moved_by = conn->backend->head_mover (conn, photo_id, damage, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  return TRUE;
}

/* The body of dr_revision_commit, inside its transaction. */
static gboolean
commit_body (DrProject *project, DrRevision *r, const DrHeadSeen *seen,
             DrRevisionOutcome *out, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  DrHeadSeen base;
  if (conn == NULL)
    return FALSE;
  if (seen != NULL)
    base = *seen;
  else if (!conn->backend->head_get (conn, r->photo_id, r->damage, &base.revision_id,
                                     &base.version, error))
    return FALSE;
  r->parent_id = base.revision_id;
  return conn->backend->revision_insert (conn, r, &out->revision_id, error)
         && cas_to (conn, r->photo_id, r->damage, base.version, r->key != NULL, out, error);
}

/* Validates like dr_revision_append, then inserts and moves in one transaction. */
gboolean
dr_revision_commit (DrProject *project, gint64 photo_id, DrDamage damage,
                    const DrHeadSeen *seen, const char *rle, DrRevisionKind kind,
                    const char *author, const char *key, DrRevisionOutcome *out,
                    GError **error)
{
  dr_revision_outcome_clear (out);
  DrRevision r;
  if (!revision_prepare (project, photo_id, damage, rle, kind, author, key,
                         "a revision needs a damage type, a kind, an author and no key or a UUID",
                         &r, error)
      || !dr_project_begin (project, error))
    return FALSE;
  gboolean ok = commit_body (project, &r, seen, out, error);
  if (!ok)
    dr_revision_outcome_clear (out);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* One compare-and-swap in its own transaction. */
gboolean
dr_revision_move_head_to (DrProject *project, gint64 photo_id, DrDamage damage,
                          const DrHeadSeen *seen, gint64 revision_id, DrRevisionOutcome *out,
                          GError **error)
{
  dr_revision_outcome_clear (out);
  out->revision_id = revision_id;
  if (!dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gboolean ok = conn != NULL && cas_to (conn, photo_id, damage, seen->version, FALSE, out, error);
  if (!ok)
    dr_revision_outcome_clear (out);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* The backend's revision_get. */
DrRevision *
dr_revision_get (DrProject *project, gint64 revision_id, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->revision_get (conn, revision_id, error) : NULL;
}

/* The head's revision id, then that revision. */
DrRevision *
dr_revision_get_head (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gint64 head, version;
  if (conn == NULL || !conn->backend->head_get (conn, photo_id, damage, &head, &version, error)
      || head == 0)
    return NULL;
  return conn->backend->revision_get (conn, head, error);
}

/* Head first, then the current prediction. */
char *
dr_revision_dup_layer_rle (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (DrRevision) head = dr_revision_get_head (project, photo_id, damage, &local);
  g_autoptr (DrReview) review = local ? NULL : dr_review_get_current (project, photo_id, damage,
                                                                      &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  /* A rejected / none verdict given on the current head empties the layer; an edit made
   * after the verdict moved the head and is shown. */
  if (review != NULL && dr_verdict_empties_layer (review->verdict) &&
      review->revision_id == (head != NULL ? head->id : 0))
    return NULL;
  if (head != NULL)
    return g_steal_pointer (&head->rle);
  g_autoptr (DrPrediction) prediction = dr_prediction_get_current (project, photo_id, damage,
                                                                   error);
  return prediction != NULL ? g_steal_pointer (&prediction->rle) : NULL;
}

/* The path from the head up to the first revision, oldest first. */
GPtrArray *
dr_revision_list_history (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gint64 head, version;
  if (conn == NULL || !conn->backend->head_get (conn, photo_id, damage, &head, &version, error))
    return NULL;
  return conn->backend->revision_list_path (conn, head, error);
}

/* Reads where undo and redo would go: the head's parent and its newest child; *version is the
 * head's, for the move. */
static gboolean
read_targets (DrStoreConn *conn, gint64 photo_id, DrDamage damage, gint64 *head,
              gint64 *version, gint64 *parent, gint64 *child, GError **error)
{
  if (!conn->backend->head_get (conn, photo_id, damage, head, version, error))
    return FALSE;
  *parent = 0;
  if (*head > 0)
    {
      g_autoptr (DrRevision) r = conn->backend->revision_get (conn, *head, error);
      if (r == NULL)
        return FALSE;
      *parent = r->parent_id;
    }
  return conn->backend->revision_newest_child (conn, photo_id, damage, *head, child, error);
}

/* Moves the head one step, down (undo) or up (redo), in one transaction. */
static gboolean
step (DrProject *project, gint64 photo_id, DrDamage damage, gboolean up, gboolean *moved,
      GError **error)
{
  *moved = FALSE;
  if (!dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gint64 head, version, parent, child;
  gboolean ok = read_targets (conn, photo_id, damage, &head, &version, &parent, &child, error);
  gboolean can = up ? child > 0 : head > 0;
  if (ok && can)
    ok = conn->backend->head_move (conn, photo_id, damage, version, up ? child : parent, NULL,
                                   error);
  if (!dr_project_commit_or_rollback (project, ok, error))
    return FALSE;
  *moved = can;
  return TRUE;
}

/* Undo: head → parent. */
gboolean
dr_revision_undo (DrProject *project, gint64 photo_id, DrDamage damage, gboolean *moved,
                  GError **error)
{
  return step (project, photo_id, damage, FALSE, moved, error);
}

/* Redo: head → newest child. */
gboolean
dr_revision_redo (DrProject *project, gint64 photo_id, DrDamage damage, gboolean *moved,
                  GError **error)
{
  return step (project, photo_id, damage, TRUE, moved, error);
}

/* Undo is possible when a head is set; redo when the head has a child. */
gboolean
dr_revision_get_history_state (DrProject *project, gint64 photo_id, DrDamage damage,
                               gboolean *can_undo, gboolean *can_redo, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gint64 head, version, parent, child;
  if (conn == NULL
      || !read_targets (conn, photo_id, damage, &head, &version, &parent, &child, error))
    return FALSE;
  *can_undo = head > 0;
  *can_redo = child > 0;
  return TRUE;
}
