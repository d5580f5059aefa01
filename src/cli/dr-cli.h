/* dr-cli.h — headless subcommands of the damage-review binary. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes shared by every subcommand. */
enum {
  DR_EXIT_OK = 0,      /* everything succeeded */
  DR_EXIT_FAILED = 1,  /* some job failed; the others were still done */
  DR_EXIT_USAGE = 2,   /* bad usage, or no usable model */
};

/* If argv[1] names a subcommand (or --help/--version), runs it, stores its exit code in
 * *status and returns TRUE. Otherwise returns FALSE and the caller opens the window. */
gboolean dr_cli_try_run (int argc, char **argv, int *status);

G_END_DECLS
