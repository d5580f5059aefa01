/* nn-checkpoint.h — read a state dict from a torch.save zip (.pt, torch 1.6 … 2.x) or a
 * .safetensors file, without executing anything from it.
 *
 * The result is a flat list of named tensors, every float tensor (f32/f16/bf16/f64, strided
 * views, either byte order) widened to contiguous fp32. Integer/bool tensors
 * (num_batches_tracked) are listed with their shape but carry no data.
 * Key prefixes `module.` (repeated) and `model.` are stripped while every key has one, and a
 * top-level wrapper dict {'state_dict'|'model_state_dict'|'model'|'net': ...} is unwrapped
 * (other wrapper entries such as epoch or optimizer are never read). Duplicate keys are an
 * error. Zip records are CRC-checked. Legacy (pre-1.6) files, TorchScript archives and
 * pickled whole modules are refused with a message saying how to re-save them.
 * To check the result against the U-Net, see nn_unet_check_state_dict (nn-unet-keys.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-status.h"

#define NN_MAX_DIMS 8

typedef enum {
  NN_DTYPE_F32,  /* what float tensors become after reading */
  NN_DTYPE_INT,  /* any integer/bool tensor: shape only, data == NULL */
} NnDtype;

typedef struct {
  char *name;                  /* key after prefix stripping, NUL-terminated */
  NnDtype dtype;
  int ndim;                    /* 0 … NN_MAX_DIMS */
  int64_t shape[NN_MAX_DIMS];
  size_t numel;
  float *data;                 /* [numel] contiguous C order, or NULL for NN_DTYPE_INT */
} NnNamedTensor;

typedef struct {
  NnNamedTensor *tensors;      /* [count], in file order */
  size_t count;
  const uint8_t *map;          /* the file's read-only mapping when read by nn_checkpoint_read:
                                  native f32 tensors point into it instead of being copied */
  size_t map_size;
} NnStateDict;

/* Reads path (format chosen by content, not extension) into sd. On failure sd is left empty
 * and err names the file and the reason in one line. Never crashes or hangs on any bytes;
 * every allocation is bounded by the file size. Tensors stored as contiguous native-order f32
 * are not copied: their data points into a read-only mapping of the file that sd keeps until
 * nn_state_dict_clear, so the file must not be truncated in place meanwhile (replacing it by
 * rename is safe). The pages the parse touched are returned to the kernel before this returns,
 * so the file costs resident memory only while its tensors are being used. */
NnStatus nn_checkpoint_read (const char *path, NnStateDict *sd, NnError *err);

/* Same, from a memory buffer, which every tensor is copied out of; name is used in error
 * messages only. Used by the fuzzer. */
NnStatus nn_checkpoint_read_memory (const void *data, size_t size, const char *name,
                                    NnStateDict *sd, NnError *err);

/* Releases everything sd owns (copies, the file mapping) and leaves it empty; safe on an empty
 * or zeroed sd. */
void nn_state_dict_clear (NnStateDict *sd);

/* Returns the tensor named name, or NULL. */
const NnNamedTensor *nn_state_dict_find (const NnStateDict *sd, const char *name);
