/* dr-mask-edit.c — brush, eraser, polygon, flood fill and clear on a binary mask. */
#include "dr-mask-edit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether @rect contains no pixel. */
gboolean
dr_rect_is_empty (const DrRect *rect)
{
  return rect->width <= 0 || rect->height <= 0;
}

/* Grows @rect to cover @other; an empty @rect simply becomes @other. */
void
dr_rect_union (DrRect *rect, const DrRect *other)
{
  if (dr_rect_is_empty (other))
    return;
  if (dr_rect_is_empty (rect))
    {
      *rect = *other;
      return;
    }
  int x0 = MIN (rect->x, other->x);
  int y0 = MIN (rect->y, other->y);
  int x1 = MAX (rect->x + rect->width, other->x + other->width);
  int y1 = MAX (rect->y + rect->height, other->y + other->height);
  *rect = (DrRect) { x0, y0, x1 - x0, y1 - y0 };
}

/* Whether @mask has pixels and a size within DR_MASK_MAX_PIXELS. */
gboolean
dr_mask_is_valid (const DrMask *mask)
{
  return mask != NULL && mask->pixels != NULL && mask->width > 0 && mask->height > 0
         && (gsize) mask->width * (gsize) mask->height <= DR_MASK_MAX_PIXELS;
}

/* Tracks the extent of written pixels while an edit runs. */
typedef struct {
  int x0, y0, x1, y1; /* inclusive; x0 > x1 while nothing was written */
} DirtyBox;

/* Starts an empty dirty box. */
static void
dirty_init (DirtyBox *box)
{
  *box = (DirtyBox) { G_MAXINT, G_MAXINT, G_MININT, G_MININT };
}

/* Records that pixels [xa, xb] of row y were written. */
static void
dirty_add_span (DirtyBox *box, int y, int xa, int xb)
{
  box->x0 = MIN (box->x0, xa);
  box->x1 = MAX (box->x1, xb);
  box->y0 = MIN (box->y0, y);
  box->y1 = MAX (box->y1, y);
}

/* Converts the box to a DrRect (empty when nothing was written). */
static DrRect
dirty_rect (const DirtyBox *box)
{
  if (box->x0 > box->x1)
    return (DrRect) { 0, 0, 0, 0 };
  return (DrRect) { box->x0, box->y0, box->x1 - box->x0 + 1, box->y1 - box->y0 + 1 };
}

/* Clamps a double row/column bound into [lo, hi] as an int; safe for huge values. */
static int
clamp_to_int (double v, int lo, int hi)
{
  if (!(v > lo))
    return lo;
  if (v > hi)
    return hi;
  return (int) v;
}

/* Squared distance from (px, py) to the segment (x0,y0)–(x1,y1); a point if they coincide. */
static double
segment_dist2 (double px, double py, double x0, double y0, double x1, double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = 0.0;
  if (len2 > 0.0)
    {
      t = ((px - x0) * dx + (py - y0) * dy) / len2;
      t = CLAMP (t, 0.0, 1.0);
    }
  double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
  return ex * ex + ey * ey;
}

/* Widens [*lo, *hi] to include the x-interval where the disc (cx, cy, r) meets the line y = yc. */
static void
disc_row_interval (double cx, double cy, double r, double yc, double *lo, double *hi)
{
  double dy = yc - cy;
  if (dy * dy > r * r)
    return;
  double h = sqrt (r * r - dy * dy);
  *lo = MIN (*lo, cx - h);
  *hi = MAX (*hi, cx + h);
}

/* Intersects [*lo, *hi] with {x : a ≤ k·x + c ≤ b}; leaves an empty interval when none. */
static void
clip_linear (double k, double c, double a, double b, double *lo, double *hi)
{
  if (k == 0.0)
    {
      if (c < a || c > b)
        *lo = INFINITY, *hi = -INFINITY;
      return;
    }
  double u = (a - c) / k, v = (b - c) / k;
  *lo = MAX (*lo, MIN (u, v));
  *hi = MIN (*hi, MAX (u, v));
}

/* Widens [*lo, *hi] with the x-interval where the capsule body (the swept rectangle between the
 * end discs) meets the line y = yc. */
static void
body_row_interval (double x0, double y0, double x1, double y1, double r, double yc,
                   double *lo, double *hi)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len = sqrt (dx * dx + dy * dy);
  if (len == 0.0)
    return;
  double blo = -INFINITY, bhi = INFINITY;
  /* |n·(q − p0)| ≤ r with n = (−dy, dx)/len, q = (x, yc). */
  clip_linear (-dy / len, (dy * x0 + dx * (yc - y0)) / len, -r, r, &blo, &bhi);
  /* 0 ≤ d·(q − p0) ≤ len². */
  clip_linear (dx, -dx * x0 + dy * (yc - y0), 0.0, len * len, &blo, &bhi);
  if (blo <= bhi)
    {
      *lo = MIN (*lo, blo);
      *hi = MAX (*hi, bhi);
    }
}

