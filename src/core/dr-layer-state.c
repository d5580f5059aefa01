/* dr-layer-state.c — see dr-layer-state.h. */
#include "config.h"

#include "dr-layer-state.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-revision.h"
#include "dr-rle.h"

/* Compares the layer's stored mask (head revision, else prediction) with the prediction. A
 * Reject or No Damage verdict hides the mask in the window but does not edit it, so it plays
 * no part here: Accept after Reject on an unedited layer is no correction. */
static gboolean
compare_masks (DrProject *project, gint64 photo_id, DrDamage d, const DrRevision *head,
               DrLayerState *state, GError **error)
{
  guint w, h;
  if (!dr_photo_get_size (project, photo_id, &w, &h, error))
    return FALSE;
  GError *local = NULL;
  g_autoptr (DrPrediction) pred = dr_prediction_get_current (project, photo_id, d, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  const char *final = head != NULL ? head->rle : pred != NULL ? pred->rle : NULL;
  g_autoptr (DrRle) a = pred ? dr_rle_new_from_string (pred->rle, h, w, error) : NULL;
  if (pred != NULL && a == NULL)
    return FALSE;
  g_autoptr (DrRle) b = final ? dr_rle_new_from_string (final, h, w, error) : NULL;
  if (final != NULL && b == NULL)
    return FALSE;
  guint64 area_a = a ? dr_rle_get_area (a) : 0, area_b = b ? dr_rle_get_area (b) : 0;
  guint64 only_a = area_a, only_b = area_b;
  if (a && b)
    dr_rle_compare (a, b, NULL, &only_a, &only_b);
  state->predicted = area_a > 0;
  state->empty = area_b == 0;
  state->differs = only_a + only_b > 0;
  return TRUE;
}

/* See header. */
gboolean
dr_layer_state_read (DrProject *project, gint64 photo_id, DrDamage d, DrLayerState *state,
                     GError **error)
{
  g_return_val_if_fail (project != NULL && state != NULL, FALSE);
  *state = (DrLayerState) { 0 };
  GError *local = NULL;
  g_autoptr (DrRevision) head = dr_revision_get_head (project, photo_id, d, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!compare_masks (project, photo_id, d, head, state, error))
    return FALSE;
  gint64 head_id = head != NULL ? head->id : 0;
  g_autoptr (DrReview) cur = dr_review_get_current (project, photo_id, d, &local);
  g_autoptr (DrReview) earlier = local ? NULL : dr_review_get_on_revision (project, photo_id, d,
                                                                           head_id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  state->current = cur ? cur->verdict : DR_VERDICT_UNREVIEWED;
  state->current_on_mask = cur == NULL || cur->revision_id == head_id;
  state->has_earlier = earlier != NULL;
  state->earlier = earlier ? earlier->verdict : DR_VERDICT_UNREVIEWED;
  return TRUE;
}
