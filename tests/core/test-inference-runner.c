/* test-inference-runner.c — what the inference runner promises its owners, one behaviour per
 * case, with a job function that stands in for the network (no display, no model files):
 * the current photo first, prefetch by priority, cancel (all, or one job by its
 * GCancellable), results of an older generation dropped, stop with a timeout, and delivery
 * on the owner's main context only (never on a worker, never on another context). Expected orders come from the rules in
 * dr-inference-runner.h (higher priority first, first come first served among equals), not
 * from the code. */
#include "config.h"

#include "dr-inference-runner.h"

/* How a test job behaves on its worker. */
typedef enum {
  RUN_AT_ONCE,      /* returns a result */
  RUN_UNTIL_GATE,   /* waits for the gate, deaf to cancellation, then returns a result */
  RUN_UNTIL_ABORT,  /* polls the worker's abort flag, returns NULL once it is raised */
} Behaviour;

typedef struct {
  int id;
  Behaviour behaviour;
} TestJob;

/* What the workers and the main thread observed, under lock. */
static struct {
  GMutex lock;
  GCond cond;
  GArray *ran;        /* int: job ids in the order a worker began them */
  guint finished;     /* job functions that returned */
  gboolean gate_open;
  GArray *delivered;  /* int: job ids in the order "job-done" came, main thread */
  guint null_results; /* "job-done" with a NULL result */
  guint jobs_freed;
  guint results_freed;
  GThread *main_thread;
} t;

static void
reset (void)
{
  g_clear_pointer (&t.ran, g_array_unref);
  g_clear_pointer (&t.delivered, g_array_unref);
  t.ran = g_array_new (FALSE, FALSE, sizeof (int));
  t.delivered = g_array_new (FALSE, FALSE, sizeof (int));
  t.finished = 0;
  t.gate_open = FALSE;
  t.null_results = 0;
  t.jobs_freed = 0;
  t.results_freed = 0;
  t.main_thread = g_thread_self ();
}

/* Frees data and counts it in *counter (any thread). */
static void
count_free (guint *counter, gpointer data)
{
  g_mutex_lock (&t.lock);
  (*counter)++;
  g_mutex_unlock (&t.lock);
  g_free (data);
}

static void
test_job_free (gpointer data)
{
  count_free (&t.jobs_freed, data);
}

static void
result_free (gpointer data)
{
  count_free (&t.results_freed, data);
}

/* The job function: records the start, behaves, records the end. A result is the job's id. */
static gpointer
run_test_job (DrInferenceWorker *w, gpointer data, gpointer user_data)
{
  TestJob *job = data;
  g_mutex_lock (&t.lock);
  g_array_append_val (t.ran, job->id);
  g_cond_broadcast (&t.cond);
  while (job->behaviour == RUN_UNTIL_GATE && !t.gate_open)
    g_cond_wait (&t.cond, &t.lock);
  g_mutex_unlock (&t.lock);

  gboolean aborted = FALSE;
  if (job->behaviour == RUN_UNTIL_ABORT)
    {
      /* Like the engine between layers. */
      while (!atomic_load (dr_inference_worker_get_abort (w)))
        g_usleep (1000);
      aborted = dr_inference_worker_is_cancelled (w);
      g_assert_true (aborted);
    }

  g_mutex_lock (&t.lock);
  t.finished++;
  g_cond_broadcast (&t.cond);
  g_mutex_unlock (&t.lock);
  return aborted ? NULL : g_memdup2 (&job->id, sizeof job->id);
}

/* "job-done": only ever on the thread that made the runner. */
static void
job_done_cb (DrInferenceRunner *runner, TestJob *job, int *result, gpointer user_data)
{
  g_assert_true (g_thread_self () == t.main_thread);
  g_array_append_val (t.delivered, job->id);
  if (result == NULL)
    t.null_results++;
  else
    g_assert_cmpint (*result, ==, job->id);
}

static DrInferenceRunner *
make_runner (guint n_workers)
{
  reset ();
  g_autoptr (GError) error = NULL;
  DrInferenceRunner *runner = dr_inference_runner_new (n_workers, DR_INFERENCE_RUNNER_DEFAULT,
                                                       run_test_job, NULL, result_free, &error);
  g_assert_no_error (error);
  g_signal_connect (runner, "job-done", G_CALLBACK (job_done_cb), NULL);
  return runner;
}

