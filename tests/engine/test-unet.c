/* test-unet.c — properties of the whole forward pass on random models: deterministic,
 * finite, abortable, thread-safe (two models on two threads equal the serial results), and
 * free of heap allocation once warmed up.
 *
 * Allocation counting: the engine's own calls to malloc & co. are redirected by the linker
 * (-Wl,--wrap, see meson.build) to counters here; under AddressSanitizer the sanitizer's
 * malloc/free hooks additionally count every allocation in the process, OpenBLAS included;
 * without ASan that second check is printed as SKIP, not as passed.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-unet.h"

#if defined(__SANITIZE_ADDRESS__)
/* From compiler-rt's sanitizer/allocator_interface.h (GCC ships libasan but not the header). */
int __sanitizer_install_malloc_and_free_hooks (void (*malloc_hook) (const volatile void *, size_t),
                                               void (*free_hook) (const volatile void *));
#endif

#define N_IN (3 * 256 * 256)
#define N_OUT (2 * 256 * 256)

static int failures;
static atomic_long engine_allocs;

void *__real_malloc (size_t n);
void *__real_calloc (size_t n, size_t s);
void *__real_realloc (void *p, size_t n);
void *__real_aligned_alloc (size_t a, size_t n);
void *__wrap_malloc (size_t n);
void *__wrap_calloc (size_t n, size_t s);
void *__wrap_realloc (void *p, size_t n);
void *__wrap_aligned_alloc (size_t a, size_t n);

/* Counting wrappers for the engine's allocation calls; each forwards to the real function. */
void *__wrap_malloc (size_t n) { atomic_fetch_add (&engine_allocs, 1); return __real_malloc (n); }
/* As above, for calloc. */
void *__wrap_calloc (size_t n, size_t s) { atomic_fetch_add (&engine_allocs, 1); return __real_calloc (n, s); }
/* As above, for realloc. */
void *__wrap_realloc (void *p, size_t n) { atomic_fetch_add (&engine_allocs, 1); return __real_realloc (p, n); }
/* As above, for aligned_alloc. */
void *__wrap_aligned_alloc (size_t a, size_t n) { atomic_fetch_add (&engine_allocs, 1); return __real_aligned_alloc (a, n); }

#if defined(__SANITIZE_ADDRESS__)
static atomic_long process_allocs;

/* Sanitizer hook: counts every heap allocation in the process. */
static void
on_malloc (const volatile void *p, size_t n)
{
  atomic_fetch_add (&process_allocs, 1);
}

/* Sanitizer hook for frees; nothing to count. */
static void
on_free (const volatile void *p)
{
}
#endif

