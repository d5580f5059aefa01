/* dr-inference-queue.c — worker threads, a priority job list, per-photo shared inputs.
 *
 * Locking: one mutex guards the job list, the per-photo inputs, the set of known jobs and
 * the list of finished results. Workers hold it only to take a job or hand one back; all
 * decoding, inference, mask and RLE work happens outside it.
 *
 * Cancellation: cancel_all() empties the job list, raises every worker's abort flag (the
 * engine checks it between layers) and bumps a generation number; results of an older
 * generation are dropped on delivery. A worker clears its own flag when it takes a job,
 * under the lock, so a cancel can never be lost between two jobs. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdatomic.h>

#include "dr-inference-queue.h"
#include "dr-image.h"
#include "dr-photo.h"
#include "dr-post.h"
#include "dr-rle.h"
#include "dr-thread-priority.h"
#include "nn-image.h"

typedef struct {
  gint64 photo_id;
  char *path;
  guint damage;
  guint generation;
  guint priority;            /* higher runs first; FIFO among equals */
} Job;

typedef struct {
  int remaining;             /* jobs of this photo queued or running */
  gboolean preparing, ready;
  float *input;              /* [3][256][256] network input, NULL on error */
  int width, height;
  char *error;
  gboolean unreadable;       /* error says the bytes cannot be decoded (not a passing IO error) */
} Input;

typedef struct {
  DrInferenceQueue *queue;   /* outlives the thread: finalize joins it first */
  GThread *thread;
  NnWorkspace *ws;
  float *logits;             /* [2][256][256] */
  guint8 *scratch;           /* nn_preprocess_scratch_bytes () */
  atomic_int abort;
} Worker;

typedef enum { ITEM_STARTED, ITEM_RESULT } ItemKind;

typedef struct {
  ItemKind kind;
  guint generation;
  gint64 photo_id;
  DrInferenceResult *result;
} Item;

struct _DrInferenceQueue
{
  GObject parent_instance;

  GObject *owner;
  const NnUnet *models[DR_N_DAMAGE_TYPES];
  char *sha256[DR_N_DAMAGE_TYPES];
  char *paths[DR_N_DAMAGE_TYPES];
  GPtrArray *workers;        /* Worker* */

  GMutex lock;
  GCond work_cond;           /* a job was queued, or stopping */
  GCond ready_cond;          /* an Input became ready */
  GCond exit_cond;           /* a worker left its loop */
  guint n_running;           /* workers that have not left their loop */
  GQueue jobs;               /* Job*, head runs next */
  GHashTable *known;         /* job key (photo_id * 4 + damage) of queued/running jobs */
  GHashTable *inputs;        /* photo_id → Input* */
  guint generation;
  gboolean stopping;
  GQueue done;               /* Item*, finished, not yet delivered */
  guint idle_id;             /* the posted deliver_cb in context, or 0 */
  GMainContext *context;     /* the creating thread's: signals are emitted there */
};

enum { SIGNAL_STARTED, SIGNAL_RESULT, SIGNAL_BATCH_DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrInferenceQueue, dr_inference_queue, G_TYPE_OBJECT)

/* Frees a result; NULL is allowed. */
void
dr_inference_result_free (DrInferenceResult *result)
{
  if (result == NULL)
    return;
  g_free (result->model_sha256);
  g_free (result->rle);
  g_free (result->error);
  g_clear_pointer (&result->overlay, dr_overlay_unref);
  g_free (result);
}

static gint64
job_key (gint64 photo_id, guint damage)
{
  return photo_id * DR_N_DAMAGE_TYPES + damage;
}

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job);
}

static void
input_free (gpointer data)
{
  Input *in = data;
  g_free (in->input);
  g_free (in->error);
  g_free (in);
}

static void
item_free (gpointer data)
{
  Item *item = data;
  dr_inference_result_free (item->result);
  g_free (item);
}

/* Lock held: forgets a job that will not run (or has run) and releases its input share. */
static void
release_job_locked (DrInferenceQueue *self, Job *job)
{
  gint64 key = job_key (job->photo_id, job->damage);
  g_hash_table_remove (self->known, &key);
  Input *in = g_hash_table_lookup (self->inputs, &job->photo_id);
  if (in != NULL && --in->remaining == 0)
    g_hash_table_remove (self->inputs, &job->photo_id);
}

