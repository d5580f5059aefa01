/* dr-cli-options.c — see dr-cli-options.h. */
#include "config.h"

#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-options.h"

/* See dr-cli-options.h. */
gboolean
dr_cli_parse_options (const char *command, const char *parameter, const char *summary,
                      const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameter);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  dr_cli_usage_error (command, error->message);
  return FALSE;
}

/* See dr-cli-options.h. */
int
dr_cli_usage_error (const char *command, const char *message)
{
  fprintf (stderr, "damage-review %s: %s\n", command, message);
  return DR_EXIT_USAGE;
}

/* See dr-cli-options.h. */
int
dr_cli_fail (const GError *error)
{
  fprintf (stderr, "%s\n", error->message);
  return DR_EXIT_FAILED;
}
