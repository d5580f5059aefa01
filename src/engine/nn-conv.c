/* nn-conv.c — the im2col + cblas_sgemm convolution driver with fused epilogue (see nn-conv.h). */
#include "nn-conv.h"

#include <cblas.h>

#include "nn-gemm.h"
#include "nn-wino.h"

/* Smallest panel width worth a GEMM call; panels are multiples of this granule. */
#define NN_PANEL_MIN 64
#define NN_PANEL_GRANULE 16
/* Scratch the im2col, implicit and direct paths use at most: their panels and bands are
 * sized to stay L2-resident, even when the workspace gives more (for Winograd). */
#define NN_PANEL_SCRATCH_FLOATS ((size_t) 1 << 18)

/* See nn-conv.h. */
int
nn_conv_out_size (const NnConv *c, int in_size)
{
  return (in_size + 2 * c->pad - c->k) / c->stride + 1;
}

/* See nn-conv.h. */
size_t
nn_conv_min_scratch (const NnConv *c)
{
  const size_t blas = (size_t) (c->cin_a + c->cin_b) * (size_t) (c->k * c->k) * NN_PANEL_MIN;
  const size_t packed = nn_gemm_min_scratch (c);
  return blas > packed ? blas : packed;
}

/* Applies the epilogue to rows [0, m) × columns [0, nb) of out (row stride ldo). */
static void
epilogue_panel (float *out, size_t ldo, int m, int nb, const float *bias, NnEpilogue epi)
{
  for (int o = 0; o < m; o++)
    {
      float *row = out + (size_t) o * ldo;
      const float b = bias[o];
      if (epi == NN_EPI_BIAS)
        for (int i = 0; i < nb; i++)
          row[i] += b;
      else
        for (int i = 0; i < nb; i++)
          {
            const float v = row[i] + b;
            row[i] = v > 0.0f ? v : 0.0f;
          }
    }
}

/* See nn-conv.h. */
const char *
nn_kernel_name (NnKernel k)
{
  static const char *const names[NN_KERNELS] = {
    "direct",        "blas",          "avx2-im2col",     "avx2-implicit",
    "avx2-winograd", "avx512-im2col", "avx512-implicit", "avx512-winograd",
  };
  return k >= 0 && k < NN_KERNELS ? names[k] : "?";
}

/* See nn-conv.h. Panels of nb output pixels: gather cols[K][nb] (L2-sized), one sgemm into
 * the matching column block of out (beta = 1 accumulates onto the residual already there),
 * then the epilogue on that block while it is cache-hot. */
NnKernel
nn_conv_forward (const NnConv *c, const NnConvInput *in, float *out, NnEpilogue epi,
                 float *scratch, size_t scratch_floats)
{
  const NnGemmPath path = nn_gemm_path ();
  if (nn_wino_preferred (path, c, in->h, in->w, scratch_floats))
    {
      nn_wino_conv (path, c, in, out, epi, scratch, scratch_floats);
      return path == NN_GEMM_AVX512 ? NN_KERNEL_AVX512_WINOGRAD : NN_KERNEL_AVX2_WINOGRAD;
    }
  if (scratch_floats > NN_PANEL_SCRATCH_FLOATS && nn_conv_min_scratch (c) <= NN_PANEL_SCRATCH_FLOATS)
    scratch_floats = NN_PANEL_SCRATCH_FLOATS;
  /* The AVX-512 implicit GEMM beats the (AVX2) direct kernel on every tail layer, the head
   * included (measured, one core: 32→16 @256² 160 vs 79 GFLOP/s, 16→2 @256² 0.90 vs
   * 1.22 ms), so the direct kernel only serves the other paths. */
  const int direct_ok = !(path == NN_GEMM_AVX512 && c->apack != NULL);
  if (direct_ok && epi != NN_EPI_ADD_BIAS_RELU && nn_conv_direct_applies (c, in->h, in->w)
      && scratch_floats >= nn_conv_direct_scratch (c))
    {
      nn_conv_direct_forward (c, in, out, epi, scratch);
      return NN_KERNEL_DIRECT;
    }
  if (path != NN_GEMM_BLAS && c->apack != NULL)
    {
      const int implicit = nn_gemm_conv (path, c, in, out, epi, scratch, scratch_floats);
      if (path == NN_GEMM_AVX512)
        return implicit ? NN_KERNEL_AVX512_IMPLICIT : NN_KERNEL_AVX512_IM2COL;
      return implicit ? NN_KERNEL_AVX2_IMPLICIT : NN_KERNEL_AVX2_IM2COL;
    }
  const int oh = nn_conv_out_size (c, in->h), ow = nn_conv_out_size (c, in->w);
  const int n = oh * ow;
  const int kdim = (c->cin_a + c->cin_b) * c->k * c->k;
  size_t nb_fit = scratch_floats / (size_t) kdim;
  int nb;
  if (nb_fit >= (size_t) n)
    nb = n;
  else
    nb = (int) (nb_fit - nb_fit % NN_PANEL_GRANULE);
  const float beta = epi == NN_EPI_ADD_BIAS_RELU ? 1.0f : 0.0f;

  for (int n0 = 0; n0 < n; n0 += nb)
    {
      const int len = n - n0 < nb ? n - n0 : nb;
      nn_im2col_panel (c, in, n0, len, scratch);
      if (c->weight != NULL)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, c->cout, len, kdim, 1.0f,
                     c->weight, kdim, scratch, len, beta, out + n0, n);
      else /* only packed weights: one call per 8-channel panel, apack[mp] being W^T rows */
        for (int m0 = 0; m0 < c->cout; m0 += NN_GEMM_MR)
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                       c->cout - m0 < NN_GEMM_MR ? c->cout - m0 : NN_GEMM_MR, len, kdim, 1.0f,
                       c->apack + (size_t) m0 * (size_t) kdim, NN_GEMM_MR, scratch, len, beta,
                       out + (size_t) m0 * (size_t) n + n0, n);
      epilogue_panel (out + n0, (size_t) n, c->cout, len, c->bias, epi);
    }
  return NN_KERNEL_BLAS;
}