/* Main loop: emits every finished item of the current generation, then "batch-done". */
static gboolean
deliver_cb (gpointer data)
{
  g_autoptr (DrInferenceQueue) self = g_object_ref (data);
  GQueue batch;
  g_mutex_lock (&self->lock);
  batch = self->done;
  g_queue_init (&self->done);
  self->idle_id = 0;
  guint generation = self->generation;
  g_mutex_unlock (&self->lock);

  Item *item;
  while ((item = g_queue_pop_head (&batch)) != NULL)
    {
      if (item->generation == generation)
        {
          if (item->kind == ITEM_STARTED)
            g_signal_emit (self, signals[SIGNAL_STARTED], 0, item->photo_id);
          else
            g_signal_emit (self, signals[SIGNAL_RESULT], 0, item->result);
        }
      item_free (item);
    }
  g_signal_emit (self, signals[SIGNAL_BATCH_DONE], 0);
  return G_SOURCE_REMOVE;
}

/* Lock held: queues an item for the queue's context, posting one deliver_cb there. Results run
 * at idle priority, below redraws, so a burst of results never delays a frame. */
static void
post_locked (DrInferenceQueue *self, Item *item)
{
  g_queue_push_tail (&self->done, item);
  if (self->idle_id == 0)
    self->idle_id = dr_post (self->context, G_PRIORITY_DEFAULT_IDLE, deliver_cb, self, NULL);
}

/* Decodes the photo upright and makes the network input; fills in (outside the lock: only
 * the worker that set in->preparing touches it until ready is set). */
static void
prepare_input (Worker *w, Input *in, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrImage) image = dr_image_load (path, &error);
  if (image == NULL)
    {
      in->error = g_strdup (error->message);
      in->unreadable = dr_photo_error_is_permanent (error);
      return;
    }
  in->width = image->width;
  in->height = image->height;
  in->input = g_malloc (sizeof (float) * 3 * NN_UNET_SIZE * NN_UNET_SIZE);
  NnError err;
  if (nn_preprocess (image->pixels, in->width, in->height, image->stride, in->input,
                     w->scratch, nn_preprocess_scratch_bytes (), &err) != NN_OK)
    {
      g_autofree char *name = g_filename_display_name (path);
      in->error = g_strdup_printf (_("%s: cannot prepare photo: %s"), name, err.message);
      g_clear_pointer (&in->input, g_free);
    }
}

/* Whether the worker's job was aborted (cancel_all, or the queue is going away). */
static gboolean
aborted (Worker *w)
{
  return atomic_load (&w->abort) != 0;
}

/* Runs one model on a prepared input: logits → mask at photo size → RLE, stats, overlay.
 * Returns NULL when aborted: the engine checks the flag between layers, and this function
 * between the stages after it, each of which takes a good part of a second on a 12 MP
 * photo (an aborted result would be dropped on delivery anyway). */
static DrInferenceResult *
run_job (Worker *w, const Job *job, const Input *in)
{
  DrInferenceQueue *self = w->queue;
  DrInferenceResult *r = g_new0 (DrInferenceResult, 1);
  r->photo_id = job->photo_id;
  r->damage = job->damage;
  r->model_sha256 = g_strdup (self->sha256[job->damage]);
  r->width = in->width;
  r->height = in->height;
  if (in->error != NULL)
    {
      r->error = g_strdup (in->error);
      r->unreadable = in->unreadable;
      return r;
    }

  NnError err;
  NnStatus st = nn_unet_run (self->models[job->damage], w->ws, in->input, w->logits,
                             &w->abort, &err);
  if (st == NN_ERR_ABORTED || aborted (w))
    {
      dr_inference_result_free (r);
      return NULL;
    }
  g_autofree char *name = g_filename_display_name (job->path);
  if (st != NN_OK)
    {
      r->error = g_strdup_printf (_("%s: analysis failed: %s"), name, err.message);
      return r;
    }

  /* mask: u8 [height][width], 255 = damage */
  g_autofree guint8 *mask = g_try_malloc ((gsize) in->width * in->height);
  NnMaskStats stats;
  if (mask == NULL ||
      nn_mask_from_logits (w->logits, in->width, in->height, mask, (size_t) in->width, &stats,
                           NULL, 0, &err) != NN_OK)
    {
      r->error = g_strdup_printf (_("%s: cannot make the mask: %s"), name,
                                  mask ? err.message : _("out of memory"));
      return r;
    }
  if (aborted (w))
    {
      dr_inference_result_free (r);
      return NULL;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, (guint) in->height, (guint) in->width,
                                                &error);
  if (rle == NULL)
    {
      r->error = g_strdup_printf ("%s: %s", name, error->message);
      return r;
    }
  if (aborted (w))
    {
      dr_inference_result_free (r);
      return NULL;
    }
  r->rle = dr_rle_to_string (rle);
  r->area = stats.area_px;
  r->confidence = stats.mean_confidence;
  r->overlay = dr_overlay_new (mask, in->width, in->height, dr_damage_style_color (job->damage));
  return r;
}

