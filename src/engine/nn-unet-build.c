/* nn-unet-build.c — allocation, BN folding and random construction of NnUnet models. */
#include "nn-gemm.h"
#include "nn-unet-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Floats needed by one conv's weights, rounded to a 64-byte multiple. */
static size_t
conv_weight_floats (const NnConv *c)
{
  size_t n = (size_t) c->cout * (size_t) (c->cin_a + c->cin_b) * (size_t) (c->k * c->k);
  return (n + 15) / 16 * 16;
}

/* See nn-unet-private.h. Weights and biases of each conv are separate 64-byte-aligned blocks. */
NnStatus
nn_unet_alloc (NnUnet **out, NnError *err)
{
  NnConvSpec specs[NN_UNET_CONVS];
  nn_unet_graph (specs);
  NnUnet *m = calloc (1, sizeof *m);
  if (m == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating a model");
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      NnConv *c = &m->conv[i];
      const NnConvSpec *s = &specs[i];
      c->cin_a = s->cin_a;
      c->cin_b = s->cin_b;
      c->cout = s->cout;
      c->k = s->k;
      c->stride = s->stride;
      c->pad = s->pad;
      c->upsample_a = s->upsample_a;
      /* With a packed path the weights live only in apack (one copy in memory); the plain
       * layout is kept where nothing else holds them, and for the direct kernel's small
       * convs, whose wpack is made from it. */
      const int packed = nn_gemm_path_available (NN_GEMM_AVX2);
      const size_t wf = conv_weight_floats (c), bf = ((size_t) c->cout + 15) / 16 * 16;
      if (!packed || nn_conv_direct_eligible (c))
        {
          c->weight = aligned_alloc (64, wf * sizeof (float));
          if (c->weight == NULL)
            {
              nn_unet_free (m);
              return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating model weights");
            }
          memset (c->weight, 0, wf * sizeof (float));
        }
      c->bias = aligned_alloc (64, bf * sizeof (float));
      if (c->bias == NULL)
        {
          nn_unet_free (m);
          return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating model weights");
        }
      memset (c->bias, 0, bf * sizeof (float));
      if (nn_conv_direct_eligible (c))
        {
          const size_t pf = nn_conv_direct_pack_floats (c);
          c->wpack = aligned_alloc (64, (pf + 15) / 16 * 16 * sizeof (float));
          if (c->wpack == NULL)
            {
              nn_unet_free (m);
              return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating model weights");
            }
        }
      if (packed)
        {
          const size_t af = nn_gemm_pack_a_floats (c);
          c->apack = aligned_alloc (64, (af + 15) / 16 * 16 * sizeof (float));
          if (c->apack == NULL)
            {
              nn_unet_free (m);
              return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating model weights");
            }
          memset (c->apack, 0, af * sizeof (float));
        }
    }
  *out = m;
  return NN_OK;
}

/* See nn-unet.h; safe on NULL and on partially allocated models. */
void
nn_unet_free (NnUnet *model)
{
  if (model == NULL)
    return;
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      free (model->conv[i].weight);
      free (model->conv[i].bias);
      free (model->conv[i].wpack);
      free (model->conv[i].apack);
    }
  free (model);
}

/* See nn-unet-private.h. */
void
nn_conv_set_params (NnConv *conv, const NnConvParams *p)
{
  const size_t per_out = (size_t) (conv->cin_a + conv->cin_b) * (size_t) (conv->k * conv->k);
  for (int o = 0; o < conv->cout; o++)
    {
      double scale = 1.0, shift = p->bias ? p->bias[o] : 0.0;
      if (p->gamma != NULL)
        {
          scale = p->gamma[o] / sqrt ((double) p->var[o] + NN_BN_EPS);
          shift = p->beta[o] - p->mean[o] * scale;
        }
      const float *src = p->weight + (size_t) o * per_out;
      float *dst = conv->weight != NULL ? conv->weight + (size_t) o * per_out : NULL;
      /* apack[o/8][i][o%8] (the layout of nn-gemm.h), written directly. */
      float *pk = conv->apack != NULL
                    ? conv->apack + (size_t) (o / NN_GEMM_MR) * per_out * NN_GEMM_MR
                        + (size_t) (o % NN_GEMM_MR)
                    : NULL;
      for (size_t i = 0; i < per_out; i++)
        {
          const float v = (float) (src[i] * scale);
          if (dst != NULL)
            dst[i] = v;
          if (pk != NULL)
            pk[i * NN_GEMM_MR] = v;
        }
      conv->bias[o] = (float) shift;
    }
  if (conv->wpack != NULL)
    nn_conv_direct_pack (conv, conv->wpack);
}

