/* nn-resize.c — bilinear resize with bit-exact OpenCV 4.6 parity (see nn-image.h).
 *
 * The resize follows OpenCV 4.6 modules/imgproc/src/resize.cpp (cv::hal::resize with
 * INTER_LINEAR): for every destination column dx, fx = (float)((dx + 0.5) * scale - 0.5) with
 * scale = 1 / (dst/src) in double, sx = floor(fx), fx -= sx; taps left of the image collapse to
 * column 0 and taps on or past the last column collapse to it (weight 0). Rows are never
 * clamped in the weights, only in which source rows are read. For 8-bit data the weights are
 * rint(w * 2048) shorts, the horizontal pass sums in int, and the vertical pass rounds as
 * OpenCV's VResizeLinear<uchar> does: ((b0*(S0>>4))>>16) + ((b1*(S1>>4))>>16) + 2) >> 2.
 * An exact 2x downscale in both directions goes through OpenCV's INTER_AREA fast path instead
 * (mean of 2x2 blocks), and an unchanged size is a copy, as in OpenCV.
 *
 * Built as C11, which makes GCC default to -ffp-contract=off: the float expressions below must
 * not be fused into FMAs, or they would stop matching OpenCV's rounding.
 */
#include "nn-image.h"
#include "nn-image-internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COEF_BITS 11
#define COEF_ONE (1 << COEF_BITS) /* OpenCV's INTER_RESIZE_COEF_SCALE */

/* The tables and row buffers of one resize; all pointers point into one scratch block. */
typedef struct {
  int src_w, src_h, dst_w, dst_h, cn;
  int xmax;        /* first dst column whose right tap falls on or past the last src column */
  int32_t *xofs;   /* [dst_w] src column of the left tap (clamped) */
  float *alpha;    /* [dst_w][2] float weights of the two taps */
  int16_t *ialpha; /* [dst_w][2] the same as 11-bit fixed point (u8 only) */
  int32_t *yofs;   /* [dst_h] src row of the upper tap (NOT clamped) */
  float *beta;     /* [dst_h][2] */
  int16_t *ibeta;  /* [dst_h][2] (u8 only) */
  void *rows[2];   /* [dst_w*cn] int32 (u8) or float: horizontally resized src rows */
  int row_of[2];   /* which src row each buffer holds, -1 = none */
} ResizePlan;

/* See nn-image-internal.h. */
size_t
nn_image_align (size_t n)
{
  return (n + NN_IMAGE_ALIGN - 1) / NN_IMAGE_ALIGN * NN_IMAGE_ALIGN;
}

/* See nn-image-internal.h. */
int
nn_image_size_ok (int w, int h)
{
  return w >= 1 && h >= 1 && w <= NN_IMAGE_MAX_SIDE && h <= NN_IMAGE_MAX_SIDE
         && (int64_t) w * (int64_t) h <= NN_IMAGE_MAX_PIXELS;
}

/* See nn-image-internal.h: tables, two row buffers and the alignment slack. */
size_t
nn_resize_plan_bytes (int dst_w, int dst_h, int cn)
{
  size_t w = (size_t) dst_w, h = (size_t) dst_h;
  return nn_image_align (w * sizeof (int32_t)) + nn_image_align (w * 2 * sizeof (float))
         + nn_image_align (w * 2 * sizeof (int16_t)) + nn_image_align (h * sizeof (int32_t))
         + nn_image_align (h * 2 * sizeof (float)) + nn_image_align (h * 2 * sizeof (int16_t))
         + 2 * nn_image_align (w * (size_t) cn * sizeof (int32_t)) + NN_IMAGE_ALIGN;
}

