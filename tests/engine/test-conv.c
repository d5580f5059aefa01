/* test-conv.c — every convolution variant of the U-Net against the naive reference.
 *
 * The fused path reads two sources (upsampled + skip) without materialising them; the
 * reference gets the explicitly upsampled and concatenated tensor, so the gather is checked
 * independently. Small scratch sizes force several panels whose width does not divide the
 * pixel count and which start mid-row. Every case runs once per GEMM path this CPU has
 * (BLAS, AVX2, AVX-512; nn_gemm_force_path), so an AVX-512 machine still tests AVX2; random
 * shapes add odd sizes, partial register tiles and several K blocks, and the micro-kernels
 * are also checked tile by tile against a double-precision product. Winograd F(4,3) cases
 * call nn_wino_conv directly on each packed path (odd sizes, edge tiles, several blocks and
 * weight chunks); every case also checks that nothing past the output was written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-conv.h"
#include "nn-gemm.h"
#include "nn-test-conv.h"
#include "nn-wino.h"

static int failures;

#define GUARD 4096 /* floats past every output that must stay untouched (≥ 4 rows) */

/* Deterministic uniform floats in [lo, hi) (xorshift32). */
static float
rnd (unsigned *s, float lo, float hi)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return lo + (hi - lo) * (float) (*s >> 8) / 16777216.0f;
}

typedef struct {
  const char *name;
  int cin_a, cin_b, cout, k, stride, upsample_a;
  int h, w;              /* input size seen by the kernel (after upsample) */
  NnEpilogue epi;
  size_t panel_cols;     /* scratch = K·panel_cols floats (0: whole image in one panel) */
  int direct;            /* pack weights for, and require, the direct kernel */
  int wino;              /* run nn_wino_conv itself (packed paths only) */
  size_t wino_scratch;   /* its scratch in floats (0: NN_WINO_SCRATCH_FLOATS) */
} Case;

/* Runs one case on GEMM path `path` (packed_only: the conv has apack and no plain weight,
 * as models loaded on CPUs with a packed path); prints and counts a failure when
 * max|out-ref| > 1e-5·max|ref| (Winograd: 3e-5, F(4,3) losing about a decimal digit) or
 * anything past the output changed. */
