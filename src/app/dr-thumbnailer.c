/* dr-thumbnailer.c — a two-thread pool making thumbnails, newest request first. Its threads
 * are its own and run at the lowest priority (dr_thread_priority_lower): a project opening
 * on a loaded machine asks for a screenful of thumbnails at once, and decoding them must not
 * take the cores the window needs to draw its first frames.
 *
 * A worker first looks in the on-disk cache (dr-thumbnail-cache, keyed by the photo's
 * SHA-256); on a miss it decodes the photo at reduced scale and writes the result to the
 * cache, so reopening a project decodes nothing that was shown before.
 *
 * The thumbnailer knows which items rows show (request … release). A queued job whose item
 * is no longer shown when a worker reaches it is skipped, so scrolling fast through 500
 * photos decodes only the rows it stops on; if a row shows the item again before the
 * skipped job is delivered, it is requested anew. The LRU never evicts a shown item, so a
 * row never falls back to the placeholder while on screen.
 *
 * Workers never touch items: they put finished jobs on a locked "done" list and schedule
 * one idle callback, which hands thumbnails to items in the main loop. Finalising waits for
 * running decodes, drops queued ones and frees everything, so nothing outlives the object. */
#include "config.h"

#include "dr-photo-loader.h"
#include "dr-thumbnail-cache.h"
#include "dr-thumbnailer.h"
#include "dr-post.h"
#include "dr-team-photo.h"
#include "dr-thread-priority.h"

struct _DrThumbnailer
{
  GObject parent_instance;
  GThreadPool *pool;
  GQueue lru;           /* DrPhotoItem*, strong refs, most recently made at head */
  guint capacity;
  guint64 serial;       /* request counter: higher = newer = served first */
  GHashTable *shown;    /* DrPhotoItem* (strong ref) → number of rows showing it */
  GHashTable *pending;  /* DrPhotoItem* → its queued or running Job* (borrowed) */

  GMutex lock;          /* guards done and idle_id */
  GQueue done;          /* Job*, finished by workers, not yet delivered */
  guint idle_id;        /* the posted deliver_cb in context, or 0 */
  GMainContext *context; /* the creating thread's: items are updated there */
  char *location;        /* the team project whose photos these are, or NULL */
};

typedef struct {
  DrPhotoItem *item;    /* strong ref; only unreffed on the main thread */
  char *path;
  char *location;       /* the team project's (its photo is fetched first), or NULL */
  gint64 id;
  char *sha256;         /* cache key, NULL when the photo has no known hash */
  guint64 serial;
  gint wanted;          /* atomic: 0 once no row shows the item (the job may be skipped) */
  gboolean skipped;     /* set by the worker: nothing was tried */
  GdkTexture *texture;  /* result, NULL on failure or when skipped */
} Job;

G_DEFINE_FINAL_TYPE (DrThumbnailer, dr_thumbnailer, G_TYPE_OBJECT)

static void queue_job (DrThumbnailer *self, DrPhotoItem *item);

/* Frees a job; runs on the main thread only (it drops the item reference). */
static void
job_free (gpointer data)
{
  Job *job = data;
  g_clear_object (&job->item);
  g_clear_object (&job->texture);
  g_free (job->path);
  g_free (job->location);
  g_free (job->sha256);
  g_free (job);
}

/* Drops the least recently made thumbnails beyond capacity, skipping items a row shows. */
static void
trim_lru (DrThumbnailer *self)
{
  GList *link = self->lru.tail;
  while (self->lru.length > self->capacity && link != NULL)
    {
      GList *prev = link->prev;
      DrPhotoItem *old = link->data;
      if (!g_hash_table_contains (self->shown, old))
        {
          g_queue_delete_link (&self->lru, link);
          dr_photo_item_set_thumbnail (old, NULL);
          g_object_unref (old);
        }
      link = prev;
    }
}

/* Main loop: hands every finished thumbnail to its item, requests again the skipped ones a
 * row shows by now, and trims the LRU. */
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
      g_hash_table_remove (self->pending, job->item);
      if (job->texture != NULL)
        {
          dr_photo_item_set_thumbnail (job->item, G_OBJECT (job->texture));
          g_queue_push_head (&self->lru, g_object_ref (job->item));
        }
      else if (job->skipped)
        {
          dr_photo_item_set_thumbnail (job->item, NULL); /* allows the next request */
          if (g_hash_table_contains (self->shown, job->item))
            queue_job (self, job->item);
        }
      job_free (job);
    }
  trim_lru (self);
  return G_SOURCE_REMOVE;
}

