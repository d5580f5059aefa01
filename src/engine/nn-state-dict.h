/* nn-state-dict.h — building an NnStateDict (internal to the checkpoint readers). */
#pragma once

#include "nn-checkpoint.h"

/* Appends a tensor named name[name_len] (copied; must not contain NUL) with the given
 * shape; allocates data[numel] for NN_DTYPE_F32. Returns the new tensor, or NULL when out of
 * memory (sd unchanged). numel must equal the product of the shape. */
NnNamedTensor *nn_state_dict_add (NnStateDict *sd, const char *name, size_t name_len,
                                  NnDtype dtype, int ndim, const int64_t *shape, size_t numel);
