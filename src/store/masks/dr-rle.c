/* dr-rle.c — COCO RLE: counts, the compressed string, area, bounding box, comparison.
 *
 * Written from the COCO format description (formats.md) and the behaviour of cocoapi's
 * common/maskApi.c: column-major order, background first, and the string form that stores each
 * count — from the fourth on, its difference to the count two places before — as 5-bit groups,
 * least significant first, with 0x20 as the continuation bit, 0x10 of the last group as the
 * sign, every group offset by 48 ('0'). */
#include "dr-rle.h"

#include <string.h>

#include "dr-store-error.h"

/* Every 5-bit group of the string form is stored as a character this far above zero ('0'). */
#define RLE_CHAR_OFFSET 48

/* Longest number the string form may hold: 7 groups = 35 bits, more than any count we accept. */
#define MAX_GROUPS 7

struct _DrRle {
  guint height;
  guint width;
  gsize n_counts;
  guint32 *counts; /* [n_counts], column-major runs, background first, sum = height × width */
};

/* Checks the size of a height × width mask; on success *total is its number of pixels. */
static gboolean
check_size (guint height, guint width, guint64 *total, GError **error)
{
  if (height == 0 || width == 0)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED,
                   "mask size %u×%u is empty", width, height);
      return FALSE;
    }
  *total = (guint64) height * width;
  if (*total > DR_RLE_MAX_PIXELS)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "mask size %u×%u exceeds %" G_GUINT64_FORMAT " pixels", width, height,
                   (guint64) DR_RLE_MAX_PIXELS);
      return FALSE;
    }
  return TRUE;
}

/* Takes ownership of counts (already validated) and wraps them. */
static DrRle *
rle_wrap (guint32 *counts, gsize n_counts, guint height, guint width)
{
  DrRle *rle = g_new (DrRle, 1);
  rle->height = height;
  rle->width = width;
  rle->n_counts = n_counts;
  rle->counts = counts;
  return rle;
}

/* TRUE when pixel (x, y) of a row-major mask is set. */
static inline gboolean
pixel_set (const guint8 *mask, guint width, guint x, guint y)
{
  return mask[(gsize) y * width + x] != 0;
}

/* Whether the 8 bytes at a and b are equal (then no pixel of them changes between two rows;
 * the bytes are compared as words, which skips the unchanged bulk of a mask quickly). */
static inline gboolean
same_word (const guint8 *a, const guint8 *b)
{
  guint64 wa, wb;
  memcpy (&wa, a, 8);
  memcpy (&wb, b, 8);
  return wa == wb;
}

/* Finds every pixel (x, y), y > 0, that differs from (x, y - 1), row by row. With @rows NULL
 * it counts them per column into count[x + 1]; otherwise it stores each one's row at
 * rows[fill[x]++], so each column's rows come out in increasing order. Always inlined, so each
 * call is compiled for its own mode (as fast as the two separate loops it replaces). */
G_ALWAYS_INLINE static inline void
scan_changes (const guint8 *mask, guint height, guint width, guint32 *count, guint32 *rows,
              guint32 *fill)
{
  for (guint y = 1; y < height; y++)
    {
      const guint8 *row = mask + (gsize) y * width;
      const guint8 *above = row - width;
      for (guint x = 0; x < width; x += 8)
        {
          guint n = MIN (8, width - x);
          if (n == 8 && same_word (row + x, above + x))
            continue;
          for (guint k = x; k < x + n; k++)
            if (rows == NULL)
              count[k + 1] += (row[k] != 0) != (above[k] != 0);
            else if ((row[k] != 0) != (above[k] != 0))
              rows[fill[k]++] = y;
        }
    }
}

/* Encodes without walking down columns (which strides through memory on large photos): the
 * runs are cut at the column-major indices where the value changes, and those are found row by
 * row. Pass 1 counts the changes inside each column (pixel (x, y) differs from (x, y - 1)); pass
 * 2 writes their row numbers into per-column slots, so each column's list comes out sorted.
 * Walking the columns in order, with the change at each column's top (pixel (x, 0) differs from
 * the previous pixel in column-major order: (x - 1, height - 1), or background before (0, 0)),
 * then yields every change in column-major order, and the runs are their differences. */
