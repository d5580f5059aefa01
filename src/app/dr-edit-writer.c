/* dr-edit-writer.c — see dr-edit-writer.h.
 *
 * Protocol: the main thread owns the queue. Only its head is ever handed to the worker
 * (in_flight); the worker fills in the edit's result fields under lock, signals cond and
 * posts a callback, and the main thread then pops the head and sends the next one. So at
 * most one write runs at a time and revisions keep the order of the edits. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-edit-writer.h"
#include "dr-rle.h"

typedef struct {
  DrProject *project;        /* main thread's object; the worker uses only path */
  char *path;
  gint64 photo_id;
  DrDamage damage;
  int width, height;
  DrRevisionKind kind;
  char *author;
  guint8 *pixels;            /* [height × width] copy of the mask; NULL once rle is set */
  char *rle;                 /* the mask encoded, once known on the main thread */
  gint64 queued_at;          /* monotonic µs */

  /* Written by the worker under DrEditWriter.lock, read by the main thread once done. */
  gboolean done;
  char *encoded;             /* the worker's encoding of pixels */
  GError *error;             /* NULL: stored */
  gint64 encode_us, write_us;
} Edit;

struct _DrEditWriter
{
  GObject parent_instance;

  GQueue queue;              /* Edit*, oldest first */
  Edit *in_flight;           /* the head while the worker has it, else NULL */
  gboolean stalled;          /* a write failed: nothing is sent until sync */
  double last_latency_ms;

  GThreadPool *pool;         /* one thread: the writer */
  GMainContext *context;     /* where results are delivered */
  DrProject *conn;           /* the worker's connection (only the worker touches it) */
  GMutex lock;
  GCond cond;
};

enum { SIG_WRITTEN, SIG_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditWriter, dr_edit_writer, G_TYPE_OBJECT)

static void
edit_free (Edit *e)
{
  g_object_unref (e->project);
  g_free (e->path);
  g_free (e->author);
  g_free (e->pixels);
  g_free (e->rle);
  g_free (e->encoded);
  g_clear_error (&e->error);
  g_free (e);
}

/* The mask of e as COCO RLE text, newly allocated; NULL and error when it cannot be encoded. */
static char *
encode (const Edit *e, GError **error)
{
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (e->pixels, (guint) e->height, (guint) e->width,
                                                error);
  return rle ? dr_rle_to_string (rle) : NULL;
}

/* ---- worker thread ------------------------------------------------------------------- */

/* Main loop: the worker finished the edit in flight. */
static gboolean written_cb (gpointer data);

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Worker: encodes and stores one edit through the worker's own connection, then reports. */
static void
write_edit (gpointer data, gpointer user_data)
{
  Edit *e = data;
  DrEditWriter *self = user_data;
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  char *encoded = encode (e, &error);
  gint64 t1 = g_get_monotonic_time ();
  if (encoded != NULL)
    {
      if (self->conn != NULL && g_strcmp0 (dr_project_get_path (self->conn), e->path) != 0)
        g_clear_object (&self->conn);
      if (self->conn == NULL)
        self->conn = dr_project_open (e->path, DR_PROJECT_OPEN_EXISTING, &error);
      if (self->conn != NULL)
        dr_revision_append (self->conn, e->photo_id, e->damage, encoded, e->kind, e->author,
                            NULL, &error);
    }
  gint64 t2 = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  e->encoded = encoded;
  e->error = error;
  e->encode_us = t1 - t0;
  e->write_us = t2 - t1;
  e->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  GWeakRef *ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, written_cb, ref,
                              weak_ref_free);
}

/* ---- main thread ---------------------------------------------------------------------- */

/* Hands the head to the worker unless one is in flight or the queue is stalled. */
static void
send_next (DrEditWriter *self)
{
  if (self->in_flight != NULL || self->stalled || g_queue_is_empty (&self->queue))
    return;
  self->in_flight = g_queue_peek_head (&self->queue);
  g_thread_pool_push (self->pool, self->in_flight, NULL);
}

/* Drops the written head and tells the listeners. */
static void
pop_written (DrEditWriter *self)
{
  Edit *e = g_queue_pop_head (&self->queue);
  self->last_latency_ms = (g_get_monotonic_time () - e->queued_at) / 1000.0;
  g_signal_emit (self, signals[SIG_WRITTEN], 0, e->project, e->photo_id, (int) e->damage);
  edit_free (e);
}

/* Takes the worker's result for the edit in flight (which must be done): pops it when it was
 * stored; keeps it, encoded, and stalls the queue when it was not. FALSE and error then. */
static gboolean
finish_in_flight (DrEditWriter *self, GError **error)
{
  Edit *e = g_steal_pointer (&self->in_flight);
  if (e->encoded != NULL)
    {
      g_clear_pointer (&e->pixels, g_free);
      e->rle = g_steal_pointer (&e->encoded);
    }
  if (e->error != NULL)
    {
      self->stalled = TRUE;
      g_propagate_error (error, g_steal_pointer (&e->error));
      e->done = FALSE;
      return FALSE;
    }
  g_debug ("edit written %.1f ms after it was made (%d×%d; RLE encoding %.1f ms, write %.1f ms)",
           (g_get_monotonic_time () - e->queued_at) / 1000.0, e->width, e->height,
           e->encode_us / 1000.0, e->write_us / 1000.0);
  pop_written (self);
  return TRUE;
}

/* TRUE once the worker has finished the edit in flight. */
static gboolean
in_flight_done (DrEditWriter *self)
{
  g_mutex_lock (&self->lock);
  gboolean done = self->in_flight != NULL && self->in_flight->done;
  g_mutex_unlock (&self->lock);
  return done;
}

