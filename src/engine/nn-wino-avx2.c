/* nn-wino-avx2.c — the Winograd F(4,3) transforms with 8-float vectors (8 tiles per group),
 * and the weight transform both paths use. Built with a per-function target attribute; runs
 * only when nn_gemm_path_available (NN_GEMM_AVX2). The input and output transforms are
 * nn-wino-isa.h. */
#include "nn-wino.h"

#include <immintrin.h>

#define WV __m256
#define WLANES 8
#define WTARGET __attribute__ ((target ("avx2,fma")))
#define WLOAD _mm256_loadu_ps
#define WSTORE _mm256_storeu_ps
#define WADD _mm256_add_ps
#define WSUB _mm256_sub_ps
#define WFMADD _mm256_fmadd_ps
#define WFNMADD _mm256_fnmadd_ps
#define WSET1 _mm256_set1_ps
#define WUNPACKLO _mm256_unpacklo_ps
#define WUNPACKHI _mm256_unpackhi_ps
#define WSHUFFLE _mm256_shuffle_ps
#define WRELU(v) _mm256_max_ps ((v), _mm256_setzero_ps ())
#define WINPUT nn_wino_input_avx2
#define WOUTPUT nn_wino_output_avx2

#include "nn-wino-isa.h"

/* u = G g for three vectors in, six out; G rows [1/4 0 0] [-1/6 -1/6 -1/6] [-1/6 1/6 -1/6]
 * [1/24 1/12 1/6] [1/24 -1/12 1/6] [0 0 1]. */
WTARGET static inline void
weight_1d (__m256 g0, __m256 g1, __m256 g2, __m256 u[6])
{
  const __m256 s = _mm256_add_ps (g0, g2), sixth = _mm256_set1_ps (-1.0f / 6.0f);
  const __m256 p = _mm256_fmadd_ps (_mm256_set1_ps (1.0f / 24.0f), g0,
                                    _mm256_mul_ps (_mm256_set1_ps (1.0f / 6.0f), g2));
  const __m256 q = _mm256_mul_ps (_mm256_set1_ps (1.0f / 12.0f), g1);
  u[0] = _mm256_mul_ps (_mm256_set1_ps (0.25f), g0);
  u[1] = _mm256_mul_ps (sixth, _mm256_add_ps (s, g1));
  u[2] = _mm256_mul_ps (sixth, _mm256_sub_ps (s, g1));
  u[3] = _mm256_add_ps (p, q);
  u[4] = _mm256_sub_ps (p, q);
  u[5] = g2;
}

/* See nn-wino.h: per input channel, the 3×3 taps of 8 output channels are 9 vectors of the
 * apack panel; U = G g Gᵀ column pass then row pass. */
WTARGET void
nn_wino_weights_avx2 (const float *apack_panel, int cin, float *u, size_t u_xi)
{
  for (int ci = 0; ci < cin; ci++)
    {
      const float *g = apack_panel + (size_t) ci * 9 * 8;
      __m256 t[6][3];
      for (int kx = 0; kx < 3; kx++)
        {
          __m256 col[6];
          weight_1d (_mm256_loadu_ps (g + kx * 8), _mm256_loadu_ps (g + (3 + kx) * 8),
                     _mm256_loadu_ps (g + (6 + kx) * 8), col);
          for (int i = 0; i < 6; i++)
            t[i][kx] = col[i];
        }
      for (int i = 0; i < 6; i++)
        {
          __m256 row[6];
          weight_1d (t[i][0], t[i][1], t[i][2], row);
          for (int j = 0; j < 6; j++)
            _mm256_storeu_ps (u + (size_t) (6 * i + j) * u_xi + (size_t) ci * 8, row[j]);
        }
    }
}