DrRle *
dr_rle_new_from_mask (const guint8 *mask, guint height, guint width, GError **error)
{
  guint64 total;
  if (!check_size (height, width, &total, error))
    return NULL;

  /* Pass 1: changes inside each column, then each column's first slot. */
  g_autofree guint32 *start = g_new0 (guint32, (gsize) width + 1); /* [width + 1] */
  scan_changes (mask, height, width, start, NULL, NULL);
  for (guint x = 0; x < width; x++)
    start[x + 1] += start[x];

  /* Pass 2: the row of every change, per column, in increasing row order. */
  g_autofree guint32 *rows = g_new (guint32, start[width] > 0 ? start[width] : 1);
  g_autofree guint32 *fill = g_memdup2 (start, (gsize) width * sizeof (guint32)); /* [width] */
  scan_changes (mask, height, width, NULL, rows, fill);

  /* Changes in column-major order → run lengths. */
  g_autoptr (GArray) counts = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                                 start[width] + 2 * (gsize) width + 1);
  guint64 previous_change = 0;
  gboolean previous_value = FALSE; /* the value before pixel (0, 0) is background */
  for (guint x = 0; x < width; x++)
    {
      guint64 column = (guint64) x * height;
      gboolean top = pixel_set (mask, width, x, 0);
      if (top != previous_value)
        {
          guint32 run = (guint32) (column - previous_change);
          g_array_append_val (counts, run);
          previous_change = column;
        }
      for (guint32 i = start[x]; i < start[x + 1]; i++)
        {
          guint32 run = (guint32) (column + rows[i] - previous_change);
          g_array_append_val (counts, run);
          previous_change = column + rows[i];
        }
      previous_value = pixel_set (mask, width, x, height - 1);
    }
  guint32 last = (guint32) (total - previous_change);
  g_array_append_val (counts, last);

  gsize n_counts = counts->len;
  return rle_wrap ((guint32 *) g_array_free (g_steal_pointer (&counts), FALSE), n_counts,
                   height, width);
}

/* Copies the counts after checking that their sum is exactly height × width. */
DrRle *
dr_rle_new_from_counts (const guint32 *counts, gsize n_counts, guint height, guint width,
                        GError **error)
{
  guint64 total;
  if (!check_size (height, width, &total, error))
    return NULL;
  guint64 sum = 0;
  for (gsize i = 0; i < n_counts; i++)
    {
      sum += counts[i];
      if (sum > total)
        break;
    }
  if (sum != total)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "RLE counts sum to %s%" G_GUINT64_FORMAT ", not %u×%u = %" G_GUINT64_FORMAT,
                   sum > total ? "more than " : "", sum, height, width, total);
      return NULL;
    }
  return rle_wrap (g_memdup2 (counts, n_counts * sizeof (guint32)), n_counts, height, width);
}

/* Decodes the string number by number; every character is checked before it is used and the
 * running sum is checked against height × width before a count is stored. */
DrRle *
dr_rle_new_from_string (const char *string, guint height, guint width, GError **error)
{
  guint64 total;
  if (!check_size (height, width, &total, error))
    return NULL;

  gsize length = strlen (string);
  /* Each count takes at least one character. */
  g_autofree guint32 *counts = g_new (guint32, length > 0 ? length : 1);
  gsize n = 0;
  guint64 sum = 0;
  gsize p = 0;
  while (string[p] != '\0')
    {
      gint64 x = 0;
      int k = 0;
      gboolean more = TRUE;
      gsize start = p;
      while (more)
        {
          char ch = string[p];
          if (ch == '\0')
            {
              g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                           "RLE string ends inside the number at offset %" G_GSIZE_FORMAT, start);
              return NULL;
            }
          if (ch < RLE_CHAR_OFFSET || ch > RLE_CHAR_OFFSET + 63)
            {
              g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                           "RLE string has an invalid character at offset %" G_GSIZE_FORMAT, p);
              return NULL;
            }
          if (k == MAX_GROUPS)
            {
              g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                           "RLE string has a number longer than %d characters at offset %"
                           G_GSIZE_FORMAT, MAX_GROUPS, start);
              return NULL;
            }
          int c = ch - RLE_CHAR_OFFSET;
          x |= (gint64) (c & 0x1f) << (5 * k);
          more = (c & 0x20) != 0;
          p++;
          k++;
          if (!more && (c & 0x10))
            x -= (gint64) 1 << (5 * k); /* sign-extend the top group */
        }
      if (n > 2)
        x += counts[n - 2];
      if (x < 0 || (guint64) x > total - sum)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                       "RLE count %" G_GSIZE_FORMAT " (%" G_GINT64_FORMAT ") is %s", n, x,
                       x < 0 ? "negative" : "past the end of the mask");
          return NULL;
        }
      counts[n++] = (guint32) x;
      sum += (guint64) x;
    }
  if (sum != total)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT,
                   "RLE counts sum to %" G_GUINT64_FORMAT ", not %u×%u = %" G_GUINT64_FORMAT,
                   sum, height, width, total);
      return NULL;
    }
  return rle_wrap (g_realloc_n (g_steal_pointer (&counts), n > 0 ? n : 1, sizeof (guint32)),
                   n, height, width);
}

/* Releases the counts and the struct. */
void
dr_rle_free (DrRle *rle)
{
  if (rle == NULL)
    return;
  g_free (rle->counts);
  g_free (rle);
}

/* Duplicates rle including its counts. */
DrRle *
dr_rle_copy (const DrRle *rle)
{
  return rle_wrap (g_memdup2 (rle->counts, rle->n_counts * sizeof (guint32)), rle->n_counts,
                   rle->height, rle->width);
}

/* The mask height in pixels. */
guint
dr_rle_get_height (const DrRle *rle)
{
  return rle->height;
}

/* The mask width in pixels. */
guint
dr_rle_get_width (const DrRle *rle)
{
  return rle->width;
}

