/* nn-torch-pt.h — read the state dict of a torch.save zip archive (torch 1.6 … 2.x). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-checkpoint.h"
#include "nn-status.h"

/* Reads the zip archive data[size] into sd (appending; sd must be empty). Refuses TorchScript
 * archives, compressed or corrupt zips, non-whitelisted pickle globals and tensors that do
 * not fit their storage. A top-level wrapper {'state_dict'|'model_state_dict'|'model'|'net':
 * {...}} is unwrapped; names are kept as in the file. On failure sd is left empty. */
NnStatus nn_torch_pt_read (const uint8_t *data, size_t size, const char *file, NnStateDict *sd,
                           NnError *err);
