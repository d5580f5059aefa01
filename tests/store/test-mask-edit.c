/* test-mask-edit.c — brush, eraser, polygon, flood fill and clear against hand-worked masks and
 * naive per-pixel reference rasterisers written here. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "dr-mask-edit.h"

/* A zeroed mask of the given size; free with free_mask. */
static DrMask
new_mask (int w, int h)
{
  return (DrMask) { g_malloc0 ((gsize) w * h), w, h };
}

/* Releases the pixels of a mask made by new_mask. */
static void
free_mask (DrMask *m)
{
  g_clear_pointer (&m->pixels, g_free);
}

/* Number of on pixels. */
static gsize
count_on (const DrMask *m)
{
  gsize n = 0;
  for (gsize i = 0; i < (gsize) m->width * m->height; i++)
    n += m->pixels[i] != 0;
  return n;
}

/* Asserts that every pixel is exactly 0 or 1 (no antialiased in-between values). */
static void
assert_binary (const DrMask *m)
{
  for (gsize i = 0; i < (gsize) m->width * m->height; i++)
    g_assert_cmpuint (m->pixels[i], <=, 1);
}

/* Asserts that @after differs from @before only inside @rect. */
static void
assert_changes_inside (const guint8 *before, const DrMask *after, DrRect rect)
{
  for (int y = 0; y < after->height; y++)
    for (int x = 0; x < after->width; x++)
      {
        gsize i = (gsize) y * after->width + x;
        if (before[i] != after->pixels[i])
          {
            g_assert_cmpint (x, >=, rect.x);
            g_assert_cmpint (x, <, rect.x + rect.width);
            g_assert_cmpint (y, >=, rect.y);
            g_assert_cmpint (y, <, rect.y + rect.height);
          }
      }
}

/* Asserts the mask matches an ASCII picture ('#' on, '.' off) placed at (ox, oy); everything
 * outside the picture must be off. */
static void
assert_picture (const DrMask *m, int ox, int oy, const char *const *rows)
{
  int ph = 0;
  while (rows[ph] != NULL)
    ph++;
  int pw = (int) strlen (rows[0]);
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      {
        gboolean inside = x >= ox && x < ox + pw && y >= oy && y < oy + ph;
        gboolean want = inside && rows[y - oy][x - ox] == '#';
        if ((m->pixels[(gsize) y * m->width + x] != 0) != want)
          g_error ("pixel (%d, %d) is %d, picture says %d", x, y,
                   m->pixels[(gsize) y * m->width + x], want);
      }
}

/* A 5-pixel brush (radius 2.5) centred on pixel (10, 10) covers the 5×5 square minus its four
 * corners: corner centres are √8 ≈ 2.83 away, edge-middle ones √5 ≈ 2.24. */
static void
test_brush_5x5 (void)
{
  DrMask m = new_mask (20, 20);
  DrRect r = dr_mask_stamp_segment (&m, 10.5, 10.5, 10.5, 10.5, 2.5, TRUE);
  const char *const pic[] = {
    ".###.",
    "#####",
    "#####",
    "#####",
    ".###.",
    NULL
  };
  assert_picture (&m, 8, 8, pic);
  g_assert_cmpuint (count_on (&m), ==, 21);
  g_assert_cmpint (r.x, ==, 8);
  g_assert_cmpint (r.y, ==, 8);
  g_assert_cmpint (r.width, ==, 5);
  g_assert_cmpint (r.height, ==, 5);
  assert_binary (&m);
  free_mask (&m);
}

/* The eraser removes exactly the same 21 pixels from a full mask, and a brush half outside the
 * image clips without touching anything else. */
