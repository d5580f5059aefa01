/* nn-image.h — the model's image pipeline: resize with OpenCV parity, normalisation, mask.
 *
 * The networks were trained on photos resized with OpenCV 4.6
 * `cv2.resize(img, (256, 256), interpolation=cv2.INTER_LINEAR)`, so the resize here reproduces
 * that call bit for bit for 8-bit images (half-pixel centres, 11-bit fixed-point weights, the
 * same rounding in both passes, clamped edges, and OpenCV's switch to INTER_AREA for exact 2x
 * downscales), and float for float the same call on float32 data (used to upsample logits).
 *
 * Buffers are interleaved row-major with a stride in bytes (u8) or elements (float, where said).
 * Every function takes an optional caller-owned scratch buffer; pass NULL to let the function
 * allocate (and free) its own. With scratch supplied nothing allocates, so inference workers
 * can call these in their hot path. Sizes are bounded (NN_IMAGE_MAX_*) before any arithmetic,
 * and all size arithmetic is 64-bit.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-status.h"

#define NN_IMAGE_MAX_SIDE 65535                 /* largest width or height accepted */
#define NN_IMAGE_MAX_PIXELS 100000000LL         /* largest width*height accepted (100 MP) */
#define NN_IMAGE_INPUT_SIZE 256                 /* the networks' input side */

/* Scratch bytes nn_resize_u8_linear needs for a dst_w x dst_h image with `channels` channels
 * (whatever the source size). 0 if the arguments are out of bounds. */
size_t nn_resize_u8_scratch_bytes (int dst_w, int dst_h, int channels);

/* Resizes src (src_w x src_h, `channels` = 1 or 3 interleaved u8, rows src_stride bytes apart)
 * into dst (dst_w x dst_h, rows dst_stride bytes apart) exactly as OpenCV 4.6
 * cv::resize(src, dst, Size(dst_w, dst_h), 0, 0, INTER_LINEAR) does for CV_8U.
 * scratch may be NULL (then allocated here) or hold nn_resize_u8_scratch_bytes() bytes.
 * src and dst must not overlap. Returns NN_ERR_ARGUMENT for bad sizes, NN_ERR_NOMEM if an
 * internal allocation fails; dst is untouched on error. */
NnStatus nn_resize_u8_linear (const uint8_t *src, int src_w, int src_h, size_t src_stride,
                              uint8_t *dst, int dst_w, int dst_h, size_t dst_stride,
                              int channels, void *scratch, size_t scratch_bytes, NnError *err);

/* Single-channel float32 resize, the same as OpenCV 4.6 cv::resize(..., INTER_LINEAR) on a
 * CV_32F image (same coefficients and operation order; strides in floats). */
NnStatus nn_resize_f32_linear (const float *src, int src_w, int src_h, size_t src_stride,
                               float *dst, int dst_w, int dst_h, size_t dst_stride,
                               void *scratch, size_t scratch_bytes, NnError *err);

/* Scratch bytes nn_preprocess needs (a 256x256x3 u8 image plus the resize tables). */
size_t nn_preprocess_scratch_bytes (void);

/* Turns an RGB8 photo (w x h, rows `stride` bytes apart) into the network input:
 * out[c][y][x] (float [3][256][256], planar RGB) = resize_u8_linear(photo, 256x256)[y][x][c] / 255.
 * scratch: NULL or nn_preprocess_scratch_bytes() bytes. */
NnStatus nn_preprocess (const uint8_t *rgb, int w, int h, size_t stride,
                        float *out, void *scratch, size_t scratch_bytes, NnError *err);

/* Statistics of one predicted mask at photo resolution. */
typedef struct {
  int64_t area_px;        /* pixels with d_up > 0 (damage) */
  double area_fraction;   /* area_px / (w*h) */
  double mean_confidence; /* mean over ALL photo pixels of the predicted class's probability,
                           * i.e. mean of sigmoid(|d_up|), where d_up is the upsampled
                           * logit1 - logit0; 0.5 means undecided, 1.0 fully certain */
} NnMaskStats;

/* Scratch bytes nn_logit_diff_upsample / nn_mask_from_logits need for a w x h photo. */
size_t nn_mask_scratch_bytes (int w, int h);

/* d_up (float [h][w], rows out_stride floats apart) = cv2.resize(logits[1] - logits[0],
 * (w, h), INTER_LINEAR) on float32, where logits is float [2][256][256]. */
NnStatus nn_logit_diff_upsample (const float *logits, int w, int h, float *out, size_t out_stride,
                                 void *scratch, size_t scratch_bytes, NnError *err);

/* mask (u8 [h][w], rows mask_stride bytes apart) = 255 where d_up > 0, else 0, with d_up as in
 * nn_logit_diff_upsample (computed row by row, never stored whole). stats may be NULL. */
NnStatus nn_mask_from_logits (const float *logits, int w, int h, uint8_t *mask, size_t mask_stride,
                              NnMaskStats *stats, void *scratch, size_t scratch_bytes,
                              NnError *err);