/* Carves the plan's arrays out of scratch (which holds nn_resize_plan_bytes() bytes). */
static void
plan_carve (ResizePlan *p, void *scratch)
{
  size_t w = (size_t) p->dst_w, h = (size_t) p->dst_h;
  uint8_t *b = (uint8_t *) nn_image_align ((size_t) (uintptr_t) scratch);
  p->xofs = (int32_t *) b;   b += nn_image_align (w * sizeof (int32_t));
  p->alpha = (float *) b;    b += nn_image_align (w * 2 * sizeof (float));
  p->ialpha = (int16_t *) b; b += nn_image_align (w * 2 * sizeof (int16_t));
  p->yofs = (int32_t *) b;   b += nn_image_align (h * sizeof (int32_t));
  p->beta = (float *) b;     b += nn_image_align (h * 2 * sizeof (float));
  p->ibeta = (int16_t *) b;  b += nn_image_align (h * 2 * sizeof (int16_t));
  p->rows[0] = b;            b += nn_image_align (w * (size_t) p->cn * sizeof (int32_t));
  p->rows[1] = b;
  p->row_of[0] = p->row_of[1] = -1;
}

/* OpenCV's saturate_cast<short>(float): round half to even, then clamp. */
static int16_t
coef_fixed (float w)
{
  long v = lrintf (w * (float) COEF_ONE);
  return (int16_t) (v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v);
}

/* Fills the column tables exactly as cv::hal::resize does for INTER_LINEAR. */
static void
plan_columns (ResizePlan *p)
{
  double scale = 1.0 / ((double) p->dst_w / (double) p->src_w);
  p->xmax = p->dst_w;
  for (int dx = 0; dx < p->dst_w; dx++)
    {
      float fx = (float) ((dx + 0.5) * scale - 0.5);
      int sx = (int) floorf (fx);
      fx -= (float) sx;
      if (sx < 0)
        fx = 0.f, sx = 0;
      if (sx + 1 >= p->src_w)
        {
          if (dx < p->xmax)
            p->xmax = dx;
          if (sx >= p->src_w - 1)
            fx = 0.f, sx = p->src_w - 1;
        }
      p->xofs[dx] = sx;
      p->alpha[2 * dx] = 1.f - fx;
      p->alpha[2 * dx + 1] = fx;
      p->ialpha[2 * dx] = coef_fixed (1.f - fx);
      p->ialpha[2 * dx + 1] = coef_fixed (fx);
    }
}

/* Fills the row tables; unlike columns, OpenCV leaves the row weights unclamped. */
static void
plan_rows (ResizePlan *p)
{
  double scale = 1.0 / ((double) p->dst_h / (double) p->src_h);
  for (int dy = 0; dy < p->dst_h; dy++)
    {
      float fy = (float) ((dy + 0.5) * scale - 0.5);
      int sy = (int) floorf (fy);
      fy -= (float) sy;
      p->yofs[dy] = sy;
      p->beta[2 * dy] = 1.f - fy;
      p->beta[2 * dy + 1] = fy;
      p->ibeta[2 * dy] = coef_fixed (1.f - fy);
      p->ibeta[2 * dy + 1] = coef_fixed (fy);
    }
}

/* OpenCV's clip(y, 0, h): the source row actually read for tap row y. */
static int
clip_row (int y, int h)
{
  return y < 0 ? 0 : y >= h ? h - 1 : y;
}

/* OpenCV turns INTER_LINEAR into its INTER_AREA fast path when both scales are exactly 2. */
static int
is_area_2x (int src_w, int src_h, int dst_w, int dst_h)
{
  double sx = 1.0 / ((double) dst_w / (double) src_w);
  double sy = 1.0 / ((double) dst_h / (double) src_h);
  double ix = rint (sx), iy = rint (sy);
  return fabs (sx - ix) < DBL_EPSILON && fabs (sy - iy) < DBL_EPSILON && ix == 2.0 && iy == 2.0;
}

