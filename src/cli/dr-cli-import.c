/* dr-cli-import.c — `damage-review import PROJECT LABELS…`: AI Hub or COCO label files (or
 * folders of them, searched recursively for *.json) into the project's ground truth. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-label-import.h"

typedef struct {
  guint files, rejected, images, matched;
} ImportTotals;

/* Imports one label file, printing its warnings and (if rejected) its error on stderr. */
static void
import_file (DrLabelImport *import, const char *path, ImportTotals *totals)
{
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  DrLabelImportSummary summary = { 0 };
  totals->files++;
  gboolean ok = dr_label_import_file (import, path, warnings, &summary, &error);
  for (guint i = 0; i < warnings->len; i++)
    fprintf (stderr, "%s\n", (const char *) warnings->pdata[i]);
  if (!ok)
    {
      fprintf (stderr, "%s\n", error->message);
      totals->rejected++;
      return;
    }
  totals->images += summary.n_images;
  totals->matched += summary.n_matched;
}

/* Orders file names (GPtrArray sort hands over pointers to the elements). */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Imports @path: a file directly, a folder by walking it (sorted, so runs are repeatable). */
static void
import_path (DrLabelImport *import, const char *path, int depth, ImportTotals *totals)
{
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      import_file (import, path, totals);
      return;
    }
  if (depth > 16)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      totals->files++;
      totals->rejected++;
      return;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        import_path (import, child, depth + 1, totals);
      else if (g_str_has_suffix (names->pdata[i], ".json"))
        import_file (import, child, totals);
    }
}

/* Exit codes: 0 every file imported; 1 the project could not be opened, some file was
 * rejected (the others are still imported), or no label file or no matching image was found;
 * 2 bad usage. */
int
dr_cli_import (int argc, char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  if (!dr_cli_parse_options ("import", _("PROJECT LABELS…"),
                             _("Import ground-truth damage masks from AI Hub damage label files "
                               "or COCO instance files (files or folders). Each labelled image "
                               "is matched to the photo with the same file name stem."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc < 3)
    return dr_cli_usage_error ("import",
                               _("expected a project and at least one label file or folder"));
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    return dr_cli_fail (error);
  g_autoptr (DrLabelImport) import = dr_label_import_new (project, &error);
  if (import == NULL)
    return dr_cli_fail (error);
  ImportTotals totals = { 0 };
  for (int i = 2; i < argc; i++)
    import_path (import, argv[i], 0, &totals);
  if (!dr_label_import_finish (import, &error))
    return dr_cli_fail (error);
  /* TRANSLATORS: summary of `damage-review import`; all numbers are counts. */
  printf (_("%u label files read, %u rejected; %u of %u labelled images matched a photo\n"),
          totals.files, totals.rejected, totals.matched, totals.images);
  if (totals.files == 0 || (totals.rejected == 0 && totals.matched == 0))
    {
      fprintf (stderr, "%s\n", totals.files == 0
                                  ? _("damage-review import: no label file (*.json) was found")
                                  : _("damage-review import: no labelled image matched a photo "
                                      "of the project (images are matched by file name stem)"));
      return DR_EXIT_FAILED;
    }
  return totals.rejected > 0 ? DR_EXIT_FAILED : DR_EXIT_OK;
}
