/* nn-wino.h — Winograd F(4×4, 3×3) convolution for 3×3 stride-1 pad-1 layers.
 *
 * Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A per 4×4 output tile (6×6 input tile d, 3×3 kernel g),
 * with Lavin's matrices (points 0, ±1, ±2, ∞). The 36 element-wise products over all
 * channels are 36 batched GEMMs M[ξ][cout][tiles] = U[ξ][cout][cin] × V[ξ][cin][tiles], run
 * by the packed micro-kernels of the GEMM seam (nn-gemm.h): U in the apack layout, V in the
 * bpack panel layout, so the AVX2 and AVX-512 tiles serve unchanged.
 *
 * Work goes in blocks of whole tile rows. Per block: the input rows are copied once,
 * zero-padded, into scratch (the two-source / ×2-upsample view included), transformed into
 * V (vectorised across tiles: four chunks of adjacent tiles are transposed in 128-bit lanes,
 * so a vector holds one transform point of 16 (AVX-512) or 8 (AVX2) tiles); then per chunk
 * of output channels the weights are transformed from apack into U, the 36 GEMMs run into
 * M, and the output transform applies bias, residual and ReLU on the way to `out`.
 *
 * The weight transform runs per block and channel chunk instead of being stored at load:
 * stored, U is 4× the 3×3 weights (+98 MB for four models, against a peak-RSS budget of
 * +40 MB), and transforming it costs 5–10 % of a layer's time (nn-wino.c).
 * Everything lives in the caller's scratch; nothing is allocated.
 */
#pragma once

#include <stddef.h>

#include "nn-conv.h"
#include "nn-gemm.h"

/* Scratch (floats) the workspace gives each worker: enough for every Winograd layer of the
 * U-Net at a block of ≥32 tiles. */
#define NN_WINO_SCRATCH_FLOATS ((size_t) 1 << 20)

/* True when nn_wino_conv can run c on an h×w input on path p (AVX2 or AVX-512, apack set,
 * 3×3 stride 1 pad 1) within scratch_floats of scratch. Any h, w ≥ 1: edge tiles are
 * zero-padded on input and clipped on output. */
int nn_wino_applies (NnGemmPath p, const NnConv *c, int h, int w, size_t scratch_floats);

/* True when nn_conv_forward picks Winograd for c at h×w: enabled, applicable, and a shape
 * where it was measured faster than the implicit GEMM (h, w ≥ 16, Cin and Cout ≥ 16; at
 * 8×8 the per-block weight transform and the half-empty panels lose). */
int nn_wino_preferred (NnGemmPath p, const NnConv *c, int h, int w, size_t scratch_floats);

/* For tests and the benchmark: turns the Winograd choice of nn_conv_forward on (default)
 * or off for the whole process. Not for use while workers run. */
void nn_wino_set_enabled (int on);
int nn_wino_enabled (void);

/* out = epilogue(conv(in)) as nn_conv_forward defines it, by Winograd F(4,3) on path p.
 * Requires nn_wino_applies. Allocates nothing; scratch is overwritten. */
void nn_wino_conv (NnGemmPath p, const NnConv *c, const NnConvInput *in, float *out,
                   NnEpilogue epi, float *scratch, size_t scratch_floats);

/* ISA kernels (nn-wino-avx2.c, nn-wino-avx512.c). A chunk is LANES adjacent input columns
 * (LANES/4 tiles) of one tile row; a group is four chunks, i.e. LANES tiles, one vector per
 * transform point. */

/* Input transform of one group for channels [0, cin): band holds channel ci at band +
 * ci·chan, rows rl floats apart; chunk q's 6×(LANES+4) input window starts at off[q]. Writes
 * transform point ξ of channel ci to v + ξ·v_xi + ci·v_ci (LANES floats). */
void nn_wino_input_avx512 (const float *band, size_t chan, size_t rl, int cin,
                           const size_t off[4], float *v, size_t v_xi, size_t v_ci);
void nn_wino_input_avx2 (const float *band, size_t chan, size_t rl, int cin,
                         const size_t off[4], float *v, size_t v_xi, size_t v_ci);

/* Output transform of one group for one output channel: transform point ξ at m + ξ·m_xi
 * (LANES floats). Chunk q's 4×(LANES) output block goes to dst[q] (rows ldo apart), only
 * its first rows[q] rows and cols[q] columns; it gets + bias, then + the value already in
 * dst when add, then max(·, 0) when relu. */
void nn_wino_output_avx512 (const float *m, size_t m_xi, float *const dst[4], size_t ldo,
                            const int rows[4], const int cols[4], float bias, int relu,
                            int add);
void nn_wino_output_avx2 (const float *m, size_t m_xi, float *const dst[4], size_t ldo,
                          const int rows[4], const int cols[4], float bias, int relu, int add);

/* Weight transform of 8 output channels (one apack panel [cin·9][8]) into u + ξ·u_xi +
 * ci·8 (8 floats per channel ci): U = G g Gᵀ. AVX2+FMA (also used on AVX-512 CPUs). */
void nn_wino_weights_avx2 (const float *apack_panel, int cin, float *u, size_t u_xi);
