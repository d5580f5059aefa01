/* dr-edit-writer.c — see dr-edit-writer.h.
 *
 * Two threads share one queue of edits, oldest first, under one mutex. The owner thread (the
 * one that created the writer) is the only one that adds edits to it or removes them; the
 * writer thread only changes the state of an edit (queued → writing → written or failed) and
 * always writes the first queued one, so revisions keep the order of the edits. Each state
 * change posts one deliver_cb to the owner's context, which pops the written edits from the
 * head and emits "written" for each, and "failed" once for a stall. Masks are immutable once
 * queued, so the owner reads them (read_layer) without waiting for the writer.
 *
 * The writer thread opens its own DrProject on the file of the edit it writes (and keeps it
 * for the next edit of the same file); after a failed write it closes it, so Retry starts
 * from a fresh connection. An earlier version of this file wrote on a worker too and saw
 * "short read of a WAL page": its report callback was run by g_main_context_invoke on the
 * worker itself, against the main thread's connection. Reports are now posted (dr_post). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-edit-writer.h"
#include "dr-post.h"
#include "dr-rle.h"

typedef enum { EDIT_QUEUED, EDIT_WRITING, EDIT_WRITTEN, EDIT_FAILED } EditState;

typedef struct {
  DrEditWriterCall call;     /* not NULL: a call run by dr_edit_writer_run, not an edit */
  gpointer call_data;
  DrProject *project;        /* the owner's connection: identity only, never used here */
  char *path;                /* its file, which the writer thread opens */
  gint64 photo_id;
  DrDamage damage;
  int width, height;
  DrRevisionKind kind;
  char *author;
  guint8 *pixels;            /* [height × width] copy of the mask, immutable */
  char *rle;                 /* writer thread only: the mask encoded, once it was */
  gint64 queued_at;          /* monotonic µs */
  EditState state;           /* under lock */
  GError *error;             /* under lock: why the write failed (EDIT_FAILED) */
  double latency_ms;         /* queued → committed, set with EDIT_WRITTEN */
} Edit;

struct _DrEditWriter
{
  GObject parent_instance;

  GMutex lock;
  GCond cond;                /* an edit was queued, a stall lifted, a write ended, or stop */
  GQueue queue;              /* Edit*, oldest first; structure changed by the owner only */
  gboolean halted;           /* under lock: a write failed; nothing is written until sync */
  gboolean stopping;         /* under lock: the writer thread must leave */
  guint deliver_id;          /* under lock: the posted deliver_cb, or 0 */

  GThread *thread;           /* the writer thread, started at the first push */
  GMainContext *context;     /* the owner's, where signals are emitted */
  gboolean stalled;          /* owner's view: "failed" was emitted, sync has not succeeded */
  double last_latency_ms;
};

enum { SIG_WRITTEN, SIG_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditWriter, dr_edit_writer, G_TYPE_OBJECT)

/* Owner thread only (it drops a reference to the owner's project). */
static void
edit_free (Edit *e)
{
  g_clear_object (&e->project);
  g_free (e->path);
  g_free (e->author);
  g_free (e->pixels);
  g_free (e->rle);
  g_clear_error (&e->error);
  g_free (e);
}

/* ---- writer thread ---------------------------------------------------------------- */

static gboolean deliver_cb (gpointer data);

/* Lock held: the oldest edit or call still to be run, or NULL; only calls while halted. */
static Edit *
first_queued_locked (DrEditWriter *self)
{
  for (GList *l = self->queue.head; l; l = l->next)
    {
      Edit *e = l->data;
      if (e->state == EDIT_QUEUED && (!self->halted || e->call != NULL))
        return e;
    }
  return NULL;
}

/* Writer thread: makes *project a connection of this thread to path. */
static gboolean
connect_to (DrProject **project, const char *path, GError **error)
{
  if (*project != NULL && g_strcmp0 (dr_project_get_path (*project), path) != 0)
    g_clear_object (project);
  if (*project == NULL)
    *project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING, error);
  return *project != NULL;
}

/* Writer thread: encodes (once) and appends e through the thread's own connection *project,
 * opening it on e's file first when needed. FALSE with error when it was not stored. */
