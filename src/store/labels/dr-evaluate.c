/* dr-evaluate.c — micro-averaged IoU, Dice, precision and recall per model and damage type. */
#include "dr-evaluate.h"

#include <math.h>
#include <string.h>

#include "dr-rle.h"
#include "dr-store-error.h"

/* Frees an evaluation row. */
static void
evaluation_free (DrEvaluation *e)
{
  g_free (e->model_sha256);
  g_free (e->model_name);
  g_free (e->source);
  g_free (e);
}

/* num / den, NaN when den is 0. */
static double
ratio (double num, double den)
{
  return den > 0 ? num / den : NAN;
}

/* TP / (TP + FP + FN). */
double
dr_evaluation_iou (const DrEvaluation *e)
{
  return ratio ((double) e->tp, (double) (e->tp + e->fp + e->fn));
}

/* 2 TP / (2 TP + FP + FN). */
double
dr_evaluation_dice (const DrEvaluation *e)
{
  return ratio (2.0 * (double) e->tp, (double) (2 * e->tp + e->fp + e->fn));
}

/* TP / (TP + FP). */
double
dr_evaluation_precision (const DrEvaluation *e)
{
  return ratio ((double) e->tp, (double) (e->tp + e->fp));
}

/* TP / (TP + FN). */
double
dr_evaluation_recall (const DrEvaluation *e)
{
  return ratio ((double) e->tp, (double) (e->tp + e->fn));
}

/* Parses a stored mask string, naming the project and photo when it is corrupt. */
static DrRle *
parse (DrProject *project, const char *rle, gint64 photo_id, guint h, guint w, GError **error)
{
  g_autoptr (GError) local = NULL;
  DrRle *mask = dr_rle_new_from_string (rle, h, w, &local);
  if (mask == NULL)
    g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: photo %" G_GINT64_FORMAT
                 ": %s", dr_project_get_path (project), photo_id, local->message);
  return mask;
}

/* One pass over (ground truth ⋈ prediction) pairs sorted by key, comparing runs without
 * decoding to pixels (dr_rle_compare). */
GPtrArray *
dr_evaluate_project (DrProject *project, GError **error)
{
  g_autoptr (DrStatement) stmt = dr_project_prepare (project,
    "SELECT g.damage, pr.model_sha256, m.name, g.source, g.photo_id, p.width, p.height,"
    "       g.rle, pr.rle"
    " FROM ground_truth g"
    " JOIN predictions pr ON pr.photo_id = g.photo_id AND pr.damage = g.damage"
    " JOIN photos p ON p.id = g.photo_id"
    " LEFT JOIN models m ON m.damage = pr.damage AND m.sha256 = pr.model_sha256"
    " ORDER BY g.damage, m.name, pr.model_sha256, g.source, g.photo_id", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) evaluation_free);
  DrEvaluation *cur = NULL;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DrDamage damage = (DrDamage) sqlite3_column_int (stmt, 0);
      const char *model = (const char *) sqlite3_column_text (stmt, 1);
      const char *name = (const char *) sqlite3_column_text (stmt, 2);
      const char *source = (const char *) sqlite3_column_text (stmt, 3);
      gint64 photo = sqlite3_column_int64 (stmt, 4);
      guint w = (guint) sqlite3_column_int64 (stmt, 5), h = (guint) sqlite3_column_int64 (stmt, 6);
      if (!DR_DAMAGE_IS_VALID ((int) damage) || model == NULL || source == NULL)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                       "%s: damaged project file (ground truth of photo %" G_GINT64_FORMAT
                       " has an invalid damage type or source)", dr_project_get_path (project),
                       photo);
          return NULL;
        }
      if (cur == NULL || cur->damage != damage || strcmp (cur->model_sha256, model) != 0
          || strcmp (cur->source, source) != 0)
        {
          cur = g_new0 (DrEvaluation, 1);
          cur->damage = damage;
          cur->model_sha256 = g_strdup (model);
          cur->model_name = g_strdup (name);
          cur->source = g_strdup (source);
          g_ptr_array_add (rows, cur);
        }
      g_autoptr (DrRle) truth = parse (project, (const char *) sqlite3_column_text (stmt, 7),
                                       photo, h, w, error);
      if (truth == NULL)
        return NULL;
      g_autoptr (DrRle) pred = parse (project, (const char *) sqlite3_column_text (stmt, 8),
                                      photo, h, w, error);
      if (pred == NULL)
        return NULL;
      guint64 both, only_pred, only_truth;
      dr_rle_compare (pred, truth, &both, &only_pred, &only_truth);
      cur->tp += both;
      cur->fp += only_pred;
      cur->fn += only_truth;
      cur->n_photos++;
    }
  if (rc != SQLITE_DONE)
    {
      dr_project_set_db_error (project, error, "reading ground truth and predictions");
      return NULL;
    }
  return g_steal_pointer (&rows);
}
