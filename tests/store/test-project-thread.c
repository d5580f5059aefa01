/* test-project-thread.c — a DrProject refuses every thread but the one that opened it.
 *
 * In a subprocess, a project opened on the main thread is used from a second thread: the
 * first statement there must end the process with a critical naming the file and the
 * function (criticals are fatal in the tests), before SQLite runs anything. A second thread
 * that opens its own project on the same file uses it freely. */
#include <glib/gstdio.h>

#include "dr-claim.h"
#include "dr-project.h"
#include "dr-test-util.h"

/* A read through the store API: it must be refused before the backend runs. */
static gpointer
read_on_other_thread (gpointer data)
{
  DrProject *project = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claims = dr_claim_list (project, &error);
  g_assert_null (claims);
  return NULL;
}

static gpointer
open_own (gpointer data)
{
  const char *path = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_is_owner (project));
  g_assert_true (dr_project_begin (project, &error));
  g_assert_true (dr_project_commit (project, &error));
  g_assert_no_error (error);
  return GINT_TO_POINTER (TRUE);
}

static void
test_other_thread_refused (void)
{
  g_autofree char *dir = dr_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "t.damagereview", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (dr_project_is_owner (project));

  if (g_test_subprocess ())
    {
      GThread *thread = g_thread_new ("misuse", read_on_other_thread, project);
      g_thread_join (thread);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*t.damagereview: dr_claim_list called on thread*"
                             "but the project was opened on thread*");

  GThread *own = g_thread_new ("own", open_own, path);
  g_assert_true (GPOINTER_TO_INT (g_thread_join (own)));
  g_clear_object (&project);
  dr_test_rmtree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/thread/other-thread-refused", test_other_thread_refused);
  return g_test_run ();
}
