/* dr-cli.h — the damage-review binary: headless subcommands, and starting the window. */
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

/* Replaces this process with the review window (damage-review-window, looked for next to this
 * program, then in LIBEXECDIR), passing argv through unchanged. Returns only when that fails:
 * prints one line saying the window is not installed, then the commands, and returns 1. */
int dr_cli_open_window (int argc, char **argv);

G_END_DECLS
