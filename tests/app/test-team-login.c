/* test-team-login.c — what a team project's connection is given, and the keyring (no display,
 * no server).
 *
 * - /team-login/connection-params: a password registered for a location goes to libpq beside
 *   it (the "password" keyword, after the location expanded from "dbname"), never inside it;
 *   a location with the login added keeps that login for libpq in both forms (checked with
 *   GUri for a URI, with libpq's parser for keyword=value) even with quotes and backslashes; a
 *   location carrying a password is recognised (the window never stores or shows one).
 * - /team-login/keyring: against a GNOME keyring of its own (gnome-keyring-daemon in a private
 *   D-Bus session, started by this program when both exist; otherwise the case is skipped and
 *   says so): a password stored for a URI is found for the same server, port, database and
 *   login written as keyword=value, not for another login; the independent client secret-tool
 *   finds it under the documented attributes.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "dr-keyring.h"
#include "dr-pg-location.h"
#include "dr-pg-password.h"

#define KEYRING_ENV "DR_TEST_KEYRING"

/* The value libpq's own parser reads for @keyword in @location (NULL when unset). */
static char *
libpq_value (const char *location, const char *keyword)
{
  PQconninfoOption *opts = PQconninfoParse (location, NULL);
  g_assert_nonnull (opts);
  char *value = NULL;
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    if (strcmp (o->keyword, keyword) == 0 && o->val != NULL)
      value = g_strdup (o->val);
  PQconninfoFree (opts);
  return value;
}

static void
test_connection_params (void)
{
  const char *location = "postgresql://db.example:5433/claims";
  const char *secret = "s3cr'et pass";
  char **keys, **values;

  /* A default connect timeout and the TCP defaults first, so that any in the location wins;
   * then the location. */
  const char *tcp[] = { "keepalives_idle", "keepalives_interval", "keepalives_count",
                        "tcp_user_timeout" };
  g_unsetenv ("PGCONNECT_TIMEOUT");
  dr_pg_password_params (location, NULL, NULL, 0, &keys, &values);
  g_assert_cmpuint (g_strv_length (keys), ==, 6);
  g_assert_cmpstr (keys[0], ==, "connect_timeout");
  g_assert_cmpint (atoi (values[0]), >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tcp); i++)
    {
      g_assert_cmpstr (keys[1 + i], ==, tcp[i]);
      g_assert_cmpint (atoi (values[1 + i]), >, 0);
    }
  g_assert_cmpstr (keys[5], ==, "dbname");
  g_assert_cmpstr (values[5], ==, location);
  dr_pg_password_params_free (keys, values);
  /* The user's PGCONNECT_TIMEOUT is libpq's to apply. */
  g_setenv ("PGCONNECT_TIMEOUT", "7", TRUE);
  dr_pg_password_params (location, NULL, NULL, 0, &keys, &values);
  g_assert_cmpuint (g_strv_length (keys), ==, 5);
  g_assert_cmpstr (keys[4], ==, "dbname");
  dr_pg_password_params_free (keys, values);

  dr_pg_password_set (location, secret);
  const char *extra_keys[] = { "application_name" };
  const char *extra_values[] = { "test" };
  dr_pg_password_params (location, extra_keys, extra_values, 1, &keys, &values);
  g_unsetenv ("PGCONNECT_TIMEOUT");
  g_assert_cmpuint (g_strv_length (keys), ==, 7);
  g_assert_cmpstr (keys[4], ==, "dbname");
  g_assert_cmpstr (values[4], ==, location);
  g_assert_cmpstr (keys[5], ==, "application_name");
  g_assert_cmpstr (keys[6], ==, "password");
  g_assert_cmpstr (values[6], ==, secret);
  dr_pg_password_params_free (keys, values);
  /* Only for that exact location. */
  g_assert_null (dr_pg_password_dup ("postgresql://db.example:5433/other"));
  dr_pg_password_set (location, NULL);
  g_assert_null (dr_pg_password_dup (location));

  const char *login = "o'brien\\x";
  g_autofree char *uri = dr_pg_location_with_login (location, login);
  g_autoptr (GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (parsed);
  g_autoptr (GHashTable) query = g_uri_parse_params (g_uri_get_query (parsed), -1, "&",
                                                     G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (query, "user"), ==, login);
  g_autofree char *uri_user = libpq_value (uri, "user");
  g_assert_cmpstr (uri_user, ==, login);
  g_autofree char *kv = dr_pg_location_with_login ("service=team user=someone", login);
  g_autofree char *kv_user = libpq_value (kv, "user");
  g_assert_cmpstr (kv_user, ==, login);
  g_autofree char *kv_service = libpq_value (kv, "service");
  g_assert_cmpstr (kv_service, ==, "team");

  g_assert_false (dr_pg_location_has_password (uri));
  g_assert_true (dr_pg_location_has_password ("postgresql://alice:pw@db.example/claims"));
  g_assert_true (dr_pg_location_has_password ("dbname=claims password='x y'"));
  g_autofree char *shown = dr_pg_location_describe ("postgresql://alice@db.example/claims");
  g_assert_cmpstr (shown, ==, "claims@db.example");
  g_autofree char *with_login =
    dr_pg_location_describe_login ("postgresql://alice@db.example/claims");
  g_assert_nonnull (strstr (with_login, "alice"));
  g_assert_true (dr_pg_location_same ("postgresql://alice@db.example:5433/claims",
                                      "host=db.example port=5433 dbname=claims user=alice"));
  g_assert_false (dr_pg_location_same ("postgresql://alice@db.example:5433/claims",
                                       "host=db.example port=5433 dbname=claims user=bob"));
}

