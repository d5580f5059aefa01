/* test-resize.c — compares nn-resize.c and nn-image.c with OpenCV 4.6 results written by
 * resize-oracle.py.
 *
 * Usage: test-resize WORKDIR (manifest.txt plus raw arrays). For every u8 case the resize
 * runs twice: packed buffers with internal scratch, and padded strides with caller scratch;
 * both must equal cv2.resize bit for bit (the issue allows 1 grey level, but the model oracle
 * compares logits at 1e-3, so any difference is reported as a failure with its count).
 * Float cases compare nn_logit_diff_upsample with cv2.resize on float32 (relative 1e-5) and
 * nn_mask_from_logits' mask and statistics with numpy's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-image.h"

static int failures;

/* Reads exactly n bytes of WORKDIR/name+suffix into a new buffer; exits on failure. */
static void *
read_blob (const char *dir, const char *name, const char *suffix, size_t n)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s%s", dir, name, suffix);
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      fprintf (stderr, "cannot open %s\n", path);
      exit (2);
    }
  void *buf = malloc (n ? n : 1);
  if (buf == NULL || fread (buf, 1, n, f) != n || fgetc (f) != EOF)
    {
      fprintf (stderr, "%s: not %zu bytes\n", path, n);
      exit (2);
    }
  fclose (f);
  return buf;
}

/* Counts values of got (strided) that differ from ref (packed) and the largest difference. */
static void
diff_u8 (const uint8_t *got, size_t stride, const uint8_t *ref, size_t row, int h,
         long *ndiff, int *maxdiff)
{
  for (int y = 0; y < h; y++)
    for (size_t x = 0; x < row; x++)
      {
        int d = abs ((int) got[(size_t) y * stride + x] - (int) ref[(size_t) y * row + x]);
        if (d)
          (*ndiff)++;
        if (d > *maxdiff)
          *maxdiff = d;
      }
}

/* One u8 case: packed + internal scratch, then padded strides + caller scratch. */
static void
run_u8 (const char *dir, const char *name, int sw, int sh, int cn, int dw, int dh,
        long *total_diff, int *total_max)
{
  size_t srow = (size_t) sw * cn, drow = (size_t) dw * cn;
  uint8_t *src = read_blob (dir, name, ".src", srow * sh);
  uint8_t *ref = read_blob (dir, name, ".ref", drow * dh);
  uint8_t *dst = malloc (drow * dh);
  NnError err = { 0 };
  long nd = 0;
  int md = 0;
  if (nn_resize_u8_linear (src, sw, sh, srow, dst, dw, dh, drow, cn, NULL, 0, &err) != NN_OK)
    {
      printf ("FAIL %s: %s\n", name, err.message);
      failures++;
      goto out;
    }
  diff_u8 (dst, drow, ref, drow, dh, &nd, &md);

  size_t sstride = srow + 13, dstride = drow + 7;
  uint8_t *psrc = malloc (sstride * sh), *pdst = malloc (dstride * dh);
  for (int y = 0; y < sh; y++)
    memcpy (psrc + y * sstride, src + y * srow, srow);
  size_t sb = nn_resize_u8_scratch_bytes (dw, dh, cn);
  void *scratch = malloc (sb);
  if (sb == 0 || nn_resize_u8_linear (psrc, sw, sh, sstride, pdst, dw, dh, dstride, cn, scratch, sb,
                                      &err) != NN_OK)
    {
      printf ("FAIL %s (strided): %s\n", name, err.message);
      failures++;
    }
  else
    diff_u8 (pdst, dstride, ref, drow, dh, &nd, &md);
  free (scratch);
  free (psrc);
  free (pdst);

  if (md > 0)
    {
      printf ("FAIL %s: %dx%dx%d -> %dx%d max diff %d, %ld values differ\n", name, sw, sh, cn, dw,
              dh, md, nd);
      failures++;
    }
  *total_diff += nd;
  if (md > *total_max)
    *total_max = md;

  if (cn == 3 && dw == NN_IMAGE_INPUT_SIZE && dh == NN_IMAGE_INPUT_SIZE)
    {
      /* The network input is the same resize, planar, divided by 255. */
      float *in = malloc (sizeof (float) * 3 * dw * dh);
      void *ps = malloc (nn_preprocess_scratch_bytes ());
      if (nn_preprocess (src, sw, sh, srow, in, ps, nn_preprocess_scratch_bytes (), &err) != NN_OK)
        {
          printf ("FAIL %s preprocess: %s\n", name, err.message);
          failures++;
        }
      else
        for (int i = 0; i < dw * dh; i++)
          for (int c = 0; c < 3; c++)
            if (in[c * dw * dh + i] != (float) ((double) ref[i * 3 + c] / 255.0))
              {
                printf ("FAIL %s preprocess: pixel %d channel %d\n", name, i, c);
                failures++;
                i = dw * dh;
                break;
              }
      free (ps);
      free (in);
    }
out:
  free (dst);
  free (src);
  free (ref);
}

