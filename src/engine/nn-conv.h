/* nn-conv.h — 2-D convolutions of the U-Net (NCHW, batch 1, groups 1, dilation 1).
 *
 * The main path is im2col + GEMM: C[cout][oh·ow] = W[cout][K] × cols[K][oh·ow] with
 * K = cin·k·k, computed in column panels so that the im2col scratch stays L2-sized, the GEMM
 * being the engine's packed micro-kernels or cblas_sgemm (nn-gemm.h); on the packed paths
 * 3×3 stride-1 convs with Cin, Cout ≥ 16 at ≥ 16×16 run as Winograd F(4,3) (nn-wino.h), the
 * other 3×3 stride-1 convs as an implicit GEMM; on the others, those with Cout ≤ 32 (decoder
 * tail, head) use a small direct kernel (nn-conv-direct.c), since a GEMM with M = Cout that
 * small runs poorly. The input
 * may come from two sources read as one concatenated tensor, channels of source a first:
 * source a optionally through a nearest ×2 upsample (index y/2, x/2), then source b at full
 * size. BN is folded into W and the bias at load; bias, ReLU and the residual add are fused
 * into the pass that follows each panel's GEMM while that panel is still in cache.
 */
#pragma once

#include <stddef.h>

/* What happens to a panel of GEMM output before it leaves the cache. */
typedef enum {
  NN_EPI_BIAS,          /* out = conv + bias */
  NN_EPI_BIAS_RELU,     /* out = max(conv + bias, 0) */
  NN_EPI_ADD_BIAS_RELU, /* out = max(conv + bias + out, 0): out holds the residual on entry */
} NnEpilogue;

/* Which kernel computed a convolution (nn_conv_forward's result). */
typedef enum {
  NN_KERNEL_DIRECT,          /* the direct 3×3 kernel of nn-conv-direct.c */
  NN_KERNEL_BLAS,            /* im2col + cblas_sgemm */
  NN_KERNEL_AVX2_IM2COL,     /* im2col-packed GEMM, AVX2+FMA micro-kernel */
  NN_KERNEL_AVX2_IMPLICIT,   /* implicit GEMM (3×3 stride 1), AVX2+FMA */
  NN_KERNEL_AVX2_WINOGRAD,   /* Winograd F(4,3), AVX2+FMA (nn-wino.h) */
  NN_KERNEL_AVX512_IM2COL,   /* im2col-packed GEMM, AVX-512 micro-kernel */
  NN_KERNEL_AVX512_IMPLICIT, /* implicit GEMM (3×3 stride 1), AVX-512 */
  NN_KERNEL_AVX512_WINOGRAD, /* Winograd F(4,3), AVX-512 (nn-wino.h) */
  NN_KERNELS
} NnKernel;

/* Short name of a kernel ("direct", "blas", "avx2-im2col", "avx2-implicit",
 * "avx2-winograd", "avx512-im2col", "avx512-implicit", "avx512-winograd");
 * "?" out of range. */
const char *nn_kernel_name (NnKernel k);

/* One convolution with BN already folded into weight and bias. */
typedef struct {
  int cin_a;      /* channels taken from source a */
  int cin_b;      /* channels taken from source b (0: single source) */
  int cout;
  int k;          /* square kernel size: 1, 3 or 7 */
  int stride;     /* 1 or 2 */
  int pad;
  int upsample_a; /* non-zero: source a is read through a nearest ×2 upsample */
  float *weight;  /* [cout][(cin_a+cin_b)·k·k], 64-byte aligned; NULL when apack alone holds
                   * the weights (models loaded on CPUs with a packed path) */
  float *bias;    /* [cout] */
  float *wpack;   /* direct-kernel copy of weight (nn_conv_direct_pack), or NULL */
  float *apack;   /* packed-GEMM copy of weight (layout: nn-gemm.h), or NULL: BLAS path only */
} NnConv;

/* Largest Cout the direct 3×3 kernel is used for (the decoder tail and the head). */
#define NN_DIRECT_MAX_COUT 32

/* Where a convolution reads its input. h, w are the sizes the kernel sees, i.e. after the
 * upsample: source a is [cin_a][h/2][w/2] when upsampled, else [cin_a][h][w]; b is
 * [cin_b][h][w]. */
typedef struct {
  const float *a;
  const float *b;
  int h, w;
} NnConvInput;

/* Output height/width of conv c applied to an h×w input. */
int nn_conv_out_size (const NnConv *c, int in_size);

/* Number of floats of im2col scratch nn_conv_forward needs for c at its smallest panel
 * width; any larger scratch gives wider panels. */
size_t nn_conv_min_scratch (const NnConv *c);

/* Computes out[cout][oh][ow] = epilogue(conv(in)): by Winograd F(4,3) when
 * nn_wino_preferred (nn-wino.h; the whole scratch is used), else with the direct kernel when
 * nn_conv_direct_applies, epi is not the residual one and scratch_floats reaches
 * nn_conv_direct_scratch(c); else through the GEMM seam (nn-gemm.h): the packed
 * micro-kernels of nn_gemm_path() when c->apack is set, else im2col + cblas_sgemm. scratch holds scratch_floats floats, at
 * least nn_conv_min_scratch(c); it is overwritten. out must not overlap the input sources
 * (it may hold the residual for NN_EPI_ADD_BIAS_RELU). Allocates nothing. Returns the
 * kernel that ran. */
NnKernel nn_conv_forward (const NnConv *c, const NnConvInput *in, float *out, NnEpilogue epi,
                      float *scratch, size_t scratch_floats);

/* Gathers the im2col rows of c for output pixels [n0, n0+nb) into cols[K][nb]. Exposed for
 * the tests of panel boundaries. */
void nn_im2col_panel (const NnConv *c, const NnConvInput *in, int n0, int nb, float *cols);

/* True when c's shape suits the direct kernel: 3×3, stride 1, pad 1, cout ≤
 * NN_DIRECT_MAX_COUT. Such convs get a wpack at load. */
int nn_conv_direct_eligible (const NnConv *c);

/* True when nn_conv_forward will use the direct kernel for c on an h×w input: eligible,
 * wpack present, w a multiple of 16 and at most 256. */
int nn_conv_direct_applies (const NnConv *c, int h, int w);

/* Floats of wpack for an eligible c: ceil(cout/4)·4·cin·9. */
size_t nn_conv_direct_pack_floats (const NnConv *c);

/* Fills wpack [ceil(cout/4)][cin][3][3][4] from c->weight (zeros past cout). */
void nn_conv_direct_pack (const NnConv *c, float *wpack);

/* Copies input row y of channel ci of c's (two-source, maybe upsampled) input into
 * dst[0 .. w+1] with dst[x+1] = input column x and zeros at both ends (and for rows outside
 * the image). */
void nn_conv_padded_row (const NnConv *c, const NnConvInput *in, int ci, int y, float *dst);

/* Floats of scratch the direct kernel needs for c (three padded rows per input channel). */
size_t nn_conv_direct_scratch (const NnConv *c);

/* The direct kernel (NN_EPI_BIAS or NN_EPI_BIAS_RELU only); same output as
 * nn_conv_forward. scratch holds at least nn_conv_direct_scratch(c) floats. */
void nn_conv_direct_forward (const NnConv *c, const NnConvInput *in, float *out,
                             NnEpilogue epi, float *scratch);

/* Max pool 3×3, stride 2, padding 1 (padding never wins): in [c][h][w] →
 * out [c][(h-1)/2+1][(w-1)/2+1]. */
void nn_maxpool3s2 (const float *in, int c, int h, int w, float *out);
