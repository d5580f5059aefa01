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
#include "nn-wino.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

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

/* See nn-gemm.h. */
int
nn_gemm_force_path_by_name (const char *name)
{
  for (NnGemmPath p = 0; p < NN_GEMM_PATHS; p++)
    {
      char nowino[32];
      snprintf (nowino, sizeof nowino, "%s-nowinograd", nn_gemm_path_name (p));
      const int plain = name != NULL && strcmp (name, nn_gemm_path_name (p)) == 0;
      const int off = name != NULL && p != NN_GEMM_BLAS && strcmp (name, nowino) == 0;
      if ((plain || off) && nn_gemm_force_path (p))
        {
          nn_wino_set_enabled (plain);
          return 1;
        }
    }
  return 0;
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

#define IMPLICIT_W 32     /* pixels per AVX-512 implicit tile: one whole 8×32 register tile */
#define IMPLICIT_W_AVX2 16
#define IMPLICIT_MAX_K 6912 /* the largest K of the U-Net (decoder block 0) */

/* True when the implicit GEMM of path p computes c on an h×w input: 3×3, stride 1, pad 1,
 * w a multiple of the tile width (AVX-512: 32, or w = 16 with h even, a tile then being
 * two rows; AVX2: 16), K small enough for the offset table, and a band of the smallest
 * height (one output row, two for two-row tiles) fits the scratch. */
static int
implicit_applies (NnGemmPath p, const NnConv *c, int h, int w, size_t scratch_floats)
{
  const size_t cin = (size_t) (c->cin_a + c->cin_b);
  const int two_rows = p == NN_GEMM_AVX512 && w == IMPLICIT_W / 2;
  const int tile_w = p == NN_GEMM_AVX512 ? IMPLICIT_W : IMPLICIT_W_AVX2;
  return c->k == 3 && c->stride == 1 && c->pad == 1
         && (w % tile_w == 0 || (two_rows && h % 2 == 0)) && cin * 9 <= IMPLICIT_MAX_K
         && cin * (size_t) (two_rows ? 4 : 3) * (size_t) (w + 2) <= scratch_floats;
}

/* The implicit GEMM: bands of output rows; per band the input rows it needs are copied
 * once, zero-padded, into scratch [cin][band+2][w+2] (through the two-source / upsample
 * view), and every register tile reads its B rows straight from there at koff[k]. */
static void
implicit_conv (NnGemmPath p, const NnConv *c, const NnConvInput *in, float *out, NnEpilogue epi,
               float *scratch, size_t scratch_floats)
{
  const int h = in->h, w = in->w, cin = c->cin_a + c->cin_b, kdim = cin * 9;
  const size_t row = (size_t) w + 2, n = (size_t) h * (size_t) w;
  const int two_rows = p == NN_GEMM_AVX512 && w == IMPLICIT_W / 2;
  const int tile_w = p == NN_GEMM_AVX512 ? IMPLICIT_W : IMPLICIT_W_AVX2;
  int band = (int) (scratch_floats / ((size_t) cin * row)) - 2;
  if (band > h)
    band = h;
  if (two_rows)
    band -= band % 2;
  const size_t chan = (size_t) (band + 2) * row;
  int koff[IMPLICIT_MAX_K];
  for (int k = 0; k < kdim; k++)
    koff[k] = (int) ((size_t) (k / 9) * chan + (size_t) (k / 3 % 3) * row + (size_t) (k % 3));
  unsigned flags = NN_TILE_BIAS | (epi != NN_EPI_BIAS ? NN_TILE_RELU : 0)
                   | (epi == NN_EPI_ADD_BIAS_RELU ? NN_TILE_LOAD_C : 0);
  const int panels_m = (c->cout + NN_GEMM_MR - 1) / NN_GEMM_MR;
  for (int y0 = 0; y0 < h; y0 += band)
    {
      const int rows_out = h - y0 < band ? h - y0 : band;
      for (int ci = 0; ci < cin; ci++)
        for (int r = 0; r < rows_out + 2; r++)
          nn_conv_padded_row (c, in, ci, y0 - 1 + r, scratch + (size_t) ci * chan + (size_t) r * row);
      for (int oy = 0; oy < rows_out; oy += two_rows ? 2 : 1)
        for (int x0 = 0; x0 < w; x0 += tile_w)
          {
            const float *base = scratch + (size_t) oy * row + (size_t) x0;
            float *cpix = out + (size_t) (y0 + oy) * (size_t) w + (size_t) x0;
            for (int mp = 0; mp < panels_m; mp++)
              {
                const int rows = c->cout - mp * NN_GEMM_MR < NN_GEMM_MR
                                   ? c->cout - mp * NN_GEMM_MR : NN_GEMM_MR;
                const float *ap = c->apack + (size_t) mp * (size_t) kdim * NN_GEMM_MR;
                float *cp = cpix + (size_t) mp * NN_GEMM_MR * n;
                if (p == NN_GEMM_AVX512)
                  nn_gemm_tile_avx512_implicit (kdim, ap, base, two_rows ? row : 16, koff, cp, n,
                                                rows, c->bias + mp * NN_GEMM_MR, flags);
                else
                  nn_gemm_tile_avx2_implicit (kdim, ap, base, koff, cp, n, rows,
                                              c->bias + mp * NN_GEMM_MR, flags);
              }
          }
    }
}

typedef void (*TileFn) (int kc, const float *a, const float *b, float *c, size_t ldc,
                        int rows, int cols, const float *bias, unsigned flags);

/* See nn-gemm.h. */
int
nn_gemm_conv (NnGemmPath p, const NnConv *c, const NnConvInput *in, float *out,
              NnEpilogue epi, float *scratch, size_t scratch_floats)
{
  if (implicit_applies (p, c, in->h, in->w, scratch_floats))
    {
      implicit_conv (p, c, in, out, epi, scratch, scratch_floats);
      return 1;
    }
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
  return 0;
}
