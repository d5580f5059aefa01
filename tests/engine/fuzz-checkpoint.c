/* fuzz-checkpoint.c — libFuzzer entry point for the checkpoint reader.
 *
 * Any bytes must produce either a state dict or a one-line error; never a crash, leak,
 * hang or sanitizer report. A successful read is also run through the U-Net key check and
 * every float value is touched, so bad data pointers or sizes show up under ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-checkpoint.h"
#include "nn-unet-keys.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Reads the input, checks invariants of the result, frees everything. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  NnStatus st = nn_checkpoint_read_memory (data, size, "fuzz.pt", &sd, &err);
  if (st != NN_OK)
    {
      if (strncmp (err.message, "fuzz.pt: ", 9) != 0 || strchr (err.message, '\n') != NULL
          || sd.count != 0 || sd.tensors != NULL)
        abort ();
      return 0;
    }
  float sum = 0;
  for (size_t i = 0; i < sd.count; i++)
    {
      const NnNamedTensor *t = &sd.tensors[i];
      size_t numel = 1;
      for (int k = 0; k < t->ndim; k++)
        numel *= (size_t) t->shape[k];
      if (numel != t->numel || (t->dtype == NN_DTYPE_F32) != (t->data != NULL)
          || nn_state_dict_find (&sd, t->name) == NULL)
        abort ();
      for (size_t e = 0; t->data && e < numel; e++)
        sum += t->data[e];
    }
  if (nn_unet_check_state_dict (&sd, "fuzz.pt", &err) != NN_OK
      && strncmp (err.message, "fuzz.pt: ", 9) != 0)
    abort ();
  nn_state_dict_clear (&sd);
  volatile float sink = sum;
  (void) sink;
  return 0;
}
