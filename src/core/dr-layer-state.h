/* dr-layer-state.h — reads what the review policy looks at (DrLayerState) from a project.
 * GIO-only (core tier). */
#pragma once

#include "dr-project.h"
#include "dr-review-policy.h"

G_BEGIN_DECLS

/* Fills *state for layer d of photo_id as the project stores it now: the newest verdict, the
 * verdict given earlier on the head revision, and how the head mask compares with the
 * current prediction (run by run, without decoding). FALSE with error when any of it cannot
 * be read. */
gboolean dr_layer_state_read (DrProject *project, gint64 photo_id, DrDamage d,
                              DrLayerState *state, GError **error);

G_END_DECLS
