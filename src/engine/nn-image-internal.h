/* nn-image-internal.h — what nn-resize.c shares with nn-image.c. Not installed, not public. */
#pragma once

#include <stddef.h>

#include "nn-status.h"

#define NN_IMAGE_ALIGN 64 /* alignment of every array carved out of scratch */

/* n rounded up to NN_IMAGE_ALIGN; n must already be bounded. */
size_t nn_image_align (size_t n);

/* True if w x h is accepted: both sides 1..NN_IMAGE_MAX_SIDE, at most NN_IMAGE_MAX_PIXELS. */
int nn_image_size_ok (int w, int h);

/* Uses the caller's scratch (have bytes) if it holds need bytes, else fails with
 * NN_ERR_ARGUMENT; with scratch NULL allocates need bytes. *owned is what to free (or NULL). */
NnStatus nn_image_scratch (void *scratch, size_t have, size_t need, void **out, void **owned,
                           NnError *err);

/* Scratch bytes of one resize plan (tables + two rows) for a dst_w x dst_h x cn output. */
size_t nn_resize_plan_bytes (int dst_w, int dst_h, int cn);

/* Receives the float resize's output rows in order; `row` is valid only during the call. */
typedef void (*NnRowSink) (void *ctx, int dy, const float *row);

/* The float resize of nn_resize_f32_linear, streamed: buf holds nn_resize_plan_bytes (dst_w,
 * dst_h, 1); row dy is computed into out + dy*out_stride (out_stride 0: every row into the
 * same out) and handed to emit. Arguments must already be checked. */
void nn_resize_f32_stream (const float *src, int src_w, int src_h, size_t src_stride,
                           int dst_w, int dst_h, void *buf, float *out, size_t out_stride,
                           NnRowSink emit, void *ctx);
