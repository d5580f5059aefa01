/* dr-edit-session.c — see dr-edit-session.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-damage-style.h"
#include "dr-edit-session.h"
#include "dr-edit-writer.h"
#include "dr-layer-cache.h"
#include "dr-layer-tiles.h"
#include "dr-overlay.h"
#include "dr-prediction.h"
#include "dr-rle.h"
#include "dr-store-error.h"

struct _DrEditSession
{
  GObject parent_instance;

  DrProject *project;        /* NULL: nothing to edit */
  gint64 photo_id;
  int width, height;
  DrDamage damage;
  char *author;

  guint8 *pixels;            /* [height × width] the active layer, or NULL until loaded */
  DrMask mask;               /* view of pixels */
  DrLayerTiles *tiles;       /* drawing of pixels */
  gboolean owns_layer;       /* pixels changed in this visit: the session draws the layer */
  gboolean editing;          /* between begin and end */
  DrRect edit_rect;          /* pixels the current edit may have changed */
  DrEditWriter *writer;      /* finished edits on their way to the project file */
  DrHeadSeen seen;           /* the head the loaded layer was read from (pushed with edits) */
  gint64 seen_photo_id;      /* … of this layer */
  DrDamage seen_damage;
  DrLayerCache *cache;       /* layers as last read or left, with their heads, for when a
                              * team server cannot be reached to load them again */
  gint64 last_commit_us;
};

enum { PROP_0, PROP_DAMAGE, PROP_AUTHOR, PROP_UNSAVED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIG_CHANGED, SIG_COMMITTED, SIG_SAVE_FAILED, SIG_AUTHOR_NEEDED, SIG_LAYER_LEFT,
       SIG_STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditSession, dr_edit_session, G_TYPE_OBJECT)

/* Whether the active layer has an edit not yet written (it differs from the stored one). */
static gboolean
has_queued_layer (DrEditSession *self)
{
  return dr_edit_writer_has_layer (self->writer, self->project, self->photo_id, self->damage);
}

/* Forgets the loaded layer (the next edit loads it again). */
static void
drop_layer (DrEditSession *self)
{
  g_clear_pointer (&self->pixels, g_free);
  g_clear_pointer (&self->tiles, dr_layer_tiles_free);
  self->mask = (DrMask) { 0 };
  self->owns_layer = FALSE;
  self->editing = FALSE;
}

/* Loads the active layer: the newest edit not yet written, else what the project shows (head
 * revision, else current prediction, else empty). */
static gboolean
load_layer (DrEditSession *self, GError **error)
{
  g_autofree guint8 *pixels = g_malloc0 ((gsize) self->width * self->height);
  GError *local = NULL;
  if (!dr_edit_writer_read_layer (self->writer, self->project, self->photo_id, self->damage,
                                  pixels, self->width, self->height, &local))
    {
      g_autofree char *stored = NULL;
      DrHeadSeen seen = { 0 };
      /* The head first: if it moves before the mask is read, the edit conflicts (shown)
       * rather than overwriting a mask never seen. */
      if (local == NULL
          && dr_revision_read_head (self->project, self->photo_id, self->damage, &seen, &local))
        stored = dr_revision_dup_layer_rle (self->project, self->photo_id, self->damage, &local);
      if (local == NULL)
        dr_layer_cache_put_layer (self->cache, self->photo_id, self->damage, stored, &seen);
      /* The server is away: the layer as last loaded, with the head it was read from (its
       * edits go to the journal and are checked against that head when sent). */
      if (g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_IO)
          && dr_layer_cache_get_layer (self->cache, self->photo_id, self->damage, &stored, &seen))
        g_clear_error (&local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      self->seen = seen;
      self->seen_photo_id = self->photo_id;
      self->seen_damage = self->damage;
      if (stored != NULL)
        {
          g_autoptr (DrRle) decoded = dr_rle_new_from_string (stored, (guint) self->height,
                                                             (guint) self->width, error);
          if (decoded == NULL)
            return FALSE;
          dr_rle_to_mask (decoded, pixels);
        }
    }
  drop_layer (self);
  self->pixels = g_steal_pointer (&pixels);
  self->mask = (DrMask) { self->pixels, self->width, self->height };
  self->tiles = dr_layer_tiles_new (self->width, self->height,
                                    dr_damage_style_color (self->damage));
  /* A mask not yet written differs from what the canvas overlay shows. */
  self->owns_layer = has_queued_layer (self);
  return TRUE;
}

