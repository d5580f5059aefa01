/* nn-convert.c — element conversions to f32 (see nn-convert.h). */
#include "nn-convert.h"

#include <float.h>
#include <math.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG 1
#else
#define HOST_BIG 0
#endif

/* Loads a u16 from any alignment, byte-swapped when swap is set. */
static inline uint16_t
ld16 (const uint8_t *p, int swap)
{
  uint16_t v;
  memcpy (&v, p, sizeof v);
  return swap ? __builtin_bswap16 (v) : v;
}

/* Loads a u32 from any alignment, byte-swapped when swap is set. */
static inline uint32_t
ld32 (const uint8_t *p, int swap)
{
  uint32_t v;
  memcpy (&v, p, sizeof v);
  return swap ? __builtin_bswap32 (v) : v;
}

/* Loads a u64 from any alignment, byte-swapped when swap is set. */
static inline uint64_t
ld64 (const uint8_t *p, int swap)
{
  uint64_t v;
  memcpy (&v, p, sizeof v);
  return swap ? __builtin_bswap64 (v) : v;
}

/* Reinterprets 32 bits as a float. */
static inline float
bits_to_float (uint32_t bits)
{
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* IEEE half -> single, exact for every value including subnormals, inf and NaN. */
static inline float
half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  if (exp == 0x1f)
    return bits_to_float (sign | 0x7f800000u | (man << 13));
  if (exp != 0)
    return bits_to_float (sign | ((exp + 112) << 23) | (man << 13));
  if (man == 0)
    return bits_to_float (sign);
  uint32_t e = 113;
  while (!(man & 0x400))
    {
      man <<= 1;
      e--;
    }
  return bits_to_float (sign | (e << 23) | ((man & 0x3ff) << 13));
}

/* f64 -> f32 with out-of-range finite values saturating to infinity (no UB). */
static inline float
double_to_float (uint64_t bits)
{
  double d;
  memcpy (&d, &bits, sizeof d);
  if (d > FLT_MAX)
    return INFINITY;
  if (d < -FLT_MAX)
    return -INFINITY;
  return (float) d;
}

/* Dispatches on the storage type; callers pass float types only. */
float
nn_convert_element (NnStorageType type, const uint8_t *p, int big)
{
  int swap = big != HOST_BIG;
  switch (type)
    {
    case NN_ST_F16:
      return half_to_float (ld16 (p, swap));
    case NN_ST_BF16:
      return bits_to_float ((uint32_t) ld16 (p, swap) << 16);
    case NN_ST_F64:
      return double_to_float (ld64 (p, swap));
    default:
      return bits_to_float (ld32 (p, swap));
    }
}

/* One tight loop per type; native-order f32 is a plain copy. */
void
nn_convert_run (NnStorageType type, const uint8_t *src, size_t n, int big, float *dst)
{
  int swap = big != HOST_BIG;
  switch (type)
    {
    case NN_ST_F16:
      for (size_t i = 0; i < n; i++)
        dst[i] = half_to_float (ld16 (src + 2 * i, swap));
      return;
    case NN_ST_BF16:
      for (size_t i = 0; i < n; i++)
        dst[i] = bits_to_float ((uint32_t) ld16 (src + 2 * i, swap) << 16);
      return;
    case NN_ST_F64:
      for (size_t i = 0; i < n; i++)
        dst[i] = double_to_float (ld64 (src + 8 * i, swap));
      return;
    default:
      if (!swap)
        {
          memcpy (dst, src, n * sizeof (float));
          return;
        }
      for (size_t i = 0; i < n; i++)
        dst[i] = bits_to_float (ld32 (src + 4 * i, swap));
      return;
    }
}

/* See nn-convert.h. */
int
nn_convert_is_identity (NnStorageType type, int big)
{
  return type == NN_ST_F32 && (big != 0) == HOST_BIG;
}
