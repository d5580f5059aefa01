/* dr-edit-writer.h — writes finished edits as revisions, in order, after the frame.
 *
 * Each finished edit is queued with a copy of its mask. An idle callback on the main loop
 * encodes the oldest as COCO RLE and appends it as one revision in one transaction through
 * the project's connection, then the next, so revisions are stored in the order they were
 * made and the frame showing the finished stroke is drawn first. A write that fails stops the
 * queue: that edit and every later one stay in memory, "stalled", until dr_edit_writer_sync()
 * writes them. Nothing queued is ever dropped except when the writer is disposed with edits
 * that could not be written (logged).
 *
 * Signals: "written" (project, photo_id, damage) after each revision is stored; "failed"
 * (message) when a write from the idle callback failed and the queue stalled. */
#pragma once

#include <gio/gio.h>

#include "dr-damage.h"
#include "dr-project.h"
#include "dr-revision.h"

G_BEGIN_DECLS

#define DR_TYPE_EDIT_WRITER (dr_edit_writer_get_type ())
G_DECLARE_FINAL_TYPE (DrEditWriter, dr_edit_writer, DR, EDIT_WRITER, GObject)

DrEditWriter *dr_edit_writer_new          (void);

/* Queues pixels ([height × width], nonzero = on; copied) as the next revision of the layer
 * (project, photo_id, damage), of kind, by author, and starts writing it if nothing is
 * being written and the queue is not stalled. */
void          dr_edit_writer_push         (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, DrDamage damage, int width,
                                           int height, const guint8 *pixels,
                                           DrRevisionKind kind, const char *author);

/* Whether an edit of that layer is queued (not yet written). */
gboolean      dr_edit_writer_has_layer    (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, DrDamage damage);
/* Copies the newest queued mask of the layer into pixels ([height × width] as pushed).
 * FALSE when none is queued, or (error set) when a queued RLE does not decode. */
gboolean      dr_edit_writer_read_layer   (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, DrDamage damage, guint8 *pixels,
                                           int width, int height, GError **error);

/* Edits queued and not yet written, including the one being written. */
guint         dr_edit_writer_get_n_queued (DrEditWriter *self);
/* TRUE after a write failed, until dr_edit_writer_sync() has written everything. */
gboolean      dr_edit_writer_is_stalled   (DrEditWriter *self);

/* Writes every queued edit now, in order. TRUE when nothing is left unwritten; FALSE (error
 * set, queue stalled) at the first edit that still fails. */
gboolean      dr_edit_writer_sync         (DrEditWriter *self, GError **error);

/* Milliseconds the last revision written took from being queued to being stored. */
double        dr_edit_writer_get_last_latency_ms (DrEditWriter *self);

G_END_DECLS
