/* dr-cli-options.h — what every `damage-review COMMAND` does with its options and its errors. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses the options of `damage-review @command` out of @argc/@argv with @entries (ended by
 * { NULL }); @parameter and @summary (translated) are shown by --help. FALSE after printing
 * "damage-review COMMAND: reason" on stderr when they do not parse: the command then exits
 * with DR_EXIT_USAGE. */
gboolean dr_cli_parse_options (const char          *command,
                               const char          *parameter,
                               const char          *summary,
                               const GOptionEntry  *entries,
                               int                 *argc,
                               char              ***argv);

/* Prints "damage-review @command: @message" on stderr; returns DR_EXIT_USAGE. */
int dr_cli_usage_error (const char *command, const char *message);

/* Prints @error's message (one line naming what failed) on stderr; returns DR_EXIT_FAILED. */
int dr_cli_fail (const GError *error);

G_END_DECLS
