/* nn-gemm.c — path selection, weight packing and the blocked driver of the packed GEMM
 * convolution (see nn-gemm.h).
 *
 * Loop order per convolution, C[cout][N] = W[cout][K] × cols[K][N], N = oh·ow:
 *   for each block of nc output pixels (nc·kc floats of panel fit the scratch, ≤ NC_MAX)
 *     for each K block of ≤ NN_GEMM_KC rows
 *       im2col → bpack[nc/NR][kc][NR]                      (L2-resident)
 *       for each 8-channel weight panel (kc×8 from apack, L1-resident)
 *         for each NR-pixel panel: one register tile, accumulating onto C after the first
 *         K block; the last K block adds bias, ReLU and (via the residual already in C)
 *         the identity before the tile is stored.
 */
#include "nn-gemm.h"

#include <stdatomic.h>

#define NC_MAX 384 /* pixels per packed block: a multiple of both NR (24, 32) */

static atomic_int forced_path = -1;

/* See nn-gemm.h. */
int
nn_gemm_path_available (NnGemmPath p)
{
  switch (p)
    {
    case NN_GEMM_BLAS:
      return 1;
    case NN_GEMM_AVX2:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
    case NN_GEMM_AVX512:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx512f");
    default:
      return 0;
    }
}

/* See nn-gemm.h. */
NnGemmPath
nn_gemm_best_path (void)
{
  if (nn_gemm_path_available (NN_GEMM_AVX512))
    return NN_GEMM_AVX512;
  if (nn_gemm_path_available (NN_GEMM_AVX2))
    return NN_GEMM_AVX2;
  return NN_GEMM_BLAS;
}

/* See nn-gemm.h. */
NnGemmPath
nn_gemm_path (void)
{
  const int f = atomic_load (&forced_path);
  return f >= 0 ? (NnGemmPath) f : nn_gemm_best_path ();
}

/* See nn-gemm.h. */
int
nn_gemm_force_path (NnGemmPath p)
{
  if (!nn_gemm_path_available (p))
    return 0;
  atomic_store (&forced_path, (int) p);
  return 1;
}

/* See nn-gemm.h. */
const char *
nn_gemm_path_name (NnGemmPath p)
{
  static const char *const names[NN_GEMM_PATHS] = { "blas", "avx2", "avx512" };
  return p >= 0 && p < NN_GEMM_PATHS ? names[p] : "?";
}

/* K of c: input channels × taps. */
static size_t
conv_k (const NnConv *c)
{
  return (size_t) (c->cin_a + c->cin_b) * (size_t) (c->k * c->k);
}

/* See nn-gemm.h. */
size_t
nn_gemm_pack_a_floats (const NnConv *c)
{
  return (size_t) (c->cout + NN_GEMM_MR - 1) / NN_GEMM_MR * NN_GEMM_MR * conv_k (c);
}

/* See nn-gemm.h. */
void
nn_gemm_pack_a (const NnConv *c, float *apack)
{
  const size_t kdim = conv_k (c);
  const int panels = (c->cout + NN_GEMM_MR - 1) / NN_GEMM_MR;
  for (int mp = 0; mp < panels; mp++)
    for (size_t k = 0; k < kdim; k++)
      for (int j = 0; j < NN_GEMM_MR; j++)
        {
          const int o = mp * NN_GEMM_MR + j;
          apack[((size_t) mp * kdim + k) * NN_GEMM_MR + j]
            = o < c->cout ? c->weight[(size_t) o * kdim + k] : 0.0f;
        }
}

/* K rows per block for a K of kdim: balanced blocks of at most NN_GEMM_KC. */
static int
block_kc (size_t kdim)
{
  const size_t blocks = (kdim + NN_GEMM_KC - 1) / NN_GEMM_KC;
  return (int) ((kdim + blocks - 1) / blocks);
}

/* See nn-gemm.h. */
size_t
nn_gemm_min_scratch (const NnConv *c)
{
  return (size_t) block_kc (conv_k (c)) * NN_GEMM_NR_MAX;
}

typedef void (*TileFn) (int kc, const float *a, const float *b, float *c, size_t ldc,
                        int rows, int cols, const float *bias, unsigned flags);

/* See nn-gemm.h. */
void
nn_gemm_conv (NnGemmPath p, const NnConv *c, const NnConvInput *in, float *out,
              NnEpilogue epi, float *scratch, size_t scratch_floats)
{
  const TileFn tile = p == NN_GEMM_AVX512 ? nn_gemm_tile_avx512 : nn_gemm_tile_avx2;
  const int nr = p == NN_GEMM_AVX512 ? 32 : 24;
  const int oh = nn_conv_out_size (c, in->h), ow = nn_conv_out_size (c, in->w);
  const int n = oh * ow;
  const size_t kdim = conv_k (c);
  const int kc_max = block_kc (kdim);
  size_t fit = scratch_floats / (size_t) kc_max / (size_t) nr * (size_t) nr;
  if (fit > NC_MAX)
    fit = NC_MAX;
  const int nc_max = fit < (size_t) nr ? nr : (int) fit;
  const int panels_m = (c->cout + NN_GEMM_MR - 1) / NN_GEMM_MR;

  for (int n0 = 0; n0 < n; n0 += nc_max)
    {
      const int nc = n - n0 < nc_max ? n - n0 : nc_max;
      const int panels_n = (nc + nr - 1) / nr;
      for (size_t k0 = 0; k0 < kdim; k0 += (size_t) kc_max)
        {
          const int kc = kdim - k0 < (size_t) kc_max ? (int) (kdim - k0) : kc_max;
          const int last = k0 + (size_t) kc == kdim;
          unsigned flags = 0;
          if (k0 > 0 || epi == NN_EPI_ADD_BIAS_RELU)
            flags |= NN_TILE_LOAD_C;
          if (last)
            flags |= NN_TILE_BIAS | (epi != NN_EPI_BIAS ? NN_TILE_RELU : 0);
          nn_im2col_pack (c, in, n0, nc, (int) k0, kc, nr, scratch);
          for (int mp = 0; mp < panels_m; mp++)
            {
              const int rows = c->cout - mp * NN_GEMM_MR < NN_GEMM_MR
                                 ? c->cout - mp * NN_GEMM_MR : NN_GEMM_MR;
              const float *a = c->apack + ((size_t) mp * kdim + k0) * NN_GEMM_MR;
              float *crow = out + (size_t) mp * NN_GEMM_MR * (size_t) n + n0;
              for (int np = 0; np < panels_n; np++)
                {
                  const int cols = nc - np * nr < nr ? nc - np * nr : nr;
                  tile (kc, a, scratch + (size_t) np * (size_t) kc * (size_t) nr,
                        crow + (size_t) np * nr, (size_t) n, rows, cols,
                        c->bias + mp * NN_GEMM_MR, flags);
                }
            }
        }
    }
}
