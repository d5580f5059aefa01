/* dr-edit-journal.h — edits, verdicts and notes waiting for a team server that cannot be
 * reached, on disk, in the order they were made.
 *
 * One file per team project, $XDG_STATE_HOME/damage-review/journal/SHA.journal, SHA being the
 * SHA-256 of the project's location. It is append-only: "DRJOURNAL1\n", then records, each a
 * little-endian 32-bit length, the SHA-256 of the payload and the payload (a GVariant in normal
 * form). An entry record holds one edit (a revision to store and the head move it makes), one
 * verdict or one note; an acknowledgement record names an entry the server has stored and the
 * id it got (an edit's revision id).
 * An entry the server refuses for good is set aside: copied (as a pending entry) into the
 * aside file FILE.refused, same format, which nothing sends or removes, then marked set aside
 * in the journal; nothing is discarded. Every append is fsync'd before it returns, so what was journaled survives a crash of the app;
 * an entry counts as sent only once its acknowledgement is on disk, and the file is removed
 * when every entry is acknowledged. The file is untrusted when read back: sizes are bounded,
 * every record's checksum and every field's range is checked, and a file that fails any check
 * is renamed aside (FILE.damaged-TIME), never deleted, with one line naming it and the reason.
 *
 * Not thread-safe: one thread owns a journal (the edit writer's). */
#pragma once

#include "dr-damage.h"
#include "dr-review.h"
#include "dr-revision.h"

G_BEGIN_DECLS

/* Largest record (an edit's RLE of a very large photo included) and largest file read back. */
#define DR_EDIT_JOURNAL_MAX_RECORD (64u * 1024 * 1024)
#define DR_EDIT_JOURNAL_MAX_BYTES (1024ull * 1024 * 1024)
/* Longest note a journal holds (bytes): the team schema's 100,000 characters of UTF-8. */
#define DR_EDIT_JOURNAL_MAX_NOTE (4u * 100000)

/* What an entry records. */
typedef enum {
  DR_EDIT_JOURNAL_EDIT = 1,  /* a revision of a layer and the head move it makes */
  DR_EDIT_JOURNAL_VERDICT,   /* a verdict on a layer, measured when the server stores it */
  DR_EDIT_JOURNAL_NOTE,      /* a note on a photo (empty: cleared) */
} DrEditJournalType;

/* One edit, verdict or note waiting to be sent. */
typedef struct {
  guint64 seq;          /* its place in the journal, from 1 */
  DrEditJournalType type;
  char *key;            /* a UUID: the row's client key (idempotent re-sending) */
  gint64 photo_id;
  DrDamage damage;      /* edits and verdicts */
  DrHeadSeen seen;      /* edits: the head the edit was made on; with parent_key,
                         * seen.revision_id is 0 and the parent is that earlier entry's
                         * revision */
  char *parent_key;     /* edits: NULL, or the key of an earlier edit of the same layer */
  DrRevisionKind kind;  /* edits */
  DrVerdict verdict;    /* verdicts */
  char *author;
  char *rle;            /* edits */
  char *text;           /* notes (UTF-8, at most DR_EDIT_JOURNAL_MAX_NOTE bytes) */
} DrEditJournalEntry;

void dr_edit_journal_entry_free (DrEditJournalEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrEditJournalEntry, dr_edit_journal_entry_free)

typedef struct _DrEditJournal DrEditJournal;

/* The journal file of @location (a folder under the user's state folder; created if missing). */
char *dr_edit_journal_path_for (const char *location);

/* Opens (reads back) the journal at @path, or an empty one when there is no file. A damaged
 * file is renamed aside and the journal opened empty; *damage (may be NULL) then gets the one
 * line naming it. NULL with error only when the folder cannot be made or the file not read. */
DrEditJournal *dr_edit_journal_open (const char *path, char **damage, GError **error);
void           dr_edit_journal_free (DrEditJournal *journal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrEditJournal, dr_edit_journal_free)

const char    *dr_edit_journal_get_path (DrEditJournal *journal);

/* Appends @entry (its seq is assigned here; it must pass the checks a read-back applies) and
 * fsyncs; FALSE with error when not on disk. A parent_key that is no longer pending is replaced
 * by that edit's revision id in seen. */
gboolean       dr_edit_journal_append (DrEditJournal *journal, DrEditJournalEntry *entry,
                                       GError **error);

/* The entries not yet acknowledged, oldest first (owned by the journal). */
GPtrArray     *dr_edit_journal_get_pending (DrEditJournal *journal);

/* Records that the server stored @seq as @revision_id (fsync'd); removes the file when
 * nothing is pending any more. */
gboolean       dr_edit_journal_ack (DrEditJournal *journal, guint64 seq, gint64 revision_id,
                                    GError **error);

/* The aside file of @journal (see above; it may not exist). */
char          *dr_edit_journal_aside_path (DrEditJournal *journal);

/* Sets the pending entry @seq aside: copies it to the aside file (its parent given as the
 * revision id known for it, 0 if none), then records in the journal that it left (both
 * fsync'd; the file is removed when nothing is pending). A later entry whose parent it was
 * then has no parent revision (0). FALSE with error when either write failed (the entry is
 * then still pending; setting it aside again does not copy it twice). */
gboolean       dr_edit_journal_set_aside (DrEditJournal *journal, guint64 seq, GError **error);

/* The revision id the server gave the acknowledged edit @key; 0 when unknown. */
gint64         dr_edit_journal_lookup (DrEditJournal *journal, const char *key);

G_END_DECLS
