/* dr-cli.c — dispatch of headless subcommands (`damage-review infer …`). */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} DrCliCommand;

static const DrCliCommand commands[] = {
  { "add", dr_cli_add, N_("Add photos to a project (created if needed)") },
  { "analyse", dr_cli_analyse, N_("Run the models on a project’s photos and store the results") },
  { "bench", dr_cli_bench, N_("Time the four-model forward pass") },
  { "help", dr_cli_help, N_("Show this help") },
  { "infer", dr_cli_infer, N_("Find damage in photos; write masks and a summary") },
  { "export", dr_cli_export, N_("Export reviewed masks as a verified COCO/PNG training set") },
  { "import", dr_cli_import, N_("Import ground-truth masks from AI Hub or COCO label files") },
  { "evaluate", dr_cli_evaluate, N_("Score every model against the imported ground truth") },
  { "report", dr_cli_report, N_("Write a claim report (PDF) for the adjuster's file") },
  { "status", dr_cli_status, N_("Show a team project’s analysis queue and workers") },
  { "worker", dr_cli_worker, N_("Analyse a team project’s queued photos, on any machine") },
  { "push", dr_cli_push, N_("Copy a project into a team project on a PostgreSQL server") },
  { "team-init", dr_cli_team_init, N_("Create or upgrade the team schema on a server") },
};

/* Prints the usage summary of the binary and every subcommand to stdout; returns 0. */
int
dr_cli_help (int argc, char **argv)
{
  printf ("%s\n", _("Usage: damage-review [FILE|FOLDER|PROJECT]"));
  printf ("       %s\n\n", _("damage-review COMMAND [OPTION…]"));
  printf ("%s\n", _("Review car-damage photos with four segmentation models."));
  printf ("%s\n\n", _("Without a command, opens the review window."));
  printf ("%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    printf ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  printf ("\n%s\n", _("Run “damage-review COMMAND --help” for a command’s options."));
  return DR_EXIT_OK;
}

/* Whether arg looks like a mistyped command rather than a file to open: a bare word of
 * lower-case letters and dashes that names nothing on disk. */
static gboolean
looks_like_command (const char *arg)
{
  if (arg[0] == '\0' || arg[0] == '-' || g_file_test (arg, G_FILE_TEST_EXISTS))
    return FALSE;
  for (const char *p = arg; *p; p++)
    if (!g_ascii_islower (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* Whether a window could be shown: some display is named in the environment. */
static gboolean
have_display (void)
{
  const char *backend = g_getenv ("GDK_BACKEND");
  return (backend != NULL && strstr (backend, "broadway") != NULL)
         || (g_getenv ("DISPLAY") && *g_getenv ("DISPLAY"))
         || (g_getenv ("WAYLAND_DISPLAY") && *g_getenv ("WAYLAND_DISPLAY"));
}

/* Without a display, says so in full and sets *status to 1 (TRUE); otherwise FALSE. */
static gboolean
dr_cli_refuse_without_display (int *status)
{
  if (have_display ())
    return FALSE;
  fprintf (stderr, "%s\n", _("damage-review: no display to show the window on (neither DISPLAY "
                              "nor WAYLAND_DISPLAY is set); the commands in “damage-review "
                              "--help” work without one"));
  *status = DR_EXIT_FAILED;
  return TRUE;
}

/* Looks argv[1] up in the command table and runs it with argv shifted by one. A mistyped
 * command is refused (exit 2) instead of being opened as a file; without any display the
 * window is not attempted (exit 1, saying what works instead). FALSE: open the window. */
gboolean
dr_cli_try_run (int argc, char **argv, int *status)
{
  if (argc < 2)
    return dr_cli_refuse_without_display (status);
  const char *arg = argv[1];
  if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
    {
      *status = dr_cli_help (argc - 1, argv + 1);
      return TRUE;
    }
  if (strcmp (arg, "--version") == 0)
    {
      printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      *status = DR_EXIT_OK;
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (arg, commands[i].name) == 0)
      {
        *status = commands[i].run (argc - 1, argv + 1);
        return TRUE;
      }
  if (looks_like_command (arg))
    {
      fprintf (stderr, _("damage-review: unknown command “%s” (and no such file); "
                         "“damage-review --help” lists the commands\n"), arg);
      *status = DR_EXIT_USAGE;
      return TRUE;
    }
  return dr_cli_refuse_without_display (status);
}
