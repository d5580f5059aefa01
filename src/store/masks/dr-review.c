/* dr-review.c — storing and reading verdicts and notes. */
#include "dr-review.h"

#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-store-error.h"

static const char *const verdict_ids[] = {
  [DR_VERDICT_UNREVIEWED] = "unreviewed",
  [DR_VERDICT_ACCEPTED] = "accepted",
  [DR_VERDICT_CORRECTED] = "corrected",
  [DR_VERDICT_REJECTED] = "rejected",
  [DR_VERDICT_ADDED] = "added",
  [DR_VERDICT_NONE] = "none",
};

/* The static id of verdict; NULL when out of range. */
const char *
dr_verdict_to_string (DrVerdict verdict)
{
  if ((guint) verdict >= G_N_ELEMENTS (verdict_ids))
    return NULL;
  return verdict_ids[verdict];
}

gboolean
dr_verdict_empties_layer (DrVerdict verdict)
{
  return verdict == DR_VERDICT_REJECTED || verdict == DR_VERDICT_NONE;
}

/* Parses a stored verdict id; unknown ids (impossible under the CHECK) read as unreviewed. */
DrVerdict
dr_verdict_from_string (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (verdict_ids); i++)
    if (g_strcmp0 (id, verdict_ids[i]) == 0)
      return (DrVerdict) i;
  return DR_VERDICT_UNREVIEWED;
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_review_free (DrReview *review)
{
  if (review == NULL)
    return;
  g_free (review->model_sha256);
  g_free (review->author);
  g_free (review);
}

/* Fills the comparison fields of review from the current prediction and the final mask: the
 * head's, else the prediction, and empty when the verdict empties the layer. */
