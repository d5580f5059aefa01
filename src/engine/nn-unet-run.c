/* nn-unet-run.c — the per-worker workspace (static buffer plan) and the forward pass. */
#include "nn-gemm.h"
#include "nn-plan.h"
#include "nn-unet-private.h"
#include "nn-wino.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* im2col panel budget: columns per panel are chosen so the panel stays about this size
 * (Winograd, on CPUs with a packed path, gets NN_WINO_SCRATCH_FLOATS instead). */
#define NN_IM2COL_SCRATCH_BYTES ((size_t) 1 << 20)

/* Activation buffers, with their shapes (batch 1, NCHW floats). Buffers that a stage only
 * reads from an earlier stage stay live until their last reader (the skips f1..f4). */
enum {
  BUF_F1,   /* [64][128][128]  stem output, skip of decoder block 3 */
  BUF_F2,   /* [64][64][64]    max pool output; layer1 updates it in place; skip of block 2 */
  BUF_T1,   /* [64][64][64]    layer1 conv1 output */
  BUF_T2,   /* [128][32][32]   layer2 conv1 output */
  BUF_F3,   /* [128][32][32]   layer2 output (in-place blocks), skip of block 1 */
  BUF_T3,   /* [256][16][16]   layer3 conv1 output */
  BUF_F4,   /* [256][16][16]   layer3 output, skip of block 0 */
  BUF_T4,   /* [512][8][8]     layer4 conv1 output */
  BUF_F5,   /* [512][8][8]     layer4 output, decoder input */
  BUF_D0T,  /* [256][16][16]   decoder block 0 conv1 output */
  BUF_D0,   /* [256][16][16]   decoder block 0 output */
  BUF_D1T,  /* [128][32][32] */
  BUF_D1,   /* [128][32][32] */
  BUF_D2T,  /* [64][64][64] */
  BUF_D2,   /* [64][64][64] */
  BUF_D3T,  /* [32][128][128] */
  BUF_D3,   /* [32][128][128] */
  BUF_D4T,  /* [16][256][256] */
  BUF_D4,   /* [16][256][256]  head input */
  BUF_SCRATCH, /* im2col panel / Winograd blocks, live throughout */
  BUF_COUNT
};

/* Stages, which are also the plan's lifetime steps. */
enum {
  ST_STEM, ST_L1, ST_L2, ST_L3, ST_L4, ST_D0, ST_D1, ST_D2, ST_D3, ST_D4, ST_HEAD,
};

struct NnWorkspace {
  unsigned char *arena;          /* one 64-byte-aligned block: every buffer below */
  size_t bytes;
  float *buf[BUF_COUNT];
  size_t scratch_floats;
  NnStageStats stages;                 /* of the last run */
};

static const char *const stage_names[NN_UNET_STAGES] = {
  "stem", "layer1", "layer2", "layer3", "layer4",
  "decoder.0", "decoder.1", "decoder.2", "decoder.3", "decoder.4", "head",
};

/* See nn-unet.h: a fixed name per stage, or "?" out of range. */
const char *
nn_unet_stage_name (int stage)
{
  return stage >= 0 && stage < NN_UNET_STAGES ? stage_names[stage] : "?";
}

/* Fills one plan entry with the byte size of a c×h×w float tensor and its lifetime. */
static void
plan_entry (NnPlanBuffer *b, const char *name, size_t floats, int first, int last)
{
  b->name = name;
  b->bytes = floats * sizeof (float);
  b->first = first;
  b->last = last;
  b->offset = 0;
}