/* Borrowed pointer to the counts. */
const guint32 *
dr_rle_get_counts (const DrRle *rle, gsize *n_counts)
{
  *n_counts = rle->n_counts;
  return rle->counts;
}

/* Floor division by 32 that does not rely on the sign behaviour of >>. */
static gint64
floor_div32 (gint64 x)
{
  return x >= 0 ? x >> 5 : ~(~x >> 5);
}

/* Writes each count (or its difference to the count two places earlier, from the fourth on)
 * in 5-bit groups, least significant first, stopping as soon as the remaining bits are pure
 * sign extension of the group just written. */
char *
dr_rle_to_string (const DrRle *rle)
{
  /* A count below 2^28 and differences of two such counts fit in 6 groups. */
  char *s = g_malloc (rle->n_counts * MAX_GROUPS + 1);
  gsize p = 0;
  for (gsize i = 0; i < rle->n_counts; i++)
    {
      gint64 x = rle->counts[i];
      if (i > 2)
        x -= rle->counts[i - 2];
      gboolean more = TRUE;
      while (more)
        {
          int c = (int) (x & 0x1f);
          x = floor_div32 (x);
          more = (c & 0x10) ? x != -1 : x != 0;
          if (more)
            c |= 0x20;
          s[p++] = (char) (c + RLE_CHAR_OFFSET);
        }
    }
  s[p] = '\0';
  return s;
}

/* Clears the mask, then sets the pixels of every odd run, following the column-major order. */
void
dr_rle_to_mask (const DrRle *rle, guint8 *mask)
{
  guint h = rle->height, w = rle->width;
  memset (mask, 0, (gsize) h * w);
  guint x = 0, y = 0;
  for (gsize i = 0; i < rle->n_counts; i++)
    {
      guint32 run = rle->counts[i];
      if (i % 2 == 0)
        {
          guint64 index = (guint64) x * h + y + run;
          x = (guint) (index / h);
          y = (guint) (index % h);
          continue;
        }
      for (guint32 r = 0; r < run; r++)
        {
          mask[(gsize) y * w + x] = 1;
          if (++y == h)
            {
              y = 0;
              x++;
            }
        }
    }
}

/* Sums the foreground (odd-indexed) runs. */
guint64
dr_rle_get_area (const DrRle *rle)
{
  guint64 area = 0;
  for (gsize i = 1; i < rle->n_counts; i += 2)
    area += rle->counts[i];
  return area;
}

/* A foreground run confined to one column widens the box by its rows; a run that crosses a
 * column boundary covers the bottom of one column and the top of the next, so all rows. */
gboolean
dr_rle_get_bbox (const DrRle *rle, guint *x, guint *y, guint *w, guint *h)
{
  guint height = rle->height;
  guint xs = G_MAXUINT, xe = 0, ys = G_MAXUINT, ye = 0;
  guint64 pos = 0;
  for (gsize i = 0; i < rle->n_counts; i++)
    {
      guint32 run = rle->counts[i];
      if (i % 2 == 1 && run > 0)
        {
          guint64 first = pos, last = pos + run - 1;
          guint x0 = (guint) (first / height), x1 = (guint) (last / height);
          xs = MIN (xs, x0);
          xe = MAX (xe, x1);
          if (x0 == x1)
            {
              ys = MIN (ys, (guint) (first % height));
              ye = MAX (ye, (guint) (last % height));
            }
          else
            {
              ys = 0;
              ye = height - 1;
            }
        }
      pos += run;
    }
  if (xs == G_MAXUINT)
    {
      *x = *y = *w = *h = 0;
      return FALSE;
    }
  *x = xs;
  *y = ys;
  *w = xe - xs + 1;
  *h = ye - ys + 1;
  return TRUE;
}

/* Steps through both run lists at once, always by the shorter remaining run, and adds the step
 * to the class given by the two current values. */
gboolean
dr_rle_compare (const DrRle *a, const DrRle *b, guint64 *both, guint64 *only_a, guint64 *only_b)
{
  if (a->height != b->height || a->width != b->width)
    return FALSE;
  guint64 n_both = 0, n_a = 0, n_b = 0;
  gsize ia = 0, ib = 0;
  guint64 ra = 0, rb = 0;
  gboolean va = TRUE, vb = TRUE; /* flipped to background when the first run is taken */
  for (;;)
    {
      while (ra == 0 && ia < a->n_counts)
        {
          ra = a->counts[ia++];
          va = !va;
        }
      while (rb == 0 && ib < b->n_counts)
        {
          rb = b->counts[ib++];
          vb = !vb;
        }
      if (ra == 0 || rb == 0)
        break; /* both lists sum to the same total, so both end together */
      guint64 step = MIN (ra, rb);
      if (va && vb)
        n_both += step;
      else if (va)
        n_a += step;
      else if (vb)
        n_b += step;
      ra -= step;
      rb -= step;
    }
  if (both)
    *both = n_both;
  if (only_a)
    *only_a = n_a;
  if (only_b)
    *only_b = n_b;
  return TRUE;
}
