/* dr-cli-evaluate.c — `damage-review evaluate PROJECT`: IoU, Dice, precision and recall of
 * every model against the imported ground truth, micro-averaged over pixels. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-evaluate.h"

/* Prints a ratio with three decimals, or n/a when it is undefined. */
static void
print_ratio (double v)
{
  if (isnan (v))
    printf (" %9s", "n/a");
  else
    printf (" %9.3f", v);
}

/* Exit codes: 0 table printed; 1 the project could not be read, or no photo has both ground
 * truth and a prediction; 2 bad usage. */
int
dr_cli_evaluate (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!dr_cli_parse_options ("evaluate", _("PROJECT"),
                             _("Compare every model’s masks with the imported ground truth: IoU, "
                               "Dice, precision and recall over all photos that have both, "
                               "summed over pixels."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2)
    return dr_cli_usage_error ("evaluate", _("expected one project"));
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    return dr_cli_fail (error);
  g_autoptr (GPtrArray) rows = dr_evaluate_project (project, &error);
  if (rows == NULL)
    return dr_cli_fail (error);
  if (rows->len == 0)
    {
      fprintf (stderr, "%s: %s\n", argv[1],
               _("no photo has both ground truth and a prediction; run `import` and `analyse` "
                 "first"));
      return DR_EXIT_FAILED;
    }
  printf ("%-10s %-20s %-14s %-6s %6s %9s %9s %9s %9s\n", _("Damage"), _("Model"),
          _("SHA-256"), _("Truth"), _("Photos"), "IoU", "Dice", _("Precision"), _("Recall"));
  for (guint i = 0; i < rows->len; i++)
    {
      const DrEvaluation *e = g_ptr_array_index (rows, i);
      g_autofree char *sha = g_strndup (e->model_sha256, 12);
      printf ("%-10s %-20.20s %-14s %-6s %6u", dr_damage_to_string (e->damage),
              e->model_name != NULL ? e->model_name : "?", sha, e->source, e->n_photos);
      print_ratio (dr_evaluation_iou (e));
      print_ratio (dr_evaluation_dice (e));
      print_ratio (dr_evaluation_precision (e));
      print_ratio (dr_evaluation_recall (e));
      printf ("\n");
    }
  return DR_EXIT_OK;
}