/* Horizontal pass of one u8 row: D[dx*cn+c] = S[sx]*a0 + S[sx+1]*a1 (exact int). */
static void
hresize_u8 (const ResizePlan *p, const uint8_t *S, int32_t *D)
{
  const int cn = p->cn;
  int dx = 0;
  for (; dx < p->xmax; dx++)
    {
      const uint8_t *s = S + (size_t) p->xofs[dx] * cn;
      int a0 = p->ialpha[2 * dx], a1 = p->ialpha[2 * dx + 1];
      for (int c = 0; c < cn; c++)
        D[dx * cn + c] = s[c] * a0 + s[c + cn] * a1;
    }
  for (; dx < p->dst_w; dx++)
    {
      const uint8_t *s = S + (size_t) p->xofs[dx] * cn;
      for (int c = 0; c < cn; c++)
        D[dx * cn + c] = s[c] * COEF_ONE;
    }
}

/* Horizontal pass of one float row, OpenCV's operation order. */
static void
hresize_f32 (const ResizePlan *p, const float *S, float *D)
{
  int dx = 0;
  for (; dx < p->xmax; dx++)
    {
      int sx = p->xofs[dx];
      D[dx] = S[sx] * p->alpha[2 * dx] + S[sx + 1] * p->alpha[2 * dx + 1];
    }
  for (; dx < p->dst_w; dx++)
    D[dx] = S[p->xofs[dx]];
}

/* Makes rows[0], rows[1] hold the horizontally resized src rows r0, r1 (u8 or float source
 * per is_u8), reusing what the previous output row computed. */
static void
plan_load_rows (ResizePlan *p, const uint8_t *src, size_t src_stride_bytes, int r0, int r1,
                int is_u8)
{
  if (p->row_of[0] != r0 && p->row_of[1] == r0)
    {
      void *t = p->rows[0];
      p->rows[0] = p->rows[1];
      p->rows[1] = t;
      p->row_of[1] = p->row_of[0];
      p->row_of[0] = r0;
    }
  int need[2] = { r0, r1 };
  for (int k = 0; k < 2; k++)
    {
      if (p->row_of[k] == need[k])
        continue;
      const uint8_t *srow = src + (size_t) need[k] * src_stride_bytes;
      if (is_u8)
        hresize_u8 (p, srow, p->rows[k]);
      else
        hresize_f32 (p, (const float *) srow, p->rows[k]);
      p->row_of[k] = need[k];
    }
}

/* Vertical pass of one u8 output row with OpenCV's VResizeLinear<uchar> rounding. */
static void
vresize_u8 (const ResizePlan *p, int dy, uint8_t *dst)
{
  const int32_t *S0 = p->rows[0], *S1 = p->rows[1];
  int b0 = p->ibeta[2 * dy], b1 = p->ibeta[2 * dy + 1];
  int n = p->dst_w * p->cn;
  for (int x = 0; x < n; x++)
    dst[x] = (uint8_t) ((((b0 * (S0[x] >> 4)) >> 16) + ((b1 * (S1[x] >> 4)) >> 16) + 2) >> 2);
}

/* Vertical pass of one float output row: S0*b0 + S1*b1. */
static void
vresize_f32 (const ResizePlan *p, int dy, float *dst)
{
  const float *S0 = p->rows[0], *S1 = p->rows[1];
  float b0 = p->beta[2 * dy], b1 = p->beta[2 * dy + 1];
  for (int x = 0; x < p->dst_w; x++)
    dst[x] = S0[x] * b0 + S1[x] * b1;
}

/* OpenCV's INTER_AREA fast path for 2x on u8: (sum of the 2x2 block + 2) >> 2. */
static void
area2_u8_row (const uint8_t *s0, const uint8_t *s1, uint8_t *d, int dst_w, int cn)
{
  for (int dx = 0; dx < dst_w; dx++)
    for (int c = 0; c < cn; c++)
      {
        size_t i = (size_t) (2 * dx) * cn + c;
        d[dx * cn + c] = (uint8_t) ((s0[i] + s0[i + cn] + s1[i] + s1[i + cn] + 2) >> 2);
      }
}