/* Worker thread: takes jobs until the queue stops. */
static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  DrInferenceQueue *self = w->queue;
  dr_thread_priority_lower ();
  g_mutex_lock (&self->lock);
  for (;;)
    {
      while (!self->stopping && self->jobs.length == 0)
        g_cond_wait (&self->work_cond, &self->lock);
      if (self->stopping)
        break;
      Job *job = g_queue_pop_head (&self->jobs);
      atomic_store (&w->abort, 0);
      Input *in = g_hash_table_lookup (self->inputs, &job->photo_id);
      g_assert (in != NULL);
      gboolean prepare = !in->ready && !in->preparing;
      if (prepare)
        {
          in->preparing = TRUE;
          Item *started = g_new0 (Item, 1);
          started->kind = ITEM_STARTED;
          started->generation = job->generation;
          started->photo_id = job->photo_id;
          post_locked (self, started);
        }
      g_mutex_unlock (&self->lock);

      if (prepare)
        {
          prepare_input (w, in, job->path);
          g_mutex_lock (&self->lock);
          in->ready = TRUE;
          g_cond_broadcast (&self->ready_cond);
          g_mutex_unlock (&self->lock);
        }
      else
        {
          g_mutex_lock (&self->lock);
          while (!in->ready)
            g_cond_wait (&self->ready_cond, &self->lock);
          g_mutex_unlock (&self->lock);
        }

      DrInferenceResult *result = aborted (w) ? NULL : run_job (w, job, in);

      g_mutex_lock (&self->lock);
      if (result != NULL)
        {
          Item *item = g_new0 (Item, 1);
          item->kind = ITEM_RESULT;
          item->generation = job->generation;
          item->result = result;
          post_locked (self, item);
        }
      release_job_locked (self, job);
      job_free (job);
    }
  self->n_running--;
  g_cond_broadcast (&self->exit_cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

static void
worker_free (gpointer data)
{
  Worker *w = data;
  nn_workspace_free (w->ws);
  g_free (w->logits);
  g_free (w->scratch);
  g_free (w);
}

static void
dr_inference_queue_finalize (GObject *object)
{
  DrInferenceQueue *self = DR_INFERENCE_QUEUE (object);
  dr_inference_queue_stop (self, -1);
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *w = self->workers->pdata[i];
      if (w->thread)
        g_thread_join (w->thread);
    }
  g_ptr_array_unref (self->workers);
  dr_post_cancel (self->context, &self->idle_id);
  g_main_context_unref (self->context);
  g_queue_clear_full (&self->done, item_free);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
  g_hash_table_unref (self->known);
  g_hash_table_unref (self->inputs);
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      g_free (self->sha256[i]);
      g_free (self->paths[i]);
    }
  g_clear_object (&self->owner);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->work_cond);
  g_cond_clear (&self->ready_cond);
  g_cond_clear (&self->exit_cond);
  G_OBJECT_CLASS (dr_inference_queue_parent_class)->finalize (object);
}

static void
dr_inference_queue_class_init (DrInferenceQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = dr_inference_queue_finalize;

  signals[SIGNAL_STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_RESULT] = g_signal_new ("result", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_BATCH_DONE] = g_signal_new ("batch-done", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
}

static void
dr_inference_queue_init (DrInferenceQueue *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->work_cond);
  g_cond_init (&self->ready_cond);
  g_cond_init (&self->exit_cond);
  g_queue_init (&self->jobs);
  g_queue_init (&self->done);
  self->context = g_main_context_ref_thread_default ();
  self->known = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->inputs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, input_free);
  self->workers = g_ptr_array_new_with_free_func (worker_free);
}

/* See header. */
DrInferenceQueue *
dr_inference_queue_new (GObject *owner, const NnUnet *const models[DR_N_DAMAGE_TYPES],
                        const char *const sha256[DR_N_DAMAGE_TYPES],
                        const char *const paths[DR_N_DAMAGE_TYPES], guint n_workers,
                        GError **error)
{
  g_autoptr (DrInferenceQueue) self = g_object_new (DR_TYPE_INFERENCE_QUEUE, NULL);
  self->owner = owner ? g_object_ref (owner) : NULL;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      self->models[i] = models[i];
      self->sha256[i] = models[i] ? g_strdup (sha256[i]) : NULL;
      self->paths[i] = models[i] ? g_strdup (paths[i]) : NULL;
    }
  if (n_workers == 0)
    n_workers = g_get_num_processors ();
  nn_blas_use_single_thread ();

  for (guint i = 0; i < n_workers; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      w->queue = self;
      g_ptr_array_add (self->workers, w);
      NnError err;
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
      Worker *w = self->workers->pdata[i];
      g_autofree char *name = g_strdup_printf ("dr-infer-%u", i);
      g_mutex_lock (&self->lock);
      self->n_running++;
      g_mutex_unlock (&self->lock);
      w->thread = g_thread_new (name, worker_main, w);
    }
  return g_steal_pointer (&self);
}

