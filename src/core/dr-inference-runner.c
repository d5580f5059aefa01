/* dr-inference-runner.c — worker threads, a priority job list, generations, delivery.
 *
 * Locking: one mutex guards the job list, each worker's running job, the generation, the
 * pending count and the list of finished items. Workers hold it only to take a job or hand one
 * back; the job function always runs outside it.
 *
 * Cancellation: a worker clears its abort flag when it takes a job, under the lock, so a
 * cancel_all () that raises the flags of the running jobs can never be lost between two jobs.
 * Every item carries its job's generation; delivery drops the items of older generations. */
#include "config.h"

#include "dr-inference-runner.h"
#include "dr-post.h"
#include "dr-thread-priority.h"

typedef struct {
  gpointer data;
  GDestroyNotify free;
  gint64 group;
  guint priority;            /* higher runs first; FIFO among equals */
  guint generation;
  GCancellable *cancellable; /* this job's own, or NULL */
} Job;

struct _DrInferenceWorker {
  DrInferenceRunner *runner; /* outlives the thread: finalize joins it first */
  GThread *thread;
  NnWorkspace *ws;
  float *logits;             /* [NN_UNET_CLASSES][NN_UNET_SIZE][NN_UNET_SIZE] */
  void *scratch;             /* nn_preprocess_scratch_bytes () */
  atomic_int abort;
  Job *job;                  /* the running job, or NULL (lock) */
};

typedef enum { ITEM_STARTED, ITEM_DONE } ItemKind;

/* A STARTED item borrows its job; the DONE item that always follows it owns the job. */
typedef struct {
  ItemKind kind;
  Job *job;
  gpointer result;
} Item;

struct _DrInferenceRunner
{
  GObject parent_instance;

  DrInferenceJobFunc func;
  gpointer user_data;
  GDestroyNotify result_free;
  DrInferenceRunnerFlags flags;
  GPtrArray *workers;        /* DrInferenceWorker* */

  GMutex lock;
  GCond cond;                /* broadcast: a job was queued, stopping, or a worker left */
  guint n_running;           /* workers that have not left their loop */
  GQueue jobs;               /* Job*, head runs next */
  guint generation;
  guint pending;             /* current generation's jobs not yet delivered */
  gboolean stopping;
  GQueue done;               /* Item*, finished, not yet delivered */
  guint idle_id;             /* the posted deliver_cb in context, or 0 */
  GMainContext *context;     /* the creating thread's: signals are emitted there */
};

enum { SIGNAL_JOB_STARTED, SIGNAL_JOB_DONE, SIGNAL_BATCH_DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrInferenceRunner, dr_inference_runner, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  if (job->free != NULL)
    job->free (job->data);
  g_clear_object (&job->cancellable);
  g_free (job);
}

/* Frees an item: a DONE item frees its result and its job. */
static void
item_free (DrInferenceRunner *self, Item *item)
{
  if (item->kind == ITEM_DONE)
    {
      if (item->result != NULL && self->result_free != NULL)
        self->result_free (item->result);
      job_free (item->job);
    }
  g_free (item);
}

/* See header. */
NnWorkspace *
dr_inference_worker_get_workspace (DrInferenceWorker *worker)
{
  return worker->ws;
}

/* See header. */
float *
dr_inference_worker_get_logits (DrInferenceWorker *worker)
{
  return worker->logits;
}

/* See header. */
void *
dr_inference_worker_get_scratch (DrInferenceWorker *worker)
{
  return worker->scratch;
}

/* See header. */
const atomic_int *
dr_inference_worker_get_abort (DrInferenceWorker *worker)
{
  return &worker->abort;
}

/* See header. */
gboolean
dr_inference_worker_is_cancelled (DrInferenceWorker *worker)
{
  return atomic_load (&worker->abort) != 0;
}

/* Owner's context: emits every finished item of the current generation, then "batch-done".
 * The generation is read per item, so a handler that cancels drops the rest of the batch. */
static gboolean
deliver_cb (gpointer data)
{
  g_autoptr (DrInferenceRunner) self = g_object_ref (data);
  g_mutex_lock (&self->lock);
  GQueue batch = self->done;
  g_queue_init (&self->done);
  self->idle_id = 0;
  g_mutex_unlock (&self->lock);

  Item *item;
  while ((item = g_queue_pop_head (&batch)) != NULL)
    {
      g_mutex_lock (&self->lock);
      gboolean current = item->job->generation == self->generation;
      if (current && item->kind == ITEM_DONE)
        self->pending--;
      g_mutex_unlock (&self->lock);
      if (current && item->kind == ITEM_STARTED)
        g_signal_emit (self, signals[SIGNAL_JOB_STARTED], 0, item->job->data);
      else if (current)
        g_signal_emit (self, signals[SIGNAL_JOB_DONE], 0, item->job->data, item->result);
      item_free (self, item);
    }
  g_signal_emit (self, signals[SIGNAL_BATCH_DONE], 0);
  return G_SOURCE_REMOVE;
}

