/* test-edit-conflict.c — a conflict reported through one connection is found again through a
 * new connection to the same project (the window reopens a team project after its server came
 * back while the journal was sent through the old one), never through another project's. */
#include "config.h"

#include "dr-edit-conflict.h"
#include "dr-test-util.h"

static void
test_follows_reopened_project (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a.damagereview", NULL);
  g_autofree char *other_path = g_build_filename (dir, "b.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) old = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_autoptr (DrProject) reopened = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (DrProject) other = dr_project_open (other_path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);

  DrRevisionOutcome out = { .revision_id = 8, .moved = FALSE,
                            .head = { .revision_id = 9, .version = 4 } };
  g_autoptr (DrEditConflict) c = dr_edit_conflict_new (old, 3, DR_DAMAGE_BREAKAGE, &out);
  g_assert_false (dr_edit_conflict_is_on (c, NULL));
  g_assert_false (dr_edit_conflict_is_on (c, other));
  g_assert_true (c->project == old);
  g_assert_true (dr_edit_conflict_is_on (c, old));
  g_assert_true (dr_edit_conflict_is_on (c, reopened));
  g_assert_true (c->project == reopened);
  g_clear_object (&old);
  g_assert_true (dr_edit_conflict_is_on (c, reopened));
  g_assert_false (dr_edit_conflict_is_on (c, other));
  g_assert_cmpint (c->mine, ==, 8);
  g_assert_cmpint (c->theirs.revision_id, ==, 9);
  g_clear_object (&reopened);
  g_clear_object (&other);
  g_clear_pointer (&c, dr_edit_conflict_free);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/edit-conflict/follows-reopened-project",
                   test_follows_reopened_project);
  return g_test_run ();
}
