/* test-review-policy.c — the review policy's rules, one case each, without a display or a
 * project: the automatic verdict after an edit, undo or redo, and the verdict recorded when
 * the reviewer gives one. Expected values come from the rules as the README states them
 * (section "Correcting and reviewing masks"), not from the code. */
#include "config.h"

#include "dr-review-policy.h"

/* A layer whose verdict row describes the mask shown, with nothing given before. */
static DrLayerState
layer (DrVerdict current, gboolean differs, gboolean predicted, gboolean empty)
{
  return (DrLayerState) { .current = current, .current_on_mask = TRUE, .differs = differs,
                          .predicted = predicted, .empty = empty };
}

/* Asserts the automatic verdict: want < 0 means "nothing is written". */
static void
assert_after_edit (DrLayerState s, int want)
{
  DrVerdict got = (DrVerdict) 99;
  gboolean write = dr_review_policy_after_edit (&s, &got);
  if (want < 0)
    {
      g_assert_false (write);
      g_assert_cmpint (got, ==, 99);
    }
  else
    {
      g_assert_true (write);
      g_assert_cmpint (got, ==, want);
    }
}

/* A stroke on a predicted mask: "corrected"; on a layer the model left empty: "added". */
static void
test_edit_marks_corrected_or_added (void)
{
  assert_after_edit (layer (DR_VERDICT_UNREVIEWED, TRUE, TRUE, FALSE), DR_VERDICT_CORRECTED);
  assert_after_edit (layer (DR_VERDICT_UNREVIEWED, TRUE, FALSE, FALSE), DR_VERDICT_ADDED);
  /* An accepted mask that is then edited is no longer as predicted. */
  assert_after_edit (layer (DR_VERDICT_ACCEPTED, TRUE, TRUE, FALSE), DR_VERDICT_CORRECTED);
  /* Drawing on a layer rejected as a false positive: the drawing is the answer now. */
  assert_after_edit (layer (DR_VERDICT_REJECTED, TRUE, TRUE, FALSE), DR_VERDICT_CORRECTED);
  assert_after_edit (layer (DR_VERDICT_NONE, TRUE, FALSE, FALSE), DR_VERDICT_ADDED);
}

/* Back on the prediction (undo): an automatic verdict is withdrawn; a given one stays. */
static void
test_back_to_prediction (void)
{
  assert_after_edit (layer (DR_VERDICT_CORRECTED, FALSE, TRUE, FALSE), DR_VERDICT_UNREVIEWED);
  assert_after_edit (layer (DR_VERDICT_ADDED, FALSE, FALSE, TRUE), DR_VERDICT_UNREVIEWED);
  assert_after_edit (layer (DR_VERDICT_ACCEPTED, FALSE, TRUE, FALSE), -1);
  assert_after_edit (layer (DR_VERDICT_UNREVIEWED, FALSE, TRUE, FALSE), -1);
}

/* "Rejected" and "none" hold while the mask stays empty (erasing what was predicted). */
static void
test_empty_keeps_rejected_and_none (void)
{
  assert_after_edit (layer (DR_VERDICT_REJECTED, TRUE, TRUE, TRUE), -1);
  assert_after_edit (layer (DR_VERDICT_NONE, TRUE, TRUE, TRUE), -1);
  /* An emptied mask with any other verdict is a correction of the prediction. */
  assert_after_edit (layer (DR_VERDICT_ACCEPTED, TRUE, TRUE, TRUE), DR_VERDICT_CORRECTED);
}

/* A verdict kept on a new mask is recorded again, so its numbers describe that mask. */
static void
test_kept_verdict_measured_again (void)
{
  DrLayerState s = layer (DR_VERDICT_REJECTED, TRUE, TRUE, TRUE);
  s.current_on_mask = FALSE;
  assert_after_edit (s, DR_VERDICT_REJECTED);
  s = layer (DR_VERDICT_ACCEPTED, FALSE, TRUE, FALSE);
  s.current_on_mask = FALSE;
  assert_after_edit (s, DR_VERDICT_ACCEPTED);
  /* Withdrawn stays withdrawn: an "unreviewed" row is never re-measured. */
  s = layer (DR_VERDICT_UNREVIEWED, FALSE, TRUE, FALSE);
  s.current_on_mask = FALSE;
  assert_after_edit (s, -1);
}

