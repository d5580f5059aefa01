/* nn-test-conv.h — what the engine tests compare the fast convolutions with: a naive reference
 * convolution, and the packed weight layout of nn-gemm.h written the obvious way. */
#pragma once

#include "nn-conv.h"

/* Reference convolution: plain loops, double accumulation, single source.
 * in [cin][h][w], weight [cout][cin][k][k], bias [cout] or NULL → out [cout][oh][ow]. */
void nn_conv_reference (const float *in, int cin, int h, int w, const float *weight,
                        const float *bias, int cout, int k, int stride, int pad, float *out);

/* Fills apack[mp][k][j] = weight[mp·8 + j][k], 0 past cout (NN_GEMM_MR = 8 channels a panel,
 * K = input channels × taps), for a conv whose apack is nn_gemm_pack_a_floats (c) floats. */
void nn_test_pack_a (const NnConv *c, float *apack);
