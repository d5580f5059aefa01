/* nn-wino.c — blocking, planning and the GEMM loop of the Winograd F(4,3) convolution
 * (see nn-wino.h).
 *
 * Scratch layout for one block of R tile rows (S = its GEMM columns: the tiles, rounded up
 * to whole groups and whole NR-wide panels):
 *   band  [cin][4R+2][rl]        zero-padded input rows, rl = w rounded up to LANES, + 4
 *   V     [36][S/NR][cin][NR]    transformed input, bpack panels per transform point ξ
 *   U     [36][co/8][cin][8]     transformed weights of one chunk of co output channels
 *   M     [36][co][S]            the 36 GEMM products for that chunk
 * Cost of transforming U per block rather than at load, counted in vector operations per
 * input channel and 16 output channels: ~135 for U against 36·S/LANES·16 FMAs of GEMM,
 * i.e. ≤ 6 % at the S ≥ 64 the plan aims for; measured 5–10 % of a layer's CPU time.
 */
#include "nn-wino.h"

#include <stdatomic.h>
#include <string.h>

#define XI 36                       /* transform points of F(4,3): 6×6 */
#define U_CHUNK_FLOATS (256 * 1024) /* aim for one U chunk ≤ 1 MiB */
#define TILES_TARGET 64             /* tiles per block the plan aims for */
/* Padding after each transform point's slice of V, U and M: their sizes are often powers
 * of two, and 36 slices exactly 4 KiB-multiples apart all fall into one L1 set (measured:
 * up to 4× slower transforms). One cache line of padding spreads them over 36 sets. */
#define XI_PAD 16

static atomic_int wino_off = 0;

/* Geometry of one Winograd convolution. */
typedef struct {
  int lanes;  /* floats per vector: 16 (AVX-512) or 8 (AVX2); a chunk is lanes/4 tiles */
  int nr;     /* GEMM panel width of the path: 32 or 24 */
  int cin;
  int cpr;    /* chunks per tile row: ceil(w / lanes) */
  int th;     /* tile rows: ceil(h / 4) */
  size_t rl;  /* band row length: cpr·lanes + 4 */
  int rows;   /* tile rows per block (R) */
  int co;     /* output channels per U chunk, a multiple of 8 */
} Plan;

/* GEMM columns of a block of r tile rows: whole groups of four chunks, whole panels. */
static size_t
block_columns (const Plan *p, int r)
{
  const size_t chunks = (size_t) r * (size_t) p->cpr;
  const size_t slots = (chunks + 3) / 4 * (size_t) p->lanes;
  return (slots + (size_t) p->nr - 1) / (size_t) p->nr * (size_t) p->nr;
}

/* Scratch floats for a block of r tile rows. */
static size_t
plan_floats (const Plan *p, int r)
{
  const size_t cin = (size_t) p->cin, s = block_columns (p, r), co = (size_t) p->co;
  return cin * (size_t) (4 * r + 2) * p->rl + XI * (cin * s + XI_PAD) + XI * (co * cin + XI_PAD)
         + XI * (co * s + XI_PAD);
}

/* Fills *p for c on an h×w input on path path; 0 when Winograd cannot run it there. */
static int
make_plan (NnGemmPath path, const NnConv *c, int h, int w, size_t scratch_floats, Plan *p)
{
  if ((path != NN_GEMM_AVX2 && path != NN_GEMM_AVX512) || c->apack == NULL || c->k != 3
      || c->stride != 1 || c->pad != 1 || h < 1 || w < 1)
    return 0;
  p->lanes = path == NN_GEMM_AVX512 ? 16 : 8;
  p->nr = path == NN_GEMM_AVX512 ? 32 : 24;
  p->cin = c->cin_a + c->cin_b;
  p->cpr = (w + p->lanes - 1) / p->lanes;
  p->th = (h + 3) / 4;
  p->rl = (size_t) p->cpr * (size_t) p->lanes + 4;
  /* Output channels per U chunk: as many as keep U near U_CHUNK_FLOATS, balanced. */
  const int cout8 = (c->cout + 7) / 8 * 8;
  int co_max = U_CHUNK_FLOATS / (XI * p->cin) / 8 * 8;
  if (co_max < 8)
    co_max = 8;
  const int chunks = (cout8 + co_max - 1) / co_max;
  p->co = ((cout8 + chunks - 1) / chunks + 7) / 8 * 8;
  const int tiles_per_row = p->cpr * p->lanes / 4;
  int r = (TILES_TARGET + tiles_per_row - 1) / tiles_per_row;
  if (r > p->th)
    r = p->th;
  while (r > 1 && plan_floats (p, r) > scratch_floats)
    r--;
  p->rows = r;
  return plan_floats (p, r) <= scratch_floats;
}

/* See nn-wino.h. */
int
nn_wino_applies (NnGemmPath p, const NnConv *c, int h, int w, size_t scratch_floats)
{
  Plan plan;
  return make_plan (p, c, h, w, scratch_floats, &plan);
}

/* See nn-wino.h. */
int
nn_wino_preferred (NnGemmPath p, const NnConv *c, int h, int w, size_t scratch_floats)
{
  return nn_wino_enabled () && h >= 16 && w >= 16 && c->cin_a + c->cin_b >= 16
         && c->cout >= 16 && nn_wino_applies (p, c, h, w, scratch_floats);
}

/* See nn-wino.h. */
void
nn_wino_set_enabled (int on)
{
  atomic_store (&wino_off, !on);
}

/* See nn-wino.h. */
int
nn_wino_enabled (void)
{
  return !atomic_load (&wino_off);
}

typedef void (*TileFn) (int kc, const float *a, const float *b, float *c, size_t ldc,
                        int rows, int cols, const float *bias, unsigned flags);