static void
push (DrInferenceRunner *runner, int id, Behaviour behaviour, gint64 group, guint priority,
      GCancellable *cancellable)
{
  TestJob *job = g_new0 (TestJob, 1);
  job->id = id;
  job->behaviour = behaviour;
  dr_inference_runner_push (runner, job, test_job_free, group, priority, cancellable);
}

/* Blocks until the workers have begun n jobs (a hang here is the failure). */
static void
wait_ran (guint n)
{
  g_mutex_lock (&t.lock);
  while (t.ran->len < n)
    g_cond_wait (&t.cond, &t.lock);
  g_mutex_unlock (&t.lock);
}

/* Blocks until n job functions have returned. */
static void
wait_finished (guint n)
{
  g_mutex_lock (&t.lock);
  while (t.finished < n)
    g_cond_wait (&t.cond, &t.lock);
  g_mutex_unlock (&t.lock);
}

static void
open_gate (void)
{
  g_mutex_lock (&t.lock);
  t.gate_open = TRUE;
  g_cond_broadcast (&t.cond);
  g_mutex_unlock (&t.lock);
}

/* Asserts that arr holds exactly want[0..n). */
static void
assert_ids (GArray *arr, const int *want, guint n)
{
  g_assert_cmpuint (arr->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (arr, int, i), ==, want[i]);
}

/* The photo on screen (highest priority) runs before everything queued earlier; the
 * prefetched ones next, in their order; "Analyse All" (priority 0) last, first come first
 * served. Results come only when the owner's context runs, in the order the jobs finished. */
static void
test_current_first (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  push (runner, 0, RUN_UNTIL_GATE, 100, 0, NULL);   /* keeps the only worker busy */
  wait_ran (1);
  push (runner, 1, RUN_AT_ONCE, 1, 0, NULL);        /* Analyse All */
  push (runner, 2, RUN_AT_ONCE, 2, 0, NULL);
  push (runner, 3, RUN_AT_ONCE, 3, 1, NULL);        /* the second photo after the current */
  push (runner, 4, RUN_AT_ONCE, 4, 2, NULL);        /* the photo after the current */
  push (runner, 5, RUN_AT_ONCE, 5, 3, NULL);        /* the current photo */
  push (runner, 6, RUN_AT_ONCE, 5, 3, NULL);        /* the current photo's next model */
  push (runner, 7, RUN_AT_ONCE, 6, 0, NULL);
  g_assert_cmpuint (dr_inference_runner_get_pending (runner), ==, 8);
  open_gate ();
  wait_finished (8);
  g_assert_cmpuint (t.delivered->len, ==, 0);
  dr_inference_runner_wait (runner);
  const int order[] = { 0, 5, 6, 4, 3, 1, 2, 7 };
  assert_ids (t.ran, order, G_N_ELEMENTS (order));
  assert_ids (t.delivered, order, G_N_ELEMENTS (order));
  g_assert_cmpuint (t.null_results, ==, 0);
  g_assert_cmpuint (dr_inference_runner_get_pending (runner), ==, 0);
}

/* Prefetch: moving to another photo gives its queued jobs a higher priority; they then run
 * before the older ones, behind jobs already at that priority. */
static void
test_prefetch_prioritize (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  push (runner, 0, RUN_UNTIL_GATE, 100, 0, NULL);
  wait_ran (1);
  push (runner, 1, RUN_AT_ONCE, 1, 0, NULL);
  push (runner, 2, RUN_AT_ONCE, 2, 0, NULL);
  push (runner, 3, RUN_AT_ONCE, 3, 0, NULL);
  push (runner, 4, RUN_AT_ONCE, 3, 0, NULL);
  push (runner, 5, RUN_AT_ONCE, 4, 0, NULL);
  push (runner, 6, RUN_AT_ONCE, 5, 2, NULL);
  dr_inference_runner_prioritize (runner, 3, 2);    /* photo 3 is on screen now */
  dr_inference_runner_prioritize (runner, 4, 1);    /* photo 4 is the next one */
  open_gate ();
  dr_inference_runner_wait (runner);
  const int order[] = { 0, 6, 3, 4, 5, 1, 2 };
  assert_ids (t.ran, order, G_N_ELEMENTS (order));
}

/* cancel_all aborts the running job through the worker's abort flag (the flag the engine
 * checks between layers) and drops the queued ones unrun; nothing is delivered. */
