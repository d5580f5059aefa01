/* test-rle.c — COCO RLE against examples worked by hand from the format description. */
#include <string.h>

#include "dr-rle.h"
#include "dr-store-error.h"

typedef struct {
  const char *name;
  guint height, width;
  const char *mask;        /* row-major, '1' = set, rows separated by nothing */
  guint32 counts[8];
  gsize n_counts;
  const char *string;      /* worked out by hand: see the comment of each case */
  guint64 area;
  guint bbox[4];           /* x, y, w, h */
} Example;

/* Strings: each count c (or, from the 4th on, c minus the count two places before) is cut
 * into 5-bit groups, low first; 0x20 marks "more follows"; the last group's 0x10 is the sign;
 * every group is written as the character 48 + group. */
static const Example examples[] = {
  /* 2×3 empty: counts [6]; 6 < 16 so one group → '0'+6 = '6'. */
  { "empty", 2, 3, "000" "000", { 6 }, 1, "6", 0, { 0, 0, 0, 0 } },
  /* 2×2 full: counts [0, 4] → "04" (what pycocotools gives for np.ones((2,2))). */
  { "full", 2, 2, "11" "11", { 0, 4 }, 2, "04", 4, { 0, 0, 2, 2 } },
  /* 3×2, pixel (0,0) set: background run 0 first, then 1 set, then 5 clear → "015". */
  { "pixel-0-0", 3, 2, "10" "00" "00", { 0, 1, 5 }, 3, "015", 1, { 0, 0, 1, 1 } },
  /* 2×3, only the bottom-right pixel: column-major index 5 → counts [5, 1] → "51". */
  { "pixel-last", 2, 3, "000" "001", { 5, 1 }, 2, "51", 1, { 2, 1, 1, 1 } },
  /* 2×3, top row set: column-major 1,0,1,0,1,0 → counts [0,1,1,1,1,1,1];
   * the first three are stored as they are, from index 3 on c[i]-c[i-2] = 0 → "0110000". */
  { "top-row", 2, 3, "111" "000", { 0, 1, 1, 1, 1, 1, 1 }, 7, "0110000", 3, { 0, 0, 3, 1 } },
  /* 1×4 "0101": counts [1,1,1,1]; the 4th is stored as 1-1 = 0 → "1110". */
  { "1xN", 1, 4, "0101", { 1, 1, 1, 1 }, 4, "1110", 2, { 1, 0, 3, 1 } },
  /* 4×1 column "0110": column-major = row-major here, counts [1, 2, 1] → "121". */
  { "Nx1", 4, 1, "0" "1" "1" "0", { 1, 2, 1 }, 3, "121", 2, { 0, 1, 1, 2 } },
  /* 1×16 with runs [10, 2, 3, 1]: 10 → ':' (48+10); the 4th is stored as 1-2 = -1, whose low
   * group is 0x1f with the sign bit set and nothing left but sign → one char 48+31 = 'O'. */
  { "negative-delta", 1, 16, "0000000000110001", { 10, 2, 3, 1 }, 4, ":23O", 3,
    { 10, 0, 6, 1 } },
  /* 4×4 empty: counts [16]; 16 has bit 0x10 set, which would read as a sign, so a second group
   * follows: (16 | 0x20) + 48 = '`', then 0 → '0' → "`0". */
  { "empty-16", 4, 4, "0000" "0000" "0000" "0000", { 16 }, 1, "`0", 0, { 0, 0, 0, 0 } },
  /* 40×1 empty: counts [40] = 8 + 1·32 → (8 | 0x20) + 48 = 'X', then '1' → "X1". */
  { "empty-40", 40, 1,
    "0000000000" "0000000000" "0000000000" "0000000000", { 40 }, 1, "X1", 0, { 0, 0, 0, 0 } },
  /* 3×3 odd size, the centre and the right column: column-major 000 010 111 → counts
   * [4, 1, 1, 3]; the 4th is stored as 3-1 = 2 → "4112". Box: x 1..2, y 0..2. */
  { "odd", 3, 3, "001" "011" "001", { 4, 1, 1, 3 }, 4, "4112", 4, { 1, 0, 2, 3 } },
};

