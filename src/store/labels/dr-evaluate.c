/* dr-evaluate.c — micro-averaged IoU, Dice, precision and recall per model and damage type. */
#include "dr-evaluate.h"

#include <math.h>
#include <string.h>

#include "dr-rle.h"
#include "dr-store-backend.h"
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

/* The evaluation being summed up: rows so far, the last one open. */
typedef struct {
  DrProject *project;
  GPtrArray *rows;
} Accumulator;

/* Adds one pair to the current row, opening a new row when the key (damage, model, source)
 * changes; pairs arrive sorted by that key. */
static gboolean
add_pair (const DrStoreEvaluationPair *pair, gpointer user_data, GError **error)
{
  Accumulator *acc = user_data;
  if (!DR_DAMAGE_IS_VALID ((int) pair->damage) || pair->model_sha256 == NULL
      || pair->source == NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "%s: damaged project file (ground truth of photo %" G_GINT64_FORMAT
                   " has an invalid damage type or source)", dr_project_get_path (acc->project),
                   pair->photo_id);
      return FALSE;
    }
  DrEvaluation *cur = acc->rows->len > 0 ? acc->rows->pdata[acc->rows->len - 1] : NULL;
  if (cur == NULL || cur->damage != pair->damage
      || strcmp (cur->model_sha256, pair->model_sha256) != 0
      || strcmp (cur->source, pair->source) != 0)
    {
      cur = g_new0 (DrEvaluation, 1);
      cur->damage = pair->damage;
      cur->model_sha256 = g_strdup (pair->model_sha256);
      cur->model_name = g_strdup (pair->model_name);
      cur->source = g_strdup (pair->source);
      g_ptr_array_add (acc->rows, cur);
    }
  guint h = pair->height, w = pair->width;
  g_autoptr (DrRle) truth = parse (acc->project, pair->truth_rle, pair->photo_id, h, w, error);
  if (truth == NULL)
    return FALSE;
  g_autoptr (DrRle) pred = parse (acc->project, pair->prediction_rle, pair->photo_id, h, w,
                                  error);
  if (pred == NULL)
    return FALSE;
  guint64 both, only_pred, only_truth;
  dr_rle_compare (pred, truth, &both, &only_pred, &only_truth);
  cur->tp += both;
  cur->fp += only_pred;
  cur->fn += only_truth;
  cur->n_photos++;
  return TRUE;
}

/* One pass over (ground truth ⋈ prediction) pairs sorted by key, comparing runs without
 * decoding to pixels (dr_rle_compare). */
GPtrArray *
dr_evaluate_project (DrProject *project, GError **error)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, error);
  if (conn == NULL)
    return NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) evaluation_free);
  Accumulator acc = { project, rows };
  if (!conn->backend->evaluation_foreach (conn, add_pair, &acc, error))
    return NULL;
  return g_steal_pointer (&rows);
}