/* Queues the active layer's mask as a revision of kind; the writer stores it once the frame
 * is drawn. Costs this call one copy of the mask. */
static void
commit (DrEditSession *self, DrRevisionKind kind)
{
  gint64 t0 = g_get_monotonic_time ();
  dr_edit_writer_push (self->writer, self->project, self->photo_id, self->damage, self->width,
                       self->height, self->pixels, kind, self->author,
                       self->seen_photo_id == self->photo_id && self->seen_damage == self->damage
                         ? &self->seen : NULL);
  self->last_commit_us = g_get_monotonic_time () - t0;
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

/* Writer: a revision was stored; listeners of that project learn it. */
static void
writer_written_cb (DrEditWriter *writer, DrProject *project, gint64 photo_id, int damage,
                   DrEditSession *self)
{
  /* Told unless the session has moved on to another project: between photos (project NULL)
   * and after the project was opened again (a new connection to the same one) it is ours. */
  if (self->project != NULL && project != self->project
      && g_strcmp0 (dr_project_get_path (project), dr_project_get_path (self->project)) == 0)
    project = self->project;  /* the live connection, not the one the edit was pushed with */
  if (self->project == NULL || project == self->project)
    g_signal_emit (self, signals[SIG_COMMITTED], 0, project, photo_id, damage,
                   dr_edit_writer_get_written_lost (writer));
  if (dr_edit_writer_get_n_queued (writer) == 0)
    g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

/* Writer: a write failed; the edit is kept and shown as unsaved. */
static void
writer_failed_cb (DrEditWriter *writer, const char *message, DrEditSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNSAVED]);
  g_signal_emit (self, signals[SIG_SAVE_FAILED], 0, message);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

/* Remembers the loaded layer, edits included, with the head it was loaded from, so that it can
 * be loaded again while the server is away. */
static void
keep_layer (DrEditSession *self)
{
  if (self->pixels == NULL || !self->owns_layer || self->seen_photo_id != self->photo_id
      || self->seen_damage != self->damage)
    return;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (self->pixels, (guint) self->height,
                                                (guint) self->width, NULL);
  g_autofree char *text = rle != NULL && dr_rle_get_area (rle) > 0 ? dr_rle_to_string (rle)
                                                                   : NULL;
  if (rle != NULL)
    dr_layer_cache_keep_edited (self->cache, self->photo_id, self->damage, text, &self->seen);
}

/* Hands the drawing of an owned layer back to the canvas, as an overlay of its pixels. */
static void
leave_layer (DrEditSession *self, gboolean build_overlay)
{
  keep_layer (self);
  if (self->owns_layer && self->pixels != NULL && build_overlay)
    {
      g_autoptr (DrOverlay) ov = dr_overlay_new (self->pixels, self->width, self->height,
                                                 dr_damage_style_color (self->damage));
      g_signal_emit (self, signals[SIG_LAYER_LEFT], 0, self->photo_id, (int) self->damage, ov);
    }
  drop_layer (self);
}

/* See header. */
void
dr_edit_session_set_photo (DrEditSession *self, DrProject *project, gint64 photo_id,
                           int width, int height)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self));
  if (project == self->project && photo_id == self->photo_id && width == self->width &&
      height == self->height)
    return;
  leave_layer (self, FALSE);
  if (project != NULL)
    dr_layer_cache_follow (self->cache, dr_project_get_path (project));
  DrProject *usable = photo_id > 0 && width > 0 && height > 0 ? project : NULL;
  g_set_object (&self->project, usable);
  self->photo_id = self->project ? photo_id : 0;
  self->width = self->project ? width : 0;
  self->height = self->project ? height : 0;
  if (self->project && has_queued_layer (self))
    load_layer (self, NULL);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/* See header. */
