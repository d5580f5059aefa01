/* dr-id-table.c — enum ids both ways. */
#include "dr-id-table.h"

/* Bounds-checked index. */
const char *
dr_id_table_name (const char *const *ids, gsize n_ids, guint value)
{
  return value < n_ids ? ids[value] : NULL;
}

/* Linear search: the tables have a handful of entries. */
guint
dr_id_table_find (const char *const *ids, gsize n_ids, const char *id, guint fallback)
{
  for (gsize i = 0; i < n_ids; i++)
    if (g_strcmp0 (id, ids[i]) == 0)
      return (guint) i;
  return fallback;
}
