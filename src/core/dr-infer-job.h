/* dr-infer-job.h — what `damage-review infer` computes per photo and model, shared by its
 * jobs on the inference runner (dr-infer-run.c) and the reports (dr-infer-report.c). */
#pragma once

#include <glib.h>

#include "dr-model-set.h"
#include "nn-image.h"

G_BEGIN_DECLS

/* Outcome of one model on one photo. */
typedef struct {
  gboolean done;       /* the model ran and every requested file was written */
  NnMaskStats stats;   /* valid when done */
  char *mask_path;     /* written mask PNG, or NULL */
  char *logits_path;   /* written .npy, or NULL */
  char *error;         /* one line naming the file and the reason, or NULL */
} DrInferResult;

/* One photo on the command line and its results for every model. */
typedef struct {
  const char *path;                   /* as given on the command line (borrowed from argv) */
  char *stem;                         /* basename without its last extension */
  int width, height;                  /* after EXIF orientation; 0 until decoded */
  char *error;                        /* photo-level failure (decode, name clash), or NULL */
  DrInferResult results[DR_N_DAMAGE]; /* indexed by DrDamage; unused for inactive models */
} DrInferPhoto;

/* The whole request: inputs, options and the active (loaded) models. */
typedef struct {
  DrModelSet *models;
  DrDamage active[DR_N_DAMAGE];       /* loaded models, in DrDamage order */
  guint n_active;
  DrInferPhoto *photos;               /* [n_photos] */
  guint n_photos;
  const char *out_dir;                /* masks go here, or NULL: no mask files */
  const char *logits_dir;             /* .npy files go here, or NULL */
  guint n_threads;
  char *skipped[DR_N_DAMAGE];         /* why a model is not active, or NULL */
} DrInferRequest;

/* Runs every (photo, active model) pair on n_threads workers, each with its own engine
 * workspace; fills photos[].results, width/height and errors. Never stops early: a failing
 * photo or model records its error and the others still run. */
void dr_infer_run (DrInferRequest *req);

/* Prints one row per (photo, model) to stdout: image, model, area px, area %, confidence. */
void dr_infer_print_table (const DrInferRequest *req);

/* Prints the request's results as a JSON document to stdout; see dr-infer-report.c. */
void dr_infer_print_json (const DrInferRequest *req);

G_END_DECLS
