/* dr-thumbnailer.c — a two-thread pool decoding scaled-down JPEGs, newest request first.
 *
 * Workers never touch items: they put finished jobs on a locked "done" list and schedule
 * one idle callback, which hands thumbnails to items in the main loop. Finalising waits for
 * running decodes, drops queued ones and frees everything, so nothing outlives the object. */
#include "config.h"

#include "dr-photo-loader.h"
#include "dr-thumbnailer.h"

struct _DrThumbnailer
{
  GObject parent_instance;
  GThreadPool *pool;
  GQueue lru;           /* DrPhotoItem*, strong refs, most recent at head */
  guint capacity;
  guint64 serial;       /* request counter: higher = newer = served first */

  GMutex lock;          /* guards done and idle_id */
  GQueue done;          /* Job*, finished by workers, not yet delivered */
  guint idle_id;
};

typedef struct {
  DrPhotoItem *item;    /* strong ref; only unreffed on the main thread */
  char *path;
  guint64 serial;
  GdkTexture *texture;  /* result, NULL on failure */
} Job;

G_DEFINE_FINAL_TYPE (DrThumbnailer, dr_thumbnailer, G_TYPE_OBJECT)

/* Frees a job; runs on the main thread only (it drops the item reference). */
static void
job_free (gpointer data)
{
  Job *job = data;
  g_clear_object (&job->item);
  g_clear_object (&job->texture);
  g_free (job->path);
  g_free (job);
}

/* Main loop: hands every finished thumbnail to its item and trims the LRU. */
static gboolean
deliver_cb (gpointer data)
{
  DrThumbnailer *self = data;
  GQueue batch = G_QUEUE_INIT;
  g_mutex_lock (&self->lock);
  batch = self->done;
  g_queue_init (&self->done);
  self->idle_id = 0;
  g_mutex_unlock (&self->lock);

  Job *job;
  while ((job = g_queue_pop_head (&batch)) != NULL)
    {
      if (job->texture != NULL)
        {
          dr_photo_item_set_thumbnail (job->item, GDK_PAINTABLE (job->texture));
          g_queue_push_head (&self->lru, g_object_ref (job->item));
        }
      job_free (job);
    }
  while (self->lru.length > self->capacity)
    {
      g_autoptr (DrPhotoItem) old = g_queue_pop_tail (&self->lru);
      dr_photo_item_set_thumbnail (old, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* Worker thread: decodes one thumbnail. A failed decode leaves the placeholder; the import
 * already recorded why the photo is unreadable. */
static void
job_run (gpointer data, gpointer user_data)
{
  DrThumbnailer *self = user_data;
  Job *job = data;
  job->texture = dr_photo_loader_load_thumbnail (job->path, DR_THUMBNAIL_SIZE * 2, NULL);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->done, job);
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, self, NULL);
  g_mutex_unlock (&self->lock);
}

/* Orders jobs newest first. */
static int
job_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Job *ja = a, *jb = b;
  return ja->serial > jb->serial ? -1 : ja->serial < jb->serial;
}

static void
dr_thumbnailer_finalize (GObject *object)
{
  DrThumbnailer *self = DR_THUMBNAILER (object);
  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_queue_clear_full (&self->done, job_free);
  g_queue_clear_full (&self->lru, g_object_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (dr_thumbnailer_parent_class)->finalize (object);
}

static void
dr_thumbnailer_class_init (DrThumbnailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dr_thumbnailer_finalize;
}

static void
dr_thumbnailer_init (DrThumbnailer *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->lru);
  g_queue_init (&self->done);
  self->pool = g_thread_pool_new_full (job_run, self, job_free, 2, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, job_compare, NULL);
}

/* See header. */
DrThumbnailer *
dr_thumbnailer_new (guint capacity)
{
  DrThumbnailer *self = g_object_new (DR_TYPE_THUMBNAILER, NULL);
  self->capacity = MAX (capacity, 1);
  return self;
}

/* See header. */
void
dr_thumbnailer_request (DrThumbnailer *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_THUMBNAILER (self));
  if (!dr_photo_item_take_thumbnail_request (item))
    return;
  Job *job = g_new0 (Job, 1);
  job->item = g_object_ref (item);
  job->path = g_strdup (dr_photo_item_get_path (item));
  job->serial = ++self->serial;
  g_thread_pool_push (self->pool, job, NULL);
}
