/* fuzz-labels.c — libFuzzer entry point for the label importers (dr-import-coco.c or
 * dr-import-aihub.c, chosen at compile time with -DFUZZ_AIHUB), from the bounded JSON load on.
 *
 * Any file must give either ground-truth records whose masks have the size their image
 * declares, or a one-line error naming the file; every warning is one line as well.
 */
#include "fuzz-common.h"

#include "dr-ground-truth.h"
#include "dr-import-aihub.h"
#include "dr-import-coco.h"
#include "dr-rle.h"

#ifdef FUZZ_AIHUB
#define FUZZ_PARSE dr_import_aihub_parse
#define FUZZ_NAME "labels-aihub.json"
#else
#define FUZZ_PARSE dr_import_coco_parse
#define FUZZ_NAME "labels-coco.json"
#endif

/* The file at @path as dr_label_import_file reads it: bounded JSON load, then the parser. */
static GPtrArray *
fuzz_load (const char *path, GPtrArray *warnings, GError **error)
{
  g_autoptr (JsonNode) root = dr_ground_truth_load_json (path, error);
  if (root == NULL)
    return NULL;
  return FUZZ_PARSE (root, path, warnings, error);
}

/* Imports the input as a label file and checks the records and messages. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_file (data, size, FUZZ_NAME);
  GError *error = NULL;
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *gts = fuzz_load (path, warnings, &error);
  for (guint i = 0; i < warnings->len; i++)
    fuzz_check_message (warnings->pdata[i], NULL);
  if (gts == NULL)
    {
      fuzz_check_message (error->message, FUZZ_NAME);
      g_error_free (error);
    }
  else
    {
      for (guint i = 0; i < gts->len; i++)
        {
          const DrGroundTruth *gt = gts->pdata[i];
          for (int d = 0; d < DR_N_DAMAGE; d++)
            if (gt->mask[d] != NULL
                && (dr_rle_get_height (gt->mask[d]) != gt->height
                    || dr_rle_get_width (gt->mask[d]) != gt->width
                    || dr_rle_get_area (gt->mask[d]) > (guint64) gt->width * gt->height))
              abort ();
        }
      g_ptr_array_unref (gts);
    }
  g_ptr_array_unref (warnings);
  return 0;
}
