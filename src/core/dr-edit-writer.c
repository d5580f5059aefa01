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
 * worker itself, against the main thread's connection. Reports are now posted (dr_post).
 *
 * Writer thread only: chains (per layer, the seen an edit was pushed with → the head the
 * writer's last edit of it left, or the journal key of that edit while it waits), the journal
 * of the project being written and the retry clock. Under the lock, for the owner: the
 * conflicts found (delivered with the written edits) and the journal's size. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-edit-journal.h"
#include "dr-edit-writer.h"
#include "dr-layer-state.h"
#include "dr-review-policy.h"
#include "dr-pg-conn.h"
#include "dr-pg-location.h"
#include "dr-post.h"
#include "dr-store-error.h"
#include "dr-rle.h"

typedef enum { EDIT_QUEUED, EDIT_WRITING, EDIT_WRITTEN, EDIT_FAILED } EditState;

typedef struct {
  DrEditWriterCall call;     /* not NULL: a call run by dr_edit_writer_run, not an edit */
  gboolean resume;           /* dr_edit_writer_resume: open the file's journal, send it */
  DrEditJournalType record;  /* a verdict or note of dr_edit_writer_record (0: not one) */
  DrVerdict verdict;         /* a verdict's */
  char *text;                /* a note's */
  gpointer call_data;
  DrProject *project;        /* the owner's connection: identity only, never used here */
  char *path;                /* its file, which the writer thread opens */
  gint64 photo_id;
  DrDamage damage;
  int width, height;
  DrRevisionKind kind;
  char *author;
  char *key;                 /* UUID of its revision: sending it twice stores it once */
  gboolean has_seen;         /* seen is the head the editor was shown */
  DrHeadSeen seen;
  guint8 *pixels;            /* [height × width] copy of the mask, immutable */
  char *rle;                 /* writer thread only: the mask encoded, once it was */
  gint64 queued_at;          /* monotonic µs */
  gboolean journaled;        /* writer thread, then owner: kept in the journal, not stored */
  DrEditConflict *conflict;  /* writer thread, then owner: its head move lost */
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

  GArray *sent_layers;       /* under lock: SentLayer of journaled edits the server stored */
  GPtrArray *refusals;       /* under lock: one line per journal entry the server refused for
                              * good (set aside), for the owner */
  guint n_waiting;           /* under lock: the journal's edits not yet sent */
  guint n_sent;              /* under lock: journaled edits the server has acknowledged */

  GHashTable *chains;        /* writer thread: layer → Chain, for chain_path's file */
  char *chain_path;
  DrEditJournal *journal;    /* writer thread: of the team project written last, or NULL */
  char *journal_location;    /* writer thread: that project's location */
  gint64 retry_at;           /* writer thread: monotonic µs of the next try to send it */
  gint64 retry_delay;
  char *away;                /* writer thread: the team server (location) that did not
                              * answer the last try, or NULL; its edits and records go
                              * straight to the journal, its calls fail at once until
                              * away_until */
  gint64 away_until;
  gint64 away_delay;         /* the next wait after another failed try */

  GThread *thread;           /* the writer thread, started at the first push */
  GMainContext *context;     /* the owner's, where signals are emitted */
  gboolean stalled;          /* owner's view: "failed" was emitted, sync has not succeeded */
  DrProject *last_project;   /* the owner's project of the last push or resume */
  double last_latency_ms;
  guint owner_n_waiting;     /* owner's view of n_waiting and n_sent ("waiting" emitted when */
  guint owner_n_sent;        /* either changed) */
  GPtrArray *owner_journaled; /* owner: Journaled verdicts and notes, oldest first, kept until
                              * the journal is empty */
  gboolean written_lost;     /* owner: the edit "written" is emitted for lost its head move */
  GArray *held_sent;         /* owner: SentLayer results kept while last_project is lost */
};

/* A verdict or note the owner had journaled (shown until the journal has been sent). */
typedef struct {
  char *location;
  DrEditJournalType type;
  gint64 photo_id;
  DrDamage damage;
  DrVerdict verdict;
  char *text;
} Journaled;

static void
journaled_free (Journaled *j)
{
  g_free (j->location);
  g_free (j->text);
  g_free (j);
}

/* A layer one sent journal entry changed ("written" for the owner). */
typedef struct {
  GQuark location;           /* the journal's project */
  gint64 photo_id;
  DrDamage damage;
  gboolean head_lost;        /* stored, but its head move lost */
  gboolean verdict_follows;  /* the reviewer's own verdict on the layer waits after it */
  DrEditConflict *conflict;  /* owned; when head_lost, the report (project not yet set) */
} SentLayer;

static void
sent_layer_clear (SentLayer *sent)
{
  g_clear_pointer (&sent->conflict, dr_edit_conflict_free);
}

/* An empty list of sent layers. */
static GArray *
sent_layers_new (void)
{
  GArray *sent = g_array_new (FALSE, FALSE, sizeof (SentLayer));
  g_array_set_clear_func (sent, (GDestroyNotify) sent_layer_clear);
  return sent;
}

/* Where the writer's edits of one layer have taken its head. */
typedef struct {
  DrHeadSeen input;          /* the seen the editor pushed */
  DrHeadSeen current;        /* the head after the writer's last edit (revision 0 and key set:
                              * that edit waits in the journal) */
  char *key;
} Chain;

enum { SIG_WRITTEN, SIG_FAILED, SIG_CONFLICT, SIG_WAITING, SIG_REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditWriter, dr_edit_writer, G_TYPE_OBJECT)

/* Owner thread only (it drops a reference to the owner's project). */
static void
edit_free (Edit *e)
{
  g_clear_object (&e->project);
  g_free (e->path);
  g_free (e->author);
  g_free (e->key);
  g_free (e->text);
  g_clear_pointer (&e->conflict, dr_edit_conflict_free);
  g_free (e->pixels);
  g_free (e->rle);
  g_clear_error (&e->error);
  g_free (e);
}

/* ---- writer thread ---------------------------------------------------------------- */

static gboolean deliver_cb (gpointer data);
static void post_deliver_locked (DrEditWriter *self);

/* Whether e is run while its owner waits (a call or a record), not an edit or a resume. */
static gboolean
is_run_now (const Edit *e)
{
  return e->call != NULL || e->record != 0;
}

/* Lock held: the oldest edit or call still to be run, or NULL; only calls and records while
 * halted. */
static Edit *
first_queued_locked (DrEditWriter *self)
{
  for (GList *l = self->queue.head; l; l = l->next)
    {
      Edit *e = l->data;
      if (e->state == EDIT_QUEUED && (!self->halted || is_run_now (e)))
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
    *project = dr_project_open (path, DR_PROJECT_OPEN_EXISTING | DR_PROJECT_OPEN_BOUNDED, error);
  return *project != NULL;
}

/* Chain entries' destructor. */
static void
chain_free (Chain *c)
{
  g_free (c->key);
  g_free (c);
}

/* Writer thread: forgets the chains unless they are of path's project. */
static void
chain_switch (DrEditWriter *self, const char *path)
{
  if (g_strcmp0 (self->chain_path, path) == 0)
    return;
  g_hash_table_remove_all (self->chains);
  g_free (self->chain_path);
  self->chain_path = g_strdup (path);
}

/* Writer thread: the chain of (photo_id, damage) of path's project, or NULL; chains of another
 * project are forgotten first. */
static Chain *
chain_lookup (DrEditWriter *self, const char *path, gint64 photo_id, DrDamage damage)
{
  chain_switch (self, path);
  g_autofree char *layer = g_strdup_printf ("%" G_GINT64_FORMAT ":%d", photo_id, (int) damage);
  Chain *c = g_hash_table_lookup (self->chains, layer);
  if (c == NULL)
    {
      c = g_new0 (Chain, 1);
      c->input.version = -1;
      g_hash_table_insert (self->chains, g_steal_pointer (&layer), c);
    }
  return c;
}

/* Writer thread: records where a stored edit left the layer (mine when the head moved, else
 * a head no later edit can move from, so they report the conflict too). */
static void
chain_settle (Chain *c, const char *key, const DrHeadSeen *base,
              const DrRevisionOutcome *out)
{
  if (key != NULL && g_strcmp0 (c->key, key) != 0)
    return;
  c->current = out->moved ? out->head : (DrHeadSeen) { out->revision_id, base->version };
  g_clear_pointer (&c->key, g_free);
}

/* Writer thread: whether error says the team server could not be reached. */
static gboolean
is_unreachable (const char *path, const GError *error)
{
  return dr_pg_is_conninfo (path) && g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
}

/* Writer thread: notes how a try on path's server went. An unreachable server makes the
 * writer "away": later edits are journaled without waiting for another connection attempt
 * (on a path that went silent each costs the connect timeout), and calls fail at once for a
 * while (DR_EDIT_WRITER_AWAY_MIN_US, twice as long after each further failure, up to
 * DR_EDIT_WRITER_RETRY_MAX_US). Any answer ends it. */
static void
note_reachable (DrEditWriter *self, const char *path, const GError *error)
{
  if (!is_unreachable (path, error))
    {
      if (g_strcmp0 (self->away, path) == 0)
        g_clear_pointer (&self->away, g_free);
      return;
    }
  if (g_strcmp0 (self->away, path) != 0)
    {
      g_free (self->away);
      self->away = g_strdup (path);
      self->away_delay = DR_EDIT_WRITER_AWAY_MIN_US;
    }
  self->away_until = g_get_monotonic_time () + self->away_delay;
  self->away_delay = MIN (self->away_delay * 2, DR_EDIT_WRITER_RETRY_MAX_US);
}

/* Writer thread: whether path's server did not answer the last try. */
static gboolean
is_away (DrEditWriter *self, const char *path)
{
  return self->away != NULL && g_strcmp0 (self->away, path) == 0;
}

/* Writer thread: whether a call on path's team server should fail at once (error set): the
 * server did not answer and the next try is not due yet. */
static gboolean
away_now (DrEditWriter *self, const char *path, GError **error)
{
  if (!is_away (self, path) || g_get_monotonic_time () >= self->away_until)
    return FALSE;
  g_autofree char *where = dr_pg_location_describe (path);
  g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO,
               _("%s: the server cannot be reached; trying again in the background"), where);
  return TRUE;
}

/* Writer thread: makes self->journal the journal of path's project (a damaged one is kept
 * aside, with one line in the log); updates the count the owner sees. */
static gboolean
journal_open (DrEditWriter *self, const char *path, GError **error)
{
  g_autofree char *file = dr_edit_journal_path_for (path);
  if (self->journal != NULL && g_strcmp0 (dr_edit_journal_get_path (self->journal), file) == 0)
    return TRUE;
  g_clear_pointer (&self->journal, dr_edit_journal_free);
  g_free (self->journal_location);
  self->journal_location = g_strdup (path);
  g_autofree char *damage = NULL;
  self->journal = dr_edit_journal_open (file, &damage, error);
  if (damage != NULL)
    g_warning ("%s", damage);
  guint n = self->journal ? dr_edit_journal_get_pending (self->journal)->len : 0;
  g_mutex_lock (&self->lock);
  self->n_waiting = n;
  post_deliver_locked (self);
  g_mutex_unlock (&self->lock);
  self->retry_at = g_get_monotonic_time ();
  self->retry_delay = DR_EDIT_WRITER_RETRY_MIN_US;
  return self->journal != NULL;
}

/* Writer thread: the number of journaled edits changed. */
static void
journal_count (DrEditWriter *self)
{
  g_mutex_lock (&self->lock);
  self->n_waiting = self->journal ? dr_edit_journal_get_pending (self->journal)->len : 0;
  post_deliver_locked (self);
  g_mutex_unlock (&self->lock);
}

/* Writer thread: whether path's project has journaled edits waiting (then new edits join
 * them, to keep the order). */
static gboolean
journal_busy (DrEditWriter *self, const char *path)
{
  if (!dr_pg_is_conninfo (path))
    return FALSE;
  g_autoptr (GError) error = NULL;
  if (!journal_open (self, path, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  return dr_edit_journal_get_pending (self->journal)->len > 0;
}

/* A journal entry of type for e: its key, photo and author (the caller fills the rest). */
static DrEditJournalEntry *
entry_new (const Edit *e, DrEditJournalType type)
{
  DrEditJournalEntry *entry = g_new0 (DrEditJournalEntry, 1);
  entry->type = type;
  entry->key = g_strdup (e->key);
  entry->photo_id = e->photo_id;
  entry->author = g_strdup (e->author);
  return entry;
}

/* Writer thread: appends entry (taken) for e to the journal opened for e's project; e counts
 * as journaled once it is there. */
static gboolean
journal_put (DrEditWriter *self, Edit *e, DrEditJournalEntry *entry, GError **error)
{
  if (!dr_edit_journal_append (self->journal, entry, error))
    {
      dr_edit_journal_entry_free (entry);
      return FALSE;
    }
  e->journaled = TRUE;
  journal_count (self);
  return TRUE;
}

/* Writer thread: puts e (on base, or on the chain's journaled edit) into the journal. */
static gboolean
journal_edit (DrEditWriter *self, Edit *e, Chain *c, const DrHeadSeen *base, GError **error)
{
  if (!journal_open (self, e->path, error))
    return FALSE;
  DrEditJournalEntry *entry = entry_new (e, DR_EDIT_JOURNAL_EDIT);
  entry->damage = e->damage;
  entry->seen = *base;
  entry->parent_key = g_strdup (c != NULL ? c->key : NULL);
  if (entry->parent_key != NULL)
    entry->seen.revision_id = 0;
  entry->kind = e->kind;
  entry->rle = g_strdup (e->rle);
  if (!journal_put (self, e, entry, error))
    return FALSE;
  if (c != NULL)
    {
      c->current = (DrHeadSeen) { 0, base->version + 1 };
      g_free (c->key);
      c->key = g_strdup (e->key);
    }
  return TRUE;
}

/* Writer thread: puts the verdict or note e into the journal. */
static gboolean
journal_record (DrEditWriter *self, Edit *e, GError **error)
{
  if (!journal_open (self, e->path, error))
    return FALSE;
  DrEditJournalEntry *entry = entry_new (e, e->record);
  entry->damage = e->record == DR_EDIT_JOURNAL_VERDICT ? e->damage : 0;
  entry->verdict = e->verdict;
  entry->text = g_strdup (e->text);
  return journal_put (self, e, entry, error);
}

/* Writer thread: stores a verdict or note (type, …) through project, once per key. */
static gboolean
store_record (DrProject *project, DrEditJournalType type, gint64 photo_id, DrDamage damage,
              DrVerdict verdict, const char *text, const char *author, const char *key,
              GError **error)
{
  if (type == DR_EDIT_JOURNAL_VERDICT)
    return dr_review_set_verdict (project, photo_id, damage, verdict, author, key, NULL, error);
  return dr_review_add_note (project, photo_id, text, author, key, error);
}

/* Writer thread: the server refused journal entry en for good (reason): it leaves the send
 * queue for the journal's aside file, and the owner gets one line saying so. FALSE with error
 * when that could not be written (en then stays first in the queue). */
static gboolean
set_aside (DrEditWriter *self, DrEditJournalEntry *en, const GError *reason, GError **error)
{
  g_autofree char *aside = dr_edit_journal_aside_path (self->journal);
  g_autofree char *photo = g_strdup_printf ("%" G_GINT64_FORMAT, en->photo_id);
  char *line;
  if (en->type == DR_EDIT_JOURNAL_NOTE)
    /* Translators: a photo's number, the server's reason. */
    line = g_strdup_printf (_("The server refused a note on photo %s; it is kept aside, not "
                              "sent: %s"), photo, reason->message);
  else if (en->type == DR_EDIT_JOURNAL_VERDICT)
    /* Translators: a photo's number, a damage type, the server's reason. */
    line = g_strdup_printf (_("The server refused a verdict on photo %s (%s); it is kept "
                              "aside, not sent: %s"),
                            photo, dr_damage_get_display_name (en->damage), reason->message);
  else
    /* Translators: a photo's number, a damage type, the server's reason. */
    line = g_strdup_printf (_("The server refused an edit of photo %s (%s); it is kept "
                              "aside, not sent: %s"),
                            photo, dr_damage_get_display_name (en->damage), reason->message);
  if (!dr_edit_journal_set_aside (self->journal, en->seq, error))
    {
      g_free (line);
      return FALSE;
    }
  g_message ("%s (kept in %s)", line, aside);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->refusals, line);
  g_mutex_unlock (&self->lock);
  journal_count (self);
  return TRUE;
}

/* Writer thread: sends the journal of the project written last, oldest first, acknowledging
 * each entry once stored and reporting lost head moves. FALSE (error set) at the first entry
 * that could not be sent; the rest wait for the next try. */
static gboolean
journal_send (DrEditWriter *self, DrProject **project, GError **error)
{
  GPtrArray *pending = dr_edit_journal_get_pending (self->journal);
  const char *path = self->journal_location;
  if (pending->len == 0)
    return TRUE;
  if (!connect_to (project, path, error))
    return FALSE;
  while (pending->len > 0)
    {
      DrEditJournalEntry *en = g_ptr_array_index (pending, 0);
      DrHeadSeen base = en->seen;
      if (en->parent_key != NULL)
        base.revision_id = dr_edit_journal_lookup (self->journal, en->parent_key);
      g_auto (DrRevisionOutcome) out = { 0 };
      g_autoptr (GError) local = NULL;
      gboolean edit = en->type == DR_EDIT_JOURNAL_EDIT;
      /* A verdict journaled on a layer that could not be read then is decided now, on the
       * layer as stored (an "accepted" after an edit is "corrected"), as online. */
      DrVerdict verdict = en->verdict;
      DrLayerState state;
      if (en->type == DR_EDIT_JOURNAL_VERDICT
          && dr_layer_state_read (*project, en->photo_id, en->damage, &state, NULL))
        verdict = dr_review_policy_given (&state, verdict, NULL);
      gboolean stored = edit
        ? dr_revision_commit (*project, en->photo_id, en->damage, &base, en->rle, en->kind,
                              en->author, en->key, &out, &local)
        : store_record (*project, en->type, en->photo_id, en->damage, verdict, en->text,
                        en->author, en->key, &local);
      if (!stored)
        {
          g_clear_object (project);
          /* Unreachable, or a transient conflict (serialization, a concurrent duplicate):
           * the next try may succeed. Anything else is the server's answer for good. */
          if (is_unreachable (path, local)
              || g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_CONFLICT))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (!set_aside (self, en, local, error) || !connect_to (project, path, error))
            return FALSE;
          continue;
        }
      if (!edit)
        {
          /* Only an edit's id is kept (for the edits made on it): 1 stands for "stored". */
          if (!dr_edit_journal_ack (self->journal, en->seq, 1, error))
            return FALSE;
          g_mutex_lock (&self->lock);
          self->n_sent++;
          g_mutex_unlock (&self->lock);
          journal_count (self);
          continue;
        }
      Chain *c = chain_lookup (self, path, en->photo_id, en->damage);
      chain_settle (c, en->key, &base, &out);
      SentLayer sent = { g_quark_from_string (path), en->photo_id, en->damage, !out.moved, FALSE,
                         out.moved ? NULL : dr_edit_conflict_new (NULL, en->photo_id,
                                                                  en->damage, &out) };
      /* The entry is freed once acknowledged. */
      if (!dr_edit_journal_ack (self->journal, en->seq, out.revision_id, error))
        return FALSE;
      /* A verdict the reviewer gave on this layer after this edit is sent later: no automatic
       * verdict may follow the edit (stored after the reviewer's, it would override it). */
      for (guint i = 0; i < pending->len && !sent.verdict_follows; i++)
        {
          DrEditJournalEntry *later = g_ptr_array_index (pending, i);
          sent.verdict_follows = later->type == DR_EDIT_JOURNAL_VERDICT
                                 && later->photo_id == sent.photo_id
                                 && later->damage == sent.damage;
        }
      g_mutex_lock (&self->lock);
      self->n_sent++;
      g_array_append_val (self->sent_layers, sent);
      g_mutex_unlock (&self->lock);
      journal_count (self);
    }
  return TRUE;
}

/* Writer thread: one try at sending the journal; the next try waits twice as long after a
 * failure (up to the maximum). */
static void
journal_retry (DrEditWriter *self, DrProject **project)
{
  g_autoptr (GError) error = NULL;
  if (journal_send (self, project, &error))
    {
      self->retry_delay = DR_EDIT_WRITER_RETRY_MIN_US;
      note_reachable (self, self->journal_location, NULL);
      return;
    }
  note_reachable (self, self->journal_location, error);
  g_debug ("journal not sent yet: %s", error->message);
  self->retry_at = g_get_monotonic_time () + self->retry_delay;
  self->retry_delay = MIN (self->retry_delay * 2, DR_EDIT_WRITER_RETRY_MAX_US);
}

/* Writer thread: encodes (once) and stores e through the thread's own connection *project
 * (opened on e's file first when needed): on the head the editor saw, continuing the chain of
 * its earlier edits of the layer; journaled instead while the team server is unreachable or
 * earlier edits wait in the journal. A lost head move is queued as a conflict (e stays
 * "written": its revision is stored). FALSE with error when it was neither stored nor
 * journaled. */
static gboolean
write_edit (DrEditWriter *self, DrProject **project, Edit *e, GError **error)
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
  Chain *c = chain_lookup (self, e->path, e->photo_id, e->damage);
  if (e->has_seen && (c->input.revision_id != e->seen.revision_id
                      || c->input.version != e->seen.version))
    {
      c->input = c->current = e->seen;
      g_clear_pointer (&c->key, g_free);
    }
  DrHeadSeen base = c->current;
  const DrHeadSeen *seen = e->has_seen ? &base : NULL;
  if (journal_busy (self, e->path) && g_get_monotonic_time () >= self->retry_at)
    journal_retry (self, project);
  if ((seen != NULL && c->key != NULL) || journal_busy (self, e->path)
      || (seen != NULL && is_away (self, e->path)))
    return journal_edit (self, e, e->has_seen ? c : NULL, &base, error);

  g_auto (DrRevisionOutcome) out = { 0 };
  g_autoptr (GError) local = NULL;
  if (!connect_to (project, e->path, &local)
      || !dr_revision_commit (*project, e->photo_id, e->damage, seen, e->rle, e->kind,
                              e->author, e->key, &out, &local))
    {
      g_clear_object (project);
      note_reachable (self, e->path, local);
      if (seen != NULL && is_unreachable (e->path, local))
        return journal_edit (self, e, c, &base, error);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  note_reachable (self, e->path, NULL);
  if (seen != NULL)
    chain_settle (c, NULL, &base, &out);
  if (!out.moved)
    e->conflict = dr_edit_conflict_new (e->project, e->photo_id, e->damage, &out);
  gint64 now = g_get_monotonic_time ();
  e->latency_ms = (now - e->queued_at) / 1000.0;
  g_debug ("edit stored %.1f ms after it was made (%d×%d; RLE encoding %.1f ms, write %.1f ms)",
           e->latency_ms, e->width, e->height, (t1 - t0) / 1000.0, (now - t1) / 1000.0);
  return TRUE;
}

/* Writer thread: stores the verdict or note e through the thread's own connection (opened
 * on e's file first when needed), once per key; for a team project, journaled instead while
 * the server is unreachable or entries wait in the journal (they go first). FALSE with error
 * when it was neither stored nor journaled. */
static gboolean
write_record (DrEditWriter *self, DrProject **project, Edit *e, GError **error)
{
  gboolean team = dr_pg_is_conninfo (e->path);
  if (team && (journal_busy (self, e->path) || is_away (self, e->path)))
    return journal_record (self, e, error);
  g_autoptr (GError) local = NULL;
  if (connect_to (project, e->path, &local)
      && store_record (*project, e->record, e->photo_id, e->damage, e->verdict, e->text,
                       e->author, e->key, &local))
    {
      note_reachable (self, e->path, NULL);
      return TRUE;
    }
  g_clear_object (project);
  note_reachable (self, e->path, local);
  if (team && is_unreachable (e->path, local))
    return journal_record (self, e, error);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* Lock held: makes sure one deliver_cb is posted to the owner's context. It holds no
 * reference: dispose, on the owner's thread, stops this thread and then removes it. */
static void
post_deliver_locked (DrEditWriter *self)
{
  if (self->deliver_id == 0)
    self->deliver_id = dr_post (self->context, G_PRIORITY_DEFAULT, deliver_cb, self, NULL);
}

/* Writer thread: whether the journal has edits to send now; otherwise *wake is when to try
 * again (0: only when woken). */
static gboolean
journal_due (DrEditWriter *self, gint64 *wake)
{
  *wake = 0;
  if (self->journal == NULL || dr_edit_journal_get_pending (self->journal)->len == 0)
    return FALSE;
  if (g_get_monotonic_time () >= self->retry_at)
    return TRUE;
  *wake = self->retry_at;
  return FALSE;
}

/* Writer thread: makes path's journal the one sent (sending starts at once); a journal that
 * cannot be read is logged, never a failed write. */
static gboolean
resume_journal (DrEditWriter *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  if (!dr_pg_is_conninfo (path))
    return TRUE;
  chain_switch (self, path);
  if (!journal_open (self, path, &error))
    g_warning ("%s", error->message);
  /* The project was (re)opened, so its server answers now: the journal goes at once and calls
   * are tried again. */
  self->retry_at = g_get_monotonic_time ();
  self->retry_delay = DR_EDIT_WRITER_RETRY_MIN_US;
  note_reachable (self, path, NULL);
  return TRUE;
}

/* Writer thread: runs e's call through the thread's own connection (opened first when needed,
 * and again after the server did not answer); while the team server is away and no try is
 * due, fails at once instead of waiting for a connection attempt (the owner waits for a
 * call). */
static gboolean
run_call (DrEditWriter *self, DrProject **project, Edit *e, GError **error)
{
  if (away_now (self, e->path, error))
    return FALSE;
  GError *local = NULL;
  gboolean ok = connect_to (project, e->path, &local) && e->call (*project, e->call_data, &local);
  note_reachable (self, e->path, local);
  if (ok)
    return TRUE;
  /* libpq does not reconnect: the next try opens a new connection. */
  if (is_unreachable (e->path, local))
    g_clear_object (project);
  g_propagate_error (error, local);
  return FALSE;
}

/* Writer thread main: writes the first queued edit whenever there is one and the queue is not
 * halted, and sends the journal whenever a try is due, until told to stop; its connection
 * lives and dies on this thread. */
static gpointer
writer_main (gpointer data)
{
  DrEditWriter *self = data;
  g_autoptr (DrProject) project = NULL;
  g_mutex_lock (&self->lock);
  for (;;)
    {
      Edit *e = NULL;
      gint64 wake = 0;
      while (!self->stopping && (e = first_queued_locked (self)) == NULL
             && !journal_due (self, &wake))
        {
          if (wake > 0)
            g_cond_wait_until (&self->cond, &self->lock, wake);
          else
            g_cond_wait (&self->cond, &self->lock);
        }
      if (self->stopping)
        break;
      if (e == NULL)
        {
          g_mutex_unlock (&self->lock);
          journal_retry (self, &project);
          g_mutex_lock (&self->lock);
          continue;
        }
      e->state = EDIT_WRITING;
      g_mutex_unlock (&self->lock);
      GError *error = NULL;
      gboolean ok;
      if (e->resume)
        ok = resume_journal (self, e->path);
      else if (e->record != 0)
        ok = write_record (self, &project, e, &error);
      else if (e->call != NULL)
        ok = run_call (self, &project, e, &error);
      else
        ok = write_edit (self, &project, e, &error);
      g_mutex_lock (&self->lock);
      e->state = ok ? EDIT_WRITTEN : EDIT_FAILED;
      e->error = error;
      if (!ok && !is_run_now (e) && !e->resume)
        self->halted = TRUE;
      if (!is_run_now (e))
        post_deliver_locked (self);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* ---- owner thread ----------------------------------------------------------------- */

/* Pops every written edit from the head, emitting "written" for each stored one (not for
 * journaled or resume entries), in order, each followed by "conflict" when its head move
 * lost; then "written" for each journal entry sent, "conflict" for each lost head move of the
 * journal and
 * "waiting" when the journal's size changed. When the head failed: returns FALSE and sets
 * error to its reason (the edit stays queued); else TRUE. */
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
  g_autoptr (GArray) sent = self->sent_layers;
  self->sent_layers = sent_layers_new ();
  g_autoptr (GPtrArray) refusals = self->refusals;
  self->refusals = g_ptr_array_new_with_free_func (g_free);
  guint n_waiting = self->n_waiting, n_sent = self->n_sent;
  g_mutex_unlock (&self->lock);

  Edit *e;
  while ((e = g_queue_pop_head (&written)) != NULL)
    {
      if (!e->resume && !e->journaled)
        {
          self->last_latency_ms = e->latency_ms;
          self->written_lost = e->conflict != NULL;
          g_signal_emit (self, signals[SIG_WRITTEN], 0, e->project, e->photo_id,
                         (int) e->damage);
          self->written_lost = FALSE;
        }
      if (e->conflict != NULL)
        g_signal_emit (self, signals[SIG_CONFLICT], 0, e->conflict);
      edit_free (e);
    }
  /* Sent from the journal while the owner's connection to the project is lost (the server
   * answered the writer before the window opened the project again): told once it has, so
   * the automatic verdict and the conflict bar read through a connection that works. */
  gsize n_held;
  if (self->last_project != NULL && dr_project_is_lost (self->last_project))
    {
      SentLayer *held = g_array_steal (sent, &n_held);
      g_array_append_vals (self->held_sent, held, n_held);
      g_free (held);
    }
  else if (self->held_sent->len > 0)
    {
      SentLayer *held = g_array_steal (self->held_sent, &n_held);
      g_array_prepend_vals (sent, held, n_held);
      g_free (held);
    }
  /* Sent from the journal: stored now; told only while that project is the one last named
   * (a result for a project since closed or switched away from is dropped: its ids would
   * name another project's photos). */
  GQuark current = self->last_project != NULL
    ? g_quark_try_string (dr_project_get_path (self->last_project)) : 0;
  for (guint i = 0; i < sent->len; i++)
    {
      SentLayer *l = &g_array_index (sent, SentLayer, i);
      if (current == 0 || l->location != current)
        continue;
      self->written_lost = l->head_lost || l->verdict_follows;
      g_signal_emit (self, signals[SIG_WRITTEN], 0, self->last_project, l->photo_id,
                     (int) l->damage);
      self->written_lost = FALSE;
      if (l->conflict != NULL)
        {
          l->conflict->project = g_object_ref (self->last_project);
          g_signal_emit (self, signals[SIG_CONFLICT], 0, l->conflict);
        }
    }
  for (guint i = 0; i < refusals->len; i++)
    g_signal_emit (self, signals[SIG_REFUSED], 0, g_ptr_array_index (refusals, i));
  if (n_waiting == 0)
    g_ptr_array_set_size (self->owner_journaled, 0);
  if (n_waiting != self->owner_n_waiting || n_sent != self->owner_n_sent)
    {
      self->owner_n_waiting = n_waiting;
      self->owner_n_sent = n_sent;
      g_signal_emit (self, signals[SIG_WAITING], 0, n_waiting);
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
                     const char *author, const DrHeadSeen *seen)
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
  e->key = g_uuid_string_random ();
  e->has_seen = seen != NULL;
  if (seen != NULL)
    e->seen = *seen;
  e->pixels = g_memdup2 (pixels, (gsize) width * height);
  e->queued_at = g_get_monotonic_time ();
  g_set_object (&self->last_project, project);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, e);
  ensure_thread (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Runs e (a call or a record) on the writer thread: it goes into the queue before the first
 * edit still waiting; this thread blocks until the writer thread has run it, then takes it out
 * (deliver never sees it: it runs on this thread). The caller frees e. */
static gboolean
run_now (DrEditWriter *self, Edit *e, GError **error)
{
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
  return ok;
}

/* See header. */
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
  gboolean ok = run_now (self, e, error);
  edit_free (e);
  return ok;
}

/* Stores or journals a verdict or note (dr_edit_writer_record_verdict/_note); one that went
 * to the journal is remembered for the owner until the journal has been sent. */
static gboolean
record (DrEditWriter *self, DrProject *project, DrEditJournalType type, gint64 photo_id,
        DrDamage damage, DrVerdict verdict, const char *text, const char *author,
        gboolean *journaled, GError **error)
{
  Edit *e = g_new0 (Edit, 1);
  e->record = type;
  e->path = g_strdup (dr_project_get_path (project));
  e->photo_id = photo_id;
  e->damage = damage;
  e->verdict = verdict;
  e->text = g_strdup (text);
  e->author = g_strdup (author);
  e->key = g_uuid_string_random ();
  gboolean ok = run_now (self, e, error);
  if (ok && e->journaled)
    {
      Journaled *j = g_new0 (Journaled, 1);
      j->location = g_strdup (e->path);
      j->type = type;
      j->photo_id = photo_id;
      j->damage = damage;
      j->verdict = verdict;
      j->text = g_strdup (text);
      g_ptr_array_add (self->owner_journaled, j);
    }
  if (journaled != NULL)
    *journaled = ok && e->journaled;
  edit_free (e);
  return ok;
}

/* See header. */
gboolean
dr_edit_writer_record_verdict (DrEditWriter *self, DrProject *project, gint64 photo_id,
                               DrDamage damage, DrVerdict verdict, const char *author,
                               gboolean *journaled, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project), FALSE);
  return record (self, project, DR_EDIT_JOURNAL_VERDICT, photo_id, damage, verdict, NULL,
                 author, journaled, error);
}

/* See header. */
gboolean
dr_edit_writer_record_note (DrEditWriter *self, DrProject *project, gint64 photo_id,
                            const char *text, const char *author, gboolean *journaled,
                            GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  return record (self, project, DR_EDIT_JOURNAL_NOTE, photo_id, 0, 0, text, author, journaled,
                 error);
}

/* The newest verdict or note of type the owner journaled on (project's location, photo_id,
 * damage — any damage for a note) that may not be on the server yet, or NULL. */
static Journaled *
find_journaled (DrEditWriter *self, DrProject *project, DrEditJournalType type,
                gint64 photo_id, DrDamage damage)
{
  const char *location = dr_project_get_path (project);
  for (guint i = self->owner_journaled->len; i-- > 0;)
    {
      Journaled *j = g_ptr_array_index (self->owner_journaled, i);
      if (j->type == type && j->photo_id == photo_id && g_str_equal (j->location, location)
          && (type == DR_EDIT_JOURNAL_NOTE || j->damage == damage))
        return j;
    }
  return NULL;
}

/* See header. */
gboolean
dr_edit_writer_lookup_verdict (DrEditWriter *self, DrProject *project, gint64 photo_id,
                               DrDamage damage, DrVerdict *verdict)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project), FALSE);
  Journaled *j = find_journaled (self, project, DR_EDIT_JOURNAL_VERDICT, photo_id, damage);
  if (j != NULL)
    *verdict = j->verdict;
  return j != NULL;
}