/* One float case: upsampled difference, then mask and statistics. */
static void
run_f32 (const char *dir, const char *name, int w, int h, long ref_area, double ref_conf,
         double *worst_rel)
{
  size_t n = (size_t) w * h;
  float *logits = read_blob (dir, name, ".logits", sizeof (float) * 2 * 256 * 256);
  float *ref = read_blob (dir, name, ".ref", sizeof (float) * n);
  float *up = malloc (sizeof (float) * n);
  uint8_t *mask = malloc (n);
  NnError err = { 0 };
  size_t sb = nn_mask_scratch_bytes (w, h);
  void *scratch = malloc (sb);
  if (nn_logit_diff_upsample (logits, w, h, up, w, NULL, 0, &err) != NN_OK)
    {
      printf ("FAIL %s: %s\n", name, err.message);
      failures++;
      goto out;
    }
  double maxrel = 0;
  long exact = 0;
  for (size_t i = 0; i < n; i++)
    {
      double rel = fabs ((double) up[i] - ref[i]) / fmax (fabs ((double) ref[i]), 1.0);
      exact += up[i] == ref[i];
      if (rel > maxrel)
        maxrel = rel;
    }
  if (maxrel > 1e-5)
    {
      printf ("FAIL %s: %dx%d upsample max relative diff %.3g\n", name, w, h, maxrel);
      failures++;
    }
  if (maxrel > *worst_rel)
    *worst_rel = maxrel;

  NnMaskStats st;
  if (nn_mask_from_logits (logits, w, h, mask, w, &st, scratch, sb, &err) != NN_OK)
    {
      printf ("FAIL %s mask: %s\n", name, err.message);
      failures++;
      goto out;
    }
  long wrong = 0, unsure = 0;
  for (size_t i = 0; i < n; i++)
    {
      int want = ref[i] > 0.f ? 255 : 0;
      if (mask[i] != want)
        {
          wrong++;
          unsure += fabsf (ref[i]) < 1e-4f;
        }
    }
  if (wrong != unsure || labs (st.area_px - ref_area) > unsure
      || fabs (st.mean_confidence - ref_conf) > 1e-6
      || fabs (st.area_fraction - (double) ref_area / (double) n) > (double) (unsure + 1) / n)
    {
      printf ("FAIL %s mask: %ld wrong pixels (%ld near 0), area %lld vs %ld, conf %.9f vs %.9f\n",
              name, wrong, unsure, (long long) st.area_px, ref_area, st.mean_confidence, ref_conf);
      failures++;
    }
  printf ("%s %dx%d: upsample %ld/%zu bit-identical, max rel %.3g; mask %ld wrong; "
          "area %lld, confidence %.6f\n", name, w, h, exact, n, maxrel, wrong,
          (long long) st.area_px, st.mean_confidence);
out:
  free (scratch);
  free (mask);
  free (up);
  free (ref);
  free (logits);
}

/* Rejected arguments: sizes out of bounds, bad channel counts, short scratch. */
static void
run_bounds (void)
{
  uint8_t px[3] = { 1, 2, 3 }, out[3];
  NnError err = { 0 };
  struct { int sw, sh, cn, dw, dh; } bad[] = {
    { 0, 1, 3, 1, 1 }, { 1, 0, 3, 1, 1 }, { 65536, 1, 3, 1, 1 }, { 20000, 20000, 3, 1, 1 },
    { 1, 1, 2, 1, 1 }, { 1, 1, 3, -5, 1 }, { 1, 1, 4, 1, 1 },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (nn_resize_u8_linear (px, bad[i].sw, bad[i].sh, 3, out, bad[i].dw, bad[i].dh, 3, bad[i].cn,
                             NULL, 0, &err) != NN_ERR_ARGUMENT)
      {
        printf ("FAIL bounds case %zu accepted\n", i);
        failures++;
      }
  uint8_t small[16];
  if (nn_resize_u8_linear (px, 1, 1, 3, out, 1, 1, 3, 3, small, sizeof small, &err) != NN_OK
      || memcmp (px, out, 3) != 0)
    {
      printf ("FAIL identity resize\n");
      failures++;
    }
  uint8_t big[4 * 4 * 3] = { 0 }, two[2 * 3 * 3];
  if (nn_resize_u8_linear (big, 4, 4, 12, two, 2, 3, 6, 3, small, sizeof small, &err)
      != NN_ERR_ARGUMENT)
    {
      printf ("FAIL short scratch accepted\n");
      failures++;
    }
  if (nn_mask_scratch_bytes (20000, 20000) != 0 || nn_resize_u8_scratch_bytes (65536, 1, 3) != 0)
    {
      printf ("FAIL scratch size of out-of-bounds image is not 0\n");
      failures++;
    }
}

/* Runs every manifest case; exit status 0 only if all pass. */
int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s WORKDIR\n", argv[0]);
      return 2;
    }
  char path[4096], kind[8], name[64];
  snprintf (path, sizeof path, "%s/manifest.txt", argv[1]);
  FILE *m = fopen (path, "r");
  if (m == NULL)
    {
      fprintf (stderr, "cannot open %s\n", path);
      return 2;
    }
  long total_diff = 0, u8_cases = 0, f32_cases = 0;
  int total_max = 0;
  double worst_rel = 0;
  char line[256];
  while (fgets (line, sizeof line, m))
    {
      int a, b, c, d, e;
      long area;
      double conf;
      if (sscanf (line, "%7s %63s", kind, name) != 2)
        continue;
      if (strcmp (kind, "u8") == 0
          && sscanf (line, "%*s %*s %d %d %d %d %d", &a, &b, &c, &d, &e) == 5)
        {
          run_u8 (argv[1], name, a, b, c, d, e, &total_diff, &total_max);
          u8_cases++;
        }
      else if (strcmp (kind, "f32") == 0
               && sscanf (line, "%*s %*s %d %d %ld %lf", &a, &b, &area, &conf) == 4)
        {
          run_f32 (argv[1], name, a, b, area, conf, &worst_rel);
          f32_cases++;
        }
      else
        {
          fprintf (stderr, "bad manifest line: %s", line);
          return 2;
        }
    }
  fclose (m);
  run_bounds ();
  printf ("u8 resize: %ld cases (x2 layouts), max diff %d, %ld values differ from cv2\n",
          u8_cases, total_max, total_diff);
  printf ("f32 upsample: %ld cases, max relative diff %.3g\n", f32_cases, worst_rel);
  if (u8_cases == 0 || f32_cases == 0)
    failures++;
  printf ("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
