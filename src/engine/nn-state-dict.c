/* nn-state-dict.c — NnStateDict storage and lookup (see nn-checkpoint.h, nn-state-dict.h). */
#include "nn-state-dict.h"

#include <stdlib.h>
#include <string.h>

/* Grows the tensor array by doubling, then fills the new slot. */
NnNamedTensor *
nn_state_dict_add (NnStateDict *sd, const char *name, size_t name_len, NnDtype dtype, int ndim,
                   const int64_t *shape, size_t numel)
{
  size_t count = sd->count;
  /* capacity is implicit: 8, then doubled whenever count reaches a power of two >= 8 */
  if (count == 0 || (count >= 8 && (count & (count - 1)) == 0))
    {
      NnNamedTensor *grown = realloc (sd->tensors, (count ? 2 * count : 8) * sizeof *grown);
      if (grown == NULL)
        return NULL;
      sd->tensors = grown;
    }
  NnNamedTensor *t = &sd->tensors[count];
  memset (t, 0, sizeof *t);
  t->name = malloc (name_len + 1);
  if (t->name == NULL)
    return NULL;
  memcpy (t->name, name, name_len);
  t->name[name_len] = '\0';
  if (dtype == NN_DTYPE_F32)
    {
      t->data = malloc (numel ? numel * sizeof (float) : 1);
      if (t->data == NULL)
        {
          free (t->name);
          return NULL;
        }
    }
  t->dtype = dtype;
  t->ndim = ndim;
  for (int k = 0; k < ndim; k++)
    t->shape[k] = shape[k];
  t->numel = numel;
  sd->count = count + 1;
  return t;
}

/* Frees names, data and the array. */
void
nn_state_dict_clear (NnStateDict *sd)
{
  for (size_t i = 0; i < sd->count; i++)
    {
      free (sd->tensors[i].name);
      free (sd->tensors[i].data);
    }
  free (sd->tensors);
  sd->tensors = NULL;
  sd->count = 0;
}

/* Linear search by exact name. */
const NnNamedTensor *
nn_state_dict_find (const NnStateDict *sd, const char *name)
{
  for (size_t i = 0; i < sd->count; i++)
    if (strcmp (sd->tensors[i].name, name) == 0)
      return &sd->tensors[i];
  return NULL;
}
