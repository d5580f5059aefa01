/* test-password-lookup.c — where dr_team_login_check finds a password no one registered: the
 * face's lookup (the window's GNOME keyring), set with dr_team_login_set_password_lookup. No
 * display, no keyring and no server: the location names a closed local port, so every check
 * fails as unreachable after the password step.
 *
 * - /password-lookup/none: with no lookup set (the command line), nothing is registered.
 * - /password-lookup/set: the lookup is asked once for the location, its answer registered for
 *   the connection; a registered password, or one written in the location, is not looked up.
 */
#include "config.h"

#include "dr-pg-conn.h"
#include "dr-pg-password.h"
#include "dr-team-login.h"

#define LOCATION "postgresql://reviewer@127.0.0.1:1/claims"
#define WITH_PASSWORD "postgresql://reviewer:inline@127.0.0.1:1/other"
#define SECRET "kept in the keyring"

static GPtrArray *asked;  /* the locations the lookup was asked for */

static char *
lookup (const char *location, GCancellable *cancellable)
{
  g_ptr_array_add (asked, g_strdup (location));
  return g_strdup (SECRET);
}

/* Checks location, which cannot be reached. */
static void
check_unreachable (const char *location)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_team_login_check (location, NULL, NULL, NULL, &error));
  g_assert_error (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE);
}

static void
test_none (void)
{
  check_unreachable (LOCATION);
  g_autofree char *registered = dr_pg_password_dup (LOCATION);
  g_assert_null (registered);
}

static void
test_set (void)
{
  asked = g_ptr_array_new_with_free_func (g_free);
  dr_team_login_set_password_lookup (lookup);

  check_unreachable (LOCATION);
  g_assert_cmpuint (asked->len, ==, 1);
  g_assert_cmpstr (asked->pdata[0], ==, LOCATION);
  char *registered = dr_pg_password_dup (LOCATION);
  g_assert_cmpstr (registered, ==, SECRET);
  dr_pg_password_free (registered);

  /* Registered now: not looked up again. */
  check_unreachable (LOCATION);
  g_assert_cmpuint (asked->len, ==, 1);

  /* A password in the location itself is never looked up. */
  check_unreachable (WITH_PASSWORD);
  g_assert_cmpuint (asked->len, ==, 1);

  dr_team_login_set_password_lookup (NULL);
  dr_pg_password_set (LOCATION, NULL);
  g_clear_pointer (&asked, g_ptr_array_unref);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/password-lookup/none", test_none);
  g_test_add_func ("/password-lookup/set", test_set);
  return g_test_run ();
}