/* See header. */
gboolean
dr_edit_writer_lookup_note (DrEditWriter *self, DrProject *project, gint64 photo_id,
                            char **text)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project), FALSE);
  Journaled *j = find_journaled (self, project, DR_EDIT_JOURNAL_NOTE, photo_id, 0);
  if (j != NULL)
    *text = g_strdup (j->text);
  return j != NULL;
}

/* See header. Queued like an edit, so it follows the edits pushed before it. */
void
dr_edit_writer_resume (DrEditWriter *self, DrProject *project)
{
  g_return_if_fail (DR_IS_EDIT_WRITER (self) && DR_IS_PROJECT (project));
  Edit *e = g_new0 (Edit, 1);
  e->resume = TRUE;
  e->path = g_strdup (dr_project_get_path (project));
  g_set_object (&self->last_project, project);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, e);
  ensure_thread (self);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

typedef struct {
  DrEditWriter *self;
  const DrEditConflict *conflict;
  DrRevisionOutcome out;
} KeepMine;

/* Writer thread: the compare-and-swap of "keep mine"; the layer's chain goes on from it. */
static gboolean
keep_mine_write (DrProject *project, gpointer data, GError **error)
{
  KeepMine *k = data;
  const DrEditConflict *c = k->conflict;
  if (!dr_revision_move_head_to (project, c->photo_id, c->damage, &c->theirs, c->mine, &k->out,
                                 error))
    return FALSE;
  Chain *chain = chain_lookup (k->self, dr_project_get_path (project), c->photo_id, c->damage);
  chain_settle (chain, NULL, &c->theirs, &k->out);
  return TRUE;
}