static void
run_case (const Case *t, unsigned seed, NnGemmPath path, int packed_only)
{
  const int cin = t->cin_a + t->cin_b, k = t->k, pad = k / 2;
  NnConv c = { .cin_a = t->cin_a, .cin_b = t->cin_b, .cout = t->cout, .k = k,
               .stride = t->stride, .pad = pad, .upsample_a = t->upsample_a };
  const int oh = nn_conv_out_size (&c, t->h), ow = nn_conv_out_size (&c, t->w);
  const int ha = t->upsample_a ? t->h / 2 : t->h, wa = t->upsample_a ? t->w / 2 : t->w;
  const size_t kdim = (size_t) cin * k * k, n_out = (size_t) t->cout * oh * ow;
  const size_t plane = (size_t) t->h * t->w;

  float *a = malloc ((size_t) t->cin_a * ha * wa * sizeof (float));
  float *b = malloc ((size_t) (t->cin_b ? t->cin_b : 1) * plane * sizeof (float));
  float *full = malloc ((size_t) cin * plane * sizeof (float));
  c.weight = malloc ((size_t) t->cout * kdim * sizeof (float));
  c.bias = malloc ((size_t) t->cout * sizeof (float));
  float *out = malloc ((n_out + GUARD) * sizeof (float)), *ref = malloc (n_out * sizeof (float));
  float *resid = malloc (n_out * sizeof (float));
  size_t scratch_floats = t->panel_cols ? kdim * t->panel_cols : kdim * (size_t) (oh * ow);
  if (!t->wino && scratch_floats < nn_conv_min_scratch (&c))
    {
      printf ("FAIL %s: test scratch below nn_conv_min_scratch\n", t->name);
      failures++;
      scratch_floats = nn_conv_min_scratch (&c);
    }
  if (t->direct && scratch_floats < nn_conv_direct_scratch (&c))
    scratch_floats = nn_conv_direct_scratch (&c);
  if (t->wino)
    scratch_floats = t->wino_scratch ? t->wino_scratch : NN_WINO_SCRATCH_FLOATS;
  float *scratch = malloc (scratch_floats * sizeof (float));

  for (size_t i = 0; i < (size_t) t->cin_a * ha * wa; i++)
    a[i] = rnd (&seed, -1, 1);
  for (size_t i = 0; i < (size_t) t->cin_b * plane; i++)
    b[i] = rnd (&seed, -1, 1);
  for (size_t i = 0; i < (size_t) t->cout * kdim; i++)
    c.weight[i] = rnd (&seed, -0.5f, 0.5f);
  for (int i = 0; i < t->cout; i++)
    c.bias[i] = rnd (&seed, -0.5f, 0.5f);
  for (size_t i = 0; i < n_out; i++)
    resid[i] = out[i] = rnd (&seed, -1, 1);
  for (size_t i = n_out; i < n_out + GUARD; i++)
    out[i] = 12345.0f;

  /* Explicit upsample + concat for the reference. */
  for (int ci = 0; ci < cin; ci++)
    for (int y = 0; y < t->h; y++)
      for (int x = 0; x < t->w; x++)
        {
          float v;
          if (ci < t->cin_a)
            v = t->upsample_a ? a[((size_t) ci * ha + y / 2) * wa + x / 2]
                              : a[((size_t) ci * ha + y) * wa + x];
          else
            v = b[((size_t) (ci - t->cin_a) * t->h + y) * t->w + x];
          full[((size_t) ci * t->h + y) * t->w + x] = v;
        }
  nn_conv_reference (full, cin, t->h, t->w, c.weight, c.bias, t->cout, k, t->stride, pad, ref);
  for (size_t i = 0; i < n_out; i++)
    {
      if (t->epi == NN_EPI_ADD_BIAS_RELU)
        ref[i] += resid[i];
      if (t->epi != NN_EPI_BIAS && ref[i] < 0)
        ref[i] = 0;
    }

  if (t->direct)
    {
      c.wpack = malloc (nn_conv_direct_pack_floats (&c) * sizeof (float));
      nn_conv_direct_pack (&c, c.wpack);
      if (!nn_conv_direct_applies (&c, t->h, t->w))
        {
          printf ("FAIL %s: direct kernel not selected\n", t->name);
          failures++;
        }
    }
  if (path != NN_GEMM_BLAS || packed_only)
    {
      c.apack = malloc (nn_gemm_pack_a_floats (&c) * sizeof (float));
      nn_test_pack_a (&c, c.apack);
    }
  float *weight = c.weight;
  if (packed_only)
    c.weight = NULL;
  if (!nn_gemm_force_path (path))
    {
      printf ("FAIL %s: path %s not available\n", t->name, nn_gemm_path_name (path));
      failures++;
    }
  NnConvInput in = { .a = a, .b = t->cin_b ? b : NULL, .h = t->h, .w = t->w };
  if (t->wino && !nn_wino_applies (path, &c, t->h, t->w, scratch_floats))
    {
      printf ("FAIL %s: Winograd does not apply on %s\n", t->name, nn_gemm_path_name (path));
      failures++;
    }
  else if (t->wino)
    nn_wino_conv (path, &c, &in, out, t->epi, scratch, scratch_floats);
  else
    nn_conv_forward (&c, &in, out, t->epi, scratch, scratch_floats);
  c.weight = weight;
  free (c.wpack);
  free (c.apack);

  double max_ref = 0, max_err = 0;
  for (size_t i = 0; i < n_out; i++)
    {
      max_ref = fmax (max_ref, fabs (ref[i]));
      double e = fabs ((double) out[i] - ref[i]);
      if (!(e <= max_err))
        max_err = isnan (e) ? INFINITY : e;
    }
  int stray = 0;
  for (size_t i = n_out; i < n_out + GUARD; i++)
    stray += out[i] != 12345.0f;
  const double tol = t->wino ? 3e-5 : 1e-5;
  const int ok = max_err <= tol * max_ref && max_ref > 0 && stray == 0;
  printf ("%s %-6s%s %-34s %dx%d→%dx%d K=%zu max|ref|=%.3g max|err|=%.3g (%.1e rel)%s\n",
          ok ? "ok  " : "FAIL", nn_gemm_path_name (path), packed_only ? " (packed weights)" : "",
          t->name, t->h, t->w, oh, ow, kdim, max_ref, max_err, max_err / max_ref,
          stray ? ", wrote past the output" : "");
  if (!ok)
    failures++;
  free (a); free (b); free (full); free (c.weight); free (c.bias);
  free (out); free (ref); free (resid); free (scratch);
}

