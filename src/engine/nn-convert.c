/* nn-convert.c — element conversions to f32 (see nn-convert.h). */
#include "nn-convert.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Reads an n-byte unsigned integer in the given byte order. */
static uint64_t
load (const uint8_t *p, int n, int big)
{
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = (v << 8) | p[big ? i : n - 1 - i];
  return v;
}

/* IEEE half -> single, exact for every value including subnormals, inf and NaN. */
static float
half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0x1f)
    bits = sign | 0x7f800000u | (man << 13);
  else if (exp != 0)
    bits = sign | ((exp + 112) << 23) | (man << 13);
  else if (man == 0)
    bits = sign;
  else
    {
      int e = 113;
      while (!(man & 0x400))
        {
          man <<= 1;
          e--;
        }
      bits = sign | ((uint32_t) e << 23) | ((man & 0x3ff) << 13);
    }
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* Dispatches on the storage type; callers pass float types only. */
float
nn_convert_element (NnStorageType type, const uint8_t *p, int big)
{
  uint32_t b32;
  uint64_t b64;
  float f;
  double d;
  switch (type)
    {
    case NN_ST_F16:
      return half_to_float ((uint16_t) load (p, 2, big));
    case NN_ST_BF16:
      b32 = (uint32_t) load (p, 2, big) << 16;
      memcpy (&f, &b32, sizeof f);
      return f;
    case NN_ST_F64:
      b64 = load (p, 8, big);
      memcpy (&d, &b64, sizeof d);
      if (d > FLT_MAX)
        return INFINITY;
      if (d < -FLT_MAX)
        return -INFINITY;
      return (float) d;
    default:
      b32 = (uint32_t) load (p, 4, big);
      memcpy (&f, &b32, sizeof f);
      return f;
    }
}

/* Little-endian f32 is a plain copy; everything else goes element by element. */
void
nn_convert_run (NnStorageType type, const uint8_t *src, size_t n, int big, float *dst)
{
  const uint16_t probe = 1;
  int host_little = *(const uint8_t *) &probe == 1;
  if (type == NN_ST_F32 && big != host_little)
    {
      memcpy (dst, src, n * sizeof (float));
      return;
    }
  size_t es = nn_storage_type_size (type);
  for (size_t i = 0; i < n; i++)
    dst[i] = nn_convert_element (type, src + i * es, big);
}
