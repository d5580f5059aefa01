/* nn-unet-private.h — engine-internal parts of NnUnet shared by its build, load and run
 * files and by the engine tests. Not for the app. */
#pragma once

#include <stdint.h>

#include "nn-conv.h"
#include "nn-unet-graph.h"
#include "nn-unet.h"

#define NN_BN_EPS 1e-5

struct NnUnet {
  NnConv conv[NN_UNET_CONVS]; /* in nn_unet_graph order, BN folded */
};

/* Raw (unfolded) parameters of one conv, as a checkpoint stores them. */
typedef struct {
  float *weight;                   /* [cout][cin][k][k] */
  float *gamma, *beta, *mean, *var; /* [cout] each; NULL for the head */
  float *bias;                     /* [cout] for the head, else NULL */
} NnConvParams;

/* Allocates an empty model (all convs sized from the graph, weights zeroed). */
NnStatus nn_unet_alloc (NnUnet **out, NnError *err);

/* Sets conv from raw parameters: W' = W·s, b' = beta - mean·s with s = gamma/sqrt(var+eps)
 * (computed in double), or W' = W, b' = bias for the head. */
void nn_conv_set_params (NnConv *conv, const NnConvParams *p);

/* Fills p (buffers sized for spec, caller-owned) with conv idx's deterministic pseudo-random
 * parameters for seed: He-uniform weights, BN statistics away from the identity, bn2 gammas
 * of residual blocks damped so activations stay O(1) through the network. */
void nn_unet_random_params (uint64_t seed, int idx, const NnConvSpec *spec, NnConvParams *p);
