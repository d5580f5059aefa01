/* nn-state-dict.h — building an NnStateDict (internal to the checkpoint readers). */
#pragma once

#include "nn-checkpoint.h"
#include "nn-pickle.h"

/* Appends a tensor named name[name_len] (copied; must not contain NUL) with the given
 * shape; allocates data[numel] for NN_DTYPE_F32. Returns the new tensor, or NULL when out of
 * memory (sd unchanged). numel must equal the product of the shape. */
NnNamedTensor *nn_state_dict_add (NnStateDict *sd, const char *name, size_t name_len,
                                  NnDtype dtype, int ndim, const int64_t *shape, size_t numel);

/* Appends an NN_DTYPE_F32 tensor whose numel elements lie contiguously at src as `type` in
 * byte order big. When src lies inside sd->map and the bytes already are aligned native f32,
 * data points at src (no copy); otherwise the elements are converted into a new buffer.
 * Returns the tensor, or NULL when out of memory (sd unchanged). */
NnNamedTensor *nn_state_dict_add_contiguous (NnStateDict *sd, const char *name, size_t name_len,
                                             int ndim, const int64_t *shape, size_t numel,
                                             NnStorageType type, int big, const uint8_t *src);

/* Gives back the memory behind t->data and sets it to NULL: a copy is freed; for data inside
 * sd->map, the whole pages it covers go back to the kernel (the file still backs them, so the
 * neighbours sharing its edge pages read on unharmed). */
void nn_state_dict_release (NnStateDict *sd, NnNamedTensor *t);
