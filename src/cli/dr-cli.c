/* dr-cli.c — dispatch of headless subcommands (`damage-review infer …`). */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
};

/* The file name of the window program, installed in LIBEXECDIR. */
#define DR_WINDOW_PROGRAM "damage-review-window"

/* Prints "Commands:" and one line per subcommand to out. */
static void
print_commands (FILE *out)
{
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
}

/* Prints the usage summary of the binary and every subcommand to stdout; returns 0. */
int
dr_cli_help (int argc, char **argv)
{
  printf ("%s\n", _("Usage: damage-review [FILE|FOLDER|PROJECT]"));
  printf ("       %s\n\n", _("damage-review COMMAND [OPTION…]"));
  printf ("%s\n", _("Review car-damage photos with four segmentation models."));
  printf ("%s\n\n", _("Without a command, opens the review window."));
  print_commands (stdout);
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

/* The window program beside this executable (an uninstalled build keeps both in one
 * directory), else the installed one; NULL when neither is an executable file. */
static char *
find_window_program (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, DR_WINDOW_PROGRAM, NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  g_autofree char *installed = g_build_filename (LIBEXECDIR, DR_WINDOW_PROGRAM, NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return NULL;
}

/* execv()s the window with argv as given (argv[0] stays, so the program name the window
 * registers is still damage-review); on failure says why in one line and lists the commands. */
int
dr_cli_open_window (int argc, char **argv)
{
  g_autofree char *window = find_window_program ();
  if (window != NULL)
    {
      fflush (stdout);
      execv (window, argv);
      /* TRANSLATORS: %s is a program path, then the system's reason (e.g. "Permission denied"). */
      fprintf (stderr, _("damage-review: cannot start the review window %s: %s\n"), window,
               g_strerror (errno));
    }
  else
    {
      /* TRANSLATORS: %s is the folder the window program is looked for in, e.g.
       * /usr/libexec. */
      fprintf (stderr, _("damage-review: the review window is not installed (no %s in %s); "
                         "only the commands work on this machine\n"), DR_WINDOW_PROGRAM,
               LIBEXECDIR);
    }
  print_commands (stderr);
  return DR_EXIT_FAILED;
}