static gboolean
write_edit (DrProject **project, Edit *e, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  if (e->rle == NULL)
    {
      g_autoptr (DrRle) rle = dr_rle_new_from_mask (e->pixels, (guint) e->height,
                                                    (guint) e->width, error);
      if (rle == NULL)
        return FALSE;
      e->rle = dr_rle_to_string (rle);
    }
  gint64 t1 = g_get_monotonic_time ();
  if (!connect_to (project, e->path, error)
      || !dr_revision_append (*project, e->photo_id, e->damage, e->rle, e->kind, e->author,
                              NULL, error))
    {
      g_clear_object (project);
      return FALSE;
    }
  gint64 now = g_get_monotonic_time ();
  e->latency_ms = (now - e->queued_at) / 1000.0;
  g_debug ("edit stored %.1f ms after it was made (%d×%d; RLE encoding %.1f ms, write %.1f ms)",
           e->latency_ms, e->width, e->height, (t1 - t0) / 1000.0, (now - t1) / 1000.0);
  return TRUE;
}

/* Lock held: makes sure one deliver_cb is posted to the owner's context. It holds no
 * reference: dispose, on the owner's thread, stops this thread and then removes it. */
static void
post_deliver_locked (DrEditWriter *self)
{
  if (self->deliver_id == 0)
    self->deliver_id = dr_post (self->context, G_PRIORITY_DEFAULT, deliver_cb, self, NULL);
}

/* Writer thread main: writes the first queued edit whenever there is one and the queue is not
 * halted, until told to stop; its connection lives and dies on this thread. */
static gpointer
writer_main (gpointer data)
{
  DrEditWriter *self = data;
  g_autoptr (DrProject) project = NULL;
  g_mutex_lock (&self->lock);
  for (;;)
    {
      Edit *e = NULL;
      while (!self->stopping && (e = first_queued_locked (self)) == NULL)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stopping)
        break;
      e->state = EDIT_WRITING;
      g_mutex_unlock (&self->lock);
      GError *error = NULL;
      gboolean ok = e->call != NULL
                    ? connect_to (&project, e->path, &error)
                      && e->call (project, e->call_data, &error)
                    : write_edit (&project, e, &error);
      g_mutex_lock (&self->lock);
      e->state = ok ? EDIT_WRITTEN : EDIT_FAILED;
      e->error = error;
      if (!ok && e->call == NULL)
        self->halted = TRUE;
      if (e->call == NULL)
        post_deliver_locked (self);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* ---- owner thread ----------------------------------------------------------------- */

/* Pops every written edit from the head, emitting "written" for each, in order. When the head
 * failed: returns FALSE and sets error to its reason (the edit stays queued); else TRUE. */
static gboolean
deliver (DrEditWriter *self, GError **error)
{
  GQueue written = G_QUEUE_INIT;
  GError *failure = NULL;
  g_mutex_lock (&self->lock);
  Edit *head;
  while ((head = g_queue_peek_head (&self->queue)) != NULL && head->state == EDIT_WRITTEN)
    g_queue_push_tail (&written, g_queue_pop_head (&self->queue));
  if (head != NULL && head->state == EDIT_FAILED)
    failure = g_error_copy (head->error);
  g_mutex_unlock (&self->lock);

  Edit *e;
  while ((e = g_queue_pop_head (&written)) != NULL)
    {
      self->last_latency_ms = e->latency_ms;
      g_signal_emit (self, signals[SIG_WRITTEN], 0, e->project, e->photo_id, (int) e->damage);
      edit_free (e);
    }
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return FALSE;
    }
  return TRUE;
}

/* Owner's context: delivers what the writer thread finished; the first failure of a stall
 * marks the queue stalled and emits "failed". */
static gboolean
deliver_cb (gpointer data)
{
  DrEditWriter *self = data;
  g_mutex_lock (&self->lock);
  self->deliver_id = 0;
  g_mutex_unlock (&self->lock);
  g_autoptr (GError) error = NULL;
  if (!deliver (self, &error) && !self->stalled)
    {
      self->stalled = TRUE;
      g_autofree char *msg =
        g_strdup_printf (_("Could not save the edit — it is kept, unsaved: %s"), error->message);
      g_signal_emit (self, signals[SIG_FAILED], 0, msg);
    }
  return G_SOURCE_REMOVE;
}

