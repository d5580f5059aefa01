/* dr-layer-cache.h — what the window last read of a team project's layers, for when the server
 * cannot be reached.
 *
 * A team project's window reads every mask, head and verdict from the server. When the server
 * goes away, the window keeps working on what it has: the layers (mask as shown and the head it
 * was read from, so an offline edit is still checked against that head when it is sent) and the
 * verdicts and notes of the photos it read before. The cache keeps them for the
 * DR_LAYER_CACHE_MAX_PHOTOS photos read last; older ones are forgotten. GIO-only (core tier); one
 * thread (the window's) uses it. */
#pragma once

#include <gio/gio.h>

#include "dr-damage.h"
#include "dr-review.h"
#include "dr-revision.h"

G_BEGIN_DECLS

/* Photos whose layers are kept; a photo's four layers and verdicts are a few kilobytes. */
#define DR_LAYER_CACHE_MAX_PHOTOS 512

typedef struct _DrLayerCache DrLayerCache;

DrLayerCache *dr_layer_cache_new   (void);
void          dr_layer_cache_free  (DrLayerCache *self);
/* Forgets everything. */
void          dr_layer_cache_clear (DrLayerCache *self);
/* The project (location) what is put belongs to: when it differs from the one named before,
 * everything is forgotten; the same project opened again (after its server came back) keeps
 * what was read. */
void          dr_layer_cache_follow (DrLayerCache *self, const char *location);
/* Whether anything of photo_id was read (its layers, verdicts or note). */
gboolean      dr_layer_cache_knows_photo (DrLayerCache *self, gint64 photo_id);

/* Remembers layer (photo_id, damage) as read from the project: rle (COCO RLE of the mask the
 * window shows, NULL: empty) and the head it was read from. A layer kept with
 * dr_layer_cache_keep_edited() on the same or a later head version stays as it is: the server
 * does not have those edits yet. */
void     dr_layer_cache_put_layer  (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                                    const char *rle, const DrHeadSeen *seen);
/* Remembers the layer as the reviewer left it (edits the server may not have yet, made on the
 * head seen). */
void     dr_layer_cache_keep_edited (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                                     const char *rle, const DrHeadSeen *seen);
/* The layer as last put: TRUE with *rle newly allocated (NULL: empty) and *seen; FALSE when it
 * was never read (or was forgotten). */
gboolean dr_layer_cache_get_layer  (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                                    char **rle, DrHeadSeen *seen);
/* Remembers the layer's newest verdict as read (review NULL: none given). */
void     dr_layer_cache_put_review (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                                    const DrReview *review);
/* The verdict as last put: TRUE with *review a new copy (NULL: none given); FALSE when it was
 * never read. */
gboolean dr_layer_cache_get_review (DrLayerCache *self, gint64 photo_id, DrDamage damage,
                                    DrReview **review);

/* Remembers the photo's note as read (NULL: none). */
void     dr_layer_cache_put_note   (DrLayerCache *self, gint64 photo_id, const char *text);
/* The note as last put: TRUE with *text newly allocated (NULL: none); FALSE when never read. */
gboolean dr_layer_cache_get_note   (DrLayerCache *self, gint64 photo_id, char **text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrLayerCache, dr_layer_cache_free)

G_END_DECLS
