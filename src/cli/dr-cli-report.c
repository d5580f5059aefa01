/* dr-cli-report.c — `damage-review report PROJECT [--claim NAME …] --out FILE.pdf`: the claim
 * report (see dr-report.h), with the repair prices and currency of the app's settings. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-damage.h"
#include "dr-report.h"

/* Redraws "page N of M" on stderr when it is a terminal. */
static void
on_progress (guint done, guint total, gpointer user_data)
{
  fputc ('\r', stderr);
  /* TRANSLATORS: progress of `damage-review report`: pages written, page count. */
  fprintf (stderr, _("Writing the report… page %u of %u"), done, total);
  if (done == total)
    fputc ('\n', stderr);
}

/* Reads the prices and currency the window uses, when the app's settings schema is
 * installed (else the report has no estimate). */
static char *
read_prices (DrReportOptions *options)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID,
                                                                                 TRUE)
                                              : NULL;
  if (schema == NULL)
    return NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  for (guint d = 0; d < DR_N_DAMAGE; d++)
    options->prices[d] = g_settings_get_double (settings, dr_damage_get_price_key (d));
  return g_settings_get_string (settings, "currency");
}

/* Exit codes: 0 written; 1 the project could not be read or the report failed (nothing is
 * left at FILE); 2 bad usage. */
int
dr_cli_report (int argc, char **argv)
{
  g_autofree char *out = NULL, *paper_text = NULL;
  g_auto (GStrv) claims = NULL;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the PDF report to this file"),
      N_("FILE.pdf") },
    { "claim", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &claims,
      N_("Report on this claim (repeat for more; default: every claim)"), N_("NAME") },
    { "paper", 'p', 0, G_OPTION_ARG_STRING, &paper_text,
      N_("a4 or letter (default: the locale's paper)"), N_("PAPER") },
    { NULL },
  };
  if (!dr_cli_parse_options ("report", _("PROJECT"),
                             _("Write a claim report as PDF: per claim a summary page, then one "
                               "page per photo with its final masks, areas, verdicts and who "
                               "gave them."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2 || out == NULL)
    return dr_cli_usage_error ("report", _("expected a project and --out FILE.pdf"));
  DrReportOptions options = { dr_report_paper_default (), (const char *const *) claims };
  if (paper_text != NULL && !dr_report_paper_from_string (paper_text, &options.paper))
    return dr_cli_usage_error ("report", _("--paper must be a4 or letter"));
  g_autofree char *currency = read_prices (&options);
  options.currency = currency;

  DrReportSummary summary;
  gboolean tty = isatty (fileno (stderr));
  if (!dr_report_write (argv[1], out, &options, tty ? on_progress : NULL, NULL, NULL, &summary,
                        &error))
    {
      if (tty)
        fputc ('\n', stderr);
      fprintf (stderr, "%s\n", error->message);
      return DR_EXIT_FAILED;
    }
  /* TRANSLATORS: result of `damage-review report`: the file, then its page count (always
   * at least 2). */
  printf (_("Report written to %s: %u pages\n"), out, summary.n_pages);
  return DR_EXIT_OK;
}
