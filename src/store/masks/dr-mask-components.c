/* dr-mask-components.c — 8-connected component labelling and per-component RLE. */
#include "dr-mask-components.h"

#include "dr-store-error.h"

/* Root of provisional label @l with path halving. */
static guint32
uf_find (guint32 *parent, guint32 l)
{
  while (parent[l] != l)
    {
      parent[l] = parent[parent[l]];
      l = parent[l];
    }
  return l;
}

/* Merges the sets of @a and @b, keeping the smaller root; returns that root. */
static guint32
uf_union (guint32 *parent, guint32 a, guint32 b)
{
  a = uf_find (parent, a);
  b = uf_find (parent, b);
  if (a < b)
    parent[b] = a;
  else
    parent[a] = b;
  return MIN (a, b);
}

/* First pass gives each on pixel the smallest label among its already-visited neighbours (W, NW,
 * N, NE), merging the others; second pass maps each root to its final number in first-seen order. */
guint
dr_mask_label_components (const guint8 *mask, guint width, guint height, guint32 *labels)
{
  g_autoptr (GArray) parent_arr = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 zero = 0;
  g_array_append_val (parent_arr, zero);
  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = mask + (gsize) y * width;
      guint32 *lab = labels + (gsize) y * width;
      const guint32 *up = y > 0 ? lab - width : NULL;
      for (guint x = 0; x < width; x++)
        {
          if (row[x] == 0)
            {
              lab[x] = 0;
              continue;
            }
          guint32 *parent = (guint32 *) (void *) parent_arr->data;
          guint32 n[4] = {
            x > 0 ? lab[x - 1] : 0,
            up != NULL && x > 0 ? up[x - 1] : 0,
            up != NULL ? up[x] : 0,
            up != NULL && x + 1 < width ? up[x + 1] : 0,
          };
          guint32 l = 0;
          for (int k = 0; k < 4; k++)
            if (n[k] != 0)
              l = l == 0 ? uf_find (parent, n[k]) : uf_union (parent, l, n[k]);
          if (l == 0)
            {
              l = parent_arr->len;
              g_array_append_val (parent_arr, l);
            }
          lab[x] = l;
        }
    }

  guint32 *parent = (guint32 *) (void *) parent_arr->data;
  g_autofree guint32 *final = g_new0 (guint32, parent_arr->len);
  guint n_components = 0;
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      if (labels[i] == 0)
        continue;
      guint32 root = uf_find (parent, labels[i]);
      if (final[root] == 0)
        final[root] = ++n_components;
      labels[i] = final[root];
    }
  return n_components;
}

/* Per-component run builder: the column-major index just after its last on pixel and its counts. */
typedef struct {
  guint64 end;
  GArray *counts;
} RunBuilder;

/* Labels the mask, then walks it once in column-major order appending runs to each component's
 * counts, so the cost is one pass whatever the number of components. */
GPtrArray *
dr_mask_split_components (const guint8 *mask, guint width, guint height, GError **error)
{
  guint64 total = (guint64) width * height;
  if (width == 0 || height == 0 || total > DR_RLE_MAX_PIXELS)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "a mask of %u × %u pixels is refused", width, height);
      return NULL;
    }

  g_autofree guint32 *labels = g_new (guint32, total);
  guint n = dr_mask_label_components (mask, width, height, labels);
  g_autofree RunBuilder *runs = g_new0 (RunBuilder, n + 1);
  for (guint c = 1; c <= n; c++)
    runs[c].counts = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint x = 0; x < width; x++)
    for (guint y = 0; y < height; y++)
      {
        guint32 l = labels[(gsize) y * width + x];
        if (l == 0)
          continue;
        guint64 idx = (guint64) x * height + y;
        RunBuilder *r = &runs[l];
        if (r->counts->len > 0 && r->end == idx)
          g_array_index (r->counts, guint32, r->counts->len - 1)++;
        else
          {
            guint32 gap = (guint32) (idx - r->end), one = 1;
            g_array_append_val (r->counts, gap);
            g_array_append_val (r->counts, one);
          }
        r->end = idx + 1;
      }

  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_rle_free);
  gboolean ok = TRUE;
  for (guint c = 1; c <= n; c++)
    {
      if (runs[c].end < total)
        {
          guint32 tail = (guint32) (total - runs[c].end);
          g_array_append_val (runs[c].counts, tail);
        }
      if (ok)
        {
          DrRle *rle = dr_rle_new_from_counts ((const guint32 *) (void *) runs[c].counts->data,
                                               runs[c].counts->len, height, width, error);
          if (rle == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (out, rle);
        }
      g_array_unref (runs[c].counts);
    }
  if (!ok)
    g_clear_pointer (&out, g_ptr_array_unref);
  return out;
}
