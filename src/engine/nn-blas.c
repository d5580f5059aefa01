/* nn-blas.c — process-wide BLAS threading policy. */
#include "nn-unet.h"

#include <cblas.h>

/* See nn-unet.h. With OpenBLAS's pthread build, one thread means each sgemm runs entirely in
 * its caller's thread, so concurrent callers do not share OpenBLAS worker threads. */
void
nn_blas_use_single_thread (void)
{
  openblas_set_num_threads (1);
}
