/* dr-review.c — storing and reading verdicts and notes. */
#include "dr-review.h"

#include "dr-id-table.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-store-backend.h"
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
  return dr_id_table_name (verdict_ids, G_N_ELEMENTS (verdict_ids), verdict);
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
  return dr_id_table_find (verdict_ids, G_N_ELEMENTS (verdict_ids), id, DR_VERDICT_UNREVIEWED);
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_review_free (DrReview *review)
{
  if (review == NULL)
    return;
  g_free (review->model_sha256);
  g_free (review->author);
  g_free (review->key);
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
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn->backend->review_insert (conn, review, error);
}

/* Validates, then measures and inserts in one transaction. */
gboolean
dr_review_set_verdict (DrProject *project, gint64 photo_id, DrDamage damage, DrVerdict verdict,
                       const char *author, const char *key, DrReview **review, GError **error)
{
  if (!DR_DAMAGE_IS_VALID ((int) damage) || dr_verdict_to_string (verdict) == NULL
      || author == NULL || author[0] == '\0' || (key != NULL && !g_uuid_string_is_valid (key)))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a verdict needs a damage type, a verdict, an author and no key or a UUID");
      return FALSE;
    }
  g_autoptr (DrReview) r = g_new0 (DrReview, 1);
  r->photo_id = photo_id;
  r->damage = damage;
  r->verdict = verdict;
  r->author = g_strdup (author);
  r->key = g_strdup (key);
  r->created = dr_project_now ();
  if (!dr_project_begin (project, error))
    return FALSE;
  if (!dr_project_commit_or_rollback (project, insert_review (project, r, error), error))
    return FALSE;
  if (review != NULL)
    *review = g_steal_pointer (&r);
  return TRUE;
}

/* The newest row of the layer. */
DrReview *
dr_review_get_current (DrProject *project, gint64 photo_id, DrDamage damage, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->review_get_newest (conn, photo_id, damage, TRUE, 0, error)
                      : NULL;
}

/* The newest row of the layer given on @revision_id (0: on the prediction). */
DrReview *
dr_review_get_on_revision (DrProject *project, gint64 photo_id, DrDamage damage,
                           gint64 revision_id, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  return conn != NULL ? conn->backend->review_get_newest (conn, photo_id, damage, FALSE,
                                                          revision_id, error)
                      : NULL;
}

/* One insert in its own transaction (which also lets a connection that was read-only reopen
 * read-write once the file is writable). */
gboolean
dr_review_add_note (DrProject *project, gint64 photo_id, const char *text, const char *author,
                    const char *key, GError **error)
{
  if (text == NULL || author == NULL || author[0] == '\0' || !g_utf8_validate (text, -1, NULL)
      || (key != NULL && !g_uuid_string_is_valid (key)))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "a note needs UTF-8 text, an author and no key or a UUID");
      return FALSE;
    }
  if (!dr_project_begin (project, error))
    return FALSE;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  gboolean ok = conn->backend->note_insert (conn, photo_id, text, author, dr_project_now (), key,
                                            error);
  return dr_project_commit_or_rollback (project, ok, error);
}

/* The newest note; an empty one means "cleared". */
char *
dr_review_dup_note (DrProject *project, gint64 photo_id, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  g_autofree char *text = conn != NULL ? conn->backend->note_dup_newest (conn, photo_id, error)
                                       : NULL;
  return text != NULL && text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}
