/* dr-edit-writer.c — see dr-edit-writer.h.
 *
 * The main loop writes the queue from an idle callback, oldest edit first, one transaction
 * per edit, so the frame that shows a finished stroke is drawn before its write starts and
 * revisions keep the order of the edits. Everything runs on the main thread: encoding a mask
 * costs a few milliseconds even at 12 MP (dr_rle_new_from_mask skips unchanged bytes eight at
 * a time), and the project's connection is the main thread's. An earlier version encoded on a
 * worker thread; under load it made fresh connections fail quick_check with short reads, for
 * reasons not found, so the worker was removed. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-edit-writer.h"
#include "dr-rle.h"

typedef struct {
  DrProject *project;
  gint64 photo_id;
  DrDamage damage;
  int width, height;
  DrRevisionKind kind;
  char *author;
  guint8 *pixels;            /* [height × width] copy of the mask; NULL once rle is set */
  char *rle;                 /* the mask encoded, once it was */
  gint64 queued_at;          /* monotonic µs */
} Edit;

struct _DrEditWriter
{
  GObject parent_instance;

  GQueue queue;              /* Edit*, oldest first */
  gboolean stalled;          /* a write failed: nothing is written until sync */
  guint idle_id;             /* the idle callback writing the queue, or 0 */
  double last_latency_ms;
};

enum { SIG_WRITTEN, SIG_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditWriter, dr_edit_writer, G_TYPE_OBJECT)

static void
edit_free (Edit *e)
{
  g_object_unref (e->project);
  g_free (e->author);
  g_free (e->pixels);
  g_free (e->rle);
  g_free (e);
}

/* Encodes (once) and appends the oldest edit; pops it and tells the listeners when it was
 * stored. FALSE (error set, queue stalled, edit kept) when it was not. */
static gboolean
write_head (DrEditWriter *self, GError **error)
{
  Edit *e = g_queue_peek_head (&self->queue);
  gint64 t0 = g_get_monotonic_time ();
  if (e->rle == NULL)
    {
      g_autoptr (DrRle) rle = dr_rle_new_from_mask (e->pixels, (guint) e->height,
                                                    (guint) e->width, error);
      if (rle == NULL)
        {
          self->stalled = TRUE;
          return FALSE;
        }
      e->rle = dr_rle_to_string (rle);
      g_clear_pointer (&e->pixels, g_free);
    }
  gint64 t1 = g_get_monotonic_time ();
  if (!dr_revision_append (e->project, e->photo_id, e->damage, e->rle, e->kind, e->author,
                           NULL, error))
    {
      self->stalled = TRUE;
      return FALSE;
    }
  gint64 now = g_get_monotonic_time ();
  self->last_latency_ms = (now - e->queued_at) / 1000.0;
  g_debug ("edit written %.1f ms after it was made (%d×%d; RLE encoding %.1f ms, write %.1f ms)",
           self->last_latency_ms, e->width, e->height, (t1 - t0) / 1000.0, (now - t1) / 1000.0);
  g_queue_pop_head (&self->queue);
  g_signal_emit (self, signals[SIG_WRITTEN], 0, e->project, e->photo_id, (int) e->damage);
  edit_free (e);
  return TRUE;
}

/* Idle: writes one edit per call until the queue is empty or a write fails. */
static gboolean
write_next_cb (gpointer data)
{
  DrEditWriter *self = data;
  g_autoptr (GError) error = NULL;
  if (g_queue_is_empty (&self->queue) || self->stalled)
    {
      self->idle_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (write_head (self, &error))
    return G_SOURCE_CONTINUE;
  self->idle_id = 0;
  g_autofree char *msg =
    g_strdup_printf (_("Could not save the edit — it is kept, unsaved: %s"), error->message);
  g_signal_emit (self, signals[SIG_FAILED], 0, msg);
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
  e->photo_id = photo_id;
  e->damage = damage;
  e->width = width;
  e->height = height;
  e->kind = kind;
  e->author = g_strdup (author);
  e->pixels = g_memdup2 (pixels, (gsize) width * height);
  e->queued_at = g_get_monotonic_time ();
  g_queue_push_tail (&self->queue, e);
  if (self->idle_id == 0 && !self->stalled)
    self->idle_id = g_idle_add (write_next_cb, self);
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

/* See header. */
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
  g_clear_handle_id (&self->idle_id, g_source_remove);
  self->stalled = FALSE;
  while (!g_queue_is_empty (&self->queue))
    if (!write_head (self, error))
      return FALSE;
  return TRUE;
}

double
dr_edit_writer_get_last_latency_ms (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return self->last_latency_ms;
}

/* Logs and drops what was not written (the window calls dr_edit_writer_sync() before it lets
 * go of the writer). */
static void
dr_edit_writer_dispose (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (!g_queue_is_empty (&self->queue))
    g_message ("%u edits could not be saved and are dropped", g_queue_get_length (&self->queue));
  g_queue_clear_full (&self->queue, (GDestroyNotify) edit_free);
  G_OBJECT_CLASS (dr_edit_writer_parent_class)->dispose (object);
}

static void
dr_edit_writer_class_init (DrEditWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = dr_edit_writer_dispose;

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
}

/* A writer with nothing queued. */
DrEditWriter *
dr_edit_writer_new (void)
{
  return g_object_new (DR_TYPE_EDIT_WRITER, NULL);
}
