/* dr-edit-writer.h — writes finished edits as revisions, in order, on its own thread.
 *
 * Each finished edit is queued with a copy of its mask. A writer thread, started at the first
 * push, encodes the oldest as COCO RLE and appends it as one revision in one transaction
 * through its own connection to the project file (opened on that thread, used only there),
 * then the next, so revisions are stored in the order they were made and the thread that
 * pushes only copies the mask. A write that fails stops the queue: that edit and every later
 * one stay in memory, "stalled", until dr_edit_writer_sync() writes them. Nothing queued is
 * ever dropped except when the writer is disposed with edits that could not be written
 * (logged).
 *
 * No lost update: an edit pushed with the head the editor was shown (seen) is stored as a
 * child of that head, and the head moves to it only by compare-and-swap on seen's version
 * (dr_revision_commit); later edits of the same layer pushed with the same seen follow the
 * writer's own previous edit. When someone else moved the head first, the revision is stored
 * all the same and "conflict" reports both (DrEditConflict); dr_edit_writer_keep_mine() moves
 * the head to mine (which may conflict again), taking theirs needs no write.
 *
 * Offline (team projects only): when the server cannot be reached, an edit is appended to the
 * project's on-disk journal (dr-edit-journal.h, fsync'd) instead of stalling the queue, and so is
 * every later edit until the journal is empty again. The writer thread sends the journal in order,
 * retrying with a growing delay (DR_EDIT_WRITER_RETRY_MIN_US … _MAX_US); an entry leaves the
 * journal only once the server has stored it, and each edit carries a key that makes sending it
 * twice harmless. Verdicts and notes recorded through dr_edit_writer_record_*() join the same
 * journal in the same way, so they keep their place among the edits. A conflict on replay is
 * reported as above. An entry the server refuses for good (not unreachable, not a transient
 * conflict: say a right taken away, a photo removed) is set aside into the journal's aside file
 * (dr_edit_journal_set_aside, never dropped), "refused" tells the owner in one line, and the
 * entries after it are sent. A journal left by an earlier run is sent once the project is named to
 * dr_edit_writer_resume(). dr_edit_writer_run() writes (undo, renames, …) are not journaled.
 *
 * Signals, emitted on the thread that created the writer (posted to its context, dr-post.h):
 * "written" (project, photo_id, damage) after each revision is committed (durable: the project
 * runs synchronous=FULL), journaled edits when the server has stored them (project: the one
 * last pushed or resumed); "failed" (message) once when a write failed and the queue stalled;
 * "conflict" (DrEditConflict) when a head move lost; "refused" (message) when a journaled
 * edit was set aside; "waiting" (n) when the number of journaled edits not yet sent, or of
 * those sent, changed (conflicts found while sending are emitted before it). Every function below is for that same thread. */
#pragma once

#include <gio/gio.h>

#include "dr-damage.h"
#include "dr-edit-conflict.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"

G_BEGIN_DECLS

#define DR_TYPE_EDIT_WRITER (dr_edit_writer_get_type ())
G_DECLARE_FINAL_TYPE (DrEditWriter, dr_edit_writer, DR, EDIT_WRITER, GObject)

/* First and longest wait before sending the journal again after the server did not answer. */
#define DR_EDIT_WRITER_RETRY_MIN_US (250 * G_TIME_SPAN_MILLISECOND)
#define DR_EDIT_WRITER_RETRY_MAX_US (30 * G_TIME_SPAN_SECOND)
/* After a team server did not answer, calls (dr_edit_writer_run) fail at once for this long
 * (twice as long after each further failure) instead of each waiting for a connection attempt;
 * edits and records go to the journal until it answers again. */
#define DR_EDIT_WRITER_AWAY_MIN_US (2 * G_TIME_SPAN_SECOND)

DrEditWriter *dr_edit_writer_new          (void);

/* Queues pixels ([height × width], nonzero = on; copied) as the next revision of the layer
 * (project, photo_id, damage), of kind, by author; the writer thread stores it after the
 * edits before it unless the queue is stalled. project is the caller's connection: it names
 * the file and the layer and is handed back by "written"; the writer never uses it. seen is
 * the head the editor loaded the layer from (NULL: whatever the head is when it is written);
 * pushing the same seen again continues from the writer's previous edit of the layer. */
