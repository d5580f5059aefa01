/* nn-image.c — the network's input and output at photo resolution: nn_preprocess (resize to
 * 256x256, /255, planar) and the mask from logits (upsampled logit difference, threshold 0,
 * area and confidence), both on top of the OpenCV-parity resize in nn-resize.c.
 */
#include "nn-image.h"
#include "nn-image-internal.h"

#include <math.h>
#include <stdlib.h>

/* See nn-image.h: the resize tables for 256x256 and the 256x256x3 u8 image. */
size_t
nn_preprocess_scratch_bytes (void)
{
  size_t img = (size_t) NN_IMAGE_INPUT_SIZE * NN_IMAGE_INPUT_SIZE * 3;
  return NN_IMAGE_ALIGN + nn_image_align (img)
         + nn_resize_plan_bytes (NN_IMAGE_INPUT_SIZE, NN_IMAGE_INPUT_SIZE, 3);
}

/* See nn-image.h. */
NnStatus
nn_preprocess (const uint8_t *rgb, int w, int h, size_t stride,
               float *out, void *scratch, size_t scratch_bytes, NnError *err)
{
  const int S = NN_IMAGE_INPUT_SIZE;
  if (out == NULL)
    return nn_error_set (err, NN_ERR_ARGUMENT, "preprocess: NULL output");
  void *buf, *owned;
  NnStatus st = nn_image_scratch (scratch, scratch_bytes, nn_preprocess_scratch_bytes (), &buf,
                                  &owned, err);
  if (st != NN_OK)
    return st;
  uint8_t *small = (uint8_t *) nn_image_align ((size_t) (uintptr_t) buf); /* [256][256][3] */
  uint8_t *rest = small + nn_image_align ((size_t) S * S * 3);
  size_t rest_bytes = nn_preprocess_scratch_bytes () - (size_t) (rest - (uint8_t *) buf);
  st = nn_resize_u8_linear (rgb, w, h, stride, small, S, S, (size_t) S * 3, 3, rest, rest_bytes,
                            err);
  if (st == NN_OK)
    for (int c = 0; c < 3; c++)
      for (int i = 0; i < S * S; i++)
        out[(size_t) c * S * S + i] = (float) small[(size_t) i * 3 + c] / 255.f;
  free (owned);
  return st;
}

/* See nn-image.h: d (256x256 floats), the float resize plan for w x h and one output row. */
size_t
nn_mask_scratch_bytes (int w, int h)
{
  if (!nn_image_size_ok (w, h))
    return 0;
  size_t d = (size_t) NN_IMAGE_INPUT_SIZE * NN_IMAGE_INPUT_SIZE * sizeof (float);
  return NN_IMAGE_ALIGN + nn_image_align (d) + nn_image_align ((size_t) w * sizeof (float))
         + nn_resize_plan_bytes (w, h, 1);
}

/* Checks the output buffer (out, at least w per row of out_stride; named by what in the
 * message), then splits mask scratch into the difference image, the plan area and one row and
 * fills d. */
static NnStatus
mask_prepare (const float *logits, int w, int h, const void *out, size_t out_stride,
              const char *what, void *scratch, size_t scratch_bytes, float **d, void **plan_buf,
              float **row, void **owned, NnError *err)
{
  const int S = NN_IMAGE_INPUT_SIZE;
  if (out == NULL || out_stride < (size_t) w)
    return nn_error_set (err, NN_ERR_ARGUMENT, "mask: bad %s buffer", what);
  if (logits == NULL)
    return nn_error_set (err, NN_ERR_ARGUMENT, "mask: NULL logits");
  if (!nn_image_size_ok (w, h))
    return nn_error_set (err, NN_ERR_ARGUMENT, "mask: photo size %dx%d out of bounds", w, h);
  void *buf;
  NnStatus st = nn_image_scratch (scratch, scratch_bytes, nn_mask_scratch_bytes (w, h), &buf,
                                  owned, err);
  if (st != NN_OK)
    return st;
  uint8_t *b = (uint8_t *) nn_image_align ((size_t) (uintptr_t) buf);
  *d = (float *) b;          /* [256][256] logit1 - logit0 */
  b += nn_image_align ((size_t) S * S * sizeof (float));
  *row = (float *) b;        /* [w] one upsampled row */
  b += nn_image_align ((size_t) w * sizeof (float));
  *plan_buf = b;
  const float *l0 = logits, *l1 = logits + (size_t) S * S;
  for (int i = 0; i < S * S; i++)
    (*d)[i] = l1[i] - l0[i];
  return NN_OK;
}

/* See nn-image.h: the float resize of d into out, with the plan in the mask scratch. */
NnStatus
nn_logit_diff_upsample (const float *logits, int w, int h, float *out, size_t out_stride,
                        void *scratch, size_t scratch_bytes, NnError *err)
{
  const int S = NN_IMAGE_INPUT_SIZE;
  float *d, *row;
  void *plan_buf, *owned;
  NnStatus st = mask_prepare (logits, w, h, out, out_stride, "output", scratch, scratch_bytes,
                              &d, &plan_buf, &row, &owned, err);
  if (st != NN_OK)
    return st;
  st = nn_resize_f32_linear (d, S, S, S, out, w, h, out_stride, plan_buf,
                             nn_resize_plan_bytes (w, h, 1), err);
  free (owned);
  return st;
}

/* Accumulates the mask and its statistics row by row. */
typedef struct {
  uint8_t *mask;
  size_t stride;
  int w;
  int64_t area;
  double conf_sum;
} MaskSink;

/* NnRowSink: thresholds one upsampled row at 0 and adds its area and confidence. The
 * confidence of a pixel is sigmoid(|d|) = 1 / (1 + exp(-|d|)), computed in float (error
 * ~1e-7) and summed in double. */
static void
mask_row_sink (void *ctx, int dy, const float *row)
{
  MaskSink *s = ctx;
  uint8_t *m = s->mask + (size_t) dy * s->stride;
  int64_t area = 0;
  double conf = 0.0;
  for (int x = 0; x < s->w; x++)
    {
      float v = row[x];
      int on = v > 0.f;
      m[x] = on ? 255 : 0;
      area += on;
      conf += 1.f / (1.f + expf (-fabsf (v)));
    }
  s->area += area;
  s->conf_sum += conf;
}

/* See nn-image.h. */
NnStatus
nn_mask_from_logits (const float *logits, int w, int h, uint8_t *mask, size_t mask_stride,
                     NnMaskStats *stats, void *scratch, size_t scratch_bytes, NnError *err)
{
  const int S = NN_IMAGE_INPUT_SIZE;
  float *d, *row;
  void *plan_buf, *owned;
  NnStatus st = mask_prepare (logits, w, h, mask, mask_stride, "mask", scratch, scratch_bytes,
                              &d, &plan_buf, &row, &owned, err);
  if (st != NN_OK)
    return st;
  MaskSink sink = { mask, mask_stride, w, 0, 0.0 };
  nn_resize_f32_stream (d, S, S, S, w, h, plan_buf, row, 0, mask_row_sink, &sink);
  if (stats != NULL)
    {
      double n = (double) w * (double) h;
      stats->area_px = sink.area;
      stats->area_fraction = (double) sink.area / n;
      stats->mean_confidence = sink.conf_sum / n;
    }
  free (owned);
  return NN_OK;
}