/* See nn-unet.h. The plan is the same for every model (shapes are fixed). */
NnStatus
nn_workspace_new (NnWorkspace **out, NnError *err)
{
  NnConvSpec specs[NN_UNET_CONVS];
  nn_unet_graph (specs);
  size_t scratch = NN_IM2COL_SCRATCH_BYTES / sizeof (float);
  if (nn_gemm_path_available (NN_GEMM_AVX2) && scratch < NN_WINO_SCRATCH_FLOATS)
    scratch = NN_WINO_SCRATCH_FLOATS;
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      NnConv c = { .cin_a = specs[i].cin_a, .cin_b = specs[i].cin_b, .cout = specs[i].cout,
                   .k = specs[i].k, .stride = specs[i].stride, .pad = specs[i].pad };
      if (nn_conv_min_scratch (&c) > scratch)
        scratch = nn_conv_min_scratch (&c);
      if (nn_conv_direct_eligible (&c) && nn_conv_direct_scratch (&c) > scratch)
        scratch = nn_conv_direct_scratch (&c);
    }

  NnPlanBuffer p[BUF_COUNT];
  plan_entry (&p[BUF_F1], "f1", 64 * 128 * 128, ST_STEM, ST_D3);
  plan_entry (&p[BUF_F2], "f2", 64 * 64 * 64, ST_STEM, ST_D2);
  plan_entry (&p[BUF_T1], "t1", 64 * 64 * 64, ST_L1, ST_L1);
  plan_entry (&p[BUF_T2], "t2", 128 * 32 * 32, ST_L2, ST_L2);
  plan_entry (&p[BUF_F3], "f3", 128 * 32 * 32, ST_L2, ST_D1);
  plan_entry (&p[BUF_T3], "t3", 256 * 16 * 16, ST_L3, ST_L3);
  plan_entry (&p[BUF_F4], "f4", 256 * 16 * 16, ST_L3, ST_D0);
  plan_entry (&p[BUF_T4], "t4", 512 * 8 * 8, ST_L4, ST_L4);
  plan_entry (&p[BUF_F5], "f5", 512 * 8 * 8, ST_L4, ST_D0);
  plan_entry (&p[BUF_D0T], "d0t", 256 * 16 * 16, ST_D0, ST_D0);
  plan_entry (&p[BUF_D0], "d0", 256 * 16 * 16, ST_D0, ST_D1);
  plan_entry (&p[BUF_D1T], "d1t", 128 * 32 * 32, ST_D1, ST_D1);
  plan_entry (&p[BUF_D1], "d1", 128 * 32 * 32, ST_D1, ST_D2);
  plan_entry (&p[BUF_D2T], "d2t", 64 * 64 * 64, ST_D2, ST_D2);
  plan_entry (&p[BUF_D2], "d2", 64 * 64 * 64, ST_D2, ST_D3);
  plan_entry (&p[BUF_D3T], "d3t", 32 * 128 * 128, ST_D3, ST_D3);
  plan_entry (&p[BUF_D3], "d3", 32 * 128 * 128, ST_D3, ST_D4);
  plan_entry (&p[BUF_D4T], "d4t", 16 * 256 * 256, ST_D4, ST_D4);
  plan_entry (&p[BUF_D4], "d4", 16 * 256 * 256, ST_D4, ST_HEAD);
  plan_entry (&p[BUF_SCRATCH], "scratch", scratch, ST_STEM, ST_HEAD);
  const size_t bytes = nn_plan_place (p, BUF_COUNT);

  NnWorkspace *ws = calloc (1, sizeof *ws);
  if (ws == NULL || bytes == 0 || (ws->arena = aligned_alloc (NN_PLAN_ALIGN, bytes)) == NULL)
    {
      free (ws);
      return nn_error_set (err, NN_ERR_NOMEM, "out of memory allocating a %zu-byte workspace",
                           bytes);
    }
  memset (ws->arena, 0, bytes);
  ws->bytes = bytes;
  for (int i = 0; i < BUF_COUNT; i++)
    ws->buf[i] = (float *) (void *) (ws->arena + p[i].offset);
  ws->scratch_floats = scratch;
  *out = ws;
  return NN_OK;
}

/* See nn-unet.h; safe on NULL. */
void
nn_workspace_free (NnWorkspace *ws)
{
  if (ws == NULL)
    return;
  free (ws->arena);
  free (ws);
}

/* See nn-unet.h. */
size_t
nn_workspace_bytes (const NnWorkspace *ws)
{
  return ws->bytes;
}

/* See nn-unet.h. */
const NnStageStats *
nn_workspace_stage_stats (const NnWorkspace *ws)
{
  return &ws->stages;
}

