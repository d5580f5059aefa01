/* dr-export-split.h — reproducible train/val split by claim.
 *
 * Every photo of a claim lands in the same split, so one vehicle never appears in both. The
 * algorithm is independent of GLib's random generator and of the order photos come in:
 *
 *   1. key(claim) = the first 8 bytes, big-endian, of SHA-256("<seed>:<claim name>");
 *   2. the distinct claims are sorted by (key, name);
 *   3. the first round(fraction × n) of them go to "val", the rest to "train" — except that a
 *      fraction strictly between 0 and 1 with at least two claims always leaves at least one
 *      claim on each side.
 *
 * The same seed and claim set always give the same split on any machine, and adding claims
 * moves few existing ones (a claim's key does not depend on the others).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Assigns each distinct string of @claims (n entries, duplicates allowed, none NULL) to a split.
 * Returns a table claim name → "train" or "val" (static strings); keys are copied.
 * @val_fraction must lie in [0, 1]. */
GHashTable *dr_export_split_claims (const char *const *claims,
                                    gsize              n,
                                    double             val_fraction,
                                    guint64            seed);

G_END_DECLS