/* Lock held: queues an item for the owner's context, posting one deliver_cb there. Results
 * run at idle priority, below redraws, so a burst of results never delays a frame. */
static void
post_locked (DrInferenceRunner *self, ItemKind kind, Job *job, gpointer result)
{
  Item *item = g_new0 (Item, 1);
  item->kind = kind;
  item->job = job;
  item->result = result;
  g_queue_push_tail (&self->done, item);
  if (self->idle_id == 0)
    self->idle_id = dr_post (self->context, G_PRIORITY_DEFAULT_IDLE, deliver_cb, self, NULL);
}

/* GCancellable::cancelled of the running job: raises its worker's abort flag. */
static void
job_cancelled_cb (GCancellable *cancellable, gpointer data)
{
  DrInferenceWorker *w = data;
  atomic_store (&w->abort, 1);
}

/* Runs one taken job outside the lock; its own cancellable raises the abort flag while it
 * runs. Returns the result to deliver (NULL when the job was cancelled). */
static gpointer
run_job (DrInferenceWorker *w, Job *job)
{
  DrInferenceRunner *self = w->runner;
  gulong handler = 0;
  if (job->cancellable != NULL)
    handler = g_cancellable_connect (job->cancellable, G_CALLBACK (job_cancelled_cb), w, NULL);
  gpointer result = dr_inference_worker_is_cancelled (w) ? NULL
                                                         : self->func (w, job->data,
                                                                       self->user_data);
  if (job->cancellable != NULL)
    g_cancellable_disconnect (job->cancellable, handler);
  if (result != NULL && g_cancellable_is_cancelled (job->cancellable))
    {
      if (self->result_free != NULL)
        self->result_free (result);
      result = NULL;
    }
  return result;
}

/* Worker thread: takes jobs until the runner stops. */
static gpointer
worker_main (gpointer data)
{
  DrInferenceWorker *w = data;
  DrInferenceRunner *self = w->runner;
  if (self->flags & DR_INFERENCE_RUNNER_BACKGROUND)
    dr_thread_priority_lower ();
  g_mutex_lock (&self->lock);
  for (;;)
    {
      while (!self->stopping && self->jobs.length == 0)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stopping)
        break;
      Job *job = g_queue_pop_head (&self->jobs);
      atomic_store (&w->abort, 0);
      w->job = job;
      post_locked (self, ITEM_STARTED, job, NULL);
      g_mutex_unlock (&self->lock);

      gpointer result = run_job (w, job);

      g_mutex_lock (&self->lock);
      w->job = NULL;
      post_locked (self, ITEM_DONE, job, result);
    }
  self->n_running--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* Joins the worker's thread (if it was started) and frees its buffers. */
static void
worker_free (gpointer data)
{
  DrInferenceWorker *w = data;
  if (w->thread != NULL)
    g_thread_join (w->thread);
  nn_workspace_free (w->ws);
  g_free (w->logits);
  g_free (w->scratch);
  g_free (w);
}

static void
dr_inference_runner_finalize (GObject *object)
{
  DrInferenceRunner *self = DR_INFERENCE_RUNNER (object);
  dr_inference_runner_stop (self, -1); /* empties the job list */
  g_ptr_array_unref (self->workers);
  dr_post_cancel (self->context, &self->idle_id);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  for (Item *item; (item = g_queue_pop_head (&self->done)) != NULL;)
    item_free (self, item);
  G_OBJECT_CLASS (dr_inference_runner_parent_class)->finalize (object);
}

static void
dr_inference_runner_class_init (DrInferenceRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = dr_inference_runner_finalize;

  signals[SIGNAL_JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_JOB_DONE] = g_signal_new ("job-done", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[SIGNAL_BATCH_DONE] = g_signal_new ("batch-done", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
}

static void
dr_inference_runner_init (DrInferenceRunner *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->jobs);
  g_queue_init (&self->done);
  self->context = g_main_context_ref_thread_default ();
  self->workers = g_ptr_array_new_with_free_func (worker_free);
}

/* See header. */
DrInferenceRunner *
dr_inference_runner_new (guint n_workers, DrInferenceRunnerFlags flags, DrInferenceJobFunc func,
                         gpointer user_data, GDestroyNotify result_free, GError **error)
{
  g_return_val_if_fail (func != NULL, NULL);
  g_autoptr (DrInferenceRunner) self = g_object_new (DR_TYPE_INFERENCE_RUNNER, NULL);
  self->func = func;
  self->user_data = user_data;
  self->result_free = result_free;
  self->flags = flags;
  if (n_workers == 0)
    n_workers = g_get_num_processors ();
  nn_blas_use_single_thread ();

  for (guint i = 0; i < n_workers; i++)
    {
      DrInferenceWorker *w = g_new0 (DrInferenceWorker, 1);
      w->runner = self;
      g_ptr_array_add (self->workers, w);
      NnError err = { 0 };
      if (nn_workspace_new (&w->ws, &err) != NN_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err.message);
          return NULL;
        }
      w->logits = g_malloc (sizeof (float) * NN_UNET_CLASSES * NN_UNET_SIZE * NN_UNET_SIZE);
      w->scratch = g_malloc (nn_preprocess_scratch_bytes ());
    }
  for (guint i = 0; i < n_workers; i++)
    {
      DrInferenceWorker *w = self->workers->pdata[i];
      g_autofree char *name = g_strdup_printf ("dr-infer-%u", i);
      g_mutex_lock (&self->lock);
      self->n_running++;
      g_mutex_unlock (&self->lock);
      w->thread = g_thread_new (name, worker_main, w);
    }
  return g_steal_pointer (&self);
}