/* OpenCV's INTER_AREA fast path for 2x on float: its SIMD part sums (a+b)+(c+d) in groups of
 * four outputs, its scalar tail ((a+b)+c)+d; both then multiply by 0.25f. */
static void
area2_f32_row (const float *s0, const float *s1, float *d, int dst_w)
{
  int simd_end = dst_w - dst_w % 4;
  for (int dx = 0; dx < dst_w; dx++)
    {
      float a = s0[2 * dx], b = s0[2 * dx + 1], c = s1[2 * dx], e = s1[2 * dx + 1];
      float sum = dx < simd_end ? (a + b) + (c + e) : ((a + b) + c) + e;
      d[dx] = sum * 0.25f;
    }
}

/* Validates sizes for a resize; on failure sets err and returns non-OK. */
static NnStatus
check_resize_args (const void *src, int src_w, int src_h, const void *dst, int dst_w, int dst_h,
                   int cn, NnError *err)
{
  if (src == NULL || dst == NULL)
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: NULL image buffer");
  if (!nn_image_size_ok (src_w, src_h))
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: source size %dx%d out of bounds",
                         src_w, src_h);
  if (!nn_image_size_ok (dst_w, dst_h))
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: target size %dx%d out of bounds",
                         dst_w, dst_h);
  if (cn != 1 && cn != 3)
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: %d channels (1 or 3 supported)", cn);
  return NN_OK;
}

/* See nn-image-internal.h. */
NnStatus
nn_image_scratch (void *scratch, size_t have, size_t need, void **out, void **owned, NnError *err)
{
  *owned = NULL;
  if (scratch != NULL)
    {
      if (have < need)
        return nn_error_set (err, NN_ERR_ARGUMENT, "image scratch too small: %zu < %zu bytes",
                             have, need);
      *out = scratch;
      return NN_OK;
    }
  *owned = malloc (need);
  if (*owned == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "cannot allocate %zu bytes of image scratch", need);
  *out = *owned;
  return NN_OK;
}

/* See nn-image.h. */
size_t
nn_resize_u8_scratch_bytes (int dst_w, int dst_h, int channels)
{
  if (!nn_image_size_ok (dst_w, dst_h) || (channels != 1 && channels != 3))
    return 0;
  return nn_resize_plan_bytes (dst_w, dst_h, channels);
}

/* See nn-image.h: copy, 2x area path or the two-pass fixed-point linear path, as OpenCV. */
NnStatus
nn_resize_u8_linear (const uint8_t *src, int src_w, int src_h, size_t src_stride,
                     uint8_t *dst, int dst_w, int dst_h, size_t dst_stride,
                     int channels, void *scratch, size_t scratch_bytes, NnError *err)
{
  NnStatus st = check_resize_args (src, src_w, src_h, dst, dst_w, dst_h, channels, err);
  if (st != NN_OK)
    return st;
  size_t src_row = (size_t) src_w * (size_t) channels, dst_row = (size_t) dst_w * (size_t) channels;
  if (src_stride < src_row || dst_stride < dst_row)
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: stride smaller than a row");

  if (src_w == dst_w && src_h == dst_h)
    {
      for (int y = 0; y < dst_h; y++)
        memcpy (dst + (size_t) y * dst_stride, src + (size_t) y * src_stride, dst_row);
      return NN_OK;
    }
  if (is_area_2x (src_w, src_h, dst_w, dst_h))
    {
      for (int y = 0; y < dst_h; y++)
        area2_u8_row (src + (size_t) (2 * y) * src_stride, src + (size_t) (2 * y + 1) * src_stride,
                      dst + (size_t) y * dst_stride, dst_w, channels);
      return NN_OK;
    }

  void *buf, *owned;
  st = nn_image_scratch (scratch, scratch_bytes, nn_resize_plan_bytes (dst_w, dst_h, channels),
                         &buf, &owned, err);
  if (st != NN_OK)
    return st;
  ResizePlan p = { .src_w = src_w, .src_h = src_h, .dst_w = dst_w, .dst_h = dst_h,
                   .cn = channels };
  plan_carve (&p, buf);
  plan_columns (&p);
  plan_rows (&p);
  for (int dy = 0; dy < dst_h; dy++)
    {
      int sy = p.yofs[dy];
      plan_load_rows (&p, src, src_stride, clip_row (sy, src_h), clip_row (sy + 1, src_h), 1);
      vresize_u8 (&p, dy, dst + (size_t) dy * dst_stride);
    }
  free (owned);
  return NN_OK;
}

