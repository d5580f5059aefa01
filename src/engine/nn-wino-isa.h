/* nn-wino-isa.h — the Winograd F(4,3) input and output transforms, written once over a
 * vector type and included by nn-wino-avx2.c and nn-wino-avx512.c, which define:
 *   WV, WLANES            vector type and its float count (8 or 16)
 *   WTARGET               the function target attribute
 *   WLOAD WSTORE WADD WSUB WMUL WFMADD WFNMADD WSET1 WRELU
 *   WUNPACKLO WUNPACKHI WSHUFFLE   the in-128-bit-lane shuffles
 *   WINPUT WOUTPUT        the names of the two exported functions
 * Bᵀ rows: [4 0 -5 0 1 0] [0 -4 -4 1 1 0] [0 4 -4 -1 1 0] [0 -2 -1 2 1 0] [0 2 -1 -2 1 0]
 * [0 4 0 -5 0 1]; Aᵀ rows: [1 1 1 1 1 0] [0 1 -1 2 -2 0] [0 1 1 4 4 0] [0 1 -1 8 -8 1].
 */
#include <string.h>

/* t = Bᵀ d for six vectors (14 operations). */
WTARGET static inline void
input_1d (const WV d[6], WV t[6])
{
  const WV four = WSET1 (4.0f), five = WSET1 (5.0f), two = WSET1 (2.0f);
  t[0] = WFMADD (four, d[0], WFNMADD (five, d[2], d[4]));
  t[1] = WFNMADD (four, WADD (d[1], d[2]), WADD (d[3], d[4]));
  t[2] = WFMADD (four, WSUB (d[1], d[2]), WSUB (d[4], d[3]));
  const WV e = WSUB (d[4], d[2]), f = WSUB (d[1], d[3]);
  t[3] = WFNMADD (two, f, e);
  t[4] = WFMADD (two, f, e);
  t[5] = WFMADD (four, d[1], WFNMADD (five, d[3], d[5]));
}

/* y = Aᵀ m for six vectors in, four out. */
WTARGET static inline void
output_1d (const WV m[6], WV y[4])
{
  const WV a = WADD (m[1], m[2]), b = WSUB (m[1], m[2]);
  const WV c = WADD (m[3], m[4]), d = WSUB (m[3], m[4]);
  y[0] = WADD (WADD (m[0], a), c);
  y[1] = WFMADD (WSET1 (2.0f), d, b);
  y[2] = WFMADD (WSET1 (4.0f), c, a);
  y[3] = WADD (WFMADD (WSET1 (8.0f), d, b), m[5]);
}

/* Transposes the 4×4 blocks of r[0..3] inside each 128-bit lane: o[c] lane L element e =
 * r[e] lane L element c. Its own inverse. */
WTARGET static inline void
transpose4 (const WV r[4], WV o[4])
{
  const WV t0 = WUNPACKLO (r[0], r[1]), t1 = WUNPACKHI (r[0], r[1]);
  const WV t2 = WUNPACKLO (r[2], r[3]), t3 = WUNPACKHI (r[2], r[3]);
  o[0] = WSHUFFLE (t0, t2, 0x44);
  o[1] = WSHUFFLE (t0, t2, 0xEE);
  o[2] = WSHUFFLE (t1, t3, 0x44);
  o[3] = WSHUFFLE (t1, t3, 0xEE);
}

/* See nn-wino.h. Per channel: the vertical transform of each chunk's six rows at column
 * offsets 0 and 4 (lane L element e = column 4L + e, resp. 4L + 4 + e of the chunk), a
 * lane transpose that turns four chunks into one vector per tile column (vector lane 4L + q
 * = tile L of chunk q), then the horizontal transform. */
WTARGET void
WINPUT (const float *band, size_t chan, size_t rl, int cin, const size_t off[4], float *v,
        size_t v_xi, size_t v_ci)
{
  for (int ci = 0; ci < cin; ci++)
    {
      const float *base = band + (size_t) ci * chan;
      WV a[6][4], s[6][4];
      for (int q = 0; q < 4; q++)
        {
          const float *p = base + off[q];
          WV d[6], t[6];
          for (int r = 0; r < 6; r++)
            d[r] = WLOAD (p + (size_t) r * rl);
          input_1d (d, t);
          for (int j = 0; j < 6; j++)
            a[j][q] = t[j];
          for (int r = 0; r < 6; r++)
            d[r] = WLOAD (p + (size_t) r * rl + 4);
          input_1d (d, t);
          for (int j = 0; j < 6; j++)
            s[j][q] = t[j];
        }
      for (int iv = 0; iv < 6; iv++)
        {
          WV x[6], hi[4], t[6];
          transpose4 (a[iv], x);
          transpose4 (s[iv], hi);
          x[4] = hi[0];
          x[5] = hi[1];
          input_1d (x, t);
          float *dst = v + (size_t) (6 * iv) * v_xi + (size_t) ci * v_ci;
          for (int ih = 0; ih < 6; ih++)
            WSTORE (dst + (size_t) ih * v_xi, t[ih]);
        }
    }
}

/* See nn-wino.h. */
WTARGET void
WOUTPUT (const float *m, size_t m_xi, float *const dst[4], size_t ldo, const int rows[4],
         const int cols[4], float bias, int relu, int add)
{
  WV r[6][4];
  for (int iv = 0; iv < 6; iv++)
    {
      WV mm[6];
      for (int ih = 0; ih < 6; ih++)
        mm[ih] = WLOAD (m + (size_t) (6 * iv + ih) * m_xi);
      output_1d (mm, r[iv]);
    }
  WV y[4][4];
  for (int b = 0; b < 4; b++)
    {
      WV col[6], o[4];
      for (int iv = 0; iv < 6; iv++)
        col[iv] = r[iv][b];
      output_1d (col, o);
      for (int a = 0; a < 4; a++)
        y[a][b] = o[a];
    }
  const WV vb = WSET1 (bias);
  for (int a = 0; a < 4; a++)
    {
      WV z[4];
      transpose4 (y[a], z);
      for (int q = 0; q < 4; q++)
        {
          if (a >= rows[q])
            continue;
          float *d = dst[q] + (size_t) a * ldo;
          WV val = WADD (z[q], vb);
          if (cols[q] == WLANES)
            {
              if (add)
                val = WADD (val, WLOAD (d));
              if (relu)
                val = WRELU (val);
              WSTORE (d, val);
              continue;
            }
          float tmp[WLANES] = { 0 };
          if (add)
            {
              memcpy (tmp, d, (size_t) cols[q] * sizeof (float));
              val = WADD (val, WLOAD (tmp));
            }
          if (relu)
            val = WRELU (val);
          WSTORE (tmp, val);
          memcpy (d, tmp, (size_t) cols[q] * sizeof (float));
        }
    }
}