/* Lock held: inserts job behind every job of at least its priority. */
static void
insert_job_locked (DrInferenceRunner *self, Job *job)
{
  GList *l = self->jobs.head;
  while (l != NULL && ((Job *) l->data)->priority >= job->priority)
    l = l->next;
  if (l == NULL)
    g_queue_push_tail (&self->jobs, job);
  else
    g_queue_insert_before (&self->jobs, l, job);
}

/* See header. */
void
dr_inference_runner_push (DrInferenceRunner *self, gpointer data, GDestroyNotify data_free,
                          gint64 group, guint priority, GCancellable *cancellable)
{
  g_return_if_fail (DR_IS_INFERENCE_RUNNER (self));
  Job *job = g_new0 (Job, 1);
  job->data = data;
  job->free = data_free;
  job->group = group;
  job->priority = priority;
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      job_free (job);
      return;
    }
  job->generation = self->generation;
  self->pending++;
  insert_job_locked (self, job);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* See header. */
void
dr_inference_runner_prioritize (DrInferenceRunner *self, gint64 group, guint priority)
{
  g_return_if_fail (DR_IS_INFERENCE_RUNNER (self));
  g_mutex_lock (&self->lock);
  GQueue mine = G_QUEUE_INIT;
  for (GList *l = self->jobs.head; l != NULL;)
    {
      GList *next = l->next;
      if (((Job *) l->data)->group == group)
        {
          g_queue_unlink (&self->jobs, l);
          g_queue_push_tail_link (&mine, l);
        }
      l = next;
    }
  Job *job;
  while ((job = g_queue_pop_head (&mine)) != NULL)
    {
      job->priority = priority;
      insert_job_locked (self, job);
    }
  g_mutex_unlock (&self->lock);
}

/* Lock held: drops the queued jobs, raises every running job's abort flag and starts a new
 * generation. Returns the dropped jobs, to be freed outside the lock. */
static GQueue
cancel_all_locked (DrInferenceRunner *self)
{
  GQueue dropped = self->jobs;
  g_queue_init (&self->jobs);
  for (guint i = 0; i < self->workers->len; i++)
    {
      DrInferenceWorker *w = self->workers->pdata[i];
      if (w->job != NULL)
        atomic_store (&w->abort, 1);
    }
  self->generation++;
  self->pending = 0;
  return dropped;
}

/* See header. The dropped jobs are freed after the lock is released, so a job_free may take
 * locks of its own. */
void
dr_inference_runner_cancel_all (DrInferenceRunner *self)
{
  g_return_if_fail (DR_IS_INFERENCE_RUNNER (self));
  g_mutex_lock (&self->lock);
  GQueue dropped = cancel_all_locked (self);
  g_mutex_unlock (&self->lock);
  g_queue_clear_full (&dropped, (GDestroyNotify) job_free);
}

/* See header. */
guint
dr_inference_runner_get_pending (DrInferenceRunner *self)
{
  g_return_val_if_fail (DR_IS_INFERENCE_RUNNER (self), 0);
  g_mutex_lock (&self->lock);
  guint n = self->pending;
  g_mutex_unlock (&self->lock);
  return n;
}

/* See header. */
void
dr_inference_runner_wait (DrInferenceRunner *self)
{
  g_return_if_fail (DR_IS_INFERENCE_RUNNER (self));
  while (dr_inference_runner_get_pending (self) > 0)
    g_main_context_iteration (self->context, TRUE);
}

/* See header. */
gboolean
dr_inference_runner_stop (DrInferenceRunner *self, gint64 timeout_us)
{
  g_return_val_if_fail (DR_IS_INFERENCE_RUNNER (self), FALSE);
  gint64 deadline = g_get_monotonic_time () + MAX (timeout_us, 0);
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  GQueue dropped = cancel_all_locked (self);
  g_cond_broadcast (&self->cond);
  while (self->n_running > 0)
    {
      if (timeout_us < 0)
        g_cond_wait (&self->cond, &self->lock);
      else if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
        break;
    }
  gboolean stopped = self->n_running == 0;
  g_mutex_unlock (&self->lock);
  g_queue_clear_full (&dropped, (GDestroyNotify) job_free);
  return stopped;
}