/* See header. */
gboolean
dr_inference_queue_has_model (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, FALSE);
  return self->models[damage] != NULL;
}

/* See header. */
const char *
dr_inference_queue_get_sha256 (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, NULL);
  return self->sha256[damage];
}

/* See header. */
const char *
dr_inference_queue_get_path (DrInferenceQueue *self, guint damage)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && damage < DR_N_DAMAGE_TYPES, NULL);
  return self->paths[damage];
}

/* Number of worker threads. */
guint
dr_inference_queue_get_n_workers (DrInferenceQueue *self)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), 0);
  return self->workers->len;
}

/* Lock held: inserts job behind every job of at least its priority. */
static void
insert_job_locked (DrInferenceQueue *self, Job *job)
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
guint
dr_inference_queue_add (DrInferenceQueue *self, gint64 photo_id, const char *path,
                        guint damages, guint priority)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self) && path != NULL, 0);
  guint added = 0;
  g_mutex_lock (&self->lock);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      gint64 key = job_key (photo_id, d);
      if (!(damages & (1u << d)) || self->models[d] == NULL ||
          g_hash_table_contains (self->known, &key))
        continue;
      g_hash_table_add (self->known, g_memdup2 (&key, sizeof key));
      Input *in = g_hash_table_lookup (self->inputs, &photo_id);
      if (in == NULL)
        {
          in = g_new0 (Input, 1);
          g_hash_table_insert (self->inputs, g_memdup2 (&photo_id, sizeof photo_id), in);
        }
      in->remaining++;
      Job *job = g_new0 (Job, 1);
      job->photo_id = photo_id;
      job->path = g_strdup (path);
      job->damage = d;
      job->generation = self->generation;
      job->priority = priority;
      insert_job_locked (self, job);
      added++;
    }
  if (added > 0)
    g_cond_broadcast (&self->work_cond);
  g_mutex_unlock (&self->lock);
  return added;
}

/* See header. */
void
dr_inference_queue_prioritize (DrInferenceQueue *self, gint64 photo_id, guint priority)
{
  g_return_if_fail (DR_IS_INFERENCE_QUEUE (self));
  g_mutex_lock (&self->lock);
  GQueue mine = G_QUEUE_INIT;
  for (GList *l = self->jobs.head; l != NULL;)
    {
      GList *next = l->next;
      Job *job = l->data;
      if (job->photo_id == photo_id)
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

/* See header. */
void
dr_inference_queue_cancel_all (DrInferenceQueue *self)
{
  g_return_if_fail (DR_IS_INFERENCE_QUEUE (self));
  g_mutex_lock (&self->lock);
  Job *job;
  while ((job = g_queue_pop_head (&self->jobs)) != NULL)
    {
      release_job_locked (self, job);
      job_free (job);
    }
  for (guint i = 0; i < self->workers->len; i++)
    atomic_store (&((Worker *) self->workers->pdata[i])->abort, 1);
  self->generation++;
  g_mutex_unlock (&self->lock);
}

/* See header. */
gboolean
dr_inference_queue_stop (DrInferenceQueue *self, gint64 timeout_us)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), FALSE);
  gint64 deadline = g_get_monotonic_time () + MAX (timeout_us, 0);
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  for (guint i = 0; i < self->workers->len; i++)
    atomic_store (&((Worker *) self->workers->pdata[i])->abort, 1);
  g_cond_broadcast (&self->work_cond);
  while (self->n_running > 0)
    {
      if (timeout_us < 0)
        g_cond_wait (&self->exit_cond, &self->lock);
      else if (!g_cond_wait_until (&self->exit_cond, &self->lock, deadline))
        break;
    }
  gboolean stopped = self->n_running == 0;
  g_mutex_unlock (&self->lock);
  return stopped;
}

/* See header. */
guint
dr_inference_queue_get_pending (DrInferenceQueue *self)
{
  g_return_val_if_fail (DR_IS_INFERENCE_QUEUE (self), 0);
  g_mutex_lock (&self->lock);
  guint n = g_hash_table_size (self->known);
  g_mutex_unlock (&self->lock);
  return n;
}
