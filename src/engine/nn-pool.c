/* nn-pool.c — the encoder's 3×3 stride-2 max pool (see nn-conv.h). */
#include "nn-conv.h"

#include <math.h>

/* See nn-conv.h: each output is the max over the in-bounds cells of its 3×3 window, so the
 * -inf padding of torch's MaxPool2d never wins. */
void
nn_maxpool3s2 (const float *in, int c, int h, int w, float *out)
{
  const int oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
  for (int ch = 0; ch < c; ch++)
    {
      const float *src = in + (size_t) ch * h * w;
      float *dst = out + (size_t) ch * oh * ow;
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            float m = -INFINITY;
            for (int y = 2 * oy - 1; y <= 2 * oy + 1; y++)
              {
                if (y < 0 || y >= h)
                  continue;
                for (int x = 2 * ox - 1; x <= 2 * ox + 1; x++)
                  if (x >= 0 && x < w && src[(size_t) y * w + x] > m)
                    m = src[(size_t) y * w + x];
              }
            dst[(size_t) oy * ow + ox] = m;
          }
    }
}
