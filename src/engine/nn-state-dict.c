/* nn-state-dict.c — NnStateDict storage and lookup (see nn-checkpoint.h, nn-state-dict.h). */
#include "nn-state-dict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nn-convert.h"

/* True when p points into sd's file mapping. */
static int
in_map (const NnStateDict *sd, const void *p)
{
  const uint8_t *b = p;
  return sd->map != NULL && b >= sd->map && b < sd->map + sd->map_size;
}

/* Grows the tensor array by doubling, then fills the new slot; an F32 tensor gets `view` as
 * its data when non-NULL, else a new buffer. */
static NnNamedTensor *
add (NnStateDict *sd, const char *name, size_t name_len, NnDtype dtype, int ndim,
     const int64_t *shape, size_t numel, const float *view)
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
  if (view != NULL)
    t->data = (float *) view;
  else if (dtype == NN_DTYPE_F32)
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

/* See nn-state-dict.h. */
NnNamedTensor *
nn_state_dict_add (NnStateDict *sd, const char *name, size_t name_len, NnDtype dtype, int ndim,
                   const int64_t *shape, size_t numel)
{
  return add (sd, name, name_len, dtype, ndim, shape, numel, NULL);
}

/* See nn-state-dict.h. The mapping is read-only, so a borrowed tensor is never written. */
NnNamedTensor *
nn_state_dict_add_contiguous (NnStateDict *sd, const char *name, size_t name_len, int ndim,
                              const int64_t *shape, size_t numel, NnStorageType type, int big,
                              const uint8_t *src)
{
  if (numel > 0 && in_map (sd, src) && nn_convert_is_identity (type, big)
      && (uintptr_t) src % _Alignof (float) == 0)
    return add (sd, name, name_len, NN_DTYPE_F32, ndim, shape, numel, (const float *) src);
  NnNamedTensor *t = add (sd, name, name_len, NN_DTYPE_F32, ndim, shape, numel, NULL);
  if (t != NULL)
    nn_convert_run (type, src, numel, big, t->data);
  return t;
}

/* See nn-state-dict.h. Only the pages lying wholly inside the tensor are dropped. */
void
nn_state_dict_release (NnStateDict *sd, NnNamedTensor *t)
{
  if (t->data == NULL)
    return;
  if (!in_map (sd, t->data))
    free (t->data);
  else
    {
      const uintptr_t page = (uintptr_t) sysconf (_SC_PAGESIZE);
      uintptr_t begin = ((uintptr_t) t->data + page - 1) / page * page;
      uintptr_t end = ((uintptr_t) (t->data + t->numel)) / page * page;
      if (end > begin)
        madvise ((void *) begin, end - begin, MADV_DONTNEED);
    }
  t->data = NULL;
}

/* Frees names, copied data and the array, and unmaps the file. */
void
nn_state_dict_clear (NnStateDict *sd)
{
  for (size_t i = 0; i < sd->count; i++)
    {
      free (sd->tensors[i].name);
      if (!in_map (sd, sd->tensors[i].data))
        free (sd->tensors[i].data);
    }
  free (sd->tensors);
  if (sd->map != NULL)
    munmap ((void *) sd->map, sd->map_size);
  sd->tensors = NULL;
  sd->count = 0;
  sd->map = NULL;
  sd->map_size = 0;
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