/* Prints a check's result and counts failures. */
static void
check (int ok, const char *what)
{
  printf ("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok)
    failures++;
}

/* Deterministic input in [0, 1). */
static void
make_input (float *x, unsigned seed)
{
  for (int i = 0; i < N_IN; i++)
    {
      seed = seed * 1664525u + 1013904223u;
      x[i] = (float) (seed >> 8) / 16777216.0f;
    }
}

typedef struct {
  const NnUnet *model;
  NnWorkspace *ws;
  const float *input;
  float *out;
  NnStatus status;
} Job;

/* Thread body: one forward pass. */
static void *
run_job (void *arg)
{
  Job *j = arg;
  NnError err = { 0 };
  j->status = nn_unet_run (j->model, j->ws, j->input, j->out, NULL, &err);
  return NULL;
}

/* Runs every property check; exit status 0 only when all pass. */
int
main (void)
{
  nn_blas_use_single_thread ();
  NnError err = { 0 };
  NnUnet *m1 = NULL, *m2 = NULL;
  NnWorkspace *ws1 = NULL, *ws2 = NULL;
  if (nn_unet_new_random (1, &m1, &err) || nn_unet_new_random (2, &m2, &err)
      || nn_workspace_new (&ws1, &err) || nn_workspace_new (&ws2, &err))
    {
      printf ("FAIL setup: %s\n", err.message);
      return 1;
    }
  printf ("workspace: %zu bytes\n", nn_workspace_bytes (ws1));
  float *in1 = malloc (N_IN * sizeof (float)), *in2 = malloc (N_IN * sizeof (float));
  float *a = malloc (N_OUT * sizeof (float)), *b = malloc (N_OUT * sizeof (float));
  float *s1 = malloc (N_OUT * sizeof (float)), *s2 = malloc (N_OUT * sizeof (float));
  make_input (in1, 1);
  make_input (in2, 2);

  /* Warm-up (OpenBLAS sets up its buffers on first use), then count allocations. */
  check (nn_unet_run (m1, ws1, in1, a, NULL, &err) == NN_OK, "first run succeeds");
  const long e0 = atomic_load (&engine_allocs);
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_install_malloc_and_free_hooks (on_malloc, on_free);
#endif
  NnStatus st = nn_unet_run (m1, ws1, in1, b, NULL, &err);
  const long engine_delta = atomic_load (&engine_allocs) - e0;
  check (st == NN_OK, "second run succeeds");
  printf ("     allocations during a run by the engine's code: %ld\n", engine_delta);
  check (engine_delta == 0, "nn_unet_run: the engine's code allocates nothing");
#if defined(__SANITIZE_ADDRESS__)
  const long process_delta = atomic_load (&process_allocs);
  printf ("     allocations during a run in the whole process: %ld\n", process_delta);
  check (process_delta == 0, "nn_unet_run: nothing in the process allocates (OpenBLAS included)");
#else
  printf ("SKIP nn_unet_run: whole-process allocations are counted only under ASan\n");
#endif
  check (memcmp (a, b, N_OUT * sizeof (float)) == 0, "two runs give identical logits");

  int finite = 1;
  double max_abs = 0;
  for (int i = 0; i < N_OUT; i++)
    {
      finite &= isfinite (a[i]);
      max_abs = fmax (max_abs, fabs (a[i]));
    }
  check (finite && max_abs > 1e-3 && max_abs < 1e4, "logits finite and of sane magnitude");

  /* Different seeds give different models. */
  check (nn_unet_run (m2, ws2, in1, b, NULL, &err) == NN_OK
         && memcmp (a, b, N_OUT * sizeof (float)) != 0, "another seed gives other logits");

  /* Abort. */
  atomic_int flag = 1;
  st = nn_unet_run (m1, ws1, in1, b, &flag, &err);
  check (st == NN_ERR_ABORTED && err.status == NN_ERR_ABORTED, "raised abort flag gives NN_ERR_ABORTED");
  flag = 0;
  check (nn_unet_run (m1, ws1, in1, b, &flag, &err) == NN_OK
         && memcmp (a, b, N_OUT * sizeof (float)) == 0, "workspace usable after an abort");

  /* Serial results, then the same two jobs concurrently on two threads. */
  Job j1 = { m1, ws1, in1, s1, NN_OK }, j2 = { m2, ws2, in2, s2, NN_OK };
  run_job (&j1);
  run_job (&j2);
  float *c1 = malloc (N_OUT * sizeof (float)), *c2 = malloc (N_OUT * sizeof (float));
  int same = 1;
  for (int round = 0; round < 3; round++)
    {
      Job p1 = { m1, ws1, in1, c1, NN_OK }, p2 = { m2, ws2, in2, c2, NN_OK };
      pthread_t t1, t2;
      pthread_create (&t1, NULL, run_job, &p1);
      pthread_create (&t2, NULL, run_job, &p2);
      pthread_join (t1, NULL);
      pthread_join (t2, NULL);
      same &= p1.status == NN_OK && p2.status == NN_OK
              && memcmp (c1, s1, N_OUT * sizeof (float)) == 0
              && memcmp (c2, s2, N_OUT * sizeof (float)) == 0;
    }
  check (same, "two models on two threads (3 rounds) equal the serial results bit for bit");

  const double *sec = nn_workspace_stage_stats (ws1)->seconds;
  double total = 0;
  for (int i = 0; i < NN_UNET_STAGES; i++)
    total += sec[i];
  check (total > 0 && strcmp (nn_unet_stage_name (0), "stem") == 0
         && strcmp (nn_unet_stage_name (NN_UNET_STAGES - 1), "head") == 0,
         "stage timings recorded");

  free (in1); free (in2); free (a); free (b); free (s1); free (s2); free (c1); free (c2);
  nn_unet_free (m1);
  nn_unet_free (m2);
  nn_workspace_free (ws1);
  nn_workspace_free (ws2);
  printf ("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
