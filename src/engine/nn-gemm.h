/* nn-gemm.h — the one seam every im2col convolution's GEMM goes through.
 *
 * Two implementations sit behind it:
 *   NN_GEMM_BLAS    im2col panels + OpenBLAS cblas_sgemm (portable; the reference in tests);
 *   NN_GEMM_AVX2    the engine's packed micro-kernel, AVX2+FMA, 4×24 tiles;
 *   NN_GEMM_AVX512  the engine's packed micro-kernel, AVX-512F, 8×32 tiles.
 * The packed paths share one weight layout, pre-packed at load: apack[ceil(cout/8)][K][8]
 * (zeros past cout). Per output-pixel block, im2col writes straight into the micro-kernel's
 * panel layout bpack[ceil(nc/NR)][kc][NR] (K blocked by at most NN_GEMM_KC) in the caller's
 * scratch, and bias, ReLU and the residual add are applied while each tile is still in
 * registers. 3×3 stride-1 convs skip im2col altogether on rows a multiple of the
 * tile width (AVX-512: 32, or 16 with a tile spanning two rows; AVX2: 16) (implicit GEMM over a zero-padded band of input rows). The path is chosen once per process from CPUID (__builtin_cpu_supports); only
 * tests and the benchmark override it, through nn_gemm_force_path.
 */
#pragma once

#include <stddef.h>

#include "nn-conv.h"

typedef enum {
  NN_GEMM_BLAS,
  NN_GEMM_AVX2,
  NN_GEMM_AVX512,
  NN_GEMM_PATHS
} NnGemmPath;

#define NN_GEMM_MR 8     /* output channels per packed weight panel (all packed paths) */
#define NN_GEMM_KC 256   /* K rows per packed block */
#define NN_GEMM_NR_MAX 32

/* True when this CPU can run path p (BLAS always). */
int nn_gemm_path_available (NnGemmPath p);

/* The fastest available path, from CPUID. */
NnGemmPath nn_gemm_best_path (void);

/* The path nn_conv_forward uses now: the forced one, else nn_gemm_best_path(). */
NnGemmPath nn_gemm_path (void);

/* For tests and the benchmark only: makes every later convolution in the process use p.
 * Returns 0 (changing nothing) when the CPU cannot run p. Not for use while workers run. */
int nn_gemm_force_path (NnGemmPath p);

/* "blas", "avx2" or "avx512"; "?" out of range. */
const char *nn_gemm_path_name (NnGemmPath p);

/* For tests and the benchmark: forces the path named `name` (as nn_gemm_path_name spells
 * it), with Winograd on, or with it off when the name has the suffix "-nowinograd"
 * ("avx512-nowinograd"); returns 0, changing nothing, for an unknown name or a path this
 * CPU cannot run. */
int nn_gemm_force_path_by_name (const char *name);

/* Measured fp32 FMA peak of the calling core with path p's vector width, GFLOP/s (best of
 * short bursts); 0 for NN_GEMM_BLAS or a path the CPU cannot run. */
double nn_fma_peak_gflops (NnGemmPath p);

/* Floats of apack for c: ceil(cout/8)·8·K. The layout: apack[mp][k][j] = weight[mp·8 + j][k],
 * 0 past cout. */
size_t nn_gemm_pack_a_floats (const NnConv *c);

/* Smallest scratch (floats) the packed path needs for c: one kc × NR panel. */
size_t nn_gemm_min_scratch (const NnConv *c);

/* The packed convolution on path p (AVX2 or AVX-512): out = epilogue(conv(in)), exactly as
 * nn_conv_forward defines it. c->apack must be set; scratch holds scratch_floats ≥
 * nn_gemm_min_scratch(c) floats. Allocates nothing. Returns 1 when the implicit GEMM ran,
 * 0 for im2col. */
int nn_gemm_conv (NnGemmPath p, const NnConv *c, const NnConvInput *in, float *out,
                   NnEpilogue epi, float *scratch, size_t scratch_floats);

/* Gathers im2col rows [k0, k0+kc) for output pixels [n0, n0+nc) into the packed layout
 * dst[ceil(nc/nr)][kc][nr], zero-filling the columns past nc in the last panel. */
void nn_im2col_pack (const NnConv *c, const NnConvInput *in, int n0, int nc, int k0, int kc,
                     int nr, float *dst);

/* Micro-kernel flags. */
enum {
  NN_TILE_LOAD_C = 1, /* start from C's current values instead of 0 */
  NN_TILE_BIAS = 2,   /* add bias[row] at the end */
  NN_TILE_RELU = 4,   /* then clamp at 0 */
};

/* One 8×32 tile, AVX-512: C[rows][cols] (row stride ldc) = (C or 0) + Σ_k a[k][0..8) ⊗
 * b[k][0..32), then the bias/ReLU flags; only rows < rows and cols < cols are read or
 * written. a is an apack panel (stride 8), b a bpack panel (stride 32). */
void nn_gemm_tile_avx512 (int kc, const float *a, const float *b, float *c, size_t ldc,
                          int rows, int cols, const float *bias, unsigned flags);

/* Implicit-GEMM variant for 3×3 stride-1 convs: the same 8×32 tile over all kdim rows,
 * reading B row k as the 16 floats at base + koff[k] and the 16 at base + hi_off + koff[k]
 * of a zero-padded input band (no im2col); all 32 columns of C are in bounds. */
void nn_gemm_tile_avx512_implicit (int kdim, const float *a, const float *base, size_t hi_off,
                                   const int *koff, float *c, size_t ldc, int rows,
                                   const float *bias, unsigned flags);

/* The AVX2 implicit variant: an 8×16 tile (two 4×16 register blocks), B row k being the 16
 * floats at base + koff[k]; all 16 columns of C are in bounds. */
void nn_gemm_tile_avx2_implicit (int kdim, const float *a, const float *base, const int *koff,
                                 float *c, size_t ldc, int rows, const float *bias,
                                 unsigned flags);

/* Same for 8×24 tiles with AVX2+FMA (two 4×24 register blocks; b stride 24). */
void nn_gemm_tile_avx2 (int kc, const float *a, const float *b, float *c, size_t ldc,
                        int rows, int cols, const float *bias, unsigned flags);