static void
test_cancel_all (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  push (runner, 1, RUN_UNTIL_ABORT, 1, 0, NULL);
  wait_ran (1);
  push (runner, 2, RUN_AT_ONCE, 2, 0, NULL);
  push (runner, 3, RUN_AT_ONCE, 3, 5, NULL);
  dr_inference_runner_cancel_all (runner);
  g_assert_cmpuint (dr_inference_runner_get_pending (runner), ==, 0);
  wait_finished (1);
  while (t.jobs_freed < 3)
    g_main_context_iteration (NULL, TRUE);
  const int ran[] = { 1 };
  assert_ids (t.ran, ran, G_N_ELEMENTS (ran));
  g_assert_cmpuint (t.delivered->len, ==, 0);
  /* The runner still works after a cancel. */
  push (runner, 4, RUN_AT_ONCE, 4, 0, NULL);
  dr_inference_runner_wait (runner);
  const int delivered[] = { 4 };
  assert_ids (t.delivered, delivered, G_N_ELEMENTS (delivered));
}

/* A job's own GCancellable: cancelled while running, the job is aborted; cancelled before it
 * starts, it never runs. Either way its "job-done" has no result, and the other jobs go on. */
static void
test_cancel_one (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  g_autoptr (GCancellable) running = g_cancellable_new ();
  g_autoptr (GCancellable) queued = g_cancellable_new ();
  push (runner, 1, RUN_UNTIL_ABORT, 1, 0, running);
  wait_ran (1);
  push (runner, 2, RUN_AT_ONCE, 2, 0, queued);
  push (runner, 3, RUN_AT_ONCE, 3, 0, NULL);
  g_cancellable_cancel (queued);
  g_cancellable_cancel (running);
  dr_inference_runner_wait (runner);
  const int ran[] = { 1, 3 };
  assert_ids (t.ran, ran, G_N_ELEMENTS (ran));
  const int delivered[] = { 1, 2, 3 };
  assert_ids (t.delivered, delivered, G_N_ELEMENTS (delivered));
  g_assert_cmpuint (t.null_results, ==, 2);
}

/* A job that finishes after its project was closed (cancel_all: a new generation) has its
 * result dropped, never delivered, and freed; jobs of the new generation are delivered. */
static void
test_generation_drop (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  push (runner, 1, RUN_UNTIL_GATE, 1, 0, NULL);     /* does not listen to the abort flag */
  wait_ran (1);
  dr_inference_runner_cancel_all (runner);          /* the project closes */
  push (runner, 2, RUN_AT_ONCE, 2, 0, NULL);        /* the next project's photo */
  open_gate ();
  wait_finished (2);
  dr_inference_runner_wait (runner);
  while (t.jobs_freed < 2)
    g_main_context_iteration (NULL, TRUE);
  const int ran[] = { 1, 2 };
  assert_ids (t.ran, ran, G_N_ELEMENTS (ran));
  const int delivered[] = { 2 };
  assert_ids (t.delivered, delivered, G_N_ELEMENTS (delivered));
  g_assert_cmpuint (t.results_freed, ==, 2);
}

/* stop() waits at most its timeout for a worker stuck in a step it cannot interrupt and says
 * so; once the step ends the workers leave; a job pushed after stop is freed unrun. */
static void
test_stop_timeout (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (2);
  push (runner, 1, RUN_UNTIL_GATE, 1, 0, NULL);
  push (runner, 2, RUN_UNTIL_ABORT, 2, 0, NULL);
  wait_ran (2);
  g_assert_false (dr_inference_runner_stop (runner, 10 * G_TIME_SPAN_MILLISECOND));
  push (runner, 3, RUN_AT_ONCE, 3, 0, NULL);
  open_gate ();
  g_assert_true (dr_inference_runner_stop (runner, -1));
  g_assert_cmpuint (t.finished, ==, 2);
  const int ran[] = { 1, 2 };
  g_assert_cmpuint (t.ran->len, ==, G_N_ELEMENTS (ran));
  g_assert_cmpuint (dr_inference_runner_get_pending (runner), ==, 0);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (t.delivered->len, ==, 0);
}