void          dr_edit_writer_push         (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, DrDamage damage, int width,
                                           int height, const guint8 *pixels,
                                           DrRevisionKind kind, const char *author,
                                           const DrHeadSeen *seen);

/* "Keep mine": moves the conflict's layer head from their version to my revision, on the
 * writer thread after the write in progress; when someone moved it again meanwhile, "conflict"
 * is emitted anew (before this returns). FALSE with error when it could not be written. */
gboolean      dr_edit_writer_keep_mine    (DrEditWriter *self, const DrEditConflict *conflict,
                                           GError **error);

/* Sends a journal left for project's team server by an earlier run (no-op for a file or an
 * empty journal), in the background. */
void          dr_edit_writer_resume       (DrEditWriter *self, DrProject *project);

/* Journaled edits not yet acknowledged by the server, and those it has acknowledged since
 * the writer was made ("waiting" tells when either changed). */
guint         dr_edit_writer_get_n_waiting (DrEditWriter *self);
guint         dr_edit_writer_get_n_sent    (DrEditWriter *self);

/* In a handler of "written": TRUE when no automatic verdict may follow that edit — it was
 * stored but its head move lost (its "conflict" follows), or it was sent from the journal
 * and the reviewer's own verdict on the layer, journaled after it, is still to be sent; FALSE
 * otherwise, and outside "written". */
gboolean      dr_edit_writer_get_written_lost (DrEditWriter *self);

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

/* Writes every queued edit now, in order: lifts a stall, waits (blocking) for the writer
 * thread and emits "written" for each edit stored before returning. TRUE when nothing is left
 * unwritten; FALSE (error set, queue stalled) at the first edit that still fails. */
gboolean      dr_edit_writer_sync         (DrEditWriter *self, GError **error);

/* A write run on the writer thread: project is the writer's own connection to the file. */
typedef gboolean (*DrEditWriterCall) (DrProject *project, gpointer data, GError **error);

/* Runs call (writer's connection to project's file, data, error) on the writer thread as soon
 * as the write in progress, if any, has ended — before edits still waiting, so the caller
 * waits for one write at most (call dr_edit_writer_sync() first when it must follow them) —
 * and returns its result. This is how the owner thread writes anything else (verdicts,
 * notes, undo, renames): it never writes through its own connection. A failing call does not
 * stall the queue, and a stalled queue does not hold calls back. After a team server did not
 * answer, a call fails at once (DR_STORE_ERROR_IO) until DR_EDIT_WRITER_AWAY_MIN_US… have
 * passed. */
gboolean      dr_edit_writer_run          (DrEditWriter *self, DrProject *project,
                                           DrEditWriterCall call, gpointer data,
                                           GError **error);

/* Records a verdict on layer (project, photo_id, damage) by author (measured by the store when
 * written), or a note on photo_id (text; empty clears it), on the writer thread like
 * dr_edit_writer_run() — before edits still queued, so call dr_edit_writer_sync() first when it
 * must follow them — with a fresh key so that sending it twice stores it once. On a team
 * project it goes to the journal instead (*journaled TRUE) while the server cannot be reached
 * or entries wait there. TRUE when it was stored or journaled; FALSE with error otherwise (a
 * project file that is read-only, say). */
gboolean      dr_edit_writer_record_verdict (DrEditWriter *self, DrProject *project,
                                             gint64 photo_id, DrDamage damage,
                                             DrVerdict verdict, const char *author,
                                             gboolean *journaled, GError **error);
gboolean      dr_edit_writer_record_note  (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, const char *text,
                                           const char *author, gboolean *journaled,
                                           GError **error);

/* The newest verdict of the layer, or note of the photo, that this writer journaled and the
 * server may not have yet (kept until the journal is empty): what the window shows instead of
 * the server's. FALSE when there is none; *text is newly allocated. */
gboolean      dr_edit_writer_lookup_verdict (DrEditWriter *self, DrProject *project,
                                             gint64 photo_id, DrDamage damage,
                                             DrVerdict *verdict);
gboolean      dr_edit_writer_lookup_note  (DrEditWriter *self, DrProject *project,
                                           gint64 photo_id, char **text);

/* Milliseconds the last revision written took from being queued to being stored. */
double        dr_edit_writer_get_last_latency_ms (DrEditWriter *self);

G_END_DECLS
