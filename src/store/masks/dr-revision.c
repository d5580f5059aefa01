/* dr-revision.c — appending revisions and moving a layer's head (undo/redo). */
#include "dr-revision.h"

#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-review.h"
#include "dr-rle.h"
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
  if ((guint) kind >= G_N_ELEMENTS (kind_ids))
    return NULL;
  return kind_ids[kind];
}

/* Parses a stored kind id; unknown ids (impossible under the schema's CHECK) read as brush. */
static DrRevisionKind
kind_from_string (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_ids); i++)
    if (g_strcmp0 (id, kind_ids[i]) == 0)
      return (DrRevisionKind) i;
  return DR_REVISION_BRUSH;
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_revision_free (DrRevision *revision)
{
  if (revision == NULL)
    return;
  g_free (revision->rle);
  g_free (revision->author);
  g_free (revision);
}

/* The revision id of the layer's head through *head (0 = no revision); FALSE on errors. */
static gboolean
read_head (DrProject *project, gint64 photo_id, DrDamage damage, gint64 *head, GError **error)
{
  /* At most one row: (photo_id, damage) is the primary key of heads. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT revision_id FROM heads WHERE photo_id = ?1 AND damage = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading an edit history");
      return FALSE;
    }
  *head = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* Points the layer's head at revision_id (0 = the prediction). */
static gboolean
write_head (DrProject *project, gint64 photo_id, DrDamage damage, gint64 revision_id,
            GError **error)
{
  /* One head per layer; the heads_same_layer triggers refuse a revision of another layer. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "INSERT INTO heads (photo_id, damage, revision_id) VALUES (?1, ?2, ?3)"
    "  ON CONFLICT (photo_id, damage) DO UPDATE SET revision_id = ?3",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  if (revision_id > 0)
    sqlite3_bind_int64 (stmt, 3, revision_id);
  return dr_project_step_done (project, stmt, error);
}

/* The parent of a revision (0 for a first revision). */
static gboolean
read_parent (DrProject *project, gint64 revision_id, gint64 *parent, GError **error)
{
  /* The parent column of one revision. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT parent_id FROM revisions WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, revision_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      dr_project_set_db_error (project, error, "reading an edit history");
      return FALSE;
    }
  *parent = sqlite3_column_int64 (stmt, 0); /* NULL reads as 0 */
  return TRUE;
}

/* The newest child of head in the layer (0 if none); head 0 looks among first revisions. */
static gboolean
read_newest_child (DrProject *project, gint64 photo_id, DrDamage damage, gint64 head,
                   gint64 *child, GError **error)
{
  /* Newest (highest id) revision of the layer whose parent is the head, or NULL. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT max (id) FROM revisions"
    "  WHERE photo_id = ?1 AND damage = ?2 AND parent_id IS ?3",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  if (head > 0)
    sqlite3_bind_int64 (stmt, 3, head);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      dr_project_set_db_error (project, error, "reading an edit history");
      return FALSE;
    }
  *child = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The body of dr_revision_append, inside its transaction. */
static gboolean
append (DrProject *project, gint64 photo_id, DrDamage damage, const char *rle,
        gint64 area, DrRevisionKind kind, const char *author, gint64 *revision_id,
        GError **error)
{
  gint64 head;
  if (!read_head (project, photo_id, damage, &head, error))
    return FALSE;
  /* The new revision, child of the current head; revisions_same_layer guards the parent. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "INSERT INTO revisions (photo_id, damage, parent_id, rle, area, author, created, kind)"
    "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  if (head > 0)
    sqlite3_bind_int64 (stmt, 3, head);
  sqlite3_bind_text (stmt, 4, rle, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, area);
  sqlite3_bind_text (stmt, 6, author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, dr_project_now ());
  sqlite3_bind_text (stmt, 8, dr_revision_kind_to_string (kind), -1, SQLITE_STATIC);
  if (!dr_project_step_done (project, stmt, error))
    return FALSE;
  gint64 id = sqlite3_last_insert_rowid (dr_project_get_db (project));
  if (!write_head (project, photo_id, damage, id, error))
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
  if (!DR_DAMAGE_IS_VALID ((int) damage) || dr_revision_kind_to_string (kind) == NULL
      || author == NULL || author[0] == '\0')
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a revision needs a damage type, a kind and an author");
      return FALSE;
    }
  guint width, height;
  if (!dr_photo_get_size (project, photo_id, &width, &height, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  g_autoptr (DrRle) mask = dr_rle_new_from_string (rle, height, width, &local);
  if (mask == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "edit of photo %" G_GINT64_FORMAT " does not fit its %u×%u size: %s",
                   photo_id, width, height, local->message);
      return FALSE;
    }
  if (!dr_project_begin (project, error))
    return FALSE;
  if (!append (project, photo_id, damage, rle, (gint64) dr_rle_get_area (mask), kind, author,
               revision_id, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  return dr_project_commit (project, error);
}

/* Reads the head row joined with its revision. */
DrRevision *
dr_revision_get_head (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  /* The head's revision, if the head names one. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT r.id, r.parent_id, r.rle, r.area, r.author, r.created, r.kind"
    "  FROM heads h JOIN revisions r ON r.id = h.revision_id"
    "  WHERE h.photo_id = ?1 AND h.damage = ?2",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        dr_project_set_db_error (project, error, "reading an edit");
      return NULL;
    }
  DrRevision *r = g_new0 (DrRevision, 1);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->photo_id = photo_id;
  r->damage = damage;
  r->parent_id = sqlite3_column_int64 (stmt, 1);
  r->rle = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  r->area = sqlite3_column_int64 (stmt, 3);
  r->author = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  r->created = sqlite3_column_int64 (stmt, 5);
  r->kind = kind_from_string ((const char *) sqlite3_column_text (stmt, 6));
  return r;
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

/* Walks parent links up from the head with a recursive query; ids grow along every path, so
 * ordering by id gives oldest first. */
GPtrArray *
dr_revision_list_history (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  /* The head's revision and all its ancestors, newest first (parents have smaller ids). */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "WITH RECURSIVE path (id) AS ("
    "    SELECT revision_id FROM heads"
    "      WHERE photo_id = ?1 AND damage = ?2 AND revision_id IS NOT NULL"
    "  UNION ALL"
    "    SELECT r.parent_id FROM revisions r JOIN path ON r.id = path.id"
    "      WHERE r.parent_id IS NOT NULL)"
    "SELECT r.id, r.parent_id, r.rle, r.area, r.author, r.created, r.kind"
    "  FROM path JOIN revisions r ON r.id = path.id ORDER BY r.id",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  g_autoptr (GPtrArray) history = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_revision_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DrRevision *r = g_new0 (DrRevision, 1);
      r->id = sqlite3_column_int64 (stmt, 0);
      r->photo_id = photo_id;
      r->damage = damage;
      r->parent_id = sqlite3_column_int64 (stmt, 1);
      r->rle = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      r->area = sqlite3_column_int64 (stmt, 3);
      r->author = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      r->created = sqlite3_column_int64 (stmt, 5);
      r->kind = kind_from_string ((const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (history, r);
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading an edit history");
      return NULL;
    }
  return g_steal_pointer (&history);
}

/* Reads where undo and redo would go: the head's parent and its newest child. */
static gboolean
read_targets (DrProject *project, gint64 photo_id, DrDamage damage, gint64 *head,
              gint64 *parent, gint64 *child, GError **error)
{
  if (!read_head (project, photo_id, damage, head, error))
    return FALSE;
  *parent = 0;
  if (*head > 0 && !read_parent (project, *head, parent, error))
    return FALSE;
  return read_newest_child (project, photo_id, damage, *head, child, error);
}

/* Moves the head one step, down (undo) or up (redo), in one transaction. */
static gboolean
step (DrProject *project, gint64 photo_id, DrDamage damage, gboolean up, gboolean *moved,
      GError **error)
{
  *moved = FALSE;
  if (!dr_project_begin (project, error))
    return FALSE;
  gint64 head, parent, child;
  if (!read_targets (project, photo_id, damage, &head, &parent, &child, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  gboolean can = up ? child > 0 : head > 0;
  if (can && !write_head (project, photo_id, damage, up ? child : parent, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  if (!dr_project_commit (project, error))
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
  gint64 head, parent, child;
  if (!read_targets (project, photo_id, damage, &head, &parent, &child, error))
    return FALSE;
  *can_undo = head > 0;
  *can_redo = child > 0;
  return TRUE;
}
