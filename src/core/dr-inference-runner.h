/* dr-inference-runner.h — the one set of inference worker threads behind the window, `analyse`,
 * `infer` and `bench`.
 *
 * A runner owns n worker threads, each with its own engine workspace, logits and preprocessing
 * buffers (a DrInferenceWorker); models are the caller's, shared read-only. Jobs are opaque to
 * the runner: the caller's job function runs each on some worker and returns a result. The
 * runner decides only order and lifetime:
 *
 * - order: jobs run in decreasing priority, first come first served among equals; a group's
 *   queued jobs can be given a new priority (the photo on screen first, then the next ones);
 * - cancel: cancel_all() drops every queued job and raises the abort flag of every running one,
 *   and so does cancelling a job's own GCancellable for that job; the engine checks the flag
 *   between layers (nn_unet_run) and job functions between their steps;
 * - generations: cancel_all() also starts a new generation; a result of an older generation
 *   (a photo of a project since closed) is dropped, never delivered;
 * - delivery: "job-started" and "job-done" are emitted on the GMainContext that was the thread
 *   default when the runner was made (posted with dr_post, in batches, at idle priority), then
 *   "batch-done";
 * - stop: stop() ends the workers, waiting at most a given time.
 *
 * The process-wide BLAS threading policy (one thread per sgemm: parallelism comes from the
 * workers) is set here and nowhere else. */
#pragma once

#include <gio/gio.h>
#include <stdatomic.h>

#include "nn-image.h"
#include "nn-unet.h"

G_BEGIN_DECLS

/* One worker thread's engine state; valid only inside the job function it is passed to. */
typedef struct _DrInferenceWorker DrInferenceWorker;

/* The worker's engine workspace (sized for any NnUnet). */
NnWorkspace      *dr_inference_worker_get_workspace (DrInferenceWorker *worker);
/* The worker's logits buffer: float [NN_UNET_CLASSES][NN_UNET_SIZE][NN_UNET_SIZE]. */
float            *dr_inference_worker_get_logits    (DrInferenceWorker *worker);
/* The worker's preprocessing scratch: nn_preprocess_scratch_bytes () bytes. */
void             *dr_inference_worker_get_scratch   (DrInferenceWorker *worker);
/* The abort flag of the job running on worker, for nn_unet_run; non-zero once the job is
 * cancelled or the runner stops. */
const atomic_int *dr_inference_worker_get_abort     (DrInferenceWorker *worker);
/* Whether the running job was cancelled (its result would be dropped): check between steps. */
gboolean          dr_inference_worker_is_cancelled  (DrInferenceWorker *worker);

/* Runs job on worker's thread and returns its result (NULL allowed), which the runner
 * delivers with "job-done" and then frees with the runner's result_free. */
typedef gpointer (*DrInferenceJobFunc) (DrInferenceWorker *worker, gpointer job,
                                        gpointer user_data);

typedef enum {
  DR_INFERENCE_RUNNER_DEFAULT = 0,
  /* Workers run at the lowest scheduling priority, so the main loop of a window never waits
   * for a core behind them. */
  DR_INFERENCE_RUNNER_BACKGROUND = 1 << 0,
} DrInferenceRunnerFlags;

#define DR_TYPE_INFERENCE_RUNNER (dr_inference_runner_get_type ())
G_DECLARE_FINAL_TYPE (DrInferenceRunner, dr_inference_runner, DR, INFERENCE_RUNNER, GObject)

/* Starts n_workers threads (0: one per processor), every workspace allocated before the
 * first starts; on failure returns NULL with error and starts none. func runs every job with
 * user_data; result_free (NULL allowed) frees what it returns. Signals are emitted on the
 * calling thread's default main context. */
DrInferenceRunner *dr_inference_runner_new (guint n_workers, DrInferenceRunnerFlags flags,
                                            DrInferenceJobFunc func, gpointer user_data,
                                            GDestroyNotify result_free, GError **error);

/* Queues job (freed with job_free after its "job-done", or when dropped) in group (a photo id,
 * for prioritize) at priority, in the current generation. cancellable (NULL allowed) cancels
 * this job alone: unstarted, it is skipped; running, its abort flag is raised; either way its
 * "job-done" carries a NULL result. No-op after stop. */
void  dr_inference_runner_push (DrInferenceRunner *self, gpointer job, GDestroyNotify job_free,
                                gint64 group, guint priority, GCancellable *cancellable);

/* Gives group's queued jobs a new priority (they go behind the jobs already at it). */
void  dr_inference_runner_prioritize (DrInferenceRunner *self, gint64 group, guint priority);

/* Drops every queued job, aborts the running ones and starts a new generation: nothing pushed
 * before this call is delivered after it. */
void  dr_inference_runner_cancel_all (DrInferenceRunner *self);

/* Jobs of the current generation pushed and not yet delivered: queued, running, or finished
 * with "job-done" still to come. Owner's thread. */
guint dr_inference_runner_get_pending (DrInferenceRunner *self);

/* Iterates the owner's context (the caller's thread must be its owner) until every pending
 * job is delivered. For a command line with no main loop. */
void  dr_inference_runner_wait (DrInferenceRunner *self);

/* Stops the runner for good: drops every job, aborts the running ones and waits up to
 * timeout_us (< 0: as long as it takes) for every worker to leave. FALSE when some worker is
 * still inside a step it cannot interrupt; the runner must then be kept alive (never
 * finalized) — a process about to exit need not wait. Finalizing a runner stops it first. */
gboolean dr_inference_runner_stop (DrInferenceRunner *self, gint64 timeout_us);

/* Signals (owner's context only):
 *   "job-started" (gpointer job)                   a worker took job
 *   "job-done"    (gpointer job, gpointer result)  both borrowed for the emission
 *   "batch-done"                                   after each batch of deliveries
 */

G_END_DECLS
