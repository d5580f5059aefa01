/* nn-unet-keys.h — the exact state_dict of smp 0.2.1 Unet(resnet34, classes=2), and the check
 * that a read checkpoint matches it. */
#pragma once

#include <stdint.h>

#include "nn-checkpoint.h"
#include "nn-status.h"

#define NN_UNET_NUM_KEYS 278

typedef struct {
  const char *name;
  int ndim;
  int64_t shape[4];
  int is_float;     /* 1: float32 parameter/buffer; 0: int64 num_batches_tracked */
} NnUnetKey;

/* [NN_UNET_NUM_KEYS] in state_dict order; generated from model-format-keys.tsv. */
extern const NnUnetKey nn_unet_keys[NN_UNET_NUM_KEYS];

/* Returns the table entry named name, or NULL. */
const NnUnetKey *nn_unet_key_find (const char *name);

/* NN_OK when sd holds exactly the model's keys with the model's shapes and kinds. Otherwise
 * NN_ERR_MODEL and one line naming file and the first offending key: missing keys (first one
 * and how many more), unexpected keys, a head with another class count, a wrong shape, an
 * integer tensor where a float is needed or the reverse. */
NnStatus nn_unet_check_state_dict (const NnStateDict *sd, const char *file, NnError *err);
