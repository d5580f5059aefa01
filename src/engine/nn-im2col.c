/* nn-im2col.c — gathers one column panel of a convolution's im2col matrix (see nn-conv.h).
 *
 * Row r = (ci·k + ky)·k + kx of the panel holds, for each output pixel n in [n0, n0+nb),
 * the input value the kernel tap (ky, kx) of channel ci sees, or 0 in the padding. Channels
 * below cin_a come from source a (through the ×2 nearest upsample when asked), the rest from
 * source b: the concatenation is never materialised.
 */
#include "nn-conv.h"
#include "nn-gemm.h"

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

/* Writes im2col row r = (ci·k + ky)·k + kx of c for output pixels [n0, n0+nb): pixel
 * n0 + j goes to dst[j] when nr is 0, else to dst[(j / nr)·panel_stride + j % nr] (the
 * packed panel layout). Work is done in runs that stop at output-row and panel ends. */
static void
im2col_row (const NnConv *c, const NnConvInput *in, int r, int n0, int nb, float *dst, int nr,
            size_t panel_stride)
{
  const int k = c->k, s = c->stride, p = c->pad;
  const int h = in->h, w = in->w;
  const int ow = nn_conv_out_size (c, w);
  const int ci = r / (k * k), ky = r / k % k, kx = r % k;
  const int from_a = ci < c->cin_a;
  const int up = from_a && c->upsample_a;
  const int wa = c->upsample_a ? w / 2 : w;
  const size_t plane_a = (size_t) (c->upsample_a ? h / 2 : h) * (size_t) wa;
  const size_t plane_b = (size_t) h * (size_t) w;
  const float *plane = from_a ? in->a + (size_t) ci * plane_a
                              : in->b + (size_t) (ci - c->cin_a) * plane_b;
  const int src_w = up ? wa : w;
  int oy = n0 / ow, ox0 = n0 % ow;
  int j = 0;
  while (j < nb)
    {
      int len = ow - ox0;
      if (len > nb - j)
        len = nb - j;
      float *d = dst + j;
      if (nr > 0)
        {
          if (len > nr - j % nr)
            len = nr - j % nr;
          d = dst + (size_t) (j / nr) * panel_stride + (size_t) (j % nr);
        }
      const int y = oy * s - p + ky;
      if (y < 0 || y >= h)
        memset (d, 0, (size_t) len * sizeof (float));
      else
        gather_row (plane + (size_t) (up ? y >> 1 : y) * (size_t) src_w, w, up, s, p, kx, ox0,
                    len, d);
      j += len;
      ox0 += len;
      if (ox0 == ow)
        {
          ox0 = 0;
          oy++;
        }
    }
}

/* See nn-conv.h. */
void
nn_im2col_panel (const NnConv *c, const NnConvInput *in, int n0, int nb, float *cols)
{
  const int kdim = (c->cin_a + c->cin_b) * c->k * c->k;
  for (int r = 0; r < kdim; r++)
    im2col_row (c, in, r, n0, nb, cols + (size_t) r * (size_t) nb, 0, 0);
}

/* See nn-gemm.h. One pass per row straight into the packed places; the last panel's
 * columns past nc are zeroed so the kernel may read whole panels. */
void
nn_im2col_pack (const NnConv *c, const NnConvInput *in, int n0, int nc, int k0, int kc,
                int nr, float *dst)
{
  const size_t panel_stride = (size_t) kc * (size_t) nr;
  const int tail = nc % nr;
  float *last = dst + (size_t) (nc / nr) * panel_stride;
  for (int r = 0; r < kc; r++)
    {
      im2col_row (c, in, k0 + r, n0, nc, dst + (size_t) r * (size_t) nr, nr, panel_stride);
      if (tail)
        memset (last + (size_t) r * (size_t) nr + tail, 0, (size_t) (nr - tail) * sizeof (float));
    }
}
