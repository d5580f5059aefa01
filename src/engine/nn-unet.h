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

/* Wall-clock seconds each stage took in the last complete nn_unet_run on ws. */
void nn_workspace_stage_seconds (const NnWorkspace *ws, double seconds[NN_UNET_STAGES]);

/* CPU seconds of the running thread each stage took in the last complete run on ws. */
void nn_workspace_stage_cpu_seconds (const NnWorkspace *ws, double seconds[NN_UNET_STAGES]);

/* Convolution FLOPs (2 per multiply-add) each stage did in the last run on ws. */
void nn_workspace_stage_flops (const NnWorkspace *ws, double flops[NN_UNET_STAGES]);

/* Kernels each stage used in the last run on ws: bit k set when NnKernel k (nn-conv.h) ran. */
void nn_workspace_stage_kernels (const NnWorkspace *ws, unsigned kernels[NN_UNET_STAGES]);

/* Runs the forward pass. abort_flag may be NULL; when it becomes non-zero the run stops
 * at the next layer boundary and returns NN_ERR_ABORTED. */
NnStatus nn_unet_run (const NnUnet *model, NnWorkspace *ws,
                      const float *input,   /* [3][256][256] */
                      float *logits,        /* [2][256][256] */
                      const atomic_int *abort_flag, NnError *err);

/* Makes BLAS single-threaded for the whole process (one model per worker thread instead of
 * threads inside each GEMM); call once before starting workers. */
void nn_blas_use_single_thread (void);
