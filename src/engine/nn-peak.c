/* nn-peak.c — measures the FMA peak of one core, the yardstick `bench` reports against. */
#include "nn-gemm.h"

#include <immintrin.h>
#include <time.h>

#define NN_PEAK_CHAINS 12   /* independent accumulators: covers 2 ports × 4-6 cycles latency */
#define NN_PEAK_ITERS 65536

/* Monotonic clock in seconds. */
static double
peak_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* NN_PEAK_ITERS rounds of NN_PEAK_CHAINS independent 16-lane FMAs; returns a lane sum so the
 * work cannot be optimised away. */
__attribute__ ((target ("avx512f,fma"))) static float
fma_loop_avx512 (float x)
{
  __m512 acc[NN_PEAK_CHAINS];
  const __m512 m = _mm512_set1_ps (0.999999f), a = _mm512_set1_ps (x);
#pragma GCC unroll 12
  for (int i = 0; i < NN_PEAK_CHAINS; i++)
    acc[i] = _mm512_set1_ps ((float) i);
  for (int it = 0; it < NN_PEAK_ITERS; it++)
#pragma GCC unroll 12
    for (int i = 0; i < NN_PEAK_CHAINS; i++)
      acc[i] = _mm512_fmadd_ps (acc[i], m, a);
  __m512 s = acc[0];
  for (int i = 1; i < NN_PEAK_CHAINS; i++)
    s = _mm512_add_ps (s, acc[i]);
  float lanes[16];
  _mm512_storeu_ps (lanes, s);
  return lanes[0] + lanes[15];
}

/* The same with 8-lane AVX2 FMAs. */
__attribute__ ((target ("avx2,fma"))) static float
fma_loop_avx2 (float x)
{
  __m256 acc[NN_PEAK_CHAINS];
  const __m256 m = _mm256_set1_ps (0.999999f), a = _mm256_set1_ps (x);
#pragma GCC unroll 12
  for (int i = 0; i < NN_PEAK_CHAINS; i++)
    acc[i] = _mm256_set1_ps ((float) i);
  for (int it = 0; it < NN_PEAK_ITERS; it++)
#pragma GCC unroll 12
    for (int i = 0; i < NN_PEAK_CHAINS; i++)
      acc[i] = _mm256_fmadd_ps (acc[i], m, a);
  __m256 s = acc[0];
  for (int i = 1; i < NN_PEAK_CHAINS; i++)
    s = _mm256_add_ps (s, acc[i]);
  float lanes[8];
  _mm256_storeu_ps (lanes, s);
  return lanes[0] + lanes[7];
}

/* See nn-gemm.h. Best of 20 bursts of about 0.5 ms each, so a burst that another
 * process interrupts does not count. */
double
nn_fma_peak_gflops (NnGemmPath p)
{
  if (p == NN_GEMM_BLAS || !nn_gemm_path_available (p))
    return 0.0;
  const int lanes = p == NN_GEMM_AVX512 ? 16 : 8;
  const double flops = 2.0 * lanes * NN_PEAK_CHAINS * (double) NN_PEAK_ITERS;
  volatile float sink = 0.0f;
  double best = 0.0;
  for (int rep = 0; rep < 20; rep++)
    {
      const double t0 = peak_now ();
      sink += p == NN_GEMM_AVX512 ? fma_loop_avx512 (sink) : fma_loop_avx2 (sink);
      const double dt = peak_now () - t0;
      if (dt > 0 && flops / dt > best)
        best = flops / dt;
    }
  return best * 1e-9;
}
