/* dr-cli-commands.h — one entry point per subcommand; each receives argv[0] = its name. */
#pragma once

int dr_cli_add (int argc, char **argv);
int dr_cli_analyse (int argc, char **argv);
int dr_cli_bench (int argc, char **argv);
int dr_cli_evaluate (int argc, char **argv);
int dr_cli_export (int argc, char **argv);
int dr_cli_help (int argc, char **argv);
int dr_cli_import (int argc, char **argv);
int dr_cli_infer (int argc, char **argv);
int dr_cli_report (int argc, char **argv);
