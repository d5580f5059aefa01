/* dr-layer-cache.c — see dr-layer-cache.h. */
#include "config.h"

#include "dr-layer-cache.h"

/* One layer of a photo as last read. */
typedef struct {
  gboolean has_layer;
  gboolean edited;            /* kept by dr_layer_cache_keep_edited */
  char *rle;                  /* NULL: empty */
  DrHeadSeen seen;
  gboolean has_review;
  DrReview *review;           /* NULL: none given */
} Layer;

typedef struct {
  gint64 photo_id;
  Layer layers[DR_N_DAMAGE];
  gboolean has_note;
  char *note;                 /* NULL: none */
} Photo;

struct _DrLayerCache
{
  char *location;             /* the project it holds, or NULL */
  GHashTable *photos;         /* &photo_id → Photo (owned) */
  GQueue order;               /* Photo *, least recently put first */
};

/* A deep copy of review. */
static DrReview *
review_copy (const DrReview *review)
{
  DrReview *copy = g_new (DrReview, 1);
  *copy = *review;
  copy->model_sha256 = g_strdup (review->model_sha256);
  copy->author = g_strdup (review->author);
  copy->key = g_strdup (review->key);
  return copy;
}

static void
photo_free (gpointer data)
{
  Photo *photo = data;
  for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
    {
      g_free (photo->layers[d].rle);
      g_clear_pointer (&photo->layers[d].review, dr_review_free);
    }
  g_free (photo->note);
  g_free (photo);
}

/* See header. */
DrLayerCache *
dr_layer_cache_new (void)
{
  DrLayerCache *self = g_new0 (DrLayerCache, 1);
  self->photos = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, photo_free);
  g_queue_init (&self->order);
  return self;
}

/* See header. */
void
dr_layer_cache_clear (DrLayerCache *self)
{
  g_queue_clear (&self->order);
  g_hash_table_remove_all (self->photos);
}

/* See header. */
void
dr_layer_cache_free (DrLayerCache *self)
{
  if (self == NULL)
    return;
  dr_layer_cache_clear (self);
  g_hash_table_destroy (self->photos);
  g_free (self->location);
  g_free (self);
}

/* See header. */
void
dr_layer_cache_follow (DrLayerCache *self, const char *location)
{
  g_return_if_fail (self != NULL && location != NULL);
  if (g_strcmp0 (self->location, location) == 0)
    return;
  dr_layer_cache_clear (self);
  g_free (self->location);
  self->location = g_strdup (location);
}

/* See header. */
gboolean
dr_layer_cache_knows_photo (DrLayerCache *self, gint64 photo_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_hash_table_contains (self->photos, &photo_id);
}

/* Photo photo_id for writing: it becomes the most recent one, and the least recent is
 * forgotten when there are more than DR_LAYER_CACHE_MAX_PHOTOS. */
static Photo *
photo_for_put (DrLayerCache *self, gint64 photo_id)
{
  Photo *photo = g_hash_table_lookup (self->photos, &photo_id);
  if (photo != NULL)
    g_queue_remove (&self->order, photo);
  else
    {
      photo = g_new0 (Photo, 1);
      photo->photo_id = photo_id;
      g_hash_table_insert (self->photos, &photo->photo_id, photo);
    }
  g_queue_push_tail (&self->order, photo);
  while (g_queue_get_length (&self->order) > DR_LAYER_CACHE_MAX_PHOTOS)
    {
      Photo *oldest = g_queue_pop_head (&self->order);
      g_hash_table_remove (self->photos, &oldest->photo_id);
    }
  return photo;
}

/* Layer d of photo_id for reading, or NULL. */
static Layer *
layer_for_get (DrLayerCache *self, gint64 photo_id, DrDamage d)
{
  Photo *photo = g_hash_table_lookup (self->photos, &photo_id);
  return photo != NULL ? &photo->layers[d] : NULL;
}

/* Stores the layer (edited: as the reviewer left it). */
static void
put_layer (DrLayerCache *self, gint64 photo_id, DrDamage damage, const char *rle,
           const DrHeadSeen *seen, gboolean edited)
{
  Layer *layer = &photo_for_put (self, photo_id)->layers[damage];
  if (!edited && layer->has_layer && layer->edited && seen->version <= layer->seen.version)
    return;
  g_free (layer->rle);
  layer->rle = g_strdup (rle);
  layer->seen = *seen;
  layer->has_layer = TRUE;
  layer->edited = edited;
}

/* See header. */
void
dr_layer_cache_put_layer (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                          const char *rle, const DrHeadSeen *seen)
{
  g_return_if_fail (self != NULL && damage < DR_N_DAMAGE && seen != NULL);
  put_layer (self, photo_id, damage, rle, seen, FALSE);
}

/* See header. */
void
dr_layer_cache_keep_edited (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                            const char *rle, const DrHeadSeen *seen)
{
  g_return_if_fail (self != NULL && damage < DR_N_DAMAGE && seen != NULL);
  put_layer (self, photo_id, damage, rle, seen, TRUE);
}

/* See header. */
gboolean
dr_layer_cache_get_layer (DrLayerCache *self, gint64 photo_id, DrDamage damage, char **rle,
                          DrHeadSeen *seen)
{
  g_return_val_if_fail (self != NULL && damage < DR_N_DAMAGE, FALSE);
  Layer *layer = layer_for_get (self, photo_id, damage);
  if (layer == NULL || !layer->has_layer)
    return FALSE;
  *rle = g_strdup (layer->rle);
  *seen = layer->seen;
  return TRUE;
}

/* See header. */
void
dr_layer_cache_put_review (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                           const DrReview *review)
{
  g_return_if_fail (self != NULL && damage < DR_N_DAMAGE);
  Layer *layer = &photo_for_put (self, photo_id)->layers[damage];
  g_clear_pointer (&layer->review, dr_review_free);
  layer->review = review != NULL ? review_copy (review) : NULL;
  layer->has_review = TRUE;
}

/* See header. */
gboolean
dr_layer_cache_get_review (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                           DrReview **review)
{
  g_return_val_if_fail (self != NULL && damage < DR_N_DAMAGE, FALSE);
  Layer *layer = layer_for_get (self, photo_id, damage);
  if (layer == NULL || !layer->has_review)
    return FALSE;
  *review = layer->review != NULL ? review_copy (layer->review) : NULL;
  return TRUE;
}

/* See header. */
void
dr_layer_cache_put_note (DrLayerCache *self, gint64 photo_id, const char *text)
{
  g_return_if_fail (self != NULL);
  Photo *photo = photo_for_put (self, photo_id);
  g_free (photo->note);
  photo->note = g_strdup (text);
  photo->has_note = TRUE;
}

/* See header. */
gboolean
dr_layer_cache_get_note (DrLayerCache *self, gint64 photo_id, char **text)
{
  g_return_val_if_fail (self != NULL, FALSE);
  Photo *photo = g_hash_table_lookup (self->photos, &photo_id);
  if (photo == NULL || !photo->has_note)
    return FALSE;
  *text = g_strdup (photo->note);
  return TRUE;
}