/* Undo or redo back to a mask that had a verdict brings that verdict back. */
static void
test_earlier_verdict_comes_back (void)
{
  DrLayerState s = layer (DR_VERDICT_UNREVIEWED, FALSE, TRUE, FALSE);
  s.has_earlier = TRUE;
  s.earlier = DR_VERDICT_CORRECTED;
  /* "corrected" given by hand on the prediction itself comes back on undo. */
  assert_after_edit (s, DR_VERDICT_CORRECTED);
  s = layer (DR_VERDICT_CORRECTED, TRUE, TRUE, FALSE);
  s.has_earlier = TRUE;
  s.earlier = DR_VERDICT_REJECTED;
  assert_after_edit (s, DR_VERDICT_REJECTED);
  /* Already the newest row, on this mask: nothing to write. */
  s = layer (DR_VERDICT_ACCEPTED, FALSE, TRUE, FALSE);
  s.has_earlier = TRUE;
  s.earlier = DR_VERDICT_ACCEPTED;
  assert_after_edit (s, -1);
}

/* "Accepted as predicted" on an edited mask is recorded as "corrected"; every other verdict
 * as given. */
static void
test_given_verdict (void)
{
  gboolean changed = FALSE;
  DrLayerState edited = layer (DR_VERDICT_UNREVIEWED, TRUE, TRUE, FALSE);
  DrLayerState untouched = layer (DR_VERDICT_UNREVIEWED, FALSE, TRUE, FALSE);
  g_assert_cmpint (dr_review_policy_given (&edited, DR_VERDICT_ACCEPTED, &changed), ==,
                   DR_VERDICT_CORRECTED);
  g_assert_true (changed);
  g_assert_cmpint (dr_review_policy_given (&untouched, DR_VERDICT_ACCEPTED, &changed), ==,
                   DR_VERDICT_ACCEPTED);
  g_assert_false (changed);
  for (DrVerdict v = DR_VERDICT_UNREVIEWED; v <= DR_VERDICT_NONE; v++)
    if (v != DR_VERDICT_ACCEPTED)
      {
        g_assert_cmpint (dr_review_policy_given (&edited, v, &changed), ==, v);
        g_assert_false (changed);
      }
}

/* My edit lost the head move to another member (a conflict): the layer shows their mask, so
 * no verdict follows my edit, whatever the layer looks like — not "corrected" measured on
 * their mask, not a withdrawal, not an earlier verdict of theirs coming back. */
static void
test_lost_edit_gets_no_verdict (void)
{
  for (DrVerdict cur = DR_VERDICT_UNREVIEWED; cur <= DR_VERDICT_NONE; cur++)
    for (int bits = 0; bits < 16; bits++)
      {
        DrLayerState s = layer (cur, bits & 1, (bits >> 1) & 1, (bits >> 2) & 1);
        s.current_on_mask = (bits >> 3) & 1;
        s.head_lost = TRUE;
        assert_after_edit (s, -1);
        s.has_earlier = TRUE;
        s.earlier = DR_VERDICT_ACCEPTED;
        assert_after_edit (s, -1);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/review-policy/edit-marks-corrected-or-added",
                   test_edit_marks_corrected_or_added);
  g_test_add_func ("/core/review-policy/back-to-prediction", test_back_to_prediction);
  g_test_add_func ("/core/review-policy/empty-keeps-rejected-and-none",
                   test_empty_keeps_rejected_and_none);
  g_test_add_func ("/core/review-policy/kept-verdict-measured-again",
                   test_kept_verdict_measured_again);
  g_test_add_func ("/core/review-policy/earlier-verdict-comes-back",
                   test_earlier_verdict_comes_back);
  g_test_add_func ("/core/review-policy/given-verdict", test_given_verdict);
  g_test_add_func ("/core/review-policy/lost-edit-gets-no-verdict",
                   test_lost_edit_gets_no_verdict);
  return g_test_run ();
}
