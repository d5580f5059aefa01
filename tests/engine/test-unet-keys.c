/* test-unet-keys.c — the generated C key table must equal model-format-keys.tsv line for line,
 * and nn_unet_check_state_dict must accept exactly that table.
 *
 * Usage: test-unet-keys KEYS.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-checkpoint.h"
#include "nn-state-dict.h"
#include "nn-unet-keys.h"

/* A state dict built from the table itself must pass the check; without its last key it
 * must fail naming that key. Returns the number of failures. */
static int
check_table_accepted (void)
{
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  int failures = 0;
  for (int i = 0; i < NN_UNET_NUM_KEYS; i++)
    {
      const NnUnetKey *k = &nn_unet_keys[i];
      size_t numel = 1;
      for (int d = 0; d < k->ndim; d++)
        numel *= (size_t) k->shape[d];
      if (nn_state_dict_add (&sd, k->name, strlen (k->name),
                             k->is_float ? NN_DTYPE_F32 : NN_DTYPE_INT, k->ndim, k->shape,
                             numel) == NULL)
        return 1;
    }
  if (nn_unet_check_state_dict (&sd, "table", &err) != NN_OK)
    {
      fprintf (stderr, "FAIL: the table itself is refused: %s\n", err.message);
      failures++;
    }
  sd.count--;
  if (nn_unet_check_state_dict (&sd, "table", &err) != NN_ERR_MODEL
      || strstr (err.message, "key 'segmentation_head.0.bias' is missing (and 0 more)") == NULL)
    {
      fprintf (stderr, "FAIL: dropping the last key gave: %s\n", err.message);
      failures++;
    }
  sd.count++;
  nn_state_dict_clear (&sd);
  return failures;
}

/* Compares the TSV with nn_unet_keys entry by entry; exit status 1 on any difference. */
int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  FILE *f = fopen (argv[1], "r");
  if (f == NULL)
    {
      perror (argv[1]);
      return 2;
    }
  char line[512];
  int n = 0, failures = 0;
  while (fgets (line, sizeof line, f))
    {
      if (line[0] == '#' || line[0] == '\n')
        continue;
      char key[256], shape[128], dtype[32];
      int idx;
      long long numel;
      if (sscanf (line, "%d\t%255[^\t]\t%127[^\t]\t%31[^\t]\t%lld", &idx, key, shape, dtype,
                  &numel) != 5)
        {
          fprintf (stderr, "FAIL: cannot parse: %s", line);
          return 1;
        }
      if (n >= NN_UNET_NUM_KEYS || idx != n + 1)
        {
          fprintf (stderr, "FAIL: line for index %d out of order or beyond the table\n", idx);
          return 1;
        }
      const NnUnetKey *k = &nn_unet_keys[n++];
      char built[128];
      size_t len = (size_t) snprintf (built, sizeof built, "(");
      long long prod = 1;
      for (int d = 0; d < k->ndim; d++)
        {
          len += (size_t) snprintf (built + len, sizeof built - len, d ? ", %lld" : "%lld",
                                    (long long) k->shape[d]);
          prod *= k->shape[d];
        }
      snprintf (built + len, sizeof built - len, k->ndim == 1 ? ",)" : ")");
      int is_float = strcmp (dtype, "float32") == 0;
      if (strcmp (k->name, key) != 0 || strcmp (built, shape) != 0 || prod != numel
          || k->is_float != is_float || (!is_float && strcmp (dtype, "int64") != 0))
        {
          fprintf (stderr, "FAIL: table entry %d is %s %s, TSV says %s %s %s\n", n, k->name,
                   built, key, shape, dtype);
          failures++;
        }
    }
  fclose (f);
  if (n != NN_UNET_NUM_KEYS)
    {
      fprintf (stderr, "FAIL: TSV has %d keys, table %d\n", n, NN_UNET_NUM_KEYS);
      failures++;
    }
  printf ("%d keys compared\n", n);
  failures += check_table_accepted ();
  return failures ? 1 : 0;
}