/* stop() on a runner whose jobs listen to the abort flag returns with every worker gone. */
static void
test_stop_aborts (void)
{
  g_autoptr (DrInferenceRunner) runner = make_runner (2);
  push (runner, 1, RUN_UNTIL_ABORT, 1, 0, NULL);
  push (runner, 2, RUN_UNTIL_ABORT, 2, 0, NULL);
  push (runner, 3, RUN_AT_ONCE, 3, 0, NULL);
  wait_ran (2);
  g_assert_true (dr_inference_runner_stop (runner, -1));
  g_assert_cmpuint (t.finished, ==, 2);
  g_assert_cmpuint (t.ran->len, ==, 2);
}

/* Results go to the context that was the thread default when the runner was made (a thread
 * with a loop of its own), not to the global default one. */
static void
test_owner_context (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  g_autoptr (DrInferenceRunner) runner = make_runner (1);
  g_main_context_pop_thread_default (context);
  push (runner, 1, RUN_AT_ONCE, 1, 0, NULL);
  wait_finished (1);
  g_assert_false (g_main_context_pending (NULL));
  g_assert_cmpuint (t.delivered->len, ==, 0);
  dr_inference_runner_wait (runner);
  const int delivered[] = { 1 };
  assert_ids (t.delivered, delivered, G_N_ELEMENTS (delivered));
}

/* Job function for the real engine: runs the model until a run is aborted; returns the
 * status that ended the loop. */
static gpointer
run_engine (DrInferenceWorker *w, gpointer data, gpointer user_data)
{
  const NnUnet *model = user_data;
  g_autofree float *input = g_new0 (float, 3 * NN_UNET_SIZE * NN_UNET_SIZE);
  NnStatus status;
  NnError err = { 0 };
  int id = 0;
  g_mutex_lock (&t.lock);
  g_array_append_val (t.ran, id);
  g_cond_broadcast (&t.cond);
  g_mutex_unlock (&t.lock);
  do
    status = nn_unet_run (model, dr_inference_worker_get_workspace (w), input,
                          dr_inference_worker_get_logits (w), dr_inference_worker_get_abort (w),
                          &err);
  while (status == NN_OK);
  g_assert_cmpint (status, ==, NN_ERR_ABORTED);
  g_mutex_lock (&t.lock);
  t.finished++;
  g_cond_broadcast (&t.cond);
  g_mutex_unlock (&t.lock);
  return g_memdup2 (&status, sizeof status);
}

/* Stand-in for "job-done" of run_engine: never called, the job is cancelled. */
static void
engine_done_cb (DrInferenceRunner *runner, gpointer job, NnStatus *status, gpointer user_data)
{
  g_assert_not_reached ();
}

/* cancel_all reaches into a running forward pass of a (random-weight) U-Net: the engine sees
 * the worker's flag between layers and returns NN_ERR_ABORTED. */
static void
test_cancel_engine (void)
{
  reset ();
  NnUnet *model = NULL;
  NnError err = { 0 };
  g_assert_cmpint (nn_unet_new_random (1, &model, &err), ==, NN_OK);
  g_autoptr (GError) error = NULL;
  DrInferenceRunner *runner = dr_inference_runner_new (1, DR_INFERENCE_RUNNER_DEFAULT,
                                                       run_engine, model, result_free, &error);
  g_assert_no_error (error);
  g_signal_connect (runner, "job-done", G_CALLBACK (engine_done_cb), NULL);
  dr_inference_runner_push (runner, NULL, NULL, 0, 0, NULL);
  wait_ran (1);
  dr_inference_runner_cancel_all (runner);
  wait_finished (1);
  while (t.results_freed < 1)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (runner);
  nn_unet_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inference-runner/current-first", test_current_first);
  g_test_add_func ("/inference-runner/prefetch-prioritize", test_prefetch_prioritize);
  g_test_add_func ("/inference-runner/cancel-all", test_cancel_all);
  g_test_add_func ("/inference-runner/cancel-one", test_cancel_one);
  g_test_add_func ("/inference-runner/generation-drop", test_generation_drop);
  g_test_add_func ("/inference-runner/stop-timeout", test_stop_timeout);
  g_test_add_func ("/inference-runner/stop-aborts", test_stop_aborts);
  g_test_add_func ("/inference-runner/owner-context", test_owner_context);
  g_test_add_func ("/inference-runner/cancel-engine", test_cancel_engine);
  int status = g_test_run ();
  g_clear_pointer (&t.ran, g_array_unref);
  g_clear_pointer (&t.delivered, g_array_unref);
  return status;
}