static void
test_eraser_and_clipping (void)
{
  DrMask m = new_mask (20, 20);
  memset (m.pixels, 1, 400);
  dr_mask_stamp_segment (&m, 10.5, 10.5, 10.5, 10.5, 2.5, FALSE);
  g_assert_cmpuint (count_on (&m), ==, 400 - 21);
  g_assert_cmpint (m.pixels[10 * 20 + 10], ==, 0);
  g_assert_cmpint (m.pixels[8 * 20 + 8], ==, 1);

  DrMask c = new_mask (20, 20);
  DrRect r = dr_mask_stamp_segment (&c, 0.5, 0.5, 0.5, 0.5, 2.5, TRUE);
  const char *const pic[] = {
    "###",
    "###",
    "##.",
    NULL
  };
  assert_picture (&c, 0, 0, pic);
  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.width, ==, 3);
  /* Entirely outside, or non-finite: nothing changes. */
  r = dr_mask_stamp_segment (&c, -50, 7, -50, 7, 3, TRUE);
  g_assert_true (dr_rect_is_empty (&r));
  r = dr_mask_stamp_segment (&c, NAN, 7, 3, 3, 3, TRUE);
  g_assert_true (dr_rect_is_empty (&r));
  g_assert_cmpuint (count_on (&c), ==, 8);
  free_mask (&m);
  free_mask (&c);
}

/* Squared distance from a point to a segment, written independently of the library: the
 * minimum over the two end points and, when the foot of the perpendicular falls inside the
 * segment, the perpendicular distance. */
static double
ref_dist2 (double px, double py, double ax, double ay, double bx, double by)
{
  double da = (px - ax) * (px - ax) + (py - ay) * (py - ay);
  double db = (px - bx) * (px - bx) + (py - by) * (py - by);
  double best = MIN (da, db);
  double vx = bx - ax, vy = by - ay, l2 = vx * vx + vy * vy;
  if (l2 > 0)
    {
      double t = ((px - ax) * vx + (py - ay) * vy) / l2;
      if (t > 0 && t < 1)
        {
          double cross = (px - ax) * vy - (py - ay) * vx;
          best = MIN (best, cross * cross / l2);
        }
    }
  return best;
}

/* Counts pixels where the capsule paint disagrees with the naive distance test, ignoring pixels
 * whose distance is within 1e-9 of the radius (where two correct formulas may round apart). */
static int
capsule_mismatches (const DrMask *m, double ax, double ay, double bx, double by, double r)
{
  int bad = 0;
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      {
        double d2 = ref_dist2 (x + 0.5, y + 0.5, ax, ay, bx, by);
        if (fabs (d2 - r * r) < 1e-9)
          continue;
        if ((d2 < r * r) != (m->pixels[(gsize) y * m->width + x] != 0))
          bad++;
      }
  return bad;
}

/* Random segments (long, short, degenerate, partly outside) match the naive rasteriser and only
 * change pixels inside the returned rectangle. */
static void
test_segment_random (void)
{
  GRand *rand = g_rand_new_with_seed (42);
  for (int it = 0; it < 300; it++)
    {
      DrMask m = new_mask (61, 47);
      double ax = g_rand_double_range (rand, -10, 70), ay = g_rand_double_range (rand, -10, 55);
      double bx = it % 10 == 0 ? ax : g_rand_double_range (rand, -10, 70);
      double by = it % 10 == 0 ? ay : g_rand_double_range (rand, -10, 55);
      double r = g_rand_double_range (rand, 0, 6);
      g_autofree guint8 *before = g_memdup2 (m.pixels, 61 * 47);
      DrRect rect = dr_mask_stamp_segment (&m, ax, ay, bx, by, r, TRUE);
      g_assert_cmpint (capsule_mismatches (&m, ax, ay, bx, by, r), ==, 0);
      assert_changes_inside (before, &m, rect);
      assert_binary (&m);
      free_mask (&m);
    }
  g_rand_free (rand);
}

/* Number of 4-connected components of on pixels (naive BFS). */
static int
count_components4 (const DrMask *m)
{
  gsize n = (gsize) m->width * m->height;
  g_autofree guint8 *seen = g_malloc0 (n);
  g_autofree gsize *queue = g_new (gsize, n);
  int comps = 0;
  for (gsize s = 0; s < n; s++)
    {
      if (!m->pixels[s] || seen[s])
        continue;
      comps++;
      gsize head = 0, tail = 0;
      queue[tail++] = s;
      seen[s] = 1;
      while (head < tail)
        {
          gsize i = queue[head++];
          int x = (int) (i % m->width), y = (int) (i / m->width);
          const int dx[] = { 1, -1, 0, 0 }, dy[] = { 0, 0, 1, -1 };
          for (int k = 0; k < 4; k++)
            {
              int nx = x + dx[k], ny = y + dy[k];
              if (nx < 0 || ny < 0 || nx >= m->width || ny >= m->height)
                continue;
              gsize j = (gsize) ny * m->width + nx;
              if (m->pixels[j] && !seen[j])
                {
                  seen[j] = 1;
                  queue[tail++] = j;
                }
            }
        }
    }
  return comps;
}