/* See header. */
gboolean
dr_edit_writer_keep_mine (DrEditWriter *self, const DrEditConflict *conflict, GError **error)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self) && conflict != NULL, FALSE);
  g_return_val_if_fail (DR_IS_PROJECT (conflict->project), FALSE);
  KeepMine k = { self, conflict, { 0 } };
  if (!dr_edit_writer_run (self, conflict->project, keep_mine_write, &k, error))
    return FALSE;
  if (!k.out.moved)
    {
      g_autoptr (DrEditConflict) again = dr_edit_conflict_new (conflict->project,
                                                               conflict->photo_id,
                                                               conflict->damage, &k.out);
      g_signal_emit (self, signals[SIG_CONFLICT], 0, again);
    }
  dr_revision_outcome_clear (&k.out);
  return TRUE;
}

guint
dr_edit_writer_get_n_waiting (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return self->owner_n_waiting;
}

guint
dr_edit_writer_get_n_sent (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), 0);
  return self->owner_n_sent;
}

/* See header. */
gboolean
dr_edit_writer_get_written_lost (DrEditWriter *self)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (self), FALSE);
  return self->written_lost;
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
    unwritten += ((Edit *) l->data)->state != EDIT_WRITTEN && !((Edit *) l->data)->resume;
  if (unwritten > 0)
    g_message ("%u edits could not be saved and are dropped", unwritten);
  g_queue_clear_full (&self->queue, (GDestroyNotify) edit_free);
  g_clear_pointer (&self->journal, dr_edit_journal_free);
  g_clear_object (&self->last_project);
  G_OBJECT_CLASS (dr_edit_writer_parent_class)->dispose (object);
}

