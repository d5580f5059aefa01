/* dr-i18n.c — see dr-i18n.h. */
#include "config.h"

#include "dr-i18n.h"

#include <glib/gi18n.h>
#include <locale.h>

void
dr_i18n_init (void)
{
  const char *localedir = g_getenv ("DAMAGE_REVIEW_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