/* A fast drag: four pointer samples up to 190 px apart with a 3-pixel brush. The stroke is one
 * 4-connected piece, every pixel on the straight lines between samples is painted, and the
 * result equals the union of naive capsules. */
static void
test_fast_drag_no_gaps (void)
{
  DrMask m = new_mask (200, 150);
  const double pts[][2] = { { 5.2, 5.7 }, { 190.1, 97.3 }, { 20.4, 140.9 }, { 21.0, 141.0 } };
  const double r = 1.5;
  dr_mask_stamp_segment (&m, pts[0][0], pts[0][1], pts[0][0], pts[0][1], r, TRUE);
  for (int i = 1; i < 4; i++)
    dr_mask_stamp_segment (&m, pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1], r, TRUE);
  g_assert_cmpint (count_components4 (&m), ==, 1);
  for (int i = 1; i < 4; i++)
    for (int s = 0; s <= 1000; s++)
      {
        double t = s / 1000.0;
        int x = (int) floor (pts[i - 1][0] + t * (pts[i][0] - pts[i - 1][0]));
        int y = (int) floor (pts[i - 1][1] + t * (pts[i][1] - pts[i - 1][1]));
        g_assert_cmpint (m.pixels[y * 200 + x], ==, 1);
      }
  for (int y = 0; y < 150; y++)
    for (int x = 0; x < 200; x++)
      {
        double best = INFINITY;
        for (int i = 1; i < 4; i++)
          best = MIN (best, ref_dist2 (x + 0.5, y + 0.5, pts[i - 1][0], pts[i - 1][1],
                                       pts[i][0], pts[i][1]));
        if (fabs (best - r * r) > 1e-9)
          g_assert_cmpint (m.pixels[y * 200 + x], ==, best < r * r);
      }
  free_mask (&m);
}

/* A rectangle with integer corners (2,3)–(7,9) covers exactly columns 2..6 and rows 3..8: the
 * pixel-centre rule neither grows nor shrinks integer-aligned shapes. Subtracting a smaller
 * rectangle punches exactly its pixels out. */
static void
test_rectangle_polygon (void)
{
  DrMask m = new_mask (12, 12);
  const double rect[] = { 2, 3, 7, 3, 7, 9, 2, 9 };
  DrRect r = dr_mask_fill_polygon (&m, rect, 4, TRUE);
  const char *const pic[] = {
    "#####",
    "#####",
    "#####",
    "#####",
    "#####",
    "#####",
    NULL
  };
  assert_picture (&m, 2, 3, pic);
  g_assert_cmpint (r.x, ==, 2);
  g_assert_cmpint (r.y, ==, 3);
  g_assert_cmpint (r.width, ==, 5);
  g_assert_cmpint (r.height, ==, 6);

  const double hole[] = { 3, 4, 6, 4, 6, 6, 3, 6 };
  dr_mask_fill_polygon (&m, hole, 4, FALSE);
  const char *const pic2[] = {
    "#####",
    "#...#",
    "#...#",
    "#####",
    "#####",
    "#####",
    NULL
  };
  assert_picture (&m, 2, 3, pic2);

  /* Two points is not a polygon. */
  r = dr_mask_fill_polygon (&m, rect, 2, TRUE);
  g_assert_true (dr_rect_is_empty (&r));
  free_mask (&m);
}

/* The classic even-odd point-in-polygon test (W. R. Franklin's PNPOLY), one point at a time. */
static gboolean
pnpoly (const double *xy, gsize n, double tx, double ty)
{
  gboolean c = FALSE;
  for (gsize i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
      if (((yi > ty) != (yj > ty)) && (tx < (xj - xi) * (ty - yi) / (yj - yi) + xi))
        c = !c;
    }
  return c;
}

/* Triangles and random (often self-intersecting) polygons with fractional and off-image
 * vertices match PNPOLY at every pixel centre, in add and subtract mode. */