/* splitmix64: a fast, well-mixed 64-bit generator; state advances by a fixed odd constant. */
static uint64_t
splitmix64 (uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform float in [lo, hi) from the top 24 bits of the generator. */
static float
uniform (uint64_t *state, float lo, float hi)
{
  return lo + (hi - lo) * (float) (splitmix64 (state) >> 40) * (1.0f / 16777216.0f);
}

/* See nn-unet-private.h. */
void
nn_unet_random_params (uint64_t seed, int idx, const NnConvSpec *spec, float *weight,
                       float *bn, float *bias)
{
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + (uint64_t) idx * 0x9E3779B97F4A7C15ull;
  const int fan_in = (spec->cin_a + spec->cin_b) * spec->k * spec->k;
  const float a = sqrtf (6.0f / (float) fan_in);
  const size_t n = (size_t) spec->cout * (size_t) fan_in;
  for (size_t i = 0; i < n; i++)
    weight[i] = uniform (&state, -a, a);
  /* A residual branch's last BN (bn2) is damped so 16 residual adds do not blow up. */
  const int damped = strstr (spec->bn_prefix, ".bn2") != NULL;
  for (int o = 0; o < spec->cout; o++)
    {
      if (bn != NULL)
        {
          bn[o] = damped ? uniform (&state, 0.1f, 0.4f) : uniform (&state, 0.5f, 1.5f);
          bn[spec->cout + o] = uniform (&state, -0.2f, 0.2f);
          bn[2 * spec->cout + o] = uniform (&state, -0.2f, 0.2f);
          bn[3 * spec->cout + o] = uniform (&state, 0.5f, 2.0f);
        }
      if (bias != NULL)
        bias[o] = uniform (&state, -0.1f, 0.1f);
    }
}

/* See nn-unet.h. Each conv's raw parameters are generated into one reused temporary and
 * folded, so no full-size unfolded copy of the model ever exists. */
NnStatus
nn_unet_new_random (uint64_t seed, NnUnet **out, NnError *err)
{
  NnConvSpec specs[NN_UNET_CONVS];
  nn_unet_graph (specs);
  NnUnet *m = NULL;
  NnStatus st = nn_unet_alloc (&m, err);
  if (st != NN_OK)
    return st;
  size_t max_w = 0;
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      const size_t n = (size_t) specs[i].cout * (size_t) (specs[i].cin_a + specs[i].cin_b)
                       * (size_t) (specs[i].k * specs[i].k);
      if (n > max_w)
        max_w = n;
    }
  float *wbuf = malloc (max_w * sizeof (float));
  float *vec = malloc (5 * 512 * sizeof (float));
  if (wbuf == NULL || vec == NULL)
    {
      free (wbuf);
      free (vec);
      nn_unet_free (m);
      return nn_error_set (err, NN_ERR_NOMEM, "out of memory building a random model");
    }
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      const int has_bn = specs[i].bn_prefix[0] != '\0';
      const int c = specs[i].cout;
      nn_unet_random_params (seed, i, &specs[i], wbuf, has_bn ? vec : NULL,
                             has_bn ? NULL : vec + 4 * c);
      NnConvParams p = {
        .weight = wbuf,
        .gamma = has_bn ? vec : NULL,
        .beta = has_bn ? vec + c : NULL,
        .mean = has_bn ? vec + 2 * c : NULL,
        .var = has_bn ? vec + 3 * c : NULL,
        .bias = has_bn ? NULL : vec + 4 * c,
      };
      nn_conv_set_params (&m->conv[i], &p);
    }
  free (wbuf);
  free (vec);
  *out = m;
  return NN_OK;
}
