/* fuzz-rle.c — libFuzzer entry point for the COCO compressed-RLE decoder (dr-rle.c).
 *
 * Input: two little-endian 16-bit numbers (height, width; each reduced below 2048) and the
 * RLE string. Any input must give either a mask whose counts sum to height × width and that
 * survives encode → decode unchanged, or a one-line error; never a crash or sanitizer report.
 */
#include "fuzz-common.h"

#include "dr-rle.h"

/* Decodes, then checks the mask's invariants against independent recomputation. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  guint h = (guint) (data[0] | data[1] << 8) % 2048, w = (guint) (data[2] | data[3] << 8) % 2048;
  g_autofree char *text = g_strndup ((const char *) data + 4, size - 4);
  GError *error = NULL;
  DrRle *rle = dr_rle_new_from_string (text, h, w, &error);
  if (rle == NULL)
    {
      fuzz_check_message (error->message, NULL);
      g_error_free (error);
      return 0;
    }
  gsize n = 0;
  const guint32 *counts = dr_rle_get_counts (rle, &n);
  guint64 sum = 0, ones = 0;
  for (gsize i = 0; i < n; i++)
    {
      sum += counts[i];
      if (i % 2 == 1)
        ones += counts[i];
    }
  if (sum != (guint64) h * w || ones != dr_rle_get_area (rle) || dr_rle_get_height (rle) != h
      || dr_rle_get_width (rle) != w)
    abort ();
  guint8 *mask = g_malloc ((gsize) h * w + 1);
  dr_rle_to_mask (rle, mask);
  guint64 painted = 0;
  for (gsize i = 0; i < (gsize) h * w; i++)
    painted += mask[i] != 0;
  if (painted != ones)
    abort ();
  g_autofree char *again = dr_rle_to_string (rle);
  DrRle *back = dr_rle_new_from_string (again, h, w, NULL);
  guint64 both = 0, only_a = 0, only_b = 0;
  if (back == NULL || !dr_rle_compare (rle, back, &both, &only_a, &only_b) || only_a != 0
      || only_b != 0 || both != ones)
    abort ();
  dr_rle_free (back);
  g_free (mask);
  dr_rle_free (rle);
  return 0;
}
