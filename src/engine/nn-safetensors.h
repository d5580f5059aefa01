/* nn-safetensors.h — read a .safetensors file (u64 LE header length, JSON header, data). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-checkpoint.h"
#include "nn-status.h"

/* True when data[size] looks like safetensors: a header length that fits the file and a
 * header starting with '{'. */
int nn_safetensors_sniff (const uint8_t *data, size_t size);

/* Reads every tensor of the file into sd (sd must be empty), in header order, skipping
 * __metadata__. Checks dtypes, shapes, and that data_offsets lie inside the data section,
 * match numel * element size and do not overlap. On failure sd is left empty. */
NnStatus nn_safetensors_read (const uint8_t *data, size_t size, const char *file,
                              NnStateDict *sd, NnError *err);
