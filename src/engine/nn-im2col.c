/* nn-im2col.c — gathers one column panel of a convolution's im2col matrix (see nn-conv.h).
 *
 * Row r = (ci·k + ky)·k + kx of the panel holds, for each output pixel n in [n0, n0+nb),
 * the input value the kernel tap (ky, kx) of channel ci sees, or 0 in the padding. Channels
 * below cin_a come from source a (through the ×2 nearest upsample when asked), the rest from
 * source b: the concatenation is never materialised.
 */
#include "nn-conv.h"

#include <string.h>

/* Fills dst[0..len) with one input row srcrow (w wide, or the ×2-upsampled view of a w/2
 * wide row when up) read at columns ox·stride - pad + kx for ox in [ox0, ox0+len);
 * columns outside [0, w) read as 0. */
static void
gather_row (const float *srcrow, int w, int up, int stride, int pad, int kx, int ox0, int len,
            float *dst)
{
  int x0 = ox0 * stride - pad + kx; /* input column of dst[0] */
  if (stride == 1)
    {
      /* valid i: 0 <= x0 + i < w */
      int lo = x0 < 0 ? -x0 : 0;
      int hi = w - x0;
      if (hi > len)
        hi = len;
      if (lo > len)
        lo = len;
      for (int i = 0; i < lo; i++)
        dst[i] = 0.0f;
      if (up)
        for (int i = lo; i < hi; i++)
          dst[i] = srcrow[(x0 + i) >> 1];
      else if (hi > lo)
        memcpy (dst + lo, srcrow + x0 + lo, (size_t) (hi - lo) * sizeof (float));
      for (int i = hi > lo ? hi : lo; i < len; i++)
        dst[i] = 0.0f;
      return;
    }
  for (int i = 0; i < len; i++)
    {
      int x = x0 + i * stride;
      dst[i] = (x >= 0 && x < w) ? srcrow[up ? x >> 1 : x] : 0.0f;
    }
}

/* See nn-conv.h. */
void
nn_im2col_panel (const NnConv *c, const NnConvInput *in, int n0, int nb, float *cols)
{
  const int k = c->k, s = c->stride, p = c->pad;
  const int h = in->h, w = in->w;
  const int ow = nn_conv_out_size (c, w);
  const int cin = c->cin_a + c->cin_b;
  const int wa = c->upsample_a ? w / 2 : w;
  const size_t plane_a = (size_t) (c->upsample_a ? h / 2 : h) * (size_t) wa;
  const size_t plane_b = (size_t) h * (size_t) w;

  for (int ci = 0; ci < cin; ci++)
    {
      const int from_a = ci < c->cin_a;
      const int up = from_a && c->upsample_a;
      const float *plane = from_a ? in->a + (size_t) ci * plane_a
                                  : in->b + (size_t) (ci - c->cin_a) * plane_b;
      const int src_w = up ? wa : w;
      for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++)
          {
            float *row = cols + (size_t) ((ci * k + ky) * k + kx) * (size_t) nb;
            int n = n0;
            while (n < n0 + nb)
              {
                const int oy = n / ow, ox0 = n % ow;
                int len = ow - ox0;
                if (len > n0 + nb - n)
                  len = n0 + nb - n;
                const int y = oy * s - p + ky;
                float *dst = row + (n - n0);
                if (y < 0 || y >= h)
                  memset (dst, 0, (size_t) len * sizeof (float));
                else
                  gather_row (plane + (size_t) (up ? y >> 1 : y) * (size_t) src_w, w, up, s, p,
                              kx, ox0, len, dst);
                n += len;
              }
          }
    }
}
