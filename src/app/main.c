/* main.c — entry point of damage-review-window, the review window; `damage-review` (src/cli)
 * starts it with its own argv when no command is given. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "dr-application.h"
#include "dr-i18n.h"
#include "dr-keyring.h"
#include "dr-team-login.h"

/* TRUE when the app's settings schema can be found; otherwise prints one line saying what is
 * missing and how to run the app, so the window never aborts in g_settings_new(). */
static gboolean
settings_schema_found (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    return TRUE;
  /* TRANSLATORS: %s is the settings schema id, e.g. io.github.damagereview.DamageReview. */
  g_printerr (_("damage-review: the settings schema %s is not installed; start the app with "
                "'bash build-aux/run.sh', or after 'meson install', or uninstalled with "
                "'meson devenv -C BUILDDIR damage-review'\n"),
              APP_ID);
  return FALSE;
}

int
main (int argc, char **argv)
{
  dr_i18n_init ();
  /* A team project opened without a password finds the one the reviewer asked to remember. */
  dr_team_login_set_password_lookup (dr_keyring_lookup_sync);

  if (!settings_schema_found ())
    return 1;

  g_autoptr (DrApplication) app = dr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
