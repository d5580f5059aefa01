/* dr-analyse-pool.c — the photo-per-worker pool behind `damage-review analyse`. */
#include "config.h"

#include "dr-analyse-pool.h"

#include "dr-image.h"
#include "dr-photo.h"
#include "dr-rle.h"
#include "nn-image.h"

#define INPUT_FLOATS (3 * NN_UNET_SIZE * NN_UNET_SIZE)             /* float [3][256][256] */
#define LOGIT_FLOATS (NN_UNET_CLASSES * NN_UNET_SIZE * NN_UNET_SIZE) /* float [2][256][256] */

struct _DrAnalysePool {
  DrModelSet *models;
  GPtrArray *jobs;
  atomic_int *abort_flag;
  atomic_uint next_job;
  GAsyncQueue *results;   /* DrAnalyseResult*, or the pool itself as "a worker finished" */
  GThread **threads;      /* [n_threads] */
  guint n_threads;
  guint n_running;        /* workers that have not yet said "finished" (caller side) */
};

typedef struct {
  DrAnalysePool *pool;
  NnWorkspace *ws;
  float *input;           /* [3][256][256] */
  float *logits;          /* [2][256][256] */
  void *prep_scratch;     /* nn_preprocess_scratch_bytes () */
} Worker;

/* Frees the path and the struct; NULL allowed. */
void
dr_analyse_job_free (DrAnalyseJob *job)
{
  if (job == NULL)
    return;
  g_free (job->path);
  g_free (job);
}

/* Frees the strings and the struct; NULL allowed. */
void
dr_analyse_result_free (DrAnalyseResult *result)
{
  if (result == NULL)
    return;
  g_free (result->rle);
  g_free (result->error);
  g_free (result);
}

/* Queues a result for the caller. */
static void
push (DrAnalysePool *pool, guint job, int damage, char *rle, double confidence, char *error)
{
  DrAnalyseResult *r = g_new0 (DrAnalyseResult, 1);
  r->job = job;
  r->damage = damage;
  r->rle = rle;
  r->confidence = confidence;
  r->error = error;
  g_async_queue_push (pool->results, r);
}

/* Runs one model on the prepared input and encodes its mask at photo resolution. */
static void
run_model (Worker *w, guint index, DrAnalyseJob *job, DrDamage damage, const DrImage *image,
           guint8 *mask)
{
  DrAnalysePool *pool = w->pool;
  const char *name = dr_damage_get_model_name (damage);
  NnError nn_err = { 0 };
  NnMaskStats stats;
  if (nn_unet_run (dr_model_set_get_model (pool->models, damage), w->ws, w->input, w->logits,
                   pool->abort_flag, &nn_err) != NN_OK
      || nn_mask_from_logits (w->logits, image->width, image->height, mask,
                              (size_t) image->width, &stats, NULL, 0, &nn_err) != NN_OK)
    {
      if (nn_err.status != NN_ERR_ABORTED)
        push (pool, index, damage, NULL, 0,
              g_strdup_printf ("%s: %s model: %s", job->path, name, nn_err.message));
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, (guint) image->height,
                                                (guint) image->width, &error);
  if (rle == NULL)
    {
      push (pool, index, damage, NULL, 0, g_strdup_printf ("%s: %s", job->path, error->message));
      return;
    }
  push (pool, index, damage, dr_rle_to_string (rle), stats.mean_confidence, NULL);
}

/* Decodes and preprocesses one photo, then runs every model it still needs. */
static void
run_job (Worker *w, guint index)
{
  DrAnalysePool *pool = w->pool;
  DrAnalyseJob *job = pool->jobs->pdata[index];
  g_autoptr (GError) error = NULL;
  g_autoptr (DrImage) image = dr_image_load (job->path, &error);
  if (image == NULL)
    {
      DrAnalyseResult *r = g_new0 (DrAnalyseResult, 1);
      r->job = index;
      r->damage = -1;
      r->error = g_strdup (error->message);
      r->unreadable = dr_photo_error_is_permanent (error);
      g_async_queue_push (pool->results, r);
      return;
    }
  NnError nn_err = { 0 };
  if (nn_preprocess (image->pixels, image->width, image->height, image->stride, w->input,
                     w->prep_scratch, nn_preprocess_scratch_bytes (), &nn_err) != NN_OK)
    {
      push (pool, index, -1, NULL, 0, g_strdup_printf ("%s: %s", job->path, nn_err.message));
      return;
    }
  g_autofree guint8 *mask = g_try_malloc ((gsize) image->width * image->height);
  if (mask == NULL)
    {
      push (pool, index, -1, NULL, 0,
            g_strdup_printf ("%s: out of memory for a %d×%d mask", job->path, image->width,
                             image->height));
      return;
    }
  for (int d = 0; d < DR_N_DAMAGE; d++)
    if ((job->todo & (1u << d)) && !atomic_load (pool->abort_flag))
      run_model (w, index, job, (DrDamage) d, image, mask);
}

/* Takes photos until none are left or the run is aborted, then says it finished. */
static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  DrAnalysePool *pool = w->pool;
  guint index;
  while (!atomic_load (pool->abort_flag)
         && (index = atomic_fetch_add (&pool->next_job, 1)) < pool->jobs->len)
    run_job (w, index);
  nn_workspace_free (w->ws);
  g_free (w->input);
  g_free (w->logits);
  g_free (w->prep_scratch);
  g_free (w);
  g_async_queue_push (pool->results, pool);
  return NULL;
}

/* Allocates every worker's buffers before starting its thread; a worker whose workspace cannot
 * be allocated is not started (the others still run; with none, pop returns NULL at once). */
DrAnalysePool *
dr_analyse_pool_start (DrModelSet *models, GPtrArray *jobs, guint n_threads,
                       atomic_int *abort_flag)
{
  DrAnalysePool *pool = g_new0 (DrAnalysePool, 1);
  pool->models = models;
  pool->jobs = jobs;
  pool->abort_flag = abort_flag;
  atomic_init (&pool->next_job, 0);
  pool->results = g_async_queue_new ();
  pool->threads = g_new0 (GThread *, MAX (n_threads, 1));
  nn_blas_use_single_thread ();
  for (guint i = 0; i < n_threads; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      NnError nn_err = { 0 };
      if (nn_workspace_new (&w->ws, &nn_err) != NN_OK)
        {
          g_free (w);
          g_printerr ("%s\n", nn_err.message);
          continue;
        }
      w->pool = pool;
      w->input = g_new (float, INPUT_FLOATS);
      w->logits = g_new (float, LOGIT_FLOATS);
      w->prep_scratch = g_malloc (nn_preprocess_scratch_bytes ());
      pool->threads[pool->n_threads++] = g_thread_new ("dr-analyse", worker_main, w);
    }
  pool->n_running = pool->n_threads;
  return pool;
}

/* Pops until a real result arrives, counting "finished" markers on the way. */
DrAnalyseResult *
dr_analyse_pool_pop (DrAnalysePool *pool)
{
  while (pool->n_running > 0)
    {
      gpointer item = g_async_queue_pop (pool->results);
      if (item != pool)
        return item;
      pool->n_running--;
    }
  return NULL;
}

/* Joins every worker, drops unread results, frees the pool. */
void
dr_analyse_pool_free (DrAnalysePool *pool)
{
  for (guint i = 0; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  gpointer item;
  while ((item = g_async_queue_try_pop (pool->results)) != NULL)
    if (item != pool)
      dr_analyse_result_free (item);
  g_async_queue_unref (pool->results);
  g_free (pool->threads);
  g_free (pool);
}