typedef void (*InputFn) (const float *band, size_t chan, size_t rl, int cin,
                         const size_t off[4], float *v, size_t v_xi, size_t v_ci);
typedef void (*OutputFn) (const float *m, size_t m_xi, float *const dst[4], size_t ldo,
                          const int rows[4], const int cols[4], float bias, int relu, int add);

/* See nn-wino.h. */
void
nn_wino_conv (NnGemmPath path, const NnConv *c, const NnConvInput *in, float *out,
              NnEpilogue epi, float *scratch, size_t scratch_floats)
{
  Plan p;
  if (!make_plan (path, c, in->h, in->w, scratch_floats, &p))
    return;
  const int avx512 = path == NN_GEMM_AVX512;
  const TileFn tile = avx512 ? nn_gemm_tile_avx512 : nn_gemm_tile_avx2;
  const InputFn input = avx512 ? nn_wino_input_avx512 : nn_wino_input_avx2;
  const OutputFn output = avx512 ? nn_wino_output_avx512 : nn_wino_output_avx2;
  const int h = in->h, w = in->w, cin = p.cin, lanes = p.lanes, nr = p.nr;
  const size_t n = (size_t) h * (size_t) w, kdim = (size_t) cin * 9;
  const size_t chan = (size_t) (4 * p.rows + 2) * p.rl;
  const size_t s_max = block_columns (&p, p.rows);
  float *band = scratch;
  float *v = band + (size_t) cin * chan;
  float *u = v + XI * ((size_t) cin * s_max + XI_PAD);
  const size_t u_xi = (size_t) p.co * (size_t) cin + XI_PAD;
  float *m = u + XI * u_xi;
  const int relu = epi != NN_EPI_BIAS, add = epi == NN_EPI_ADD_BIAS_RELU;

  for (int ty0 = 0; ty0 < p.th; ty0 += p.rows)
    {
      const int rb = p.th - ty0 < p.rows ? p.th - ty0 : p.rows;
      const int chunks = rb * p.cpr, groups = (chunks + 3) / 4;
      const size_t s = block_columns (&p, rb), v_xi = s * (size_t) cin + XI_PAD;
      const int panels_n = (int) (s / (size_t) nr), slots = groups * lanes;
      for (int ci = 0; ci < cin; ci++)
        for (int r = 0; r < 4 * rb + 2; r++)
          {
            float *dst = band + (size_t) ci * chan + (size_t) r * p.rl;
            nn_conv_padded_row (c, in, ci, 4 * ty0 - 1 + r, dst);
            memset (dst + w + 2, 0, (p.rl - (size_t) w - 2) * sizeof (float));
          }
      for (int g = 0; g < groups; g++)
        {
          size_t off[4];
          for (int q = 0; q < 4; q++)
            {
              /* A group past the last chunk repeats it; its outputs are dropped. */
              const int k = 4 * g + q < chunks ? 4 * g + q : chunks - 1;
              off[q] = (size_t) (k / p.cpr) * 4 * p.rl + (size_t) (k % p.cpr * lanes);
            }
          const int s0 = g * lanes;
          input (band, chan, p.rl, cin, off, v + (size_t) (s0 / nr) * (size_t) cin * nr + s0 % nr,
                 v_xi, (size_t) nr);
        }
      for (int co0 = 0; co0 < c->cout; co0 += p.co)
        {
          const int coc = c->cout - co0 < p.co ? c->cout - co0 : p.co;
          const int panels_m = (coc + NN_GEMM_MR - 1) / NN_GEMM_MR;
          for (int mp = 0; mp < panels_m; mp++)
            nn_wino_weights_avx2 (c->apack + (size_t) (co0 / NN_GEMM_MR + mp) * kdim * NN_GEMM_MR,
                                  cin, u + (size_t) mp * (size_t) cin * NN_GEMM_MR, u_xi);
          const size_t m_xi = (size_t) p.co * s + XI_PAD;
          for (int xi = 0; xi < XI; xi++)
            for (int np = 0; np < panels_n; np++)
              {
                const int cols = slots - np * nr < nr ? slots - np * nr : nr;
                const float *b = v + (size_t) xi * v_xi + (size_t) np * (size_t) cin * nr;
                for (int mp = 0; mp < panels_m; mp++)
                  {
                    const int rows = coc - mp * NN_GEMM_MR < NN_GEMM_MR ? coc - mp * NN_GEMM_MR
                                                                        : NN_GEMM_MR;
                    const float *a = u + (size_t) xi * u_xi + (size_t) mp * (size_t) cin * NN_GEMM_MR;
                    float *cm = m + (size_t) xi * m_xi + (size_t) mp * NN_GEMM_MR * s + (size_t) np * nr;
                    tile (cin, a, b, cm, s, rows, cols, NULL, 0);
                  }
              }
          for (int o = 0; o < coc; o++)
            for (int g = 0; g < groups; g++)
              {
                float *dst[4];
                int rows[4], cols[4];
                for (int q = 0; q < 4; q++)
                  {
                    const int k = 4 * g + q;
                    const int y = 4 * (ty0 + k / p.cpr), x0 = k % p.cpr * lanes;
                    const int valid = k < chunks;
                    rows[q] = valid ? (h - y < 4 ? h - y : 4) : 0;
                    cols[q] = valid ? (w - x0 < lanes ? w - x0 : lanes) : 0;
                    dst[q] = valid ? out + (size_t) (co0 + o) * n + (size_t) y * (size_t) w
                                       + (size_t) x0
                                   : out;
                  }
                output (m + (size_t) o * s + (size_t) g * lanes, m_xi, dst, (size_t) w, rows,
                        cols, c->bias[co0 + o], relu, add);
              }
        }
    }
}
