/* nn-convert.h — widen stored tensor elements (f32/f16/bf16/f64, either byte order) to f32. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-pickle.h"

/* Converts the element at p (any alignment) of float type `type`, stored big-endian when
 * big is non-zero, to f32. f64 values beyond the f32 range become +-infinity. */
float nn_convert_element (NnStorageType type, const uint8_t *p, int big);

/* Converts n contiguous elements at src into dst[n] (f32). */
void nn_convert_run (NnStorageType type, const uint8_t *src, size_t n, int big, float *dst);

/* True when nn_convert_run of `type` stored in byte order big is a plain copy (f32 in the
 * host's byte order), so the stored bytes can be used as f32 in place. */
int nn_convert_is_identity (NnStorageType type, int big);