/* Paints the capsule row by row: an analytic x-interval per row, widened by one pixel each side,
 * then the exact distance test on every candidate pixel so the set is exactly
 * {centre : dist ≤ r} whatever the rounding of the interval. */
DrRect
dr_mask_stamp_segment (DrMask *mask, double x0, double y0, double x1, double y1,
                       double radius, gboolean on)
{
  DirtyBox box;
  dirty_init (&box);
  g_return_val_if_fail (dr_mask_is_valid (mask), dirty_rect (&box));
  if (!isfinite (x0) || !isfinite (y0) || !isfinite (x1) || !isfinite (y1)
      || !isfinite (radius) || radius < 0.0)
    return dirty_rect (&box);

  guint8 value = on ? 1 : 0;
  double r2 = radius * radius;
  int row0 = clamp_to_int (floor (MIN (y0, y1) - radius) - 1.0, 0, mask->height - 1);
  int row1 = clamp_to_int (ceil (MAX (y0, y1) + radius) + 1.0, 0, mask->height - 1);
  for (int y = row0; y <= row1; y++)
    {
      double yc = y + 0.5;
      double lo = INFINITY, hi = -INFINITY;
      disc_row_interval (x0, y0, radius, yc, &lo, &hi);
      disc_row_interval (x1, y1, radius, yc, &lo, &hi);
      body_row_interval (x0, y0, x1, y1, radius, yc, &lo, &hi);
      if (!(lo <= hi))
        continue;
      int xa = clamp_to_int (floor (lo - 0.5) - 1.0, 0, mask->width - 1);
      int xb = clamp_to_int (ceil (hi - 0.5) + 1.0, 0, mask->width - 1);
      guint8 *row = mask->pixels + (gsize) y * (gsize) mask->width;
      int first = -1, last = -1;
      for (int x = xa; x <= xb; x++)
        if (segment_dist2 (x + 0.5, yc, x0, y0, x1, y1) <= r2)
          {
            row[x] = value;
            if (first < 0)
              first = x;
            last = x;
          }
      if (first >= 0)
        dirty_add_span (&box, y, first, last);
    }
  return dirty_rect (&box);
}

/* One polygon edge, oriented like the classic point-in-polygon loop: a is vertex i, b is
 * vertex i − 1, and the crossing x is (b.x − a.x)·(cy − a.y)/(b.y − a.y) + a.x. */
typedef struct {
  double ax, ay, bx, by;
  double ymin, ymax;
  int first_row; /* no crossing happens on an earlier row */
} PolyEdge;

/* Orders edges by the first row they can cross. */
static int
edge_cmp_first_row (const void *pa, const void *pb)
{
  const PolyEdge *a = pa, *b = pb;
  return (a->first_row > b->first_row) - (a->first_row < b->first_row);
}

/* Orders crossing x values ascending. */
static int
double_cmp (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return (a > b) - (a < b);
}

/* Smallest integer x (as double) with x + 0.5 ≥ s, found exactly whatever the rounding. */
static double
first_centre_at_or_after (double s)
{
  double x = floor (s - 0.5);
  while (x + 0.5 < s)
    x += 1.0;
  while (x - 0.5 >= s)
    x -= 1.0;
  return x;
}

/* Scanline even-odd fill with an edge table sorted by first row and an active edge list, so each
 * row costs O(active edges) rather than O(all edges). */
DrRect
dr_mask_fill_polygon (DrMask *mask, const double *xy, gsize n_points, gboolean on)
{
  DirtyBox box;
  dirty_init (&box);
  g_return_val_if_fail (dr_mask_is_valid (mask), dirty_rect (&box));
  if (xy == NULL || n_points < 3)
    return dirty_rect (&box);
  for (gsize i = 0; i < 2 * n_points; i++)
    if (!isfinite (xy[i]))
      return dirty_rect (&box);

  g_autofree PolyEdge *edges = g_new (PolyEdge, n_points);
  gsize n_edges = 0;
  for (gsize i = 0; i < n_points; i++)
    {
      gsize j = i == 0 ? n_points - 1 : i - 1;
      PolyEdge e = { xy[2 * i], xy[2 * i + 1], xy[2 * j], xy[2 * j + 1], 0, 0, 0 };
      if (e.ay == e.by)
        continue; /* a horizontal edge never crosses a horizontal ray */
      e.ymin = MIN (e.ay, e.by);
      e.ymax = MAX (e.ay, e.by);
      e.first_row = clamp_to_int (floor (e.ymin - 0.5) - 1.0, 0, mask->height);
      if (e.ymax < 0.5 || e.first_row >= mask->height)
        continue;
      edges[n_edges++] = e;
    }
  if (n_edges == 0)
    return dirty_rect (&box);
  qsort (edges, n_edges, sizeof *edges, edge_cmp_first_row);

  guint8 value = on ? 1 : 0;
  g_autofree gsize *active = g_new (gsize, n_edges);
  g_autofree double *xs = g_new (double, n_edges);
  gsize n_active = 0, next = 0;
  for (int y = edges[0].first_row; y < mask->height && (n_active > 0 || next < n_edges); y++)
    {
      double cy = y + 0.5;
      while (next < n_edges && edges[next].first_row <= y)
        active[n_active++] = next++;

      gsize n_xs = 0, kept = 0;
      for (gsize k = 0; k < n_active; k++)
        {
          const PolyEdge *e = &edges[active[k]];
          if (cy >= e->ymax)
            continue; /* finished for good: rows only go down */
          active[kept++] = active[k];
          if ((e->ay > cy) != (e->by > cy))
            xs[n_xs++] = (e->bx - e->ax) * (cy - e->ay) / (e->by - e->ay) + e->ax;
        }
      n_active = kept;
      if (n_xs < 2)
        continue;
      qsort (xs, n_xs, sizeof *xs, double_cmp);

      guint8 *row = mask->pixels + (gsize) y * (gsize) mask->width;
      for (gsize k = 0; k + 1 < n_xs; k += 2)
        {
          /* Centres cx with xs[k] ≤ cx < xs[k+1] have an odd number of crossings to their right. */
          double fa = first_centre_at_or_after (xs[k]);
          double fb = first_centre_at_or_after (xs[k + 1]);
          int xa = clamp_to_int (fa, 0, mask->width);
          int xb = clamp_to_int (fb, 0, mask->width);
          if (xa >= xb)
            continue;
          memset (row + xa, value, (gsize) (xb - xa));
          dirty_add_span (&box, y, xa, xb - 1);
        }
    }
  return dirty_rect (&box);
}