/* Turns an example's '0'/'1' text into mask bytes. */
static guint8 *
example_mask (const Example *e)
{
  gsize n = (gsize) e->height * e->width;
  g_assert_cmpuint (strlen (e->mask), ==, n);
  guint8 *mask = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    mask[i] = e->mask[i] == '1' ? 255 : 0; /* any nonzero byte counts as set */
  return mask;
}

/* Encoding each mask gives the hand-worked counts, string, area and box. */
static void
test_encode_examples (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      const Example *e = &examples[i];
      g_test_message ("example %s", e->name);
      g_autofree guint8 *mask = example_mask (e);
      g_autoptr (GError) error = NULL;
      g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, e->height, e->width, &error);
      g_assert_no_error (error);
      gsize n;
      const guint32 *counts = dr_rle_get_counts (rle, &n);
      g_assert_cmpmem (counts, n * sizeof (guint32), e->counts, e->n_counts * sizeof (guint32));
      g_autofree char *s = dr_rle_to_string (rle);
      g_assert_cmpstr (s, ==, e->string);
      g_assert_cmpuint (dr_rle_get_area (rle), ==, e->area);
      guint box[4];
      gboolean any = dr_rle_get_bbox (rle, &box[0], &box[1], &box[2], &box[3]);
      g_assert_true (any == (e->area > 0));
      g_assert_cmpmem (box, sizeof box, e->bbox, sizeof e->bbox);
    }
}

/* Decoding each hand-worked string gives back the counts and the mask (as 0/1 bytes). */
static void
test_decode_examples (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      const Example *e = &examples[i];
      g_test_message ("example %s", e->name);
      g_autoptr (GError) error = NULL;
      g_autoptr (DrRle) rle = dr_rle_new_from_string (e->string, e->height, e->width, &error);
      g_assert_no_error (error);
      gsize n;
      const guint32 *counts = dr_rle_get_counts (rle, &n);
      g_assert_cmpmem (counts, n * sizeof (guint32), e->counts, e->n_counts * sizeof (guint32));
      gsize pixels = (gsize) e->height * e->width;
      g_autofree guint8 *mask = g_malloc (pixels);
      dr_rle_to_mask (rle, mask);
      for (gsize p = 0; p < pixels; p++)
        g_assert_cmpint (mask[p], ==, e->mask[p] == '1' ? 1 : 0);

      g_autoptr (DrRle) from_counts = dr_rle_new_from_counts (e->counts, e->n_counts, e->height,
                                                              e->width, &error);
      g_assert_no_error (error);
      g_autofree char *s = dr_rle_to_string (from_counts);
      g_assert_cmpstr (s, ==, e->string);
    }
}

typedef struct {
  const char *string;
  guint height, width;
  const char *message_part;
} BadString;

/* Every malformed string is refused with DR_STORE_ERROR_CORRUPT and a message saying why. */
static void
test_decode_malformed (void)
{
  static const BadString bad[] = {
    { "", 2, 3, "sum to 0" },                        /* no counts at all */
    { "5", 2, 3, "sum to 5" },                       /* one pixel short */
    { "7", 2, 3, "past the end" },                   /* one pixel too many */
    { "X", 40, 1, "ends inside" },                   /* continuation bit, then the end */
    { "6 ", 2, 3, "invalid character at offset 1" }, /* space is below '0' */
    { "p", 2, 3, "invalid character at offset 0" },  /* 'p' = 48 + 64 is above 'o' */
    { "\x7f", 2, 3, "invalid character" },
    { "\xc3\xa9", 2, 3, "invalid character" },       /* UTF-8 bytes */
    { "0O", 2, 3, "negative" },                      /* 2nd count -1 (no delta yet) */
    { "111N", 1, 4, "negative" },                    /* 4th = -2 + c[1] = -1 */
    { "XXXXXXX0", 4, 4, "longer than 7" },           /* 8 groups */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const BadString *b = &bad[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (DrRle) rle = dr_rle_new_from_string (b->string, b->height, b->width, &error);
      g_test_message ("bad string #%" G_GSIZE_FORMAT, i);
      g_assert_null (rle);
      g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, b->message_part));
    }
}

