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
  const float *weight;                         /* [cout][cin][k][k] */
  const float *gamma, *beta, *mean, *var;      /* [cout] each; NULL for the head */
  const float *bias;                           /* [cout] for the head, else NULL */
} NnConvParams;

/* Allocates an empty model (all convs sized from the graph, weights zeroed). */
NnStatus nn_unet_alloc (NnUnet **out, NnError *err);

/* Sets conv from raw parameters: W' = W·s, b' = beta - mean·s with s = gamma/sqrt(var+eps)
 * (computed in double), or W' = W, b' = bias for the head; writes W' into weight and/or
 * apack, whichever the conv has, and refreshes wpack when present. */
void nn_conv_set_params (NnConv *conv, const NnConvParams *p);

/* Fills conv idx's deterministic pseudo-random raw parameters for seed into caller-owned
 * buffers: weight [cout][cin][k][k] (He-uniform); bn [4][cout] = gamma, beta, running mean,
 * running var (away from the identity; bn2 gammas of residual blocks damped so activations
 * stay O(1) through the network) when the conv has a BN; bias [cout] for the head. */
void nn_unet_random_params (uint64_t seed, int idx, const NnConvSpec *spec, float *weight,
                            float *bn, float *bias);