/* Where a store's result goes. */
typedef struct {
  gboolean done;
  GError *error;
} Stored;

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Stored *stored = data;
  dr_keyring_store_finish (result, &stored->error);
  stored->done = TRUE;
}

static void
test_keyring (void)
{
  if (g_getenv (KEYRING_ENV) == NULL)
    {
      g_test_skip ("no GNOME keyring to test against: gnome-keyring-daemon or dbus-run-session "
                   "is not installed (the connection parameters are tested above)");
      return;
    }
  const char *uri = "postgresql://db.example:5433/claims?user=alice";
  const char *same = "host=db.example port=5433 dbname=claims user=alice";
  const char *other = "host=db.example port=5433 dbname=claims user=bob";
  const char *secret = "alice's keyring password";

  Stored stored = { FALSE, NULL };
  dr_keyring_store_async (uri, secret, NULL, stored_cb, &stored);
  while (!stored.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (stored.error);
  g_autofree char *found = dr_keyring_lookup_sync (same, NULL);
  g_assert_cmpstr (found, ==, secret);
  g_autofree char *none = dr_keyring_lookup_sync (other, NULL);
  g_assert_null (none);

  g_autoptr (GError) error = NULL;
  const char *argv[] = { "secret-tool", "lookup", "server", "db.example", "port", "5433",
                         "database", "claims", "login", "alice", NULL };
  g_autofree char *out = NULL;
  int status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  if (error != NULL && g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
    g_test_message ("secret-tool is not installed: the independent lookup is left out");
  else
    {
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, secret);
    }
}

/* Runs this program again inside a private D-Bus session with an unlocked keyring of its own
 * (in a temporary folder), when dbus-run-session and gnome-keyring-daemon exist. */
static int
rerun_with_keyring (int argc, char **argv)
{
  g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  if (dbus == NULL || daemon == NULL)
    return -1;
  g_autofree char *home = g_dir_make_tmp ("dr-keyring-XXXXXX", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, KEYRING_ENV, "1", TRUE);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", home, TRUE);
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  GPtrArray *args = g_ptr_array_new ();
  g_ptr_array_add (args, dbus);
  g_ptr_array_add (args, "--");
  g_ptr_array_add (args, "sh");
  g_ptr_array_add (args, "-c");
  g_ptr_array_add (args, "printf keyring | gnome-keyring-daemon --unlock --components=secrets "
                         ">/dev/null 2>&1; exec \"$@\"");
  g_ptr_array_add (args, "sh");
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  int status = 1;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                NULL, NULL, &status, &error);
  g_ptr_array_free (args, TRUE);
  g_autofree char *quoted = g_shell_quote (home);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  if (error != NULL)
    return -1;
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

int
main (int argc, char **argv)
{
  if (g_getenv (KEYRING_ENV) == NULL)
    {
      int rerun = rerun_with_keyring (argc, argv);
      if (rerun >= 0)
        return rerun;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/team-login/connection-params", test_connection_params);
  g_test_add_func ("/team-login/keyring", test_keyring);
  return g_test_run ();
}