/* Checks one im2col panel that starts mid-row against the definition. */
static void
check_im2col_panel (void)
{
  NnConv c = { .cin_a = 2, .cin_b = 1, .cout = 1, .k = 3, .stride = 1, .pad = 1,
               .upsample_a = 1 };
  float a[2 * 3 * 4], b[1 * 6 * 8], cols[27 * 10];
  for (int i = 0; i < 24; i++)
    a[i] = (float) (i + 1);
  for (int i = 0; i < 48; i++)
    b[i] = (float) (100 + i);
  NnConvInput in = { .a = a, .b = b, .h = 6, .w = 8 };
  nn_im2col_panel (&c, &in, 5, 10, cols);
  int bad = 0;
  for (int ci = 0; ci < 3; ci++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++)
        for (int j = 0; j < 10; j++)
          {
            const int n = 5 + j, oy = n / 8, ox = n % 8, y = oy - 1 + ky, x = ox - 1 + kx;
            float want = 0;
            if (y >= 0 && y < 6 && x >= 0 && x < 8)
              want = ci < 2 ? a[(ci * 3 + y / 2) * 4 + x / 2] : b[y * 8 + x];
            if (cols[((ci * 3 + ky) * 3 + kx) * 10 + j] != want)
              bad++;
          }
  printf ("%s im2col panel [5,15) of an 8-wide upsampled two-source input\n",
          bad ? "FAIL" : "ok  ");
  failures += bad != 0;
}

/* Checks one micro-kernel tile of path p (kc, rows, cols, flags) against a double product,
 * including that nothing outside rows × cols of C is written. */
static void
check_tile (NnGemmPath p, int kc, int rows, int cols, unsigned flags, unsigned seed)
{
  const int nr = p == NN_GEMM_AVX512 ? 32 : 24;
  const size_t ldc = (size_t) nr + 5;
  float *a = malloc ((size_t) kc * NN_GEMM_MR * sizeof (float));
  float *bp = malloc ((size_t) kc * nr * sizeof (float));
  float *c = malloc ((size_t) (NN_GEMM_MR + 1) * ldc * sizeof (float));
  float *c0 = malloc ((size_t) (NN_GEMM_MR + 1) * ldc * sizeof (float));
  float bias[NN_GEMM_MR];
  for (int i = 0; i < kc * NN_GEMM_MR; i++)
    a[i] = rnd (&seed, -1, 1);
  for (int i = 0; i < kc * nr; i++)
    bp[i] = rnd (&seed, -1, 1);
  for (size_t i = 0; i < (NN_GEMM_MR + 1) * ldc; i++)
    c0[i] = c[i] = rnd (&seed, -1, 1);
  for (int i = 0; i < NN_GEMM_MR; i++)
    bias[i] = rnd (&seed, -1, 1);
  if (p == NN_GEMM_AVX512)
    nn_gemm_tile_avx512 (kc, a, bp, c, ldc, rows, cols, bias, flags);
  else
    nn_gemm_tile_avx2 (kc, a, bp, c, ldc, rows, cols, bias, flags);
  int bad = 0;
  double max_err = 0;
  for (int i = 0; i < NN_GEMM_MR + 1; i++)
    for (size_t j = 0; j < ldc; j++)
      {
        const size_t at = (size_t) i * ldc + j;
        if (i >= rows || j >= (size_t) cols)
          {
            bad += c[at] != c0[at];
            continue;
          }
        double want = (flags & NN_TILE_LOAD_C) ? c0[at] : 0.0;
        for (int k = 0; k < kc; k++)
          want += (double) a[k * NN_GEMM_MR + i] * bp[(size_t) k * nr + j];
        if (flags & NN_TILE_BIAS)
          want += bias[i];
        if ((flags & NN_TILE_RELU) && want < 0)
          want = 0;
        const double e = fabs (c[at] - want);
        if (!(e <= max_err))
          max_err = isnan (e) ? INFINITY : e;
      }
  const int ok = !bad && max_err <= 1e-5 * (1.0 + kc);
  printf ("%s %-6s tile kc=%d rows=%d cols=%d flags=%u max|err|=%.3g, %d stray writes\n",
          ok ? "ok  " : "FAIL", nn_gemm_path_name (p), kc, rows, cols, flags, max_err, bad);
  failures += !ok;
  free (a); free (bp); free (c); free (c0);
}