static void
test_polygon_vs_pnpoly (void)
{
  const double tri[] = { 3.3, 1.2, 40.7, 17.9, 11.1, 38.6 };
  GRand *rand = g_rand_new_with_seed (7);
  for (int it = 0; it < 200; it++)
    {
      DrMask m = new_mask (53, 41);
      gsize n = it == 0 ? 3 : 3 + g_rand_int_range (rand, 0, 9);
      double xy[24];
      for (gsize k = 0; k < n; k++)
        {
          if (it == 0)
            {
              xy[2 * k] = tri[2 * k], xy[2 * k + 1] = tri[2 * k + 1];
              continue;
            }
          /* Half of the polygons use half-integer vertices, so centres sit exactly on edges. */
          double vx = g_rand_double_range (rand, -15, 68), vy = g_rand_double_range (rand, -15, 56);
          if (it % 2 == 0)
            vx = floor (vx) + 0.5, vy = floor (vy) + 0.5;
          xy[2 * k] = vx, xy[2 * k + 1] = vy;
        }
      gboolean add = it % 3 != 2;
      if (!add)
        memset (m.pixels, 1, 53 * 41);
      g_autofree guint8 *before = g_memdup2 (m.pixels, 53 * 41);
      DrRect r = dr_mask_fill_polygon (&m, xy, n, add);
      for (int y = 0; y < 41; y++)
        for (int x = 0; x < 53; x++)
          {
            gboolean in = pnpoly (xy, n, x + 0.5, y + 0.5);
            gboolean want = in ? add : !add;
            if ((m.pixels[y * 53 + x] != 0) != want)
              g_error ("polygon %d (%zu points): pixel (%d, %d) differs from PNPOLY", it, n, x, y);
          }
      assert_changes_inside (before, &m, r);
      assert_binary (&m);
      free_mask (&m);
    }
  g_rand_free (rand);
}

/* Naive 4-connected flood fill with a BFS queue, the reference for the span fill. */
static void
ref_flood (DrMask *m, int sx, int sy, guint8 value)
{
  gsize n = (gsize) m->width * m->height;
  guint8 state = m->pixels[(gsize) sy * m->width + sx] != 0;
  if (state == value)
    return;
  g_autofree gsize *queue = g_new (gsize, n);
  gsize head = 0, tail = 0;
  queue[tail++] = (gsize) sy * m->width + sx;
  m->pixels[queue[0]] = value;
  while (head < tail)
    {
      gsize i = queue[head++];
      int x = (int) (i % m->width), y = (int) (i / m->width);
      const int dx[] = { 1, -1, 0, 0 }, dy[] = { 0, 0, 1, -1 };
      for (int k = 0; k < 4; k++)
        {
          int nx = x + dx[k], ny = y + dy[k];
          if (nx < 0 || ny < 0 || nx >= m->width || ny >= m->height)
            continue;
          gsize j = (gsize) ny * m->width + nx;
          if ((m->pixels[j] != 0) == state)
            {
              m->pixels[j] = value;
              queue[tail++] = j;
            }
        }
    }
}

/* Fill inside a ring drawn with the brush: the disc inside the ring becomes on, the outside
 * stays off; filling from the corner then covers everything. */
