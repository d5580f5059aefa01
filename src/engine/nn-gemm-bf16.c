/* nn-gemm-bf16.c — the opt-in bf16 GEMM pieces (AVX512-BF16, vdpbf16ps): packing fp32 rows
 * into bf16 pairs and the 8×32 micro-kernel over them (see nn-gemm.h). Operands are rounded
 * to bf16 (8-bit significand, round to nearest even); products are accumulated in fp32.
 * Built with a per-function target attribute; runs only when nn_gemm_bf16_available ().
 */
#include "nn-gemm.h"

#include <immintrin.h>

#define NN_BF16 __attribute__ ((target ("avx512f,avx512bf16")))

/* See nn-gemm.h. Eight columns at a time: rows 2r and 2r+1 are interleaved by one permute
 * and converted by vcvtne2ps2bf16; a pair is written no later than its rows are read. */
NN_BF16 void
nn_bf16_pack_pairs (float *rows, int k, int width)
{
  const __m512i inter = _mm512_set_epi32 (23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  uint32_t *dst = (uint32_t *) (void *) rows;
  for (int r = 0; r < (k + 1) / 2; r++)
    {
      const float *x = rows + (size_t) (2 * r) * (size_t) width;
      const float *y = x + width;
      const int has_y = 2 * r + 1 < k;
      for (int j = 0; j < width; j += 8)
        {
          const __m512 xv = _mm512_maskz_loadu_ps (0xFF, x + j);
          const __m512 yv = has_y ? _mm512_maskz_loadu_ps (0xFF, y + j) : _mm512_setzero_ps ();
          const __m512 v = _mm512_permutex2var_ps (xv, inter, yv);
          const __m512bh bh = _mm512_cvtne2ps_pbh (v, v);
          _mm512_mask_storeu_epi32 (dst + (size_t) r * (size_t) width + j, 0xFF, (__m512i) bh);
        }
    }
}

/* Lanes of a 16-float vector that fall below `cols` counted from `first`. */
NN_BF16 static __mmask16
lane_mask (int cols, int first)
{
  const int n = cols - first;
  if (n >= 16)
    return 0xFFFF;
  return n <= 0 ? 0 : (__mmask16) ((1u << n) - 1u);
}

/* See nn-gemm.h. */
NN_BF16 void
nn_gemm_tile_avx512_bf16 (int kp, const uint32_t *a, const uint32_t *b, float *c, size_t ldc,
                          int rows, int cols)
{
  const __mmask16 m0 = lane_mask (cols, 0), m1 = lane_mask (cols, 16);
  __m512 acc[NN_GEMM_MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < NN_GEMM_MR; i++)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps ();
  for (int k = 0; k < kp; k++)
    {
      const __m512bh b0 = (__m512bh) _mm512_loadu_si512 (b);
      const __m512bh b1 = (__m512bh) _mm512_loadu_si512 (b + 16);
#pragma GCC unroll 8
      for (int i = 0; i < NN_GEMM_MR; i++)
        {
          const __m512bh ai = (__m512bh) _mm512_set1_epi32 ((int) a[i]);
          acc[i][0] = _mm512_dpbf16_ps (acc[i][0], ai, b0);
          acc[i][1] = _mm512_dpbf16_ps (acc[i][1], ai, b1);
        }
      a += NN_GEMM_MR;
      b += 32;
    }
#pragma GCC unroll 8
  for (int i = 0; i < NN_GEMM_MR; i++)
    {
      if (i >= rows)
        break;
      _mm512_mask_storeu_ps (c + (size_t) i * ldc, m0, acc[i][0]);
      _mm512_mask_storeu_ps (c + (size_t) i * ldc + 16, m1, acc[i][1]);
    }
}
