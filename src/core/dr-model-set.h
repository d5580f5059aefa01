/* dr-model-set.h — the four damage models: where their files are, loading, provenance.
 *
 * dr_model_set_locate() searches, per damage type, the directories of design.md in order
 * (--models DIR, $DAMAGE_REVIEW_MODELS, $XDG_DATA_HOME/damage-review/models, the installed
 * MODELSDIR) for the original checkpoint file names; the first directory holding one wins.
 * dr_model_set_load() then reads that file with the engine and hashes it. A loaded model is
 * read-only and may be shared by any number of worker threads while the set is alive.
 *
 *   g_autoptr (DrModelSet) set = dr_model_set_locate (models_dir);
 *   for (DrDamage d = 0; d < DR_DAMAGE_N; d++)
 *     if (!dr_model_set_load (set, d, &error))
 *       g_printerr ("%s\n", error->message);   // missing file or loader error, one line
 *
 * Locating and loading are not thread-safe; do them from one thread (any thread).
 */
#pragma once

#include <glib-object.h>

#include "dr-damage.h"
#include "nn-unet.h"

G_BEGIN_DECLS

#define DR_TYPE_MODEL_SET (dr_model_set_get_type ())
G_DECLARE_FINAL_TYPE (DrModelSet, dr_model_set, DR, MODEL_SET, GObject)

/* Searches the model directories (models_dir first when non-NULL and non-empty) and records,
 * per damage type, the first matching file. Never fails: missing models are just unset. */
DrModelSet *dr_model_set_locate (const char *models_dir);

/* NULL-terminated list of the directories searched, in order. */
const char *const *dr_model_set_get_search_dirs (DrModelSet *self);

/* Path of damage's checkpoint, or NULL when none was found. */
const char *dr_model_set_get_path (DrModelSet *self, DrDamage damage);

/* One line saying which file damage needs and every directory searched (with where each
 * directory came from). Meant for a model whose path is NULL. */
char *dr_model_set_describe_missing (DrModelSet *self, DrDamage damage);

/* Loads damage's checkpoint and computes its SHA-256, once; later calls return the earlier
 * outcome. On failure sets error (DR_STORE_ERROR) to one line naming the file (or, when
 * missing, the expected file and the directories searched) and the reason. */
gboolean dr_model_set_load (DrModelSet *self, DrDamage damage, GError **error);

/* The loaded model, or NULL when damage is not (successfully) loaded. */
const NnUnet *dr_model_set_get_model (DrModelSet *self, DrDamage damage);

/* Lower-case hex SHA-256 of the loaded file, or NULL when damage is not loaded. */
const char *dr_model_set_get_sha256 (DrModelSet *self, DrDamage damage);

G_END_DECLS