/* Random convolution shapes: odd sizes, Cout not a multiple of 8, pixel counts not a
 * multiple of the tile width, K above one K block, small panels. */
static void
random_cases (NnGemmPath path, int count, unsigned seed)
{
  static const int ks[] = { 1, 3, 3, 3, 7 };
  for (int i = 0; i < count; i++)
    {
      char name[64];
      Case t = { 0 };
      t.k = ks[(int) rnd (&seed, 0, 5)];
      t.stride = rnd (&seed, 0, 1) < 0.3f ? 2 : 1;
      t.upsample_a = t.k == 3 && t.stride == 1 && rnd (&seed, 0, 1) < 0.3f;
      t.cin_a = 1 + (int) rnd (&seed, 0, t.k == 7 ? 4 : 72);
      t.cin_b = t.upsample_a && rnd (&seed, 0, 1) < 0.5f ? 1 + (int) rnd (&seed, 0, 20) : 0;
      t.cout = 1 + (int) rnd (&seed, 0, 41);
      t.h = 2 * (3 + (int) rnd (&seed, 0, 17)) + (t.upsample_a ? 0 : (int) rnd (&seed, 0, 2));
      t.w = 2 * (3 + (int) rnd (&seed, 0, 17)) + (t.upsample_a ? 0 : (int) rnd (&seed, 0, 2));
      t.epi = (NnEpilogue) (int) rnd (&seed, 0, 3);
      t.panel_cols = rnd (&seed, 0, 1) < 0.5f ? 0 : 64 + 16 * (size_t) rnd (&seed, 0, 20);
      const int pad = t.k / 2;
      if ((size_t) ((t.h + 2 * pad - t.k) / t.stride + 1) * (size_t) ((t.w + 2 * pad - t.k)
                                                                     / t.stride + 1) < 64)
        t.panel_cols = 64; /* one whole-image panel would be below nn_conv_min_scratch */
      snprintf (name, sizeof name, "random #%d %d+%d->%d k%d s%d%s", i, t.cin_a, t.cin_b, t.cout,
                t.k, t.stride, t.upsample_a ? " up2" : "");
      t.name = name;
      run_case (&t, seed + (unsigned) i * 31u, path, 0);
    }
}

/* Random Winograd shapes on packed path p: any size from 1×1, odd channel counts, all
 * epilogues, the two-source upsampled view, and a scratch from the smallest that fits
 * (one tile row per block) to the workspace's. */
static void
random_wino_cases (NnGemmPath path, int count, unsigned seed)
{
  for (int i = 0; i < count; i++)
    {
      char name[80];
      Case t = { .k = 3, .stride = 1, .wino = 1 };
      t.upsample_a = rnd (&seed, 0, 1) < 0.3f;
      t.cin_a = 1 + (int) rnd (&seed, 0, 80);
      t.cin_b = t.upsample_a && rnd (&seed, 0, 1) < 0.5f ? 1 + (int) rnd (&seed, 0, 20) : 0;
      t.cout = 1 + (int) rnd (&seed, 0, 41);
      t.h = 1 + (int) rnd (&seed, 0, 70);
      t.w = 1 + (int) rnd (&seed, 0, 70);
      if (t.upsample_a)
        {
          t.h += t.h % 2;
          t.w += t.w % 2;
        }
      t.epi = (NnEpilogue) (int) rnd (&seed, 0, 3);
      NnConv c = { .cin_a = t.cin_a, .cin_b = t.cin_b, .cout = t.cout, .k = 3, .stride = 1,
                   .pad = 1, .apack = (float *) &t };
      size_t lo = 1024;
      while (!nn_wino_applies (path, &c, t.h, t.w, lo))
        lo *= 2;
      t.wino_scratch = rnd (&seed, 0, 1) < 0.5f ? lo : 0;
      snprintf (name, sizeof name, "wino random #%d %d+%d->%d%s%s", i, t.cin_a, t.cin_b, t.cout,
                t.upsample_a ? " up2" : "", t.wino_scratch ? " min scratch" : "");
      t.name = name;
      run_case (&t, seed + (unsigned) i * 131u, path, 0);
    }
}

