/* dr-cli-add.c — `damage-review add PROJECT PATH…`: add photos to a project, headless.
 *
 * Creates the project if needed. Each file is stored in its own transaction and the same bytes
 * are never added twice, so the command can be interrupted (Ctrl-C, kill) at any moment and run
 * again to finish the job. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-import.h"

typedef struct {
  gboolean tty;  /* stderr is a terminal: show a one-line progress counter */
} AddState;

/* Reports problems as they happen (one line each on stderr) and, on a terminal, a counter. */
static void
on_progress (guint done, guint total, const char *path, DrImportOutcome outcome,
             const char *message, gpointer user_data)
{
  AddState *state = user_data;
  if (message != NULL)
    {
      if (state->tty)
        fputs ("\r\033[K", stderr);
      fprintf (stderr, "%s\n", message);
    }
  if (state->tty && path != NULL)
    {
      fprintf (stderr, "\r\033[K%u/%u", done, total);
      if (done == total)
        fputc ('\n', stderr);
    }
}

/* Parses options, opens or creates the project, imports, prints one summary line. Exit codes:
 * 0 all photos added or already there; 1 some file could not be read or found, or the project
 * could not be opened or written; 2 bad usage. */
int
dr_cli_add (int argc, char **argv)
{
  g_autofree char *claim = NULL;
  const GOptionEntry entries[] = {
    { "claim", 'c', 0, G_OPTION_ARG_STRING, &claim,
      N_("Put every photo in this claim (default: each photo’s folder name)"), N_("NAME") },
    { NULL },
  };
  if (!dr_cli_parse_options ("add", _("PROJECT PATH…"),
                             _("Add photos (files or folders, searched recursively) to a "
                               "project, creating it if needed."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc < 3)
    return dr_cli_usage_error ("add", _("expected a project and at least one path"));

  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_CREATE, &error);
  if (project == NULL)
    return dr_cli_fail (error);

  AddState state = { .tty = isatty (fileno (stderr)) };
  DrImportStats stats = { 0 };
  gboolean ok = dr_import_paths (project, (const char *const *) argv + 2, claim, NULL,
                                 on_progress, &state, &stats, &error);
  /* TRANSLATORS: summary of `damage-review add`; the numbers are counts of files. */
  printf (_("%u added, %u already in the project, %u unreadable, %u not found, %u skipped "
            "(not photos)\n"),
          stats.added, stats.duplicates, stats.failed, stats.missing, stats.skipped);
  if (!ok)
    return dr_cli_fail (error);
  return stats.failed > 0 || stats.missing > 0 ? DR_EXIT_FAILED : DR_EXIT_OK;
}