/* A pending seed of the flood fill: some pixel of row y at column x may still need filling. It
 * was found next to the span [pl, pr] of row py (py = -1 for the first seed); that span is
 * already filled, so it never needs scanning again. */
typedef struct {
  int x, y;
  int py, pl, pr;
} FillSeed;

/* Pushes one seed per run of @state pixels in row @y between columns xl and xr inclusive; the
 * seeds remember the span [sl, sr] of row sy they were found from. */
static void
push_runs (GArray *stack, const DrMask *mask, int y, int xl, int xr, guint8 state, int sy,
           int sl, int sr)
{
  const guint8 *row = mask->pixels + (gsize) y * (gsize) mask->width;
  gboolean in_run = FALSE;
  for (int x = xl; x <= xr; x++)
    {
      gboolean match = (row[x] != 0) == state;
      if (match && !in_run)
        {
          FillSeed s = { x, y, sy, sl, sr };
          g_array_append_val (stack, s);
        }
      in_run = match;
    }
}

/* Span flood fill: each popped seed is widened to its maximal run in its row, the run is
 * written, and the runs touching it in the rows above and below are pushed — except, towards
 * the row it came from, the part under the already-filled parent span. */
DrRect
dr_mask_flood_fill (DrMask *mask, int x, int y, gboolean on)
{
  DirtyBox box;
  dirty_init (&box);
  g_return_val_if_fail (dr_mask_is_valid (mask), dirty_rect (&box));
  if (x < 0 || y < 0 || x >= mask->width || y >= mask->height)
    return dirty_rect (&box);
  guint8 state = mask->pixels[(gsize) y * (gsize) mask->width + (gsize) x] != 0;
  guint8 value = on ? 1 : 0;
  if (state == value)
    return dirty_rect (&box);

  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (FillSeed));
  FillSeed seed = { x, y, -1, 0, -1 };
  g_array_append_val (stack, seed);
  while (stack->len > 0)
    {
      FillSeed s = g_array_index (stack, FillSeed, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      guint8 *row = mask->pixels + (gsize) s.y * (gsize) mask->width;
      if ((row[s.x] != 0) != state)
        continue; /* already filled through another seed */
      int xl = s.x, xr = s.x;
      while (xl > 0 && (row[xl - 1] != 0) == state)
        xl--;
      while (xr + 1 < mask->width && (row[xr + 1] != 0) == state)
        xr++;
      memset (row + xl, value, (gsize) (xr - xl + 1));
      dirty_add_span (&box, s.y, xl, xr);
      for (int ny = s.y - 1; ny <= s.y + 1; ny += 2)
        {
          if (ny < 0 || ny >= mask->height)
            continue;
          if (ny != s.py)
            push_runs (stack, mask, ny, xl, xr, state, s.y, xl, xr);
          else
            {
              push_runs (stack, mask, ny, xl, MIN (xr, s.pl - 1), state, s.y, xl, xr);
              push_runs (stack, mask, ny, MAX (xl, s.pr + 1), xr, state, s.y, xl, xr);
            }
        }
    }
  return dirty_rect (&box);
}

/* Zeroes the whole bitmap. */
DrRect
dr_mask_clear (DrMask *mask)
{
  g_return_val_if_fail (dr_mask_is_valid (mask), ((DrRect) { 0, 0, 0, 0 }));
  memset (mask->pixels, 0, (gsize) mask->width * (gsize) mask->height);
  return (DrRect) { 0, 0, mask->width, mask->height };
}
