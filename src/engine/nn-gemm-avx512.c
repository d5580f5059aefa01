/* nn-gemm-avx512.c — the 8×32 AVX-512F micro-kernel of the packed GEMM (see nn-gemm.h).
 *
 * 16 zmm accumulators (8 output channels × 32 pixels); per k: two loads of the B panel row
 * and eight broadcasts of the A panel column (folded into the FMAs as embedded broadcasts).
 * Compiled with a per-function target attribute, so the rest of the build stays generic
 * x86-64 and the function only runs when nn_gemm_path_available (NN_GEMM_AVX512).
 */
#include "nn-gemm.h"

#include <immintrin.h>

#define NN_AVX512 __attribute__ ((target ("avx512f,fma")))

/* Lanes of a 16-float vector that fall below `cols` counted from `first`. */
NN_AVX512 static __mmask16
lane_mask (int cols, int first)
{
  const int n = cols - first;
  if (n >= 16)
    return 0xFFFF;
  return n <= 0 ? 0 : (__mmask16) ((1u << n) - 1u);
}

/* The accumulators of a tile at the start: the rows of C below @rows (lanes @m0 of the low
 * half, @m1 of the high one, the rest 0) with NN_TILE_LOAD_C, else 0. Both kernels inline it. */
NN_AVX512 static inline __attribute__ ((always_inline)) void
tile_start (__m512 acc[NN_GEMM_MR][2], const float *c, size_t ldc, int rows, unsigned flags,
            __mmask16 m0, __mmask16 m1)
{
#pragma GCC unroll 8
  for (int i = 0; i < NN_GEMM_MR; i++)
    {
      if ((flags & NN_TILE_LOAD_C) && i < rows)
        {
          acc[i][0] = _mm512_maskz_loadu_ps (m0, c + (size_t) i * ldc);
          acc[i][1] = _mm512_maskz_loadu_ps (m1, c + (size_t) i * ldc + 16);
        }
      else
        acc[i][0] = acc[i][1] = _mm512_setzero_ps ();
    }
}

/* One k step of the 8×32 tile: acc[i] += a[i] × (b0, b1) for each of its rows. Both kernels
 * inline it. */
NN_AVX512 static inline __attribute__ ((always_inline)) void
tile_fma (__m512 acc[NN_GEMM_MR][2], const float *a, __m512 b0, __m512 b1)
{
#pragma GCC unroll 8
  for (int i = 0; i < NN_GEMM_MR; i++)
    {
      const __m512 ai = _mm512_set1_ps (a[i]);
      acc[i][0] = _mm512_fmadd_ps (ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps (ai, b1, acc[i][1]);
    }
}

/* Adds the bias (NN_TILE_BIAS), keeps lanes > 0 (NN_TILE_RELU) and stores the first @rows
 * rows of the tile to C, lanes @m0 / @m1 of each half. Both kernels inline it. */
NN_AVX512 static inline __attribute__ ((always_inline)) void
tile_finish (__m512 acc[NN_GEMM_MR][2], float *c, size_t ldc, int rows, const float *bias,
             unsigned flags, __mmask16 m0, __mmask16 m1)
{
#pragma GCC unroll 8
  for (int i = 0; i < NN_GEMM_MR; i++)
    {
      if (i >= rows)
        break;
      __m512 lo = acc[i][0], hi = acc[i][1];
      if (flags & NN_TILE_BIAS)
        {
          const __m512 bi = _mm512_set1_ps (bias[i]);
          lo = _mm512_add_ps (lo, bi);
          hi = _mm512_add_ps (hi, bi);
        }
      if (flags & NN_TILE_RELU)
        {
          /* Keep lanes > 0 (a compare and a zero-masked move: gcc 12's _mm512_max_ps
           * header trips -Wuninitialized). */
          lo = _mm512_maskz_mov_ps (_mm512_cmp_ps_mask (lo, _mm512_setzero_ps (), _CMP_GT_OQ), lo);
          hi = _mm512_maskz_mov_ps (_mm512_cmp_ps_mask (hi, _mm512_setzero_ps (), _CMP_GT_OQ), hi);
        }
      _mm512_mask_storeu_ps (c + (size_t) i * ldc, m0, lo);
      _mm512_mask_storeu_ps (c + (size_t) i * ldc + 16, m1, hi);
    }
}

/* See nn-gemm.h. */
NN_AVX512 void
nn_gemm_tile_avx512 (int kc, const float *a, const float *b, float *c, size_t ldc, int rows,
                     int cols, const float *bias, unsigned flags)
{
  const __mmask16 m0 = lane_mask (cols, 0), m1 = lane_mask (cols, 16);
  __m512 acc[NN_GEMM_MR][2];
  tile_start (acc, c, ldc, rows, flags, m0, m1);
  for (int k = 0; k < kc; k++)
    {
      const __m512 b0 = _mm512_loadu_ps (b), b1 = _mm512_loadu_ps (b + 16);
      tile_fma (acc, a, b0, b1);
      a += NN_GEMM_MR;
      b += 32;
    }
  tile_finish (acc, c, ldc, rows, bias, flags, m0, m1);
}

/* See nn-gemm.h. */
NN_AVX512 void
nn_gemm_tile_avx512_implicit (int kdim, const float *a, const float *base, size_t hi_off,
                              const int *koff, float *c, size_t ldc, int rows, const float *bias,
                              unsigned flags)
{
  __m512 acc[NN_GEMM_MR][2];
  tile_start (acc, c, ldc, rows, flags, 0xFFFF, 0xFFFF);
  for (int k = 0; k < kdim; k++)
    {
      const float *b = base + koff[k];
      const __m512 b0 = _mm512_loadu_ps (b), b1 = _mm512_loadu_ps (b + hi_off);
      tile_fma (acc, a, b0, b1);
      a += NN_GEMM_MR;
    }
  tile_finish (acc, c, ldc, rows, bias, flags, 0xFFFF, 0xFFFF);
}