DrLayerCache *
dr_edit_session_get_layer_cache (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), NULL);
  return self->cache;
}

DrProject *
dr_edit_session_get_project (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), NULL);
  return self->project;
}

DrEditWriter *
dr_edit_session_get_writer (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), NULL);
  return self->writer;
}

gint64
dr_edit_session_get_photo_id (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), 0);
  return self->photo_id;
}

/* See header. The layer left behind is handed back to the canvas as an overlay. */
void
dr_edit_session_set_damage (DrEditSession *self, DrDamage damage)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self) && DR_DAMAGE_IS_VALID (damage));
  if (self->damage == damage)
    return;
  leave_layer (self, TRUE);
  self->damage = damage;
  if (self->project && has_queued_layer (self))
    load_layer (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAMAGE]);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

DrDamage
dr_edit_session_get_damage (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), DR_DAMAGE_SCRATCH);
  return self->damage;
}

void
dr_edit_session_set_author (DrEditSession *self, const char *author)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self));
  if (g_strcmp0 (self->author, author) == 0)
    return;
  g_free (self->author);
  self->author = g_strdup (author);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHOR]);
}

/* See header. A layer the session does not own yet is re-read, so a prediction that arrived
 * since it was last loaded is what the edit starts from. */
gboolean
dr_edit_session_begin (DrEditSession *self, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  if (self->project == NULL || self->editing)
    return FALSE;
  if (self->author == NULL || *g_strstrip (self->author) == '\0')
    {
      g_signal_emit (self, signals[SIG_AUTHOR_NEEDED], 0);
      return FALSE;
    }
  if (!self->owns_layer && !load_layer (self, error))
    return FALSE;
  self->editing = TRUE;
  self->edit_rect = (DrRect) { 0 };
  return TRUE;
}

DrMask *
dr_edit_session_get_mask (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), NULL);
  return self->editing ? &self->mask : NULL;
}

/* See header. */
gboolean
dr_edit_session_owns_layer (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  return self->pixels != NULL && self->owns_layer;
}

/* See header. */
gint64
dr_edit_session_count_owned (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), -1);
  if (self->pixels == NULL || !self->owns_layer)
    return -1;
  gsize n = (gsize) self->width * self->height;
  gint64 area = 0;
  for (gsize i = 0; i < n; i++)
    area += self->pixels[i] != 0;
  return area;
}

/* See header. The tiles under rect are rebuilt on the next frame, nothing else. */
void
dr_edit_session_changed (DrEditSession *self, const DrRect *rect)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self) && self->editing);
  if (dr_rect_is_empty (rect))
    return;
  dr_rect_union (&self->edit_rect, rect);
  dr_layer_tiles_invalidate (self->tiles, rect);
  self->owns_layer = TRUE;
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/* See header. */
void
dr_edit_session_end (DrEditSession *self, DrRevisionKind kind)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self));
  if (!self->editing)
    return;
  self->editing = FALSE;
  if (!dr_rect_is_empty (&self->edit_rect))
    commit (self, kind);
}

/* See header. */
void
dr_edit_session_forget_layer (DrEditSession *self)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self));
  if (self->editing || self->pixels == NULL || has_queued_layer (self))
    return;
  keep_layer (self);
  drop_layer (self);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/* See header. */
gboolean
dr_edit_session_clear (DrEditSession *self)
{
  if (!dr_edit_session_begin (self, NULL))
    return FALSE;
  DrRect r = dr_mask_clear (&self->mask);
  dr_edit_session_changed (self, &r);
  dr_edit_session_end (self, DR_REVISION_CLEAR);
  return TRUE;
}

