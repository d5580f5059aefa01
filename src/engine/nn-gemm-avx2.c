/* nn-gemm-avx2.c — the AVX2+FMA micro-kernel of the packed GEMM (see nn-gemm.h).
 *
 * An 8×24 tile is computed as two 4×24 register blocks (12 ymm accumulators, three B loads
 * and four broadcasts per k), both reading the same 8-wide apack panel, so AVX2 and AVX-512
 * share the packed weights. Partial tiles go through a small stack tile, so no load or
 * store touches memory outside C's rows < rows and cols < cols. Compiled with a
 * per-function target attribute; runs only when nn_gemm_path_available (NN_GEMM_AVX2).
 */
#include "nn-gemm.h"

#include <immintrin.h>
#include <string.h>

#define NN_AVX2 __attribute__ ((target ("avx2,fma")))
#define NR 24
#define HALF 4

/* One 4×24 block: c[4][24] (row stride ldc, all in bounds) = (c or 0) + Σ_k a[k][0..4) ⊗
 * b[k][0..24) (a stride 8, b stride 24), then bias/ReLU per the flags. */
NN_AVX2 static void
block_4x24 (int kc, const float *a, const float *b, float *c, size_t ldc, const float *bias,
            unsigned flags)
{
  __m256 acc[HALF][3];
#pragma GCC unroll 4
  for (int i = 0; i < HALF; i++)
#pragma GCC unroll 3
    for (int j = 0; j < 3; j++)
      acc[i][j] = (flags & NN_TILE_LOAD_C) ? _mm256_loadu_ps (c + (size_t) i * ldc + 8 * j)
                                           : _mm256_setzero_ps ();
  for (int k = 0; k < kc; k++)
    {
      const __m256 b0 = _mm256_loadu_ps (b), b1 = _mm256_loadu_ps (b + 8),
                   b2 = _mm256_loadu_ps (b + 16);
#pragma GCC unroll 4
      for (int i = 0; i < HALF; i++)
        {
          const __m256 ai = _mm256_broadcast_ss (a + i);
          acc[i][0] = _mm256_fmadd_ps (ai, b0, acc[i][0]);
          acc[i][1] = _mm256_fmadd_ps (ai, b1, acc[i][1]);
          acc[i][2] = _mm256_fmadd_ps (ai, b2, acc[i][2]);
        }
      a += NN_GEMM_MR;
      b += NR;
    }
#pragma GCC unroll 4
  for (int i = 0; i < HALF; i++)
#pragma GCC unroll 3
    for (int j = 0; j < 3; j++)
      {
        __m256 v = acc[i][j];
        if (flags & NN_TILE_BIAS)
          v = _mm256_add_ps (v, _mm256_set1_ps (bias[i]));
        if (flags & NN_TILE_RELU)
          v = _mm256_max_ps (v, _mm256_setzero_ps ());
        _mm256_storeu_ps (c + (size_t) i * ldc + 8 * j, v);
      }
}

/* See nn-gemm.h. */
NN_AVX2 void
nn_gemm_tile_avx2 (int kc, const float *a, const float *b, float *c, size_t ldc, int rows,
                   int cols, const float *bias, unsigned flags)
{
  for (int r0 = 0; r0 < rows; r0 += HALF)
    {
      const int nr = rows - r0 < HALF ? rows - r0 : HALF;
      float *cr = c + (size_t) r0 * ldc;
      if (nr == HALF && cols == NR)
        {
          block_4x24 (kc, a + r0, b, cr, ldc, bias + r0, flags);
          continue;
        }
      float tile[HALF][NR];
      float bias_tile[HALF] = { 0 };
      memset (tile, 0, sizeof tile);
      for (int i = 0; i < nr; i++)
        {
          if (flags & NN_TILE_LOAD_C)
            memcpy (tile[i], cr + (size_t) i * ldc, (size_t) cols * sizeof (float));
          if (flags & NN_TILE_BIAS)
            bias_tile[i] = bias[r0 + i];
        }
      block_4x24 (kc, a + r0, b, &tile[0][0], NR, bias_tile, flags);
      for (int i = 0; i < nr; i++)
        memcpy (cr + (size_t) i * ldc, tile[i], (size_t) cols * sizeof (float));
    }
}

/* See nn-gemm.h: two 4-row blocks of 16 pixels (8 ymm accumulators each) over all kdim rows;
 * B row k is the 16 floats at base + koff[k]. */
NN_AVX2 void
nn_gemm_tile_avx2_implicit (int kdim, const float *a, const float *base, const int *koff,
                            float *c, size_t ldc, int rows, const float *bias, unsigned flags)
{
  for (int r0 = 0; r0 < rows; r0 += HALF)
    {
      const int nr = rows - r0 < HALF ? rows - r0 : HALF;
      const float *ap = a + r0;
      __m256 acc[HALF][2];
#pragma GCC unroll 4
      for (int i = 0; i < HALF; i++)
        {
          if ((flags & NN_TILE_LOAD_C) && i < nr)
            {
              acc[i][0] = _mm256_loadu_ps (c + (size_t) (r0 + i) * ldc);
              acc[i][1] = _mm256_loadu_ps (c + (size_t) (r0 + i) * ldc + 8);
            }
          else
            acc[i][0] = acc[i][1] = _mm256_setzero_ps ();
        }
      for (int k = 0; k < kdim; k++)
        {
          const float *b = base + koff[k];
          const __m256 b0 = _mm256_loadu_ps (b), b1 = _mm256_loadu_ps (b + 8);
#pragma GCC unroll 4
          for (int i = 0; i < HALF; i++)
            {
              const __m256 ai = _mm256_broadcast_ss (ap + i);
              acc[i][0] = _mm256_fmadd_ps (ai, b0, acc[i][0]);
              acc[i][1] = _mm256_fmadd_ps (ai, b1, acc[i][1]);
            }
          ap += NN_GEMM_MR;
        }
#pragma GCC unroll 4
      for (int i = 0; i < HALF; i++)
        {
          if (i >= nr)
            break;
          __m256 lo = acc[i][0], hi = acc[i][1];
          if (flags & NN_TILE_BIAS)
            {
              const __m256 bi = _mm256_set1_ps (bias[r0 + i]);
              lo = _mm256_add_ps (lo, bi);
              hi = _mm256_add_ps (hi, bi);
            }
          if (flags & NN_TILE_RELU)
            {
              lo = _mm256_max_ps (lo, _mm256_setzero_ps ());
              hi = _mm256_max_ps (hi, _mm256_setzero_ps ());
            }
          _mm256_storeu_ps (c + (size_t) (r0 + i) * ldc, lo);
          _mm256_storeu_ps (c + (size_t) (r0 + i) * ldc + 8, hi);
        }
    }
}
