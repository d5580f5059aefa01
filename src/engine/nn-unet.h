/* nn-unet.h — the segmentation_models_pytorch 0.2.1 Unet(resnet34, classes=2) forward pass.
 *
 * An NnUnet holds BN-folded, packed weights; it is read-only after load and may be shared by
 * any number of threads. An NnWorkspace holds every activation and scratch buffer for one
 * forward pass, planned once; each worker thread owns one. nn_unet_run allocates nothing.
 *
 * Input:  float [3][256][256]  RGB, values in [0,1] (photo resized to 256², /255).
 * Output: float [2][256][256]  raw logits; class 1 = damage.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "nn-checkpoint.h"
#include "nn-status.h"

#define NN_UNET_SIZE 256
#define NN_UNET_CLASSES 2
#define NN_UNET_STAGES 11 /* stem, layer1..4, decoder.0..4, head: see nn_unet_stage_name */

typedef struct NnUnet NnUnet;
typedef struct NnWorkspace NnWorkspace;

/* Reads and validates a checkpoint file: exactly the 278 keys and shapes of the model,
 * else a one-line error naming the file and the first offending key. */
NnStatus nn_unet_load (const char *path, NnUnet **out, NnError *err);

/* Builds a model from an already-read state dict (validated the same way). */
NnStatus nn_unet_from_state_dict (const NnStateDict *sd, const char *name, NnUnet **out,
                                  NnError *err);

/* A model with deterministic pseudo-random weights and BN statistics, for benchmarks. */
NnStatus nn_unet_new_random (uint64_t seed, NnUnet **out, NnError *err);

void nn_unet_free (NnUnet *model);

/* Allocates one worker's arena, large enough for any NnUnet. */
NnStatus nn_workspace_new (NnWorkspace **out, NnError *err);
void nn_workspace_free (NnWorkspace *ws);
size_t nn_workspace_bytes (const NnWorkspace *ws);

/* Name of timing stage 0 … NN_UNET_STAGES-1 ("stem" = conv1+maxpool, "layer1", …,
 * "decoder.0", …, "head"); "?" when out of range. */
const char *nn_unet_stage_name (int stage);

/* What each stage did in the last complete nn_unet_run on a workspace. */
typedef struct {
  double seconds[NN_UNET_STAGES];      /* wall-clock time */
  double cpu_seconds[NN_UNET_STAGES];  /* the thread's CPU time, not inflated by a busy machine */
  double flops[NN_UNET_STAGES];        /* convolution FLOPs, 2 per multiply-add */
  unsigned kernels[NN_UNET_STAGES];    /* bit k set when NnKernel k (nn-conv.h) ran */
} NnStageStats;

/* The per-stage numbers of the last complete run on ws (valid until the next run or
 * nn_workspace_free). */
const NnStageStats *nn_workspace_stage_stats (const NnWorkspace *ws);

/* Runs the forward pass. abort_flag may be NULL; when it becomes non-zero the run stops
 * at the next layer boundary and returns NN_ERR_ABORTED. */
NnStatus nn_unet_run (const NnUnet *model, NnWorkspace *ws,
                      const float *input,   /* [3][256][256] */
                      float *logits,        /* [2][256][256] */
                      const atomic_int *abort_flag, NnError *err);

/* Makes BLAS single-threaded for the whole process (one model per worker thread instead of
 * threads inside each GEMM); call once before starting workers. */
void nn_blas_use_single_thread (void);
