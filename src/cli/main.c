/* main.c — entry point of damage-review: a command runs here, headless; anything else (no
 * arguments, files, GApplication options) starts the review window in its place. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dr-cli.h"

int
main (int argc, char **argv)
{
  /* DAMAGE_REVIEW_LOCALEDIR points an uninstalled build at <builddir>/po (see po/meson.build). */
  const char *localedir = g_getenv ("DAMAGE_REVIEW_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  int status;
  if (dr_cli_try_run (argc, argv, &status))
    return status;
  return dr_cli_open_window (argc, argv);
}