static void
dr_edit_writer_finalize (GObject *object)
{
  DrEditWriter *self = DR_EDIT_WRITER (object);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->chains);
  g_array_unref (self->sent_layers);
  g_ptr_array_unref (self->refusals);
  g_ptr_array_unref (self->owner_journaled);
  g_array_unref (self->held_sent);
  g_free (self->chain_path);
  g_free (self->journal_location);
  g_free (self->away);
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
  /* (DrEditConflict): a head move of mine lost; my revision is stored, theirs is shown. */
  signals[SIG_CONFLICT] = g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        DR_TYPE_EDIT_CONFLICT);
  /* (n): journaled edits not yet sent to the server. */
  signals[SIG_WAITING] = g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (message): the server refused a journaled edit for good; it was set aside (one line). */
  signals[SIG_REFUSED] = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dr_edit_writer_init (DrEditWriter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->sent_layers = sent_layers_new ();
  self->refusals = g_ptr_array_new_with_free_func (g_free);
  self->owner_journaled = g_ptr_array_new_with_free_func ((GDestroyNotify) journaled_free);
  self->held_sent = sent_layers_new ();
  self->chains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) chain_free);
  self->context = g_main_context_ref_thread_default ();
}

/* A writer with nothing queued, reporting to the calling thread's context. */
DrEditWriter *
dr_edit_writer_new (void)
{
  return g_object_new (DR_TYPE_EDIT_WRITER, NULL);
}
