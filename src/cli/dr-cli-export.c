/* dr-cli-export.c — `damage-review export PROJECT --out DIR`: writes the reviewed masks as a
 * training set (COCO and/or PNG), verifies it by re-reading, and only then puts it in place. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-export.h"

/* Redraws a percentage on stderr when it is a terminal. */
static void
on_progress (double fraction, gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100.0);
  if (percent == *last)
    return;
  *last = percent;
  fputc ('\r', stderr);
  /* TRANSLATORS: progress of `damage-review export`; %d is a percentage. */
  fprintf (stderr, _("Exporting and verifying… %3d%%"), percent);
  if (percent == 100)
    fputc ('\n', stderr);
}

/* Parses "coco", "png" or "both". */
static gboolean
parse_format (const char *text, DrExportFormat *format)
{
  if (g_strcmp0 (text, "coco") == 0)
    *format = DR_EXPORT_FORMAT_COCO;
  else if (g_strcmp0 (text, "png") == 0)
    *format = DR_EXPORT_FORMAT_PNG;
  else if (g_strcmp0 (text, "both") == 0)
    *format = DR_EXPORT_FORMAT_BOTH;
  else
    return FALSE;
  return TRUE;
}

/* The export items of the project at @location — a file, or a connection string, through the
 * same store API (team photos come from the local photo cache). @team (may be NULL) picks the
 * team of a login in several: passed to the server as the dr.team setting (dr-pg-backend.h)
 * through PGOPTIONS, which libpq adds to the connection's options. */
static GPtrArray *
load_items (const char *location, const char *team, GError **error)
{
  if (team != NULL)
    {
      g_autoptr (GString) options = g_string_new (g_getenv ("PGOPTIONS"));
      g_autoptr (GString) value = g_string_new (team);
      /* libpq's options are split at spaces; a backslash escapes the next character. */
      g_string_replace (value, "\\", "\\\\", 0);
      g_string_replace (value, " ", "\\ ", 0);
      g_string_append_printf (options, "%s-c dr.team=%s", options->len ? " " : "", value->str);
      g_setenv ("PGOPTIONS", options->str, TRUE);
    }
  g_autoptr (DrProject) project = dr_project_open (location, DR_PROJECT_OPEN_EXISTING, error);
  return project != NULL ? dr_export_load_items (project, error) : NULL;
}

/* Exit codes: 0 exported and verified; 1 the project could not be read or the export failed
 * (nothing is left at DIR); 2 bad usage. */
int
dr_cli_export (int argc, char **argv)
{
  g_autofree char *out = NULL, *format_text = NULL, *team = NULL;
  double split = 0.0;
  gint64 seed = 0;
  gboolean reviewed_only = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the dataset to this new (or empty) folder"), N_("DIR") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
      N_("coco, png or both (default both)"), N_("FORMAT") },
    { "split", 's', 0, G_OPTION_ARG_DOUBLE, &split,
      N_("Share of claims for the validation set, 0–1 (default 0: all in train)"), N_("F") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_("Seed of the claim split (default 0); the same seed gives the same split"), N_("N") },
    { "reviewed-only", 0, 0, G_OPTION_ARG_NONE, &reviewed_only,
      N_("Export only photos with a verdict on all four damage types"), NULL },
    { "team", 't', 0, G_OPTION_ARG_STRING, &team,
      N_("With a server instead of a project file: the team to export (needed when you are "
         "in several)"), N_("NAME") },
    { NULL },
  };
  if (!dr_cli_parse_options ("export", _("PROJECT|URI"),
                             _("Export reviewed masks as COCO instance JSON (RLE) and/or PNG "
                               "masks with a manifest, split by claim, verified pixel for pixel "
                               "before it is put in place."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  DrExportFormat format = DR_EXPORT_FORMAT_BOTH;
  if (argc != 2 || out == NULL)
    return dr_cli_usage_error ("export", _("expected a project and --out DIR"));
  if (format_text != NULL && !parse_format (format_text, &format))
    return dr_cli_usage_error ("export", _("--format must be coco, png or both"));
  if (!(split >= 0.0 && split <= 1.0) || seed < 0)
    return dr_cli_usage_error ("export",
                               _("--split must be between 0 and 1 and --seed not negative"));

  g_autoptr (GPtrArray) items = load_items (argv[1], team, &error);
  if (items == NULL)
    return dr_cli_fail (error);
  /* As the dialog: --reviewed-only with nothing reviewed would write an empty dataset. */
  guint n_reviewed = 0;
  for (guint i = 0; i < items->len; i++)
    n_reviewed += dr_export_item_is_reviewed (items->pdata[i]);
  if (reviewed_only && n_reviewed == 0)
    {
      fprintf (stderr, _("%s: no photo is reviewed yet (a verdict on all four damage types), so "
                         "--reviewed-only would export nothing; nothing was written\n"), argv[1]);
      return DR_EXIT_FAILED;
    }
  DrExportOptions options = { format, split, (guint64) seed, reviewed_only };
  DrExportSummary summary;
  int last = -1;
  gboolean tty = isatty (fileno (stderr));
  if (!dr_export_run (items, out, &options, tty ? on_progress : NULL, &last, NULL, &summary,
                      &error))
    {
      if (tty && last >= 0 && last < 100)
        fputc ('\n', stderr);
      fprintf (stderr, "%s\n", error->message);
      return DR_EXIT_FAILED;
    }
  /* TRANSLATORS: summary of `damage-review export`; counts, then the folder. */
  printf (_("%u images (%u train, %u val), %u annotations, %u unreviewed left out; verified and "
            "written to %s\n"),
          summary.n_images, summary.n_train, summary.n_val, summary.n_annotations,
          summary.n_skipped, out);
  if (split > 0.0 && summary.n_images > 0 && summary.n_val == 0)
    {
      /* TRANSLATORS: second line of `damage-review export`, after "warning: "; %g is the
       * --split value, %u the number of claims the exported photos belong to. */
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
        "--split %g was asked for but no photo is in the validation set: photos are split by "
        "claim so that no claim is in both sets, and the exported photos belong to only %u "
        "claim",
        "--split %g was asked for but no photo is in the validation set: photos are split by "
        "claim so that no claim is in both sets, and the exported photos belong to only %u "
        "claims", summary.n_claims), split, summary.n_claims);
      fprintf (stderr, "warning: %s\n", why);
    }
  return DR_EXIT_OK;
}
