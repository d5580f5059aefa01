/* nn-test-conv.c — see nn-test-conv.h. */
#include "nn-test-conv.h"

#include "nn-gemm.h"

#include <stdlib.h>

/* See nn-test-conv.h: direct definition of a zero-padded cross-correlation, accumulated in
 * double so its own rounding error is negligible next to fp32 paths. Loops run tap by tap
 * over a double accumulator plane, with each tap's valid output range computed up front. */
void
nn_conv_reference (const float *in, int cin, int h, int w, const float *weight,
                   const float *bias, int cout, int k, int stride, int pad, float *out)
{
  const int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
  double *acc = malloc ((size_t) oh * ow * sizeof (double));
  if (acc == NULL)
    abort ();
  for (int o = 0; o < cout; o++)
    {
      for (size_t i = 0; i < (size_t) oh * ow; i++)
        acc[i] = bias ? bias[o] : 0.0;
      for (int ci = 0; ci < cin; ci++)
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            {
              const double wv = weight[((size_t) (o * cin + ci) * k + ky) * k + kx];
              /* Output columns whose input column ox·stride - pad + kx lies in [0, w). */
              int ox_lo = 0, ox_hi = ow;
              while (ox_lo < ow && ox_lo * stride - pad + kx < 0)
                ox_lo++;
              while (ox_hi > ox_lo && (ox_hi - 1) * stride - pad + kx >= w)
                ox_hi--;
              for (int oy = 0; oy < oh; oy++)
                {
                  const int y = oy * stride - pad + ky;
                  if (y < 0 || y >= h)
                    continue;
                  const float *row = in + ((size_t) ci * h + y) * w;
                  double *arow = acc + (size_t) oy * ow;
                  for (int ox = ox_lo; ox < ox_hi; ox++)
                    arow[ox] += wv * row[ox * stride - pad + kx];
                }
            }
      for (size_t i = 0; i < (size_t) oh * ow; i++)
        out[(size_t) o * oh * ow + i] = (float) acc[i];
    }
  free (acc);
}

/* See nn-test-conv.h. */
void
nn_test_pack_a (const NnConv *c, float *apack)
{
  const size_t kdim = (size_t) (c->cin_a + c->cin_b) * (size_t) (c->k * c->k);
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