/* Strings at the edge of validity decode as pycocotools' rleFrString would decode them. */
static void
test_decode_edge_valid (void)
{
  g_autoptr (GError) error = NULL;
  /* "33" on 2×3: 3 clear, 3 set — exactly the pixel count. */
  g_autoptr (DrRle) exact = dr_rle_new_from_string ("33", 2, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dr_rle_get_area (exact), ==, 3);
  /* "1110O" on 1×4: counts 1, 1, 1, 0+1 = 1, then -1 + c[2] = 0, a trailing empty run. */
  g_autoptr (DrRle) trailing = dr_rle_new_from_string ("1110O", 1, 4, &error);
  g_assert_no_error (error);
  gsize n;
  const guint32 *counts = dr_rle_get_counts (trailing, &n);
  static const guint32 expected[] = { 1, 1, 1, 1, 0 };
  g_assert_cmpmem (counts, n * sizeof (guint32), expected, sizeof expected);
  g_assert_cmpuint (dr_rle_get_area (trailing), ==, 2);
}

/* Zero and oversized dimensions are refused before any allocation. */
static void
test_bad_sizes (void)
{
  g_autoptr (GError) error = NULL;
  guint8 pixel = 1;
  g_assert_null (dr_rle_new_from_mask (&pixel, 0, 1, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (dr_rle_new_from_string ("0", 1 << 15, 1 << 14, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  guint32 counts[] = { 3, 2 };
  g_assert_null (dr_rle_new_from_counts (counts, 2, 2, 3, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT);
}

/* A 12-megapixel mask with a long run encodes, decodes and compares as the pixels say. */
static void
test_large_and_compare (void)
{
  const guint h = 3000, w = 4000;
  g_autofree guint8 *a = g_malloc0 ((gsize) h * w);
  g_autofree guint8 *b = g_malloc0 ((gsize) h * w);
  guint64 both = 0, only_a = 0, only_b = 0;
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        gboolean in_a = (x - 1000u) < 2000u && (y - 500u) < 1500u;   /* a rectangle */
        gboolean in_b = ((x / 7 + y / 5) % 3) == 0;                  /* stripes */
        a[(gsize) y * w + x] = in_a;
        b[(gsize) y * w + x] = in_b;
        both += in_a && in_b;
        only_a += in_a && !in_b;
        only_b += in_b && !in_a;
      }
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) ra = dr_rle_new_from_mask (a, h, w, &error);
  g_assert_no_error (error);
  g_autoptr (DrRle) rb = dr_rle_new_from_mask (b, h, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dr_rle_get_area (ra), ==, 2000u * 1500u);
  guint box[4];
  g_assert_true (dr_rle_get_bbox (ra, &box[0], &box[1], &box[2], &box[3]));
  g_assert_cmpuint (box[0], ==, 1000);
  g_assert_cmpuint (box[1], ==, 500);
  g_assert_cmpuint (box[2], ==, 2000);
  g_assert_cmpuint (box[3], ==, 1500);

  guint64 got_both, got_a, got_b;
  g_assert_true (dr_rle_compare (ra, rb, &got_both, &got_a, &got_b));
  g_assert_cmpuint (got_both, ==, both);
  g_assert_cmpuint (got_a, ==, only_a);
  g_assert_cmpuint (got_b, ==, only_b);

  g_autofree char *s = dr_rle_to_string (rb);
  g_autoptr (DrRle) back = dr_rle_new_from_string (s, h, w, &error);
  g_assert_no_error (error);
  g_autofree guint8 *decoded = g_malloc ((gsize) h * w);
  dr_rle_to_mask (back, decoded);
  g_assert_cmpmem (decoded, (gsize) h * w, b, (gsize) h * w);

  g_autoptr (DrRle) other = dr_rle_new_from_string ("6", 2, 3, &error);
  g_assert_no_error (error);
  g_assert_false (dr_rle_compare (ra, other, NULL, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rle/encode-examples", test_encode_examples);
  g_test_add_func ("/rle/decode-examples", test_decode_examples);
  g_test_add_func ("/rle/decode-malformed", test_decode_malformed);
  g_test_add_func ("/rle/decode-edge-valid", test_decode_edge_valid);
  g_test_add_func ("/rle/bad-sizes", test_bad_sizes);
  g_test_add_func ("/rle/large-and-compare", test_large_and_compare);
  return g_test_run ();
}