static gboolean
measure (DrProject *project, DrReview *review, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (DrPrediction) prediction =
    dr_prediction_get_current (project, review->photo_id, review->damage, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autoptr (DrRevision) head = dr_revision_get_head (project, review->photo_id,
                                                      review->damage, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  review->revision_id = head != NULL ? head->id : 0;
  review->iou = -1;
  review->px_added = review->px_removed = -1;
  if (prediction == NULL)
    return TRUE;
  review->model_sha256 = g_strdup (prediction->model_sha256);
  guint width, height;
  if (!dr_photo_get_size (project, review->photo_id, &width, &height, error))
    return FALSE;
  g_autoptr (DrRle) predicted = dr_rle_new_from_string (prediction->rle, height, width, error);
  if (predicted == NULL)
    return FALSE;
  g_autoptr (DrRle) final = NULL;
  guint32 all_background = height * width;   /* photos are at most 100 MP */
  if (dr_verdict_empties_layer (review->verdict))
    final = dr_rle_new_from_counts (&all_background, 1, height, width, error);
  else if (head != NULL)
    final = dr_rle_new_from_string (head->rle, height, width, error);
  else
    final = dr_rle_copy (predicted);
  if (final == NULL)
    return FALSE;
  guint64 both, only_predicted, only_final;
  dr_rle_compare (predicted, final, &both, &only_predicted, &only_final);
  guint64 either = both + only_predicted + only_final;
  review->iou = either == 0 ? 1.0 : (double) both / (double) either;
  review->px_added = (gint64) only_final;
  review->px_removed = (gint64) only_predicted;
  return TRUE;
}

/* Inserts the measured review; reads happen in the same transaction as the write, so the
 * numbers describe exactly the state the verdict was given on. */
static gboolean
insert_review (DrProject *project, DrReview *review, GError **error)
{
  if (!measure (project, review, error))
    return FALSE;
  /* A new verdict row; the schema refuses unknown photos, damage types and verdicts. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "INSERT INTO reviews (photo_id, damage, verdict, revision_id, model_sha256, author,"
    "                     created, iou, px_added, px_removed)"
    "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, review->photo_id);
  sqlite3_bind_int (stmt, 2, review->damage);
  sqlite3_bind_text (stmt, 3, dr_verdict_to_string (review->verdict), -1, SQLITE_STATIC);
  if (review->revision_id > 0)
    sqlite3_bind_int64 (stmt, 4, review->revision_id);
  if (review->model_sha256 != NULL)
    sqlite3_bind_text (stmt, 5, review->model_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, review->author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, review->created);
  if (review->iou >= 0)
    {
      sqlite3_bind_double (stmt, 8, review->iou);
      sqlite3_bind_int64 (stmt, 9, review->px_added);
      sqlite3_bind_int64 (stmt, 10, review->px_removed);
    }
  if (!dr_project_step_done (project, stmt, error))
    return FALSE;
  review->id = sqlite3_last_insert_rowid (dr_project_get_db (project));
  return TRUE;
}

/* Validates, then measures and inserts in one transaction. */
gboolean
dr_review_set_verdict (DrProject *project, gint64 photo_id, DrDamage damage, DrVerdict verdict,
                       const char *author, DrReview **review, GError **error)
{
  if (!DR_DAMAGE_IS_VALID ((int) damage) || dr_verdict_to_string (verdict) == NULL
      || author == NULL || author[0] == '\0')
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a verdict needs a damage type, a verdict and an author");
      return FALSE;
    }
  g_autoptr (DrReview) r = g_new0 (DrReview, 1);
  r->photo_id = photo_id;
  r->damage = damage;
  r->verdict = verdict;
  r->author = g_strdup (author);
  r->created = dr_project_now ();
  if (!dr_project_begin (project, error))
    return FALSE;
  if (!insert_review (project, r, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  if (!dr_project_commit (project, error))
    return FALSE;
  if (review != NULL)
    *review = g_steal_pointer (&r);
  return TRUE;
}

/* Steps @stmt (selecting id, verdict, revision_id, model_sha256, author, created, iou,
 * px_added, px_removed) to its first row and returns it as a review of (photo_id, damage);
 * NULL without error when there is none. */
static DrReview *
read_review (DrProject *project, DrStatement *stmt, gint64 photo_id, DrDamage damage,
             GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        dr_project_set_db_error (project, error, "reading a verdict");
      return NULL;
    }
  DrReview *r = g_new0 (DrReview, 1);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->photo_id = photo_id;
  r->damage = damage;
  r->verdict = dr_verdict_from_string ((const char *) sqlite3_column_text (stmt, 1));
  r->revision_id = sqlite3_column_int64 (stmt, 2);
  r->model_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  r->author = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  r->created = sqlite3_column_int64 (stmt, 5);
  gboolean measured = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
  r->iou = measured ? sqlite3_column_double (stmt, 6) : -1;
  r->px_added = measured ? sqlite3_column_int64 (stmt, 7) : -1;
  r->px_removed = measured ? sqlite3_column_int64 (stmt, 8) : -1;
  return r;
}

/* Reads the newest row of the layer. */
DrReview *
dr_review_get_current (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  /* The newest verdict of the layer (ids grow with time). */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT id, verdict, revision_id, model_sha256, author, created, iou, px_added, px_removed"
    "  FROM reviews WHERE photo_id = ?1 AND damage = ?2 ORDER BY id DESC LIMIT 1",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  return read_review (project, stmt, photo_id, damage, error);
}

/* Reads the newest row of the layer given on @revision_id (0: on the prediction). */
DrReview *
dr_review_get_on_revision (DrProject *project, gint64 photo_id, DrDamage damage,
                           gint64 revision_id, GError **error)
{
  /* The newest verdict given while the layer's head was @revision_id (NULL: no revision). */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project,
    "SELECT id, verdict, revision_id, model_sha256, author, created, iou, px_added, px_removed"
    "  FROM reviews WHERE photo_id = ?1 AND damage = ?2 AND revision_id IS ?3"
    "  ORDER BY id DESC LIMIT 1",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_int (stmt, 2, damage);
  if (revision_id > 0)
    sqlite3_bind_int64 (stmt, 3, revision_id);
  return read_review (project, stmt, photo_id, damage, error);
}

/* One insert in its own transaction (which also lets a connection that was read-only reopen
 * read-write once the file is writable). */
gboolean
dr_review_add_note (DrProject *project, gint64 photo_id, const char *text, const char *author,
                    GError **error)
{
  if (text == NULL || author == NULL || author[0] == '\0' || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a note needs UTF-8 text and an author");
      return FALSE;
    }
  if (!dr_project_begin (project, error))
    return FALSE;
  /* A new note row; the foreign key refuses unknown photos. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "INSERT INTO notes (photo_id, text, author, created) VALUES (?1, ?2, ?3, ?4)",
    error);
  if (stmt == NULL)
    {
      dr_project_rollback (project);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, photo_id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, dr_project_now ());
  if (!dr_project_step_done (project, stmt, error))
    {
      dr_project_rollback (project);
      return FALSE;
    }
  return dr_project_commit (project, error);
}

/* Reads the newest note; an empty one means "cleared". */
char *
dr_review_dup_note (DrProject *project, gint64 photo_id, GError **error)
{
  /* The newest note of the photo. */
  g_autoptr (DrStatement) stmt = dr_project_prepare (
    project, "SELECT text FROM notes WHERE photo_id = ?1 ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, photo_id);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      return text[0] != '\0' ? g_strdup (text) : NULL;
    }
  if (rc != SQLITE_DONE)
    dr_project_set_db_error (project, error, "reading a note");
  return NULL;
}
