/* dr-evaluate.h — model masks against imported ground truth.
 *
 * For every (damage type, model SHA-256, ground-truth source) the pixel counts are summed over
 * all photos that have both a prediction of that model and ground truth of that source
 * (micro-average): TP = predicted and true, FP = predicted only, FN = true only. Then
 * IoU = TP / (TP + FP + FN), Dice = 2 TP / (2 TP + FP + FN), precision = TP / (TP + FP),
 * recall = TP / (TP + FN); a ratio whose denominator is 0 is NaN (undefined, e.g. precision of
 * a model that never predicts anything).
 */
#pragma once

#include "dr-damage.h"
#include "dr-project.h"

G_BEGIN_DECLS

typedef struct {
  DrDamage damage;
  char *model_sha256;
  char *model_name;    /* from the models table, or NULL */
  char *source;        /* ground-truth source ("aihub", "coco") */
  guint n_photos;
  guint64 tp, fp, fn;
} DrEvaluation;

/* One DrEvaluation per (damage, model, source), ordered by damage, model name, model hash,
 * source. NULL with @error naming the project (or the corrupt mask) on failure. */
GPtrArray *dr_evaluate_project (DrProject *project, GError **error);

/* The ratios defined above. */
double dr_evaluation_iou (const DrEvaluation *e);
double dr_evaluation_dice (const DrEvaluation *e);
double dr_evaluation_precision (const DrEvaluation *e);
double dr_evaluation_recall (const DrEvaluation *e);

G_END_DECLS
