/* dr-id-table.h — the stable string ids of small enums (stored in project files, printed by
 * the command line): one table of ids indexed by value, looked up both ways. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ids[value], or NULL when value is not below n_ids. */
const char *dr_id_table_name (const char *const *ids, gsize n_ids, guint value);

/* The first value whose id equals id, or fallback when none does (id may be NULL). */
guint dr_id_table_find (const char *const *ids, gsize n_ids, const char *id, guint fallback);

G_END_DECLS
