/* nn-conv-direct.c — direct 3×3 stride-1 convolution for the decoder tail and the head
 * (Cout ≤ 32 at 128²–256²), where im2col + sgemm is inefficient (GEMM M = Cout too small).
 *
 * For each output row, the three input rows of every channel are first copied, zero-padded,
 * into scratch (through the two-source / ×2-upsample view, so nothing is materialised).
 * The kernel then keeps a 4-channel × 16-pixel block of outputs in registers and
 * accumulates over (ci, ky, kx) with weights packed [cout/4][cin][3][3][4]; bias and ReLU
 * are applied before the block is stored.
 */
#include "nn-conv.h"

#include <string.h>

#define NN_DIRECT_CB 4   /* output channels per register block */
#define NN_DIRECT_XB 16  /* output pixels per register block (two 8-float vectors) */
#define NN_DIRECT_MAX_W 256

/* AVX2+FMA clone chosen at load time, with a baseline fallback. */
#define NN_SIMD __attribute__ ((target_clones ("arch=x86-64-v3", "default")))

typedef float v8 __attribute__ ((vector_size (32), aligned (4)));
typedef int v8i __attribute__ ((vector_size (32), aligned (4)));

/* See nn-conv.h. */
int
nn_conv_direct_eligible (const NnConv *c)
{
  return c->k == 3 && c->stride == 1 && c->pad == 1 && c->cout <= NN_DIRECT_MAX_COUT;
}

/* See nn-conv.h. */
int
nn_conv_direct_applies (const NnConv *c, int h, int w)
{
  return c->wpack != NULL && nn_conv_direct_eligible (c) && w % NN_DIRECT_XB == 0
         && w <= NN_DIRECT_MAX_W && h >= 1;
}

/* See nn-conv.h. */
size_t
nn_conv_direct_scratch (const NnConv *c)
{
  return (size_t) (c->cin_a + c->cin_b) * 3 * (NN_DIRECT_MAX_W + NN_DIRECT_XB);
}

/* See nn-conv.h. */
size_t
nn_conv_direct_pack_floats (const NnConv *c)
{
  return (size_t) (c->cout + NN_DIRECT_CB - 1) / NN_DIRECT_CB * NN_DIRECT_CB
         * (size_t) (c->cin_a + c->cin_b) * 9;
}

/* See nn-conv.h: wpack[cb][ci][ky][kx][j] = weight[cb·4 + j][ci][ky][kx], 0 past cout. */
void
nn_conv_direct_pack (const NnConv *c, float *wpack)
{
  const int cin = c->cin_a + c->cin_b;
  const int nb = (c->cout + NN_DIRECT_CB - 1) / NN_DIRECT_CB;
  for (int cb = 0; cb < nb; cb++)
    for (int ci = 0; ci < cin; ci++)
      for (int t = 0; t < 9; t++)
        for (int j = 0; j < NN_DIRECT_CB; j++)
          {
            const int o = cb * NN_DIRECT_CB + j;
            wpack[(((size_t) cb * cin + ci) * 9 + t) * NN_DIRECT_CB + j]
              = o < c->cout ? c->weight[((size_t) o * cin + ci) * 9 + t] : 0.0f;
          }
}

/* See nn-conv.h. */
void
nn_conv_padded_row (const NnConv *c, const NnConvInput *in, int ci, int y, float *dst)
{
  const int h = in->h, w = in->w;
  dst[0] = 0.0f;
  dst[w + 1] = 0.0f;
  if (y < 0 || y >= h)
    {
      memset (dst + 1, 0, (size_t) w * sizeof (float));
      return;
    }
  if (ci < c->cin_a && c->upsample_a)
    {
      const float *src = in->a + ((size_t) ci * (h / 2) + (size_t) (y >> 1)) * (size_t) (w / 2);
      for (int x = 0; x < w; x++)
        dst[x + 1] = src[x >> 1];
      return;
    }
  const float *src = ci < c->cin_a
                       ? in->a + ((size_t) ci * h + (size_t) y) * (size_t) w
                       : in->b + ((size_t) (ci - c->cin_a) * h + (size_t) y) * (size_t) w;
  memcpy (dst + 1, src, (size_t) w * sizeof (float));
}

/* Accumulates one 4×16 output block over all input channels and taps, then applies bias
 * (and ReLU) and stores the rows that exist (o < cout) at out_row[o·plane + x]. */
NN_SIMD static void
block_4x16 (const float *rows, size_t row_stride, int cin, const float *wp, const float *bias,
            int n_out, int relu, float *out, size_t plane)
{
  v8 acc[NN_DIRECT_CB][2];
  for (int j = 0; j < NN_DIRECT_CB; j++)
    acc[j][0] = acc[j][1] = (v8) { 0 };
  for (int ci = 0; ci < cin; ci++)
    for (int ky = 0; ky < 3; ky++)
      {
        const float *r = rows + ((size_t) ci * 3 + (size_t) ky) * row_stride;
        const float *w = wp + ((size_t) ci * 9 + (size_t) ky * 3) * NN_DIRECT_CB;
        for (int kx = 0; kx < 3; kx++)
          {
            v8 lo, hi;
            memcpy (&lo, r + kx, sizeof lo);
            memcpy (&hi, r + kx + 8, sizeof hi);
            for (int j = 0; j < NN_DIRECT_CB; j++)
              {
                const float s = w[kx * NN_DIRECT_CB + j];
                acc[j][0] += lo * s;
                acc[j][1] += hi * s;
              }
          }
      }
  for (int j = 0; j < n_out; j++)
    {
      v8 lo = acc[j][0] + bias[j], hi = acc[j][1] + bias[j];
      if (relu)
        {
          const v8 zero = { 0 };
          lo = (v8) ((v8i) lo & (lo > zero));
          hi = (v8) ((v8i) hi & (hi > zero));
        }
      memcpy (out + (size_t) j * plane, &lo, sizeof lo);
      memcpy (out + (size_t) j * plane + 8, &hi, sizeof hi);
    }
}

/* See nn-conv.h. */
void
nn_conv_direct_forward (const NnConv *c, const NnConvInput *in, float *out, NnEpilogue epi,
                        float *scratch)
{
  const int h = in->h, w = in->w, cin = c->cin_a + c->cin_b;
  const size_t row_stride = (size_t) w + NN_DIRECT_XB, plane = (size_t) h * (size_t) w;
  const int nb = (c->cout + NN_DIRECT_CB - 1) / NN_DIRECT_CB;
  for (int oy = 0; oy < h; oy++)
    {
      for (int ci = 0; ci < cin; ci++)
        for (int ky = 0; ky < 3; ky++)
          nn_conv_padded_row (c, in, ci, oy - 1 + ky, scratch + ((size_t) ci * 3 + (size_t) ky) * row_stride);
      for (int cb = 0; cb < nb; cb++)
        {
          const int o0 = cb * NN_DIRECT_CB;
          const int n_out = c->cout - o0 < NN_DIRECT_CB ? c->cout - o0 : NN_DIRECT_CB;
          const float *wp = c->wpack + (size_t) cb * cin * 9 * NN_DIRECT_CB;
          for (int x = 0; x < w; x += NN_DIRECT_XB)
            block_4x16 (scratch + x, row_stride, cin, wp, c->bias + o0, n_out,
                        epi == NN_EPI_BIAS_RELU, out + (size_t) o0 * plane + (size_t) oy * w + x,
                        plane);
        }
    }
}
