/* test-unet-ref.c — the whole fused forward pass against a naive reference forward.
 *
 * The reference is written from model-format.md §1 independently of the engine's graph
 * walk: it uses nn_conv_reference (double accumulation) with the raw, unfolded parameters,
 * applies BatchNorm, ReLU, max pool, nearest upsample and channel concat as separate explicit
 * steps, and hard-codes the layer shapes, which it also checks against the engine's table.
 * So wiring errors, BN folding errors and errors of the fused kernels all show up here.
 * The engine runs once per GEMM path this CPU has (nn_gemm_force_path), each against the
 * same reference, and the packed paths run twice: with Winograd F(4,3) (which must then
 * have run) and without (implicit GEMM / im2col / direct only).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-gemm.h"
#include "nn-test-conv.h"
#include "nn-unet-private.h"
#include "nn-wino.h"

#define SEED 7

static NnConvSpec specs[NN_UNET_CONVS];
static int next_conv;
static int failures;

/* Tensor [c][h][w], heap-owned. */
typedef struct {
  int c, h, w;
  float *d;
} T;

/* Allocates an uninitialised c×h×w tensor. */
static T
t_new (int c, int h, int w)
{
  T t = { c, h, w, malloc ((size_t) c * h * w * sizeof (float)) };
  return t;
}

/* Applies the next conv of the graph (conv + BN + optional ReLU, or the biased head) to x
 * with raw parameters, after checking its shape against what the caller expects. */
static T
conv_bn (T x, int cout, int k, int stride, int relu)
{
  const NnConvSpec *s = &specs[next_conv];
  if (s->cin_a + s->cin_b != x.c || s->cout != cout || s->k != k || s->stride != stride)
    {
      printf ("FAIL conv %d (%s): engine table says %d+%d->%d k%d s%d, reference wants "
              "%d->%d k%d s%d\n", next_conv, s->weight_key, s->cin_a, s->cin_b, s->cout, s->k,
              s->stride, x.c, cout, k, stride);
      failures++;
    }
  const size_t nw = (size_t) cout * x.c * k * k;
  float *w = malloc (nw * sizeof (float)), *v = malloc (5 * (size_t) cout * sizeof (float));
  const int bn = s->bn_prefix[0] != '\0';
  nn_unet_random_params (SEED, next_conv, s, w, bn ? v : NULL, bn ? NULL : v + 4 * cout);
  const float *gamma = v, *beta = v + cout, *mean = v + 2 * cout, *var = v + 3 * cout;
  const float *bias = bn ? NULL : v + 4 * cout;
  const int pad = k / 2;
  T y = t_new (cout, (x.h + 2 * pad - k) / stride + 1, (x.w + 2 * pad - k) / stride + 1);
  nn_conv_reference (x.d, x.c, x.h, x.w, w, bias, cout, k, stride, pad, y.d);
  const size_t plane = (size_t) y.h * y.w;
  for (int o = 0; o < cout; o++)
    for (size_t i = 0; i < plane; i++)
      {
        double val = y.d[o * plane + i];
        if (bn)
          val = (val - mean[o]) / sqrt ((double) var[o] + 1e-5) * gamma[o] + beta[o];
        if (relu && val < 0)
          val = 0;
        y.d[o * plane + i] = (float) val;
      }
  free (w);
  free (v);
  next_conv++;
  return y;
}

/* Explicit max pool 3×3 s2 p1 with -inf padding. */
static T
maxpool (T x)
{
  T y = t_new (x.c, (x.h - 1) / 2 + 1, (x.w - 1) / 2 + 1);
  for (int c = 0; c < x.c; c++)
    for (int oy = 0; oy < y.h; oy++)
      for (int ox = 0; ox < y.w; ox++)
        {
          float m = -INFINITY;
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int iy = 2 * oy + dy, ix = 2 * ox + dx;
                if (iy >= 0 && iy < x.h && ix >= 0 && ix < x.w)
                  m = fmaxf (m, x.d[((size_t) c * x.h + iy) * x.w + ix]);
              }
          y.d[((size_t) c * y.h + oy) * y.w + ox] = m;
        }
  return y;
}

/* Explicit nearest ×2 upsample followed by concat [up(x), skip] (skip may be NULL). */
static T
up_cat (T x, const T *skip)
{
  T y = t_new (x.c + (skip ? skip->c : 0), 2 * x.h, 2 * x.w);
  const size_t plane = (size_t) y.h * y.w;
  for (int c = 0; c < x.c; c++)
    for (int yy = 0; yy < y.h; yy++)
      for (int xx = 0; xx < y.w; xx++)
        y.d[c * plane + (size_t) yy * y.w + xx] = x.d[((size_t) c * x.h + yy / 2) * x.w + xx / 2];
  if (skip)
    memcpy (y.d + (size_t) x.c * plane, skip->d, (size_t) skip->c * plane * sizeof (float));
  return y;
}

/* ResNet BasicBlock: relu(bn2(conv2(relu(bn1(conv1 x)))) + identity or bn(ds(x))). */
static T
basic_block (T x, int cout, int stride)
{
  const int has_ds = stride != 1 || x.c != cout;
  T t = conv_bn (x, cout, 3, stride, 1);
  T y = conv_bn (t, cout, 3, 1, 0);
  T id = x;
  if (has_ds)
    id = conv_bn (x, cout, 1, stride, 0);
  for (size_t i = 0; i < (size_t) y.c * y.h * y.w; i++)
    y.d[i] = fmaxf (y.d[i] + id.d[i], 0.0f);
  free (t.d);
  if (has_ds)
    free (id.d);
  return y;
}