/* Runs every case; exit status 0 only when all pass. */
int
main (void)
{
  static const Case cases[] = {
    { "stem 7x7 s2 p3", 3, 0, 8, 7, 2, 0, 23, 22, NN_EPI_BIAS_RELU, 64 },
    { "stem 7x7 s2 p3, one panel", 3, 0, 64, 7, 2, 0, 32, 32, NN_EPI_BIAS_RELU, 0 },
    { "3x3 s1 p1", 5, 0, 7, 3, 1, 0, 13, 11, NN_EPI_BIAS_RELU, 80 },
    { "3x3 s1 p1 residual", 6, 0, 6, 3, 1, 0, 12, 17, NN_EPI_ADD_BIAS_RELU, 64 },
    { "3x3 s1 p1 wide", 64, 0, 64, 3, 1, 0, 16, 16, NN_EPI_ADD_BIAS_RELU, 0 },
    { "3x3 s2 p1", 4, 0, 6, 3, 2, 0, 15, 14, NN_EPI_BIAS_RELU, 64 },
    { "3x3 s2 p1 even", 8, 0, 16, 3, 2, 0, 32, 32, NN_EPI_BIAS_RELU, 0 },
    { "1x1 s2 downsample", 6, 0, 5, 1, 2, 0, 29, 27, NN_EPI_BIAS, 64 },
    { "1x1 s2 downsample one panel", 16, 0, 32, 1, 2, 0, 16, 16, NN_EPI_BIAS, 0 },
    { "up2 + skip 3x3 (decoder conv1)", 4, 3, 5, 3, 1, 1, 14, 12, NN_EPI_BIAS_RELU, 64 },
    { "up2 + skip 3x3, panels 80", 12, 8, 16, 3, 1, 1, 20, 18, NN_EPI_BIAS_RELU, 80 },
    { "up2 only 3x3 (decoder block 4)", 4, 0, 3, 3, 1, 1, 16, 16, NN_EPI_BIAS_RELU, 0 },
    { "up2 only 3x3 cout 16", 32, 0, 16, 3, 1, 1, 34, 30, NN_EPI_BIAS_RELU, 96 },
    { "head 3x3 16->2 bias", 16, 0, 2, 3, 1, 0, 20, 21, NN_EPI_BIAS, 0 },
    { "head 3x3 16->2 bias, panels", 16, 0, 2, 3, 1, 0, 37, 19, NN_EPI_BIAS, 112 },
    { "tail 3x3 32->32", 32, 0, 32, 3, 1, 0, 24, 20, NN_EPI_BIAS_RELU, 0 },
    { "tail 3x3 128->32 (up2+skip)", 64, 64, 32, 3, 1, 1, 16, 16, NN_EPI_BIAS_RELU, 0 },
    { "direct 3x3 32->32", 32, 0, 32, 3, 1, 0, 20, 32, NN_EPI_BIAS_RELU, 0, 1 },
    { "direct up2+skip 64+64->32", 64, 64, 32, 3, 1, 1, 16, 32, NN_EPI_BIAS_RELU, 0, 1 },
    { "direct up2 32->16", 32, 0, 16, 3, 1, 1, 18, 48, NN_EPI_BIAS_RELU, 0, 1 },
    { "direct 3x3 16->16", 16, 0, 16, 3, 1, 0, 9, 64, NN_EPI_BIAS_RELU, 0, 1 },
    { "direct head 16->2 bias", 16, 0, 2, 3, 1, 0, 21, 16, NN_EPI_BIAS, 0, 1 },
    { "direct cout 5 (partial block)", 7, 0, 5, 3, 1, 0, 7, 16, NN_EPI_BIAS_RELU, 0, 1 },
    /* Shapes of the AVX-512 implicit GEMM (rows 32k or 16 wide), in several input bands. */
    { "implicit w32 residual, bands", 24, 0, 20, 3, 1, 0, 37, 32, NN_EPI_ADD_BIAS_RELU, 64 },
    { "implicit w16 two-row up2+skip, bands", 8, 8, 12, 3, 1, 1, 40, 16, NN_EPI_BIAS_RELU, 64 },
    { "implicit w64 head cout 2, bands", 16, 0, 2, 3, 1, 0, 9, 64, NN_EPI_BIAS, 64 },
    { "implicit w16 K 6912 (decoder 0)", 512, 256, 9, 3, 1, 1, 16, 16, NN_EPI_BIAS_RELU, 0 },
  };
  /* Winograd F(4,3), packed paths only: U-Net shapes and edge cases. */
  static const Case wino_cases[] = {
    { "wino layer1 64->64 residual", 64, 0, 64, 3, 1, 0, 64, 64, NN_EPI_ADD_BIAS_RELU, 0, 0, 1 },
    { "wino dec2.c1 up2+skip 128+64->64", 128, 64, 64, 3, 1, 1, 64, 64, NN_EPI_BIAS_RELU, 0, 0, 1 },
    { "wino odd 37x29 edge tiles 5->7", 5, 0, 7, 3, 1, 0, 37, 29, NN_EPI_ADD_BIAS_RELU, 0, 0, 1 },
    { "wino 3x5 image, one partial tile", 9, 0, 3, 3, 1, 0, 3, 5, NN_EPI_BIAS, 0, 0, 1 },
    { "wino 1x1 image", 4, 0, 4, 3, 1, 0, 1, 1, NN_EPI_BIAS, 0, 0, 1 },
    { "wino up2+skip 12+8->16 34x50", 12, 8, 16, 3, 1, 1, 34, 50, NN_EPI_BIAS_RELU, 0, 0, 1 },
    { "wino head 16->2 bias 19x33", 16, 0, 2, 3, 1, 0, 19, 33, NN_EPI_BIAS, 0, 0, 1 },
    { "wino 3 weight chunks 384->40", 384, 0, 40, 3, 1, 0, 20, 20, NN_EPI_BIAS_RELU, 0, 0, 1 },
    { "wino one tile row per block", 40, 0, 24, 3, 1, 0, 45, 70, NN_EPI_ADD_BIAS_RELU, 0, 0, 1,
      150000 },
  };
  unsigned seed = 12345;
  int paths = 0;
  for (NnGemmPath p = 0; p < NN_GEMM_PATHS; p++)
    {
      if (!nn_gemm_path_available (p))
        {
          printf ("skip   %s: this CPU cannot run it\n", nn_gemm_path_name (p));
          continue;
        }
      paths++;
      for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case (&cases[i], seed + (unsigned) i * 7919u, p, 0);
      if (p == NN_GEMM_BLAS && nn_gemm_path_available (NN_GEMM_AVX2))
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
          run_case (&cases[i], seed + (unsigned) i * 7919u, p, 1);
      random_cases (p, 40, seed + 17u * (unsigned) p);
      if (p != NN_GEMM_BLAS)
        {
          for (size_t i = 0; i < sizeof wino_cases / sizeof wino_cases[0]; i++)
            run_case (&wino_cases[i], seed + (unsigned) i * 104729u, p, 0);
          random_wino_cases (p, 30, seed + 29u * (unsigned) p);
          static const int kcs[] = { 1, 7, 256 };
          static const unsigned fl[] = { 0, NN_TILE_LOAD_C | NN_TILE_BIAS,
                                         NN_TILE_BIAS | NN_TILE_RELU,
                                         NN_TILE_LOAD_C | NN_TILE_BIAS | NN_TILE_RELU };
          const int nr = p == NN_GEMM_AVX512 ? 32 : 24;
          for (int ki = 0; ki < 3; ki++)
            for (int rows = 1; rows <= NN_GEMM_MR; rows += 3)
              for (int cols = 1; cols <= nr; cols += nr / 3 - 1)
                check_tile (p, kcs[ki], rows, cols, fl[(ki + rows + cols) % 4],
                            seed + (unsigned) (ki * 100 + rows * 10 + cols));
          check_tile (p, 256, NN_GEMM_MR, nr, fl[3], seed);
        }
    }
  printf ("%d GEMM path(s) tested (best here: %s)\n", paths,
          nn_gemm_path_name (nn_gemm_best_path ()));
  check_im2col_panel ();
  printf ("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
