/* nn-unet-keys.c — compare a state dict with the model's 278 keys (see nn-unet-keys.h). */
#include "nn-unet-keys.h"

#include <stdio.h>
#include <string.h>

#define HEAD_WEIGHT "segmentation_head.0.weight"

/* Linear search of the 278-entry table. */
const NnUnetKey *
nn_unet_key_find (const char *name)
{
  for (int i = 0; i < NN_UNET_NUM_KEYS; i++)
    if (strcmp (nn_unet_keys[i].name, name) == 0)
      return &nn_unet_keys[i];
  return NULL;
}

/* Formats a shape the way torch prints tuples: "()", "(64,)", "(64, 3, 7, 7)". */
static void
format_shape (char *buf, size_t cap, int ndim, const int64_t *shape)
{
  size_t n = (size_t) snprintf (buf, cap, "(");
  for (int k = 0; k < ndim && n < cap; k++)
    n += (size_t) snprintf (buf + n, cap - n, k ? ", %lld" : "%lld", (long long) shape[k]);
  if (n < cap)
    snprintf (buf + n, cap - n, ndim == 1 ? ",)" : ")");
}

/* True when the tensor has exactly the table's shape. */
static int
same_shape (const NnNamedTensor *t, const NnUnetKey *k)
{
  if (t->ndim != k->ndim)
    return 0;
  for (int d = 0; d < k->ndim; d++)
    if (t->shape[d] != k->shape[d])
      return 0;
  return 1;
}

/* Checks one present key's kind and shape; the head gets the class-count message. */
static NnStatus
check_tensor (const NnNamedTensor *t, const NnUnetKey *k, const char *file, NnError *err)
{
  if (k->is_float && t->dtype != NN_DTYPE_F32)
    return nn_error_set (err, NN_ERR_MODEL, "%s: key '%s' holds integers but the model needs "
                         "floating-point values", file, k->name);
  if (!k->is_float && t->dtype == NN_DTYPE_F32)
    return nn_error_set (err, NN_ERR_MODEL, "%s: key '%s' holds floating-point values but the "
                         "model needs an integer tensor", file, k->name);
  if (same_shape (t, k))
    return NN_OK;
  if (strcmp (k->name, HEAD_WEIGHT) == 0 && t->ndim == 4 && t->shape[1] == 16
      && t->shape[2] == 3 && t->shape[3] == 3)
    return nn_error_set (err, NN_ERR_MODEL, "%s: segmentation head '%s' has %lld classes; "
                         "Damage Review needs the 2-class damage models", file, k->name,
                         (long long) t->shape[0]);
  char have[160], want[160];
  format_shape (have, sizeof have, t->ndim, t->shape);
  format_shape (want, sizeof want, k->ndim, k->shape);
  return nn_error_set (err, NN_ERR_MODEL, "%s: key '%s' has shape %s but the model needs %s",
                       file, k->name, have, want);
}

/* Missing keys first, then unexpected ones, then the head, then every other key in order. */
NnStatus
nn_unet_check_state_dict (const NnStateDict *sd, const char *file, NnError *err)
{
  const NnUnetKey *first_missing = NULL;
  size_t missing = 0;
  for (int i = 0; i < NN_UNET_NUM_KEYS; i++)
    if (nn_state_dict_find (sd, nn_unet_keys[i].name) == NULL)
      {
        if (missing++ == 0)
          first_missing = &nn_unet_keys[i];
      }
  if (missing == NN_UNET_NUM_KEYS)
    return nn_error_set (err, NN_ERR_MODEL, "%s: none of the %d keys of the Unet(resnet34) "
                         "model is in the checkpoint (%zu other tensors); not a Damage Review "
                         "model", file, NN_UNET_NUM_KEYS, sd->count);
  if (missing > 0)
    return nn_error_set (err, NN_ERR_MODEL, "%s: key '%s' is missing (and %zu more)", file,
                         first_missing->name, missing - 1);
  size_t unexpected = 0;
  const char *first_unexpected = NULL;
  for (size_t i = 0; i < sd->count; i++)
    if (nn_unet_key_find (sd->tensors[i].name) == NULL)
      {
        if (unexpected++ == 0)
          first_unexpected = sd->tensors[i].name;
      }
  if (unexpected > 0)
    return nn_error_set (err, NN_ERR_MODEL, "%s: unexpected key '%.200s' (and %zu more); the "
                         "model has no such parameter", file, first_unexpected, unexpected - 1);
  const NnUnetKey *head = nn_unet_key_find (HEAD_WEIGHT);
  NnStatus st = check_tensor (nn_state_dict_find (sd, HEAD_WEIGHT), head, file, err);
  for (int i = 0; i < NN_UNET_NUM_KEYS && st == NN_OK; i++)
    st = check_tensor (nn_state_dict_find (sd, nn_unet_keys[i].name), &nn_unet_keys[i], file,
                       err);
  return st;
}