/* See header. */
gboolean
dr_edit_session_reset (DrEditSession *self)
{
  g_autoptr (GError) error = NULL;
  if (!dr_edit_session_begin (self, &error))
    {
      if (error)
        g_signal_emit (self, signals[SIG_SAVE_FAILED], 0, error->message);
      return FALSE;
    }
  g_autoptr (DrPrediction) pred = dr_prediction_get_current (self->project, self->photo_id,
                                                              self->damage, &error);
  g_autoptr (DrRle) rle = NULL;
  if (pred != NULL)
    rle = dr_rle_new_from_string (pred->rle, (guint) self->height, (guint) self->width, &error);
  if (error != NULL)
    {
      self->editing = FALSE;
      g_signal_emit (self, signals[SIG_SAVE_FAILED], 0, error->message);
      return FALSE;
    }
  if (rle != NULL)
    dr_rle_to_mask (rle, self->pixels);
  else
    memset (self->pixels, 0, (gsize) self->width * self->height);
  DrRect all = { 0, 0, self->width, self->height };
  dr_edit_session_changed (self, &all);
  dr_edit_session_end (self, DR_REVISION_RESET);
  return TRUE;
}

typedef struct {
  gint64 photo_id;
  DrDamage damage;
  gboolean undo;
  gboolean moved;
} MoveHead;

/* Writer thread: moves the layer's head one way through the writer's connection. */
static gboolean
move_head_write (DrProject *project, gpointer data, GError **error)
{
  MoveHead *m = data;
  return (m->undo ? dr_revision_undo : dr_revision_redo) (project, m->photo_id, m->damage,
                                                         &m->moved, error);
}

/* Moves the head one way (on the writer thread, after every edit is stored); reloads the
 * layer from the project when it moved. */
static gboolean
move_head (DrEditSession *self, gboolean undo, gboolean *moved, GError **error)
{
  if (moved)
    *moved = FALSE;
  if (self->project == NULL || self->editing)
    return TRUE;
  if (!dr_edit_writer_sync (self->writer, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("There are unsaved edits: save them (Retry) before undoing"));
      return FALSE;
    }
  MoveHead move = { self->photo_id, self->damage, undo, FALSE };
  if (!dr_edit_writer_run (self->writer, self->project, move_head_write, &move, error))
    return FALSE;
  gboolean m = move.moved;
  if (m)
    {
      if (!load_layer (self, error))
        return FALSE;
      self->owns_layer = TRUE;
      g_signal_emit (self, signals[SIG_COMMITTED], 0, self->project, self->photo_id,
                     (int) self->damage, FALSE);
      g_signal_emit (self, signals[SIG_CHANGED], 0);
    }
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  if (moved)
    *moved = m;
  return TRUE;
}

gboolean
dr_edit_session_undo (DrEditSession *self, gboolean *moved, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  return move_head (self, TRUE, moved, error);
}

gboolean
dr_edit_session_redo (DrEditSession *self, gboolean *moved, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  return move_head (self, FALSE, moved, error);
}

/* Whether undo / redo of the active layer would do something now (FALSE on errors). */
void
dr_edit_session_get_history (DrEditSession *self, gboolean *can_undo, gboolean *can_redo)
{
  g_return_if_fail (DR_IS_EDIT_SESSION (self));
  *can_undo = *can_redo = FALSE;
  if (self->project != NULL &&
      !dr_revision_get_history_state (self->project, self->photo_id, self->damage, can_undo,
                                      can_redo, NULL))
    *can_undo = *can_redo = FALSE;
}

gboolean
dr_edit_session_has_unsaved (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  return dr_edit_writer_is_stalled (self->writer);
}

gboolean
dr_edit_session_is_writing (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  return dr_edit_writer_get_n_queued (self->writer) > 0 &&
         !dr_edit_writer_is_stalled (self->writer);
}

/* See header. Emits "save-failed" when a write still fails. */
gboolean
dr_edit_session_save (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  if (dr_edit_writer_get_n_queued (self->writer) == 0)
    return TRUE;
  gboolean was_unsaved = dr_edit_writer_is_stalled (self->writer);
  g_autoptr (GError) error = NULL;
  gboolean saved = dr_edit_writer_sync (self->writer, &error);
  if (was_unsaved != dr_edit_writer_is_stalled (self->writer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNSAVED]);
  if (!saved)
    {
      g_autofree char *msg =
        g_strdup_printf (_("Could not save the edit — it is kept, unsaved: %s"), error->message);
      g_signal_emit (self, signals[SIG_SAVE_FAILED], 0, msg);
    }
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  return saved;
}