/* See nn-image-internal.h. */
void
nn_resize_f32_stream (const float *src, int src_w, int src_h, size_t src_stride,
                      int dst_w, int dst_h, void *buf, float *out, size_t out_stride,
                      NnRowSink emit, void *ctx)
{
  if (src_w == dst_w && src_h == dst_h)
    {
      for (int y = 0; y < dst_h; y++)
        emit (ctx, y, src + (size_t) y * src_stride);
      return;
    }
  if (is_area_2x (src_w, src_h, dst_w, dst_h))
    {
      for (int y = 0; y < dst_h; y++)
        {
          float *row = out + (size_t) y * out_stride;
          area2_f32_row (src + (size_t) (2 * y) * src_stride,
                         src + (size_t) (2 * y + 1) * src_stride, row, dst_w);
          emit (ctx, y, row);
        }
      return;
    }
  ResizePlan p = { .src_w = src_w, .src_h = src_h, .dst_w = dst_w, .dst_h = dst_h, .cn = 1 };
  plan_carve (&p, buf);
  plan_columns (&p);
  plan_rows (&p);
  for (int dy = 0; dy < dst_h; dy++)
    {
      int sy = p.yofs[dy];
      float *row = out + (size_t) dy * out_stride;
      plan_load_rows (&p, (const uint8_t *) src, src_stride * sizeof (float),
                      clip_row (sy, src_h), clip_row (sy + 1, src_h), 0);
      vresize_f32 (&p, dy, row);
      emit (ctx, dy, row);
    }
}

/* Where nn_resize_f32_linear's rows go. */
typedef struct {
  float *dst;
  size_t stride;
  int w;
} CopySink;

/* NnRowSink that copies a row into the strided destination unless it is already there. */
static void
copy_row_sink (void *ctx, int dy, const float *row)
{
  CopySink *s = ctx;
  float *d = s->dst + (size_t) dy * s->stride;
  if (d != row)
    memcpy (d, row, (size_t) s->w * sizeof (float));
}

/* See nn-image.h. Rows are computed straight into dst. */
NnStatus
nn_resize_f32_linear (const float *src, int src_w, int src_h, size_t src_stride,
                      float *dst, int dst_w, int dst_h, size_t dst_stride,
                      void *scratch, size_t scratch_bytes, NnError *err)
{
  NnStatus st = check_resize_args (src, src_w, src_h, dst, dst_w, dst_h, 1, err);
  if (st != NN_OK)
    return st;
  if (src_stride < (size_t) src_w || dst_stride < (size_t) dst_w)
    return nn_error_set (err, NN_ERR_ARGUMENT, "resize: stride smaller than a row");
  void *buf, *owned;
  st = nn_image_scratch (scratch, scratch_bytes, nn_resize_plan_bytes (dst_w, dst_h, 1), &buf,
                         &owned, err);
  if (st != NN_OK)
    return st;
  CopySink sink = { dst, dst_stride, dst_w };
  nn_resize_f32_stream (src, src_w, src_h, src_stride, dst_w, dst_h, buf, dst, dst_stride,
                        copy_row_sink, &sink);
  free (owned);
  return NN_OK;
}
