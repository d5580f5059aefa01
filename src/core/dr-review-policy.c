/* dr-review-policy.c — see dr-review-policy.h. */
#include "config.h"

#include "dr-review-policy.h"

/* See header. */
gboolean
dr_review_policy_after_edit (const DrLayerState *state, DrVerdict *verdict)
{
  g_return_val_if_fail (state != NULL && verdict != NULL, FALSE);
  if (state->head_lost)
    return FALSE;
  DrVerdict have = state->current, want = have;
  if (state->has_earlier)
    want = state->earlier;
  else if (!state->differs)
    {
      if (have == DR_VERDICT_CORRECTED || have == DR_VERDICT_ADDED)
        want = DR_VERDICT_UNREVIEWED;
    }
  else if (!(state->empty && dr_verdict_empties_layer (have)))
    want = state->predicted ? DR_VERDICT_CORRECTED : DR_VERDICT_ADDED;
  if (want == have && (state->current_on_mask || want == DR_VERDICT_UNREVIEWED))
    return FALSE;
  *verdict = want;
  return TRUE;
}

/* See header. */
DrVerdict
dr_review_policy_given (const DrLayerState *state, DrVerdict asked, gboolean *changed)
{
  g_return_val_if_fail (state != NULL, asked);
  gboolean to_corrected = asked == DR_VERDICT_ACCEPTED && state->differs;
  if (changed != NULL)
    *changed = to_corrected;
  return to_corrected ? DR_VERDICT_CORRECTED : asked;
}