/* Worker thread: makes one thumbnail, from the cache when it has it, else by decoding the
 * photo (and caching the result); skips the job if no row shows the item any more. A
 * team project's photo is fetched and verified first (dr_team_photo_fetch). A failed decode
 * or fetch leaves the placeholder; the import already recorded why the photo is unreadable,
 * and the canvas says why a team photo cannot be fetched. */
static void
job_run (gpointer data, gpointer user_data)
{
  static GPrivate lowered = G_PRIVATE_INIT (NULL);
  DrThumbnailer *self = user_data;
  Job *job = data;
  const int size = DR_THUMBNAIL_SIZE * 2;
  if (g_private_get (&lowered) == NULL)
    {
      dr_thread_priority_lower ();
      g_private_set (&lowered, GINT_TO_POINTER (1));
    }
  job->skipped = !g_atomic_int_get (&job->wanted);
  if (!job->skipped && job->sha256 != NULL)
    job->texture = dr_thumbnail_cache_load (job->sha256, size);
  if (!job->skipped && job->texture == NULL)
    {
      g_autofree char *fetched = job->location == NULL ? NULL
        : dr_team_photo_fetch (job->location, job->id, job->sha256, job->path, NULL);
      if (job->location == NULL || fetched != NULL)
        job->texture = dr_photo_loader_load_thumbnail (fetched ? fetched : job->path, size,
                                                       NULL);
      if (job->texture != NULL && job->sha256 != NULL)
        dr_thumbnail_cache_store (job->sha256, size, job->texture);
    }
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->done, job);
  if (self->idle_id == 0)
    self->idle_id = dr_post (self->context, G_PRIORITY_DEFAULT_IDLE, deliver_cb, self, NULL);
  g_mutex_unlock (&self->lock);
}

/* Orders jobs newest first. */
static int
job_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Job *ja = a, *jb = b;
  return ja->serial > jb->serial ? -1 : ja->serial < jb->serial;
}

/* Queues a job for item (which must have no pending job) as the newest request. */
static void
queue_job (DrThumbnailer *self, DrPhotoItem *item)
{
  if (!dr_photo_item_take_thumbnail_request (item))
    return;
  Job *job = g_new0 (Job, 1);
  job->item = g_object_ref (item);
  job->path = g_strdup (dr_photo_item_get_path (item));
  job->sha256 = g_strdup (dr_photo_item_get_sha256 (item));
  job->location = g_strdup (self->location);
  job->id = dr_photo_item_get_id (item);
  job->serial = ++self->serial;
  job->wanted = 1;
  g_hash_table_insert (self->pending, item, job);
  g_thread_pool_push (self->pool, job, NULL);
}

static void
dr_thumbnailer_finalize (GObject *object)
{
  DrThumbnailer *self = DR_THUMBNAILER (object);
  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_free (self->location);
  dr_post_cancel (self->context, &self->idle_id);
  g_main_context_unref (self->context);
  g_hash_table_remove_all (self->pending); /* borrowed jobs, freed with done or the pool */
  g_queue_clear_full (&self->done, job_free);
  g_queue_clear_full (&self->lru, g_object_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
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
  self->context = g_main_context_ref_thread_default ();
  g_queue_init (&self->lru);
  g_queue_init (&self->done);
  self->shown = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->pending = g_hash_table_new (NULL, NULL);
  /* Exclusive threads: a lowered priority never reaches GLib's shared pool. */
  self->pool = g_thread_pool_new_full (job_run, self, job_free, 2, TRUE, NULL);
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
  g_return_if_fail (DR_IS_PHOTO_ITEM (item));
  guint rows = GPOINTER_TO_UINT (g_hash_table_lookup (self->shown, item));
  /* The table keeps this reference for a new key and drops it for an existing one. */
  g_hash_table_insert (self->shown, g_object_ref (item), GUINT_TO_POINTER (rows + 1));
  Job *job = g_hash_table_lookup (self->pending, item);
  if (job != NULL)
    g_atomic_int_set (&job->wanted, 1);
  else
    queue_job (self, item);
}

/* See header. */
void
dr_thumbnailer_release (DrThumbnailer *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_THUMBNAILER (self));
  guint rows = GPOINTER_TO_UINT (g_hash_table_lookup (self->shown, item));
  if (rows == 0)
    return;
  if (rows > 1)
    {
      g_hash_table_insert (self->shown, g_object_ref (item), GUINT_TO_POINTER (rows - 1));
      return;
    }
  Job *job = g_hash_table_lookup (self->pending, item);
  if (job != NULL)
    g_atomic_int_set (&job->wanted, 0);
  g_hash_table_remove (self->shown, item);
}

/* See header. */
void
dr_thumbnailer_set_location (DrThumbnailer *self, const char *location)
{
  g_return_if_fail (DR_IS_THUMBNAILER (self));
  g_free (self->location);
  self->location = g_strdup (location);
}