/* Clock `id` (monotonic or this thread's CPU time) in seconds. */
static double
clock_seconds (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* State of one forward pass: which conv comes next, the abort flag, and stage timing. */
typedef struct {
  const NnUnet *model;
  NnWorkspace *ws;
  int next;          /* index of the next conv in nn_unet_graph order */
  int stage;         /* the stage now running */
  const atomic_int *abort_flag;
  double stage_start, stage_cpu_start;
} Run;

/* Runs conv `index` on in (sources a, b of size h×w) into out with epilogue epi; returns
 * false (without running it) when the abort flag is raised. */
static bool
run_conv (Run *r, int index, const float *a, const float *b, int h, int w, float *out,
          NnEpilogue epi)
{
  if (r->abort_flag != NULL && atomic_load (r->abort_flag) != 0)
    return false;
  const NnConv *c = &r->model->conv[index];
  NnConvInput in = { .a = a, .b = b, .h = h, .w = w };
  const NnKernel k = nn_conv_forward (c, &in, out, epi, r->ws->buf[BUF_SCRATCH],
                                      r->ws->scratch_floats);
  r->ws->stages.kernels[r->stage] |= 1u << k;
  r->ws->stages.flops[r->stage] += 2.0 * c->cout * (c->cin_a + c->cin_b) * c->k * c->k
                                  * nn_conv_out_size (c, h) * nn_conv_out_size (c, w);
  return true;
}

/* Runs one ResNet BasicBlock on x (h×w) and returns its output buffer: in place on x when
 * the block has no downsample, else in out. Consumes 2 or 3 convs. NULL when aborted. */
static float *
basic_block (Run *r, float *x, int h, int w, float *t, float *out, int downsample)
{
  const int c1 = r->next, c2 = r->next + 1, ds = r->next + 2;
  r->next += downsample ? 3 : 2;
  const int oh = downsample ? h / 2 : h, ow = downsample ? w / 2 : w;
  float *dst = downsample ? out : x;
  if (downsample && !run_conv (r, ds, x, NULL, h, w, dst, NN_EPI_BIAS))
    return NULL;
  if (!run_conv (r, c1, x, NULL, h, w, t, NN_EPI_BIAS_RELU))
    return NULL;
  if (!run_conv (r, c2, t, NULL, oh, ow, dst, NN_EPI_ADD_BIAS_RELU))
    return NULL;
  return dst;
}

/* Closes the current stage: records its wall and CPU time and starts the next. */
static void
end_stage (Run *r, int stage)
{
  const double t = clock_seconds (CLOCK_MONOTONIC);
  const double cpu = clock_seconds (CLOCK_THREAD_CPUTIME_ID);
  r->ws->stages.seconds[stage] = t - r->stage_start;
  r->ws->stages.cpu_seconds[stage] = cpu - r->stage_cpu_start;
  r->stage_start = t;
  r->stage_cpu_start = cpu;
  r->stage = stage + 1;
}

/* See nn-unet.h. Buffers follow the plan in nn_workspace_new; nothing is allocated. */
NnStatus
nn_unet_run (const NnUnet *model, NnWorkspace *ws, const float *input, float *logits,
             const atomic_int *abort_flag, NnError *err)
{
  static const int blocks[4] = { 3, 4, 6, 3 };
  static const int enc_t[4] = { BUF_T1, BUF_T2, BUF_T3, BUF_T4 };
  static const int enc_out[4] = { BUF_F2, BUF_F3, BUF_F4, BUF_F5 };
  static const int dec_t[5] = { BUF_D0T, BUF_D1T, BUF_D2T, BUF_D3T, BUF_D4T };
  static const int dec_out[5] = { BUF_D0, BUF_D1, BUF_D2, BUF_D3, BUF_D4 };
  static const int dec_skip[5] = { BUF_F4, BUF_F3, BUF_F2, BUF_F1, -1 };

  if (model == NULL || ws == NULL || input == NULL || logits == NULL)
    return nn_error_set (err, NN_ERR_ARGUMENT, "nn_unet_run: NULL argument");
  Run r = { .model = model, .ws = ws, .next = 0, .stage = ST_STEM, .abort_flag = abort_flag,
            .stage_start = clock_seconds (CLOCK_MONOTONIC),
            .stage_cpu_start = clock_seconds (CLOCK_THREAD_CPUTIME_ID) };
  float **buf = ws->buf;
  int size = NN_UNET_SIZE;
  memset (ws->stages.flops, 0, sizeof ws->stages.flops);
  memset (ws->stages.kernels, 0, sizeof ws->stages.kernels);

  if (!run_conv (&r, r.next++, input, NULL, size, size, buf[BUF_F1], NN_EPI_BIAS_RELU))
    goto aborted;
  size /= 2;
  nn_maxpool3s2 (buf[BUF_F1], 64, size, size, buf[BUF_F2]);
  size /= 2;
  end_stage (&r, ST_STEM);

  float *x = buf[BUF_F2];
  for (int l = 0; l < 4; l++)
    {
      for (int b = 0; b < blocks[l]; b++)
        {
          const int down = b == 0 && l > 0;
          x = basic_block (&r, x, size, size, buf[enc_t[l]], buf[enc_out[l]], down);
          if (x == NULL)
            goto aborted;
          if (down)
            size /= 2;
        }
      end_stage (&r, ST_L1 + l);
    }

  for (int d = 0; d < 5; d++)
    {
      const float *skip = dec_skip[d] >= 0 ? buf[dec_skip[d]] : NULL;
      size *= 2;
      if (!run_conv (&r, r.next++, x, skip, size, size, buf[dec_t[d]], NN_EPI_BIAS_RELU)
          || !run_conv (&r, r.next++, buf[dec_t[d]], NULL, size, size, buf[dec_out[d]],
                        NN_EPI_BIAS_RELU))
        goto aborted;
      x = buf[dec_out[d]];
      end_stage (&r, ST_D0 + d);
    }

  if (!run_conv (&r, r.next++, x, NULL, size, size, logits, NN_EPI_BIAS))
    goto aborted;
  end_stage (&r, ST_HEAD);
  return NN_OK;

aborted:
  return nn_error_set (err, NN_ERR_ABORTED, "inference aborted");
}
