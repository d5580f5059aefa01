/* dr-prediction.h — model outputs stored per photo × damage type × model file.
 *
 * A model file is identified by its SHA-256. Each damage type has at most one current model;
 * a photo is stale for a damage type when it lacks a prediction by that type's current model,
 * so replacing a model file re-queues every photo without deleting the old results. */
#pragma once

#include "dr-damage.h"
#include "dr-project.h"

G_BEGIN_DECLS

typedef struct {
  gint64 photo_id;
  DrDamage damage;
  char *model_sha256;
  char *rle;          /* COCO compressed RLE at the photo's oriented width × height */
  gint64 area;        /* foreground pixels */
  double confidence;  /* mean confidence, 0 … 1, or -1 when not recorded */
  gint64 created;     /* µs since the epoch */
} DrPrediction;

void dr_prediction_free (DrPrediction *prediction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPrediction, dr_prediction_free)

/* Records the model file (64 lower-case hex digits of SHA-256, its path and display name) and
 * makes it the current model of damage, in one transaction. Registering the current model again
 * only refreshes its path and name. */
gboolean dr_prediction_set_current_model (DrProject *project, DrDamage damage,
                                          const char *sha256, const char *path,
                                          const char *name, GError **error);

/* The SHA-256 of damage's current model, newly allocated, or NULL (without error) if none. */
char *dr_prediction_dup_current_model (DrProject *project, DrDamage damage, GError **error);

/* Stores the prediction of model_sha256 (already registered) for one photo and damage type,
 * replacing an earlier one of the same model. The RLE is decoded first and must cover exactly
 * the photo's width × height; the area is computed from it, never taken on trust. confidence is
 * 0 … 1, or negative for "not recorded". */
gboolean dr_prediction_store (DrProject *project, gint64 photo_id, DrDamage damage,
                              const char *model_sha256, const char *rle, double confidence,
                              GError **error);

/* The prediction of damage's current model for the photo; NULL without error when there is
 * none (never analysed, or stale). */
DrPrediction *dr_prediction_get_current (DrProject *project, gint64 photo_id, DrDamage damage,
                                         GError **error);

/* Ids (gint64) of readable photos without a prediction by model_sha256 for damage, in id order:
 * the work an analysis with that model still has to do. */
GArray *dr_prediction_needs_analysis (DrProject *project, DrDamage damage,
                                      const char *model_sha256, GError **error);

G_END_DECLS
