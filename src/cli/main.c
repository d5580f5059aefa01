/* main.c — entry point of damage-review: a command runs here, headless; anything else (no
 * arguments, files, GApplication options) starts the review window in its place. */
#include "config.h"


#include "dr-cli.h"
#include "dr-i18n.h"

int
main (int argc, char **argv)
{
  dr_i18n_init ();

  int status;
  if (dr_cli_try_run (argc, argv, &status))
    return status;
  return dr_cli_open_window (argc, argv);
}
