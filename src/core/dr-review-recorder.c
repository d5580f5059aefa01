/* dr-review-recorder.c — see dr-review-recorder.h. */
#include "config.h"

#include "dr-claim.h"
#include "dr-layer-state.h"
#include "dr-review-recorder.h"

/* A verdict that could not be written yet. */
typedef struct {
  DrProject *project;      /* names the file (the writer uses its own connection) */
  gint64 photo_id;
  DrDamage damage;
  gboolean automatic;      /* follows an edit: decided again by dr_review_policy_after_edit */
  DrVerdict asked;         /* given: decided again by dr_review_policy_given */
  DrVerdict shown;         /* what the window shows meanwhile */
  char *author;
} Kept;

struct _DrReviewRecorder
{
  GObject parent_instance;

  DrEditWriter *writer;
  GQueue kept;             /* Kept*, oldest first */
};

enum { SIG_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrReviewRecorder, dr_review_recorder, G_TYPE_OBJECT)

static void
kept_free (gpointer data)
{
  Kept *k = data;
  g_object_unref (k->project);
  g_free (k->author);
  g_free (k);
}

/* Writes a verdict through the writer (journaled for a team server out of reach). */
static gboolean
write_verdict (DrReviewRecorder *self, DrProject *project, gint64 photo_id, DrDamage d,
               DrVerdict verdict, const char *author, GError **error)
{
  return dr_edit_writer_record_verdict (self->writer, project, photo_id, d, verdict, author,
                                        NULL, error);
}

/* Whether a new verdict must wait: edits or verdicts before it are not written. */
static gboolean
must_wait (DrReviewRecorder *self)
{
  return dr_edit_writer_is_stalled (self->writer) || !g_queue_is_empty (&self->kept);
}

static void
keep (DrReviewRecorder *self, DrProject *project, gint64 photo_id, DrDamage d,
      gboolean automatic, DrVerdict asked, DrVerdict shown, const char *author)
{
  Kept *k = g_new0 (Kept, 1);
  k->project = g_object_ref (project);
  k->photo_id = photo_id;
  k->damage = d;
  k->automatic = automatic;
  k->asked = asked;
  k->shown = shown;
  k->author = g_strdup (author);
  g_queue_push_tail (&self->kept, k);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/* See header. */
gboolean
dr_review_recorder_give (DrReviewRecorder *self, DrProject *project, gint64 photo_id,
                         DrDamage d, DrVerdict asked, const char *author, DrVerdict *recorded,
                         GError **error)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self) && project != NULL, FALSE);
  DrLayerState state;
  g_autoptr (GError) unreadable = NULL;
  /* A layer that cannot be read is judged as the reviewer said; the write reports why. */
  if (!dr_layer_state_read (project, photo_id, d, &state, &unreadable))
    state = (DrLayerState) { .current_on_mask = TRUE };
  DrVerdict verdict = dr_review_policy_given (&state, asked, NULL);
  if (recorded != NULL)
    *recorded = verdict;
  if (!must_wait (self) && write_verdict (self, project, photo_id, d, verdict, author, error))
    return TRUE;
  keep (self, project, photo_id, d, FALSE, asked, verdict, author);
  return FALSE;
}

/* See header. */
gboolean
dr_review_recorder_follow_edit (DrReviewRecorder *self, DrProject *project, gint64 photo_id,
                                DrDamage d, gboolean head_lost, const char *author,
                                gboolean *changed, GError **error)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self) && project != NULL, FALSE);
  *changed = FALSE;
  DrLayerState state;
  DrVerdict verdict;
  if (!dr_layer_state_read (project, photo_id, d, &state, error))
    return FALSE;
  state.head_lost = head_lost;
  if (!dr_review_policy_after_edit (&state, &verdict))
    return TRUE;
  *changed = TRUE;
  if (must_wait (self))
    {
      keep (self, project, photo_id, d, TRUE, verdict, verdict, author);
      return TRUE;
    }
  if (write_verdict (self, project, photo_id, d, verdict, author, error))
    return TRUE;
  keep (self, project, photo_id, d, TRUE, verdict, verdict, author);
  return FALSE;
}