/* Reference forward of model-format.md §1.5 on a 3×256×256 input; returns 2×256×256. */
static T
reference_forward (const float *input)
{
  static const int blocks[4] = { 3, 4, 6, 3 }, width[4] = { 64, 128, 256, 512 };
  static const int dec_out[5] = { 256, 128, 64, 32, 16 };
  T x = t_new (3, 256, 256);
  memcpy (x.d, input, 3 * 256 * 256 * sizeof (float));
  T f[6];
  f[0] = x;
  f[1] = conv_bn (x, 64, 7, 2, 1);
  T cur = maxpool (f[1]);
  for (int l = 0; l < 4; l++)
    {
      for (int b = 0; b < blocks[l]; b++)
        {
          T nx = basic_block (cur, width[l], b == 0 && l > 0 ? 2 : 1);
          free (cur.d);
          cur = nx;
        }
      f[2 + l] = t_new (cur.c, cur.h, cur.w);
      memcpy (f[2 + l].d, cur.d, (size_t) cur.c * cur.h * cur.w * sizeof (float));
    }
  free (cur.d);
  T d = f[5];
  for (int i = 0; i < 5; i++)
    {
      const T *skip = i < 4 ? &f[4 - i] : NULL;
      T u = up_cat (d, skip);
      T c1 = conv_bn (u, dec_out[i], 3, 1, 1);
      T c2 = conv_bn (c1, dec_out[i], 3, 1, 1);
      free (u.d);
      free (c1.d);
      free (d.d);
      d = c2;
    }
  T logits = conv_bn (d, 2, 3, 1, 0);
  free (d.d);
  for (int i = 0; i < 5; i++)
    free (f[i].d);
  return logits;
}

/* Compares logits out with the reference logits; counts a failure when they differ by more
 * than 1e-4·max(1, max|ref|). */
static void
compare (const char *path, const float *out, const T *ref, size_t n_out)
{
  double max_ref = 0, max_err = 0, sum_sq = 0;
  size_t argmax_diff = 0;
  for (size_t i = 0; i < n_out; i++)
    {
      max_ref = fmax (max_ref, fabs (ref->d[i]));
      const double e = fabs ((double) out[i] - ref->d[i]);
      if (!(e <= max_err))
        max_err = isnan (e) ? INFINITY : e;
      sum_sq += (double) ref->d[i] * ref->d[i];
    }
  for (size_t i = 0; i < n_out / 2; i++)
    argmax_diff += (out[n_out / 2 + i] > out[i]) != (ref->d[n_out / 2 + i] > ref->d[i]);
  const double tol = 1e-4 * fmax (1.0, max_ref);
  const int ok = max_err <= tol && max_ref >= 1e-3;
  printf ("%s %-16s logits: max|ref| = %.4g, rms(ref) = %.4g, max|engine - ref| = %.3g "
          "(tolerance %.3g), mask pixels differing: %zu of %zu\n", ok ? "ok  " : "FAIL", path,
          max_ref, sqrt (sum_sq / n_out), max_err, tol, argmax_diff, n_out / 2);
  failures += !ok;
}

/* Compares nn_unet_run on every GEMM path with the reference on a random model and input;
 * 0 on success. */
int
main (void)
{
  nn_unet_graph (specs);
  const size_t n_in = 3 * 256 * 256, n_out = 2 * 256 * 256;
  float *input = malloc (n_in * sizeof (float)), *out = malloc (n_out * sizeof (float));
  unsigned s = 99;
  for (size_t i = 0; i < n_in; i++)
    {
      s = s * 1664525u + 1013904223u;
      input[i] = (float) (s >> 8) / 16777216.0f;
    }

  NnError err = { 0 };
  NnUnet *model = NULL;
  NnWorkspace *ws = NULL;
  if (nn_unet_new_random (SEED, &model, &err) != NN_OK || nn_workspace_new (&ws, &err) != NN_OK)
    {
      printf ("FAIL engine: %s\n", err.message);
      return 1;
    }

  T ref = reference_forward (input);
  if (next_conv != NN_UNET_CONVS)
    {
      printf ("FAIL reference used %d convs, engine table has %d\n", next_conv, NN_UNET_CONVS);
      failures++;
    }
  for (NnGemmPath p = 0; p < NN_GEMM_PATHS; p++)
    {
      if (!nn_gemm_force_path (p))
        {
          printf ("skip   %s: this CPU cannot run it\n", nn_gemm_path_name (p));
          continue;
        }
      for (int wino = p == NN_GEMM_BLAS ? 0 : 1; wino >= 0; wino--)
        {
          char label[32];
          snprintf (label, sizeof label, "%s%s", nn_gemm_path_name (p),
                    p != NN_GEMM_BLAS && !wino ? " no-winograd" : "");
          nn_wino_set_enabled (wino);
          memset (out, 0, n_out * sizeof (float));
          if (nn_unet_run (model, ws, input, out, NULL, &err) != NN_OK)
            {
              printf ("FAIL engine (%s): %s\n", label, err.message);
              return 1;
            }
          const unsigned *kernels = nn_workspace_stage_stats (ws)->kernels;
          unsigned any = 0;
          for (int st = 0; st < NN_UNET_STAGES; st++)
            any |= kernels[st];
          const unsigned wbits = 1u << NN_KERNEL_AVX2_WINOGRAD | 1u << NN_KERNEL_AVX512_WINOGRAD;
          if (!(any & wbits) != !wino)
            {
              printf ("FAIL %s: Winograd %s\n", label, wino ? "did not run" : "ran");
              failures++;
            }
          compare (label, out, &ref, n_out);
        }
      nn_wino_set_enabled (1);
    }
  printf ("%d failure(s)\n", failures);
  free (ref.d);
  free (input);
  free (out);
  nn_unet_free (model);
  nn_workspace_free (ws);
  return failures ? 1 : 0;
}