static gboolean
written_cb (gpointer data)
{
  g_autoptr (DrEditWriter) self = g_weak_ref_get (data);
  if (self == NULL || !in_flight_done (self))
    return G_SOURCE_REMOVE;   /* already taken by dr_edit_writer_sync() */
  g_autoptr (GError) error = NULL;
  if (finish_in_flight (self, &error))
    send_next (self);
  else
    {
      g_autofree char *msg =
        g_strdup_printf (_("Could not save the edit — it is kept, unsaved: %s"), error->message);
      g_signal_emit (self, signals[SIG_FAILED], 0, msg);
    }
  return G_SOURCE_REMOVE;
}

/* See header. */
void
dr_edit_writer_push (DrEditWriter *self, DrProject *project, gint64 photo_id, DrDamage damage,
                     int width, int height, const guint8 *pixels, DrRevisionKind kind,
                     const char *author)
{
  g_return_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project));
  g_return_if_fail (width > 0 && height > 0 && pixels != NULL);
  Edit *e = g_new0 (Edit, 1);
  e->project = g_object_ref (project);
  e->path = g_strdup (dr_project_get_path (project));
  e->photo_id = photo_id;
  e->damage = damage;
  e->width = width;
  e->height = height;
  e->kind = kind;
  e->author = g_strdup (author);
  e->pixels = g_memdup2 (pixels, (gsize) width * height);
  e->queued_at = g_get_monotonic_time ();
  g_queue_push_tail (&self->queue, e);
  send_next (self);
}

/* The newest queued edit of the layer, or NULL. */
static Edit *
find_newest (DrEditWriter *self, DrProject *project, gint64 photo_id, DrDamage damage)
{
  for (GList *l = self->queue.tail; l; l = l->prev)
    {
      Edit *e = l->data;
      if (e->project == project && e->photo_id == photo_id && e->damage == damage)
        return e;
    }
  return NULL;
}

gboolean
dr_edit_writer_has_layer (DrEditWriter *self, DrProject *project, gint64 photo_id,
                          DrDamage damage)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  return find_newest (self, project, photo_id, damage) != NULL;
}

/* See header. The worker only reads pixels and never sets rle, so both are safe to read here. */
gboolean
dr_edit_writer_read_layer (DrEditWriter *self, DrProject *project, gint64 photo_id,
                           DrDamage damage, guint8 *pixels, int width, int height,
                           GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  Edit *e = find_newest (self, project, photo_id, damage);
  if (e == NULL)
    return FALSE;
  g_return_val_if_fail (e->width == width && e->height == height, FALSE);
  if (e->pixels != NULL)
    {
      memcpy (pixels, e->pixels, (gsize) width * height);
      return TRUE;
    }
  g_autoptr (DrRle) rle = dr_rle_new_from_string (e->rle, (guint) height, (guint) width, error);
  if (rle == NULL)
    return FALSE;
  dr_rle_to_mask (rle, pixels);
  return TRUE;
}

guint
dr_edit_writer_get_n_queued (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return g_queue_get_length (&self->queue);
}

gboolean
dr_edit_writer_is_stalled (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  return self->stalled;
}

/* See header. */
gboolean
dr_edit_writer_sync (DrEditWriter *self, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  if (self->in_flight != NULL)
    {
      g_mutex_lock (&self->lock);
      while (!self->in_flight->done)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
      g_autoptr (GError) ignored = NULL;
      finish_in_flight (self, &ignored);   /* a failed one is tried again below */
    }
  Edit *e;
  while ((e = g_queue_peek_head (&self->queue)) != NULL)
    {
      if (e->rle == NULL && (e->rle = encode (e, error)) != NULL)
        g_clear_pointer (&e->pixels, g_free);
      if (e->rle == NULL ||
          !dr_revision_append (e->project, e->photo_id, e->damage, e->rle, e->kind, e->author,
                               NULL, error))
        {
          self->stalled = TRUE;
          return FALSE;
        }
      pop_written (self);
    }
  self->stalled = FALSE;
  return TRUE;
}

double
dr_edit_writer_get_last_latency_ms (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return self->last_latency_ms;
}

/* Lets the write in flight finish (it is stored or not, as the worker found), then logs and
 * drops what could not be written. */
static void
dr_edit_writer_dispose (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  if (self->pool != NULL)
    {
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
      if (self->in_flight != NULL && self->in_flight->error == NULL)
        edit_free (g_queue_pop_head (&self->queue));
      self->in_flight = NULL;
      if (!g_queue_is_empty (&self->queue))
        g_message ("%u edits could not be saved and are dropped",
                   g_queue_get_length (&self->queue));
      g_queue_clear_full (&self->queue, (GDestroyNotify) edit_free);
      g_clear_object (&self->conn);
    }
  G_OBJECT_CLASS (dr_edit_writer_parent_class)->dispose (object);
}

static void
dr_edit_writer_finalize (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (dr_edit_writer_parent_class)->finalize (object);
}

static void
dr_edit_writer_class_init (DrEditWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = dr_edit_writer_dispose;
  object_class->finalize = dr_edit_writer_finalize;

  /* (project, photo_id, damage): one more revision of that layer is stored. */
  signals[SIG_WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 3, DR_TYPE_PROJECT,
                                       G_TYPE_INT64, G_TYPE_INT);
  /* (message): a write failed; the queue is stalled, every edit kept. */
  signals[SIG_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dr_edit_writer_init (DrEditWriter *self)
{
  g_queue_init (&self->queue);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->context = g_main_context_ref_thread_default ();
  self->pool = g_thread_pool_new (write_edit, self, 1, FALSE, NULL);
}

/* A writer with nothing queued. */
DrEditWriter *
dr_edit_writer_new (void)
{
  return g_object_new (DR_TYPE_EDIT_WRITER, NULL);
}
