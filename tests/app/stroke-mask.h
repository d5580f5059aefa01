/* stroke-mask.h — the mask of stroke number n in the stroke kill test, shared by the process
 * that streams strokes and the test that checks them. */
#pragma once

#include <glib.h>
#include <string.h>

/* Fills mask ([height × width]) for stroke n: the low bits of n spelled out in row 0 (one
 * pixel per bit, so neighbouring strokes always differ) and a band of n % height full rows. */
static inline void
stroke_mask (gint64 n, guint8 *mask, int width, int height)
{
  memset (mask, 0, (gsize) width * height);
  for (int b = 0; b < width && b < 62; b++)
    mask[b] = (n >> b) & 1;
  int rows = (int) (n % height);
  for (int y = height - rows; y < height; y++)
    memset (mask + (gsize) y * width, 1, width);
}
