/* dr-export-split.c — hash-ranked train/val split of claim names. */
#include "dr-export-split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  guint64 key;
} RankedClaim;

/* The split key of one claim: SHA-256("<seed>:<name>") truncated to its first 64 bits. */
static guint64
claim_key (const char *name, guint64 seed)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT ":%s", seed, name);
  g_checksum_update (sum, (const guchar *) text, (gssize) strlen (text));
  guint8 digest[32];
  gsize len = sizeof digest;
  g_checksum_get_digest (sum, digest, &len);
  guint64 key = 0;
  for (int i = 0; i < 8; i++)
    key = (key << 8) | digest[i];
  return key;
}

/* Orders claims by key, then by name so equal keys still give one order. */
static int
ranked_cmp (const void *pa, const void *pb)
{
  const RankedClaim *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return strcmp (a->name, b->name);
}

/* Ranks the distinct claims by key and sends the first round(fraction × n) to "val". */
GHashTable *
dr_export_split_claims (const char *const *claims, gsize n, double val_fraction, guint64 seed)
{
  g_return_val_if_fail (val_fraction >= 0.0 && val_fraction <= 1.0, NULL);
  GHashTable *split = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (gsize i = 0; i < n; i++)
    g_hash_table_replace (split, g_strdup (claims[i]), (gpointer) "train");

  gsize n_claims = g_hash_table_size (split);
  g_autofree RankedClaim *ranked = g_new (RankedClaim, MAX (n_claims, 1));
  GHashTableIter iter;
  gpointer key;
  gsize k = 0;
  g_hash_table_iter_init (&iter, split);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ranked[k++] = (RankedClaim) { key, claim_key (key, seed) };
  qsort (ranked, n_claims, sizeof *ranked, ranked_cmp);

  gsize n_val = (gsize) floor (val_fraction * (double) n_claims + 0.5);
  if (n_claims >= 2 && val_fraction > 0.0 && val_fraction < 1.0)
    n_val = CLAMP (n_val, 1, n_claims - 1);
  for (gsize i = 0; i < n_val; i++)
    g_hash_table_insert (split, g_strdup (ranked[i].name), (gpointer) "val");
  return split;
}