/* Lock held: starts the writer thread if it is not running. */
static void
ensure_thread (DrEditWriter *self)
{
  if (self->thread == NULL)
    self->thread = g_thread_new ("dr-edit-writer", writer_main, self);
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
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, e);
  ensure_thread (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* See header. The call goes into the queue before the first edit still waiting; this thread
 * blocks until the writer thread has run it, then takes it out (deliver never sees it: it
 * runs on this thread). */
gboolean
dr_edit_writer_run (DrEditWriter *self, DrProject *project, DrEditWriterCall call,
                    gpointer data, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (call != NULL, FALSE);
  Edit *e = g_new0 (Edit, 1);
  e->call = call;
  e->call_data = data;
  e->path = g_strdup (dr_project_get_path (project));
  g_mutex_lock (&self->lock);
  GList *waiting = self->queue.head;
  while (waiting != NULL && ((Edit *) waiting->data)->state != EDIT_QUEUED)
    waiting = waiting->next;
  if (waiting != NULL)
    g_queue_insert_before (&self->queue, waiting, e);
  else
    g_queue_push_tail (&self->queue, e);
  ensure_thread (self);
  g_cond_broadcast (&self->cond);
  while (e->state != EDIT_WRITTEN && e->state != EDIT_FAILED)
    g_cond_wait (&self->cond, &self->lock);
  g_queue_remove (&self->queue, e);
  g_mutex_unlock (&self->lock);
  gboolean ok = e->state == EDIT_WRITTEN;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&e->error));
  edit_free (e);
  return ok;
}

/* The newest queued edit of the layer, or NULL (the owner alone changes the list). */
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
  g_mutex_lock (&self->lock);
  gboolean found = find_newest (self, project, photo_id, damage) != NULL;
  g_mutex_unlock (&self->lock);
  return found;
}

/* See header. The mask is immutable while queued, and only this thread frees it. */
gboolean
dr_edit_writer_read_layer (DrEditWriter *self, DrProject *project, gint64 photo_id,
                           DrDamage damage, guint8 *pixels, int width, int height,
                           GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  g_mutex_lock (&self->lock);
  Edit *e = find_newest (self, project, photo_id, damage);
  g_mutex_unlock (&self->lock);
  if (e == NULL)
    return FALSE;
  g_return_val_if_fail (e->width == width && e->height == height, FALSE);
  memcpy (pixels, e->pixels, (gsize) width * height);
  return TRUE;
}

guint
dr_edit_writer_get_n_queued (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  g_mutex_lock (&self->lock);
  guint n = g_queue_get_length (&self->queue);
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
dr_edit_writer_is_stalled (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  return self->stalled;
}

/* Lock held: every queued edit is written, or one failed (the writer thread is then idle). */
static gboolean
settled_locked (DrEditWriter *self)
{
  for (GList *l = self->queue.head; l; l = l->next)
    {
      EditState state = ((Edit *) l->data)->state;
      if (state == EDIT_FAILED)
        return TRUE;
      if (state != EDIT_WRITTEN)
        return FALSE;
    }
  return TRUE;
}

/* See header. */
gboolean
dr_edit_writer_sync (DrEditWriter *self, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  g_mutex_lock (&self->lock);
  for (GList *l = self->queue.head; l; l = l->next)
    {
      Edit *e = l->data;
      if (e->state == EDIT_FAILED)
        {
          e->state = EDIT_QUEUED;
          g_clear_error (&e->error);
        }
    }
  self->halted = FALSE;
  g_cond_broadcast (&self->cond);
  while (!settled_locked (self))
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  gboolean ok = deliver (self, error);
  self->stalled = !ok;
  return ok;
}

double
dr_edit_writer_get_last_latency_ms (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return self->last_latency_ms;
}

/* Stops the writer thread after the write it is doing (if any), then logs and drops what was
 * not written (the window calls dr_edit_writer_sync() before it lets go of the writer). */
static void
dr_edit_writer_dispose (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (self->thread);
      self->thread = NULL;
    }
  dr_post_cancel (self->context, &self->deliver_id);
  guint unwritten = 0;
  for (GList *l = self->queue.head; l; l = l->next)
    unwritten += ((Edit *) l->data)->state != EDIT_WRITTEN;
  if (unwritten > 0)
    g_message ("%u edits could not be saved and are dropped", unwritten);
  g_queue_clear_full (&self->queue, (GDestroyNotify) edit_free);
  G_OBJECT_CLASS (dr_edit_writer_parent_class)->dispose (object);
}

static void
dr_edit_writer_finalize (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
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
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->context = g_main_context_ref_thread_default ();
}

/* A writer with nothing queued, reporting to the calling thread's context. */
DrEditWriter *
dr_edit_writer_new (void)
{
  return g_object_new (DR_TYPE_EDIT_WRITER, NULL);
}