gint64
dr_edit_session_get_last_commit_us (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), 0);
  return self->last_commit_us;
}

double
dr_edit_session_get_last_write_ms (DrEditSession *self)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), 0);
  return dr_edit_writer_get_last_latency_ms (self->writer);
}

/* See header. */
gboolean
dr_edit_session_snapshot_layer (DrEditSession *self, DrCanvas *canvas, GtkSnapshot *snapshot,
                                guint damage)
{
  g_return_val_if_fail (DR_IS_EDIT_SESSION (self), FALSE);
  if (damage != (guint) self->damage || !self->owns_layer || self->pixels == NULL)
    return FALSE;
  dr_layer_tiles_snapshot (self->tiles, self->pixels, canvas, snapshot);
  return TRUE;
}

static void
dr_edit_session_finalize (GObject *object)
{
  DrEditSession *self = DR_EDIT_SESSION (object);
  g_signal_handlers_disconnect_by_data (self->writer, self);
  g_clear_object (&self->writer);
  drop_layer (self);
  g_clear_object (&self->project);
  g_free (self->author);
  dr_layer_cache_free (self->cache);
  G_OBJECT_CLASS (dr_edit_session_parent_class)->finalize (object);
}

static void
dr_edit_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DrEditSession *self = DR_EDIT_SESSION (object);
  switch (prop_id)
    {
    case PROP_DAMAGE: g_value_set_int (value, self->damage); break;
    case PROP_AUTHOR: g_value_set_string (value, self->author); break;
    case PROP_UNSAVED: g_value_set_boolean (value, dr_edit_writer_is_stalled (self->writer)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_edit_session_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  DrEditSession *self = DR_EDIT_SESSION (object);
  switch (prop_id)
    {
    case PROP_DAMAGE: dr_edit_session_set_damage (self, g_value_get_int (value)); break;
    case PROP_AUTHOR: dr_edit_session_set_author (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_edit_session_class_init (DrEditSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = dr_edit_session_finalize;
  object_class->get_property = dr_edit_session_get_property;
  object_class->set_property = dr_edit_session_set_property;

  properties[PROP_DAMAGE] =
    g_param_spec_int ("damage", NULL, NULL, 0, DR_N_DAMAGE - 1, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHOR] =
    g_param_spec_string ("author", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNSAVED] =
    g_param_spec_boolean ("unsaved", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Pixels of the drawn layer changed: redraw. */
  signals[SIG_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (project, photo_id, damage, head_lost): a revision was written or the head moved in
   * project (the connection to read it through); stored overlays are stale. head_lost: the
   * revision was stored but another member moved the head first (a "conflict" follows). */
  signals[SIG_COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                         4, DR_TYPE_PROJECT, G_TYPE_INT64, G_TYPE_INT,
                                         G_TYPE_BOOLEAN);
  /* (message): a write failed; the edit is kept unsaved. */
  signals[SIG_SAVE_FAILED] = g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, G_TYPE_STRING);
  /* An edit was refused because nobody is named as author. */
  signals[SIG_AUTHOR_NEEDED] = g_signal_new ("author-needed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  /* (photo_id, damage, overlay): the session stops drawing a layer it changed; overlay shows
   * its pixels as they are. */
  signals[SIG_LAYER_LEFT] = g_signal_new ("layer-left", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          3, G_TYPE_INT64, G_TYPE_INT, DR_TYPE_OVERLAY);
  /* Photo, layer, history or unsaved state changed: refresh what shows them. */
  signals[SIG_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
}

static void
dr_edit_session_init (DrEditSession *self)
{
  self->writer = dr_edit_writer_new ();
  self->cache = dr_layer_cache_new ();
  g_signal_connect (self->writer, "written", G_CALLBACK (writer_written_cb), self);
  g_signal_connect (self->writer, "failed", G_CALLBACK (writer_failed_cb), self);
}

/* A session editing nothing until a photo is set. */
DrEditSession *
dr_edit_session_new (void)
{
  return g_object_new (DR_TYPE_EDIT_SESSION, NULL);
}