/* See header. */
gboolean
dr_review_recorder_flush (DrReviewRecorder *self, GError **error)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self), FALSE);
  gboolean any = FALSE, ok = TRUE;
  Kept *k;
  while (ok && (k = g_queue_peek_head (&self->kept)) != NULL)
    {
      DrLayerState state;
      DrVerdict verdict = k->asked;
      gboolean write = TRUE;
      ok = dr_layer_state_read (k->project, k->photo_id, k->damage, &state, error);
      if (ok && k->automatic)
        write = dr_review_policy_after_edit (&state, &verdict);
      else if (ok)
        verdict = dr_review_policy_given (&state, k->asked, NULL);
      if (ok && write)
        ok = write_verdict (self, k->project, k->photo_id, k->damage, verdict, k->author, error);
      if (ok)
        {
          kept_free (g_queue_pop_head (&self->kept));
          any = TRUE;
        }
    }
  if (any)
    g_signal_emit (self, signals[SIG_CHANGED], 0);
  return ok;
}

/* See header. */
guint
dr_review_recorder_get_n_unsaved (DrReviewRecorder *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self), 0);
  return self->kept.length;
}

/* See header. */
gboolean
dr_review_recorder_lookup_unsaved (DrReviewRecorder *self, DrProject *project, gint64 photo_id,
                                   DrDamage d, DrVerdict *verdict)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self), FALSE);
  for (GList *l = self->kept.tail; l != NULL; l = l->prev)
    {
      Kept *k = l->data;
      if (k->project == project && k->photo_id == photo_id && k->damage == d)
        {
          *verdict = k->shown;
          return TRUE;
        }
    }
  return FALSE;
}

/* See header. */
void
dr_review_recorder_discard (DrReviewRecorder *self)
{
  g_return_if_fail (DR_IS_REVIEW_RECORDER (self));
  if (g_queue_is_empty (&self->kept))
    return;
  g_message ("dropping %u unsaved verdicts the reviewer chose to discard", self->kept.length);
  g_queue_clear_full (&self->kept, kept_free);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/* See header. */
gboolean
dr_review_recorder_add_note (DrReviewRecorder *self, DrProject *project, gint64 photo_id,
                             const char *text, const char *author, GError **error)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self) && project != NULL, FALSE);
  return dr_edit_writer_record_note (self->writer, project, photo_id, text, author, NULL,
                                     error);
}

typedef struct {
  gint64 id;
  const char *name;
} ClaimRename;

/* Writer thread: renames the claim through the writer's own connection. */
static gboolean
rename_write (DrProject *project, gpointer data, GError **error)
{
  ClaimRename *r = data;
  return dr_claim_rename (project, r->id, r->name, error);
}

/* See header. */
gboolean
dr_review_recorder_rename_claim (DrReviewRecorder *self, DrProject *project, gint64 claim_id,
                                 const char *name, GError **error)
{
  g_return_val_if_fail (DR_IS_REVIEW_RECORDER (self) && project != NULL, FALSE);
  ClaimRename rename = { claim_id, name };
  return dr_edit_writer_run (self->writer, project, rename_write, &rename, error);
}

static void
dr_review_recorder_dispose (GObject *object)
{
  DrReviewRecorder *self = DR_REVIEW_RECORDER (object);
  /* Kept verdicts follow the edits before them: written only once those are. */
  if (!g_queue_is_empty (&self->kept))
    {
      g_autoptr (GError) error = NULL;
      if (dr_edit_writer_is_stalled (self->writer))
        g_message ("closing with %u unsaved verdicts after unsaved edits", self->kept.length);
      else if (!dr_review_recorder_flush (self, &error))
        g_message ("closing with %u unsaved verdicts: %s", self->kept.length, error->message);
      g_queue_clear_full (&self->kept, kept_free);
    }
  g_clear_object (&self->writer);
  G_OBJECT_CLASS (dr_review_recorder_parent_class)->dispose (object);
}

static void
dr_review_recorder_class_init (DrReviewRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_review_recorder_dispose;
  signals[SIG_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
dr_review_recorder_init (DrReviewRecorder *self)
{
  g_queue_init (&self->kept);
}

/* See header. */
DrReviewRecorder *
dr_review_recorder_new (DrEditWriter *writer)
{
  g_return_val_if_fail (DR_IS_EDIT_WRITER (writer), NULL);
  DrReviewRecorder *self = g_object_new (DR_TYPE_REVIEW_RECORDER, NULL);
  self->writer = g_object_ref (writer);
  return self;
}