static void
test_fill_inside_ring (void)
{
  DrMask m = new_mask (80, 70);
  const double cx = 40.2, cy = 35.7, R = 22.0, r = 1.6;
  double px = cx + R, py = cy;
  for (int k = 1; k <= 24; k++)
    {
      double a = 2 * G_PI * k / 24;
      double nx = cx + R * cos (a), ny = cy + R * sin (a);
      dr_mask_stamp_segment (&m, px, py, nx, ny, r, TRUE);
      px = nx, py = ny;
    }
  gsize ring = count_on (&m);
  DrRect rect = dr_mask_flood_fill (&m, 40, 35, TRUE);
  g_assert_false (dr_rect_is_empty (&rect));
  g_assert_cmpint (rect.x, >, 0);
  g_assert_cmpint (rect.x + rect.width, <, 80);
  for (int y = 0; y < 70; y++)
    for (int x = 0; x < 80; x++)
      {
        double d = hypot (x + 0.5 - cx, y + 0.5 - cy);
        if (d < R - 3)
          g_assert_cmpint (m.pixels[y * 80 + x], ==, 1);
        if (d > R + 3)
          g_assert_cmpint (m.pixels[y * 80 + x], ==, 0);
      }
  gsize filled = count_on (&m);
  g_assert_cmpuint (filled, >, ring + 1000);
  /* The same seed again changes nothing. */
  rect = dr_mask_flood_fill (&m, 40, 35, TRUE);
  g_assert_true (dr_rect_is_empty (&rect));
  dr_mask_flood_fill (&m, 0, 0, TRUE);
  g_assert_cmpuint (count_on (&m), ==, 80 * 70);
  /* Seeds outside the mask are ignored. */
  rect = dr_mask_flood_fill (&m, -1, 3, FALSE);
  g_assert_true (dr_rect_is_empty (&rect));
  rect = dr_mask_clear (&m);
  g_assert_cmpint (rect.width, ==, 80);
  g_assert_cmpuint (count_on (&m), ==, 0);
  free_mask (&m);
}

/* On random noise masks (many tiny regions, diagonal-only contacts) the span fill equals the BFS
 * reference for fill and erase, including seeds on the border. */
static void
test_fill_vs_bfs (void)
{
  GRand *rand = g_rand_new_with_seed (3);
  for (int it = 0; it < 100; it++)
    {
      DrMask m = new_mask (37, 29);
      for (int i = 0; i < 37 * 29; i++)
        m.pixels[i] = g_rand_int_range (rand, 0, 100) < 45;
      DrMask ref = new_mask (37, 29);
      memcpy (ref.pixels, m.pixels, 37 * 29);
      int sx = g_rand_int_range (rand, 0, 37), sy = g_rand_int_range (rand, 0, 29);
      gboolean on = g_rand_boolean (rand);
      g_autofree guint8 *before = g_memdup2 (m.pixels, 37 * 29);
      DrRect r = dr_mask_flood_fill (&m, sx, sy, on);
      ref_flood (&ref, sx, sy, on);
      g_assert_cmpmem (m.pixels, 37 * 29, ref.pixels, 37 * 29);
      assert_changes_inside (before, &m, r);
      free_mask (&m);
      free_mask (&ref);
    }
  g_rand_free (rand);
}

/* On a 12-megapixel mask a small stroke reports a small dirty rectangle and changes only it. */
static void
test_large_mask_bbox (void)
{
  DrMask m = new_mask (4000, 3000);
  DrRect r = dr_mask_stamp_segment (&m, 1000.5, 2000.5, 1030.5, 2010.5, 4, TRUE);
  /* Centres at distance exactly 4 from an end point are painted (≤ radius). */
  g_assert_cmpint (r.x, ==, 996);
  g_assert_cmpint (r.y, ==, 1996);
  g_assert_cmpint (r.width, ==, 39);
  g_assert_cmpint (r.height, ==, 19);
  const double poly[] = { 3990, 2990, 4010, 2990, 4010, 3010 };
  r = dr_mask_fill_polygon (&m, poly, 3, TRUE);
  g_assert_cmpint (r.x, ==, 3990);
  g_assert_cmpint (r.x + r.width, ==, 4000);
  g_assert_cmpint (r.y + r.height, ==, 3000);
  free_mask (&m);
}

/* Registers the cases above with GTest and runs them. */
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/mask-edit/brush-5x5", test_brush_5x5);
  g_test_add_func ("/store/mask-edit/eraser-clipping", test_eraser_and_clipping);
  g_test_add_func ("/store/mask-edit/segment-random", test_segment_random);
  g_test_add_func ("/store/mask-edit/fast-drag", test_fast_drag_no_gaps);
  g_test_add_func ("/store/mask-edit/rectangle-polygon", test_rectangle_polygon);
  g_test_add_func ("/store/mask-edit/polygon-vs-pnpoly", test_polygon_vs_pnpoly);
  g_test_add_func ("/store/mask-edit/fill-ring", test_fill_inside_ring);
  g_test_add_func ("/store/mask-edit/fill-vs-bfs", test_fill_vs_bfs);
  g_test_add_func ("/store/mask-edit/large-mask", test_large_mask_bbox);
  return g_test_run ();
}
