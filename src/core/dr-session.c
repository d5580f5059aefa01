/* dr-session.c — main-thread reads, one writer thread for imports and predictions.
 *
 * Writer operations are queued on a GAsyncQueue and run in order on the writer thread, which
 * owns its own DrProject connection (opened there, used only there). Each operation reports
 * back by posting a source to the context the session was created in (dr_post), so reports
 * run on the session's thread whether its loop runs or is stepped by hand; each carries a
 * GWeakRef to the session:
 * a report for a session that has been closed meanwhile is dropped. Closing the session
 * cancels a running import, lets the writer finish what it holds and joins it, so nothing
 * is written after the window let go of the project. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#include "dr-claim.h"
#include "dr-image.h"
#include "dr-import.h"
#include "dr-photo.h"
#include "dr-post.h"
#include "dr-prediction.h"
#include "dr-revision.h"
#include "dr-rle.h"
#include "dr-pg-conn.h"
#include "dr-pg-location.h"
#include "dr-session.h"
#include "dr-store-error.h"
#include "dr-team-login.h"

typedef enum { OP_IMPORT, OP_PREDICTIONS, OP_PHOTO_ERROR, OP_STOP } OpKind;

typedef struct {
  gint64 photo_id;
  guint damage;
  char *sha256;
  char *rle;
  double confidence;
} PredictionRow;

typedef struct {
  OpKind kind;
  GStrv paths;                 /* OP_IMPORT */
  GCancellable *cancellable;   /* OP_IMPORT */
  GPtrArray *rows;             /* OP_PREDICTIONS: PredictionRow* */
  gint64 photo_id;             /* OP_PHOTO_ERROR */
  char *message;               /* OP_PHOTO_ERROR */
} Op;

typedef enum {
  REPORT_PROGRESS, REPORT_IMPORTED, REPORT_WRITE_FAILED, REPORT_PHOTO_ERROR_STORED
} ReportKind;

typedef struct {
  GWeakRef session;
  ReportKind kind;
  guint done, total;
  gint64 photo_id;
  DrImportStats stats;
  char *message;
} Report;

struct _DrSession
{
  GObject parent_instance;

  char *path;
  char *login;                 /* a team project's login role (session_user), else NULL */
  gint64 team_id;              /* a team project's team, else 0 */
  DrProject *project;          /* main-thread connection */
  GListStore *items;           /* DrPhotoItem */
  GHashTable *by_id;           /* photo id → DrPhotoItem (borrowed from items) */

  GThread *writer;
  GAsyncQueue *ops;            /* Op* for the writer */
  GMainContext *main_context;
  GPtrArray *pending_rows;     /* PredictionRow* not yet sent to the writer */
  GCancellable *import_cancellable;
  guint imports_running;
  GPtrArray *adopting;         /* DrPhotoInfo* of an open still being adopted in chunks */
  guint adopt_next;            /* index in adopting of the next photo to adopt */
  GSource *adopt_source;       /* the idle source adopting the next chunk */
  gint64 adopt_started, adopt_longest;  /* µs (wall, longest chunk's CPU): DR_DEBUG_ADOPT */
  guint adopt_chunks;
};

enum {
  SIGNAL_IMPORT_PROGRESS,
  SIGNAL_IMPORT_FINISHED,
  SIGNAL_WRITE_FAILED,
  SIGNAL_PHOTO_ERROR_STORED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrSession, dr_session, G_TYPE_OBJECT)

static void
prediction_row_free (gpointer data)
{
  PredictionRow *row = data;
  g_free (row->sha256);
  g_free (row->rle);
  g_free (row);
}

static void
op_free (Op *op)
{
  g_strfreev (op->paths);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->rows, g_ptr_array_unref);
  g_free (op->message);
  g_free (op);
}

static void
report_free (gpointer data)
{
  Report *report = data;
  g_weak_ref_clear (&report->session);
  g_free (report->message);
  g_free (report);
}

/* ---- items ------------------------------------------------------------------------ */

/* The app's status for a stored photo, keeping the run-time states of a photo being analysed
 * until the store says it is analysed. */
static DrItemStatus
item_status (DrPhotoItem *item, const DrPhotoInfo *info)
{
  DrItemStatus now = dr_photo_item_get_status (item);
  switch (info->status)
    {
    case DR_PHOTO_STATUS_ERROR: return DR_ITEM_STATUS_ERROR;
    case DR_PHOTO_STATUS_REVIEWED: return DR_ITEM_STATUS_REVIEWED;
    case DR_PHOTO_STATUS_ANALYSED: return DR_ITEM_STATUS_ANALYSED;
    case DR_PHOTO_STATUS_NOT_ANALYSED:
    default:
      return now == DR_ITEM_STATUS_QUEUED || now == DR_ITEM_STATUS_ANALYSING
        ? now : DR_ITEM_STATUS_NOT_ANALYSED;
    }
}

/* Copies what the store knows about a photo into its item. */
static void
update_item (DrPhotoItem *item, const DrPhotoInfo *info)
{
  dr_photo_item_set_claim (item, info->claim);
  dr_photo_item_set_sha256 (item, info->sha256);
  dr_photo_item_set_size (item, info->width, info->height);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      gboolean has = info->area[d] >= 0 && (info->predicted & (1u << d) || info->edited & (1u << d));
      if (has)
        dr_photo_item_set_result (item, d, info->area[d], MAX (info->confidence[d], 0));
      else if (dr_photo_item_has_result (item, d))
        dr_photo_item_set_result (item, d, -1, 0);
    }
  if (info->error != NULL)
    dr_photo_item_set_error (item, info->error);
  else
    dr_photo_item_set_status (item, item_status (item, info));
}

/* Stops an adoption in chunks (its list is superseded, or the session closes). */
static void
adopt_stop (DrSession *self)
{
  if (self->adopt_source != NULL)
    {
      g_source_destroy (self->adopt_source);
      g_clear_pointer (&self->adopt_source, g_source_unref);
    }
  g_clear_pointer (&self->adopting, g_ptr_array_unref);
}

/* Brings the items in line with infos (DrPhotoInfo*, as dr_photo_list returns them, or some
 * of them): new photos are appended in one splice, known ones updated in place. An adoption in
 * chunks still running goes on (it skips photos applied here: these infos are newer). */
static void
apply_infos (DrSession *self, GPtrArray *infos)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < infos->len; i++)
    {
      const DrPhotoInfo *info = infos->pdata[i];
      DrPhotoItem *item = g_hash_table_lookup (self->by_id, &info->id);
      if (item == NULL)
        {
          item = dr_photo_item_new (info->id, info->path, info->claim);
          g_hash_table_insert (self->by_id, g_memdup2 (&info->id, sizeof info->id), item);
          g_ptr_array_add (added, item);
        }
      update_item (item, info);
    }
  g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                       added->pdata, added->len);
}

/* CPU time used so far by the calling thread, in µs (for DR_DEBUG_ADOPT: on a busy machine
 * wall time mostly measures waiting for a core). */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Idle: adopts the next chunk of the list being opened — at most DR_SESSION_ADOPT_CHUNK
 * photos (fewer in the first chunks) and about DR_SESSION_ADOPT_BUDGET_US of building items —
 * appended in one splice, so one main-loop iteration stays near a frame; the list's sort
 * model merges each chunk in (selection and order stay as GtkSortListModel and
 * GtkSingleSelection keep them). */
static gboolean
adopt_chunk_cb (gpointer data)
{
  DrSession *self = data;
  gint64 start = g_get_monotonic_time (), cpu_start = thread_cpu_us ();
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  /* The first chunks are small and double: the list makes a row widget for each photo that
   * lands on screen, so the first screenful is spread over a few iterations too. */
  guint limit = DR_SESSION_ADOPT_CHUNK
                >> (DR_SESSION_ADOPT_RAMP - MIN (self->adopt_chunks, DR_SESSION_ADOPT_RAMP));
  while (self->adopt_next < self->adopting->len && added->len < limit
         && (added->len % 64 != 0
             || g_get_monotonic_time () - start < DR_SESSION_ADOPT_BUDGET_US))
    {
      const DrPhotoInfo *info = self->adopting->pdata[self->adopt_next++];
      if (g_hash_table_contains (self->by_id, &info->id))
        continue;  /* applied meanwhile from a newer read */
      DrPhotoItem *item = dr_photo_item_new (info->id, info->path, info->claim);
      g_hash_table_insert (self->by_id, g_memdup2 (&info->id, sizeof info->id), item);
      g_ptr_array_add (added, item);
      update_item (item, info);
    }
  g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                       added->pdata, added->len);
  gint64 took = thread_cpu_us () - cpu_start;
  self->adopt_longest = MAX (self->adopt_longest, took);
  self->adopt_chunks++;
  if (self->adopt_next < self->adopting->len)
    return G_SOURCE_CONTINUE;
  if (g_getenv ("DR_DEBUG_ADOPT") != NULL)
    g_printerr ("DR_DEBUG_ADOPT: %u photos in %u chunks, longest chunk %.1f ms of main thread "
                "CPU, %.1f ms from first to last\n", self->adopting->len, self->adopt_chunks,
                self->adopt_longest / 1000.0,
                (g_get_monotonic_time () - self->adopt_started) / 1000.0);
  g_clear_pointer (&self->adopt_source, g_source_unref);
  g_clear_pointer (&self->adopting, g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

/* Starts adopting infos in chunks on the session's context (see adopt_chunk_cb). */
static void
adopt_start (DrSession *self, GPtrArray *infos)
{
  adopt_stop (self);
  self->adopting = g_ptr_array_ref (infos);
  self->adopt_next = 0;
  self->adopt_started = g_get_monotonic_time ();
  self->adopt_longest = 0;
  self->adopt_chunks = 0;
  self->adopt_source = g_idle_source_new ();
  g_source_set_priority (self->adopt_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (self->adopt_source, adopt_chunk_cb, self, NULL);
  g_source_set_static_name (self->adopt_source, "[dr] adopt photo list");
  g_source_attach (self->adopt_source, self->main_context);
}

/* See header. */
gboolean
dr_session_is_adopting (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), FALSE);
  return self->adopting != NULL;
}

/* See header. */
gboolean
dr_session_reload (DrSession *self, GError **error)
{
  g_return_val_if_fail (DR_IS_SESSION (self), FALSE);
  g_autoptr (GPtrArray) infos = dr_photo_list (self->project, error);
  if (infos == NULL)
    return FALSE;
  adopt_stop (self);  /* the whole list, newer than the one being adopted */
  apply_infos (self, infos);
  return TRUE;
}

/* See header. */
gboolean
dr_session_reload_photo (DrSession *self, gint64 photo_id, GError **error)
{
  g_return_val_if_fail (DR_IS_SESSION (self), FALSE);
  DrPhotoItem *item = g_hash_table_lookup (self->by_id, &photo_id);
  if (item == NULL)
    return dr_session_reload (self, error);
  g_autoptr (DrPhotoInfo) info = dr_photo_get (self->project, photo_id, error);
  if (info == NULL)
    return FALSE;
  update_item (item, info);
  return TRUE;
}

/* ---- writer thread ------------------------------------------------------------------ */

/* Main loop: delivers one report from the writer, if the session still exists. */
static gboolean
report_cb (gpointer data)
{
  Report *report = data;
  g_autoptr (DrSession) self = g_weak_ref_get (&report->session);
  if (self == NULL)
    return G_SOURCE_REMOVE;
  switch (report->kind)
    {
    case REPORT_PROGRESS:
      g_signal_emit (self, signals[SIGNAL_IMPORT_PROGRESS], 0, report->done, report->total);
      break;
    case REPORT_IMPORTED:
      {
        g_autoptr (GError) error = NULL;
        self->imports_running--;
        if (!dr_session_reload (self, &error) && report->message == NULL)
          report->message = g_strdup (error->message);
        g_signal_emit (self, signals[SIGNAL_IMPORT_FINISHED], 0, report->stats.added,
                       report->stats.duplicates, report->stats.failed + report->stats.missing,
                       report->message);
        break;
      }
    case REPORT_WRITE_FAILED:
      g_signal_emit (self, signals[SIGNAL_WRITE_FAILED], 0, report->message);
      break;
    case REPORT_PHOTO_ERROR_STORED:
      g_signal_emit (self, signals[SIGNAL_PHOTO_ERROR_STORED], 0, report->photo_id);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

/* Writer thread: posts a report to the session's context (never runs it here). */
static void
post_report (DrSession *self, Report *report)
{
  g_weak_ref_init (&report->session, self);
  dr_post (self->main_context, G_PRIORITY_DEFAULT_IDLE, report_cb, report, report_free);
}

/* Writer thread: collect, hash/probe and store each file; progress at most every 100 ms. */
static void
run_import (DrSession *self, DrProject *project, Op *op)
{
  Report *done = g_new0 (Report, 1);
  done->kind = REPORT_IMPORTED;
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) files = dr_import_collect ((const char *const *) op->paths, missing,
                                                   &done->stats);
  gint64 last = 0;
  for (guint i = 0; i < files->len; i++)
    {
      if (g_cancellable_is_cancelled (op->cancellable))
        break;
      const DrImportFile *file = files->pdata[i];
      g_autoptr (DrImportScan) scan = dr_import_scan_file (file->path);
      g_autoptr (GError) error = NULL;
      DrImportOutcome outcome;
      if (!dr_import_store (project, scan, file->claim, &outcome, &error))
        {
          done->message = g_strdup (error->message);
          break;
        }
      if (outcome == DR_IMPORT_ADDED)
        done->stats.added++;
      else if (outcome == DR_IMPORT_DUPLICATE)
        done->stats.duplicates++;
      else
        done->stats.failed++;
      gint64 now = g_get_monotonic_time ();
      if (now - last > DR_PROGRESS_INTERVAL_US || i + 1 == files->len)
        {
          last = now;
          Report *progress = g_new0 (Report, 1);
          progress->kind = REPORT_PROGRESS;
          progress->done = i + 1;
          progress->total = files->len;
          post_report (self, progress);
        }
    }
  if (done->message == NULL && missing->len > 0)
    done->message = g_strdup (missing->pdata[0]);
  post_report (self, done);
}

/* Writer thread: stores a batch of predictions in one transaction (all or nothing). */
static void
run_predictions (DrSession *self, DrProject *project, Op *op)
{
  g_autoptr (GError) error = NULL;
  if (!dr_project_begin (project, &error))
    goto failed;
  for (guint i = 0; i < op->rows->len; i++)
    {
      PredictionRow *row = op->rows->pdata[i];
      if (!dr_prediction_store (project, row->photo_id, row->damage, row->sha256, row->rle,
                                row->confidence, &error))
        {
          dr_project_rollback (project);
          goto failed;
        }
    }
  if (dr_project_commit (project, &error))
    return;
  dr_project_rollback (project);
failed:
  {
    Report *report = g_new0 (Report, 1);
    report->kind = REPORT_WRITE_FAILED;
    report->message = g_strdup_printf (_("Analysis results could not be saved: %s"),
                                       error->message);
    post_report (self, report);
  }
}

/* Writer thread: records that a photo cannot be decoded; reports success or the failure. */
static void
run_photo_error (DrSession *self, DrProject *project, Op *op)
{
  g_autoptr (GError) error = NULL;
  Report *report = g_new0 (Report, 1);
  report->photo_id = op->photo_id;
  if (dr_photo_set_error (project, op->photo_id, op->message, &error))
    report->kind = REPORT_PHOTO_ERROR_STORED;
  else
    {
      report->kind = REPORT_WRITE_FAILED;
      report->message = g_strdup_printf (_("The photo’s error could not be saved: %s"),
                                         error->message);
    }
  post_report (self, report);
}

/* Writer thread main: opens its own connection and runs operations until OP_STOP. */
static gpointer
writer_main (gpointer data)
{
  DrSession *self = data;
  g_autoptr (GError) open_error = NULL;
  g_autoptr (DrProject) project = dr_project_open (self->path, DR_PROJECT_OPEN_EXISTING,
                                                   &open_error);
  for (;;)
    {
      Op *op = g_async_queue_pop (self->ops);
      OpKind kind = op->kind;
      if (kind != OP_STOP && project == NULL)
        {
          Report *report = g_new0 (Report, 1);
          report->kind = kind == OP_IMPORT ? REPORT_IMPORTED : REPORT_WRITE_FAILED;
          report->message = g_strdup (open_error->message);
          post_report (self, report);
        }
      else if (kind == OP_IMPORT)
        run_import (self, project, op);
      else if (kind == OP_PREDICTIONS)
        run_predictions (self, project, op);
      else if (kind == OP_PHOTO_ERROR)
        run_photo_error (self, project, op);
      op_free (op);
      if (kind == OP_STOP)
        break;
    }
  return NULL;
}

/* ---- object ----------------------------------------------------------------------- */

static void
dr_session_dispose (GObject *object)
{
  DrSession *self = DR_SESSION (object);
  adopt_stop (self);
  if (self->writer != NULL)
    {
      dr_session_flush (self);
      if (self->import_cancellable)
        g_cancellable_cancel (self->import_cancellable);
      Op *stop = g_new0 (Op, 1);
      stop->kind = OP_STOP;
      g_async_queue_push (self->ops, stop);
      g_thread_join (self->writer);
      self->writer = NULL;
    }
  G_OBJECT_CLASS (dr_session_parent_class)->dispose (object);
}

static void
dr_session_finalize (GObject *object)
{
  DrSession *self = DR_SESSION (object);
  g_clear_pointer (&self->ops, g_async_queue_unref);
  g_clear_pointer (&self->pending_rows, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->items);
  g_clear_object (&self->project);
  g_clear_object (&self->import_cancellable);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->path);
  g_free (self->login);
  G_OBJECT_CLASS (dr_session_parent_class)->finalize (object);
}

static void
dr_session_class_init (DrSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = dr_session_dispose;
  object_class->finalize = dr_session_finalize;

  signals[SIGNAL_IMPORT_PROGRESS] =
    g_signal_new ("import-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_IMPORT_FINISHED] =
    g_signal_new ("import-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_STRING);
  signals[SIGNAL_WRITE_FAILED] =
    g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_PHOTO_ERROR_STORED] =
    g_signal_new ("photo-error-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
dr_session_init (DrSession *self)
{
  self->items = g_list_store_new (DR_TYPE_PHOTO_ITEM);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->ops = g_async_queue_new_full ((GDestroyNotify) op_free);
  self->pending_rows = g_ptr_array_new_with_free_func (prediction_row_free);
  self->main_context = g_main_context_ref_thread_default ();
}

/* A session on project (the calling thread's connection) showing infos, at once or (with
 * @chunked) adopted in chunks from the main loop; starts its writer. */
static DrSession *
session_new (DrProject *project, GPtrArray *infos, gboolean chunked)
{
  DrSession *self = g_object_new (DR_TYPE_SESSION, NULL);
  self->path = g_strdup (dr_project_get_path (project));
  self->project = g_object_ref (project);
  if (chunked)
    adopt_start (self, infos);
  else
    apply_infos (self, infos);
  self->writer = g_thread_new ("dr-writer", writer_main, self);
  return self;
}

/* See header. */
DrSession *
dr_session_open (const char *path, gboolean create, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (DrProject) project = dr_project_open (path, create ? DR_PROJECT_OPEN_CREATE
                                                                : DR_PROJECT_OPEN_EXISTING,
                                                   error);
  if (project == NULL)
    return NULL;
  g_autoptr (GPtrArray) infos = dr_photo_list (project, error);
  return infos ? session_new (project, infos, FALSE) : NULL;
}

/* What the opening worker found: the photos, and a team project's login role. */
typedef struct {
  GPtrArray *infos;
  char *login;
  gint64 team_id;
} Opened;

static void
opened_free (gpointer data)
{
  Opened *opened = data;
  g_clear_pointer (&opened->infos, g_ptr_array_unref);
  g_free (opened->login);
  g_free (opened);
}

/* Worker: checks the file by opening it, and lists its photos; the connection closes here. */
static void
open_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autofree char *login = NULL;
  gint64 team_id = 0;
  /* A team project: its keyring password found, and a failure said in one translated line. */
  if (dr_pg_is_conninfo (data)
      && !dr_team_login_check (data, cancellable, &login, &team_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_autoptr (DrProject) project = dr_project_open (data, DR_PROJECT_OPEN_EXISTING, &error);
  GPtrArray *infos = project ? dr_photo_list (project, &error) : NULL;
  if (infos == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  Opened *opened = g_new0 (Opened, 1);
  opened->infos = infos;
  opened->login = g_steal_pointer (&login);
  opened->team_id = team_id;
  g_task_return_pointer (task, opened, opened_free);
}

/* The state of dr_session_open_async (its task's data). */
typedef struct {
  char *path;
  Opened *opened;          /* what the worker found, once it finished */
} OpenState;

static void
open_state_free (gpointer data)
{
  OpenState *state = data;
  g_free (state->path);
  g_clear_pointer (&state->opened, opened_free);
  g_free (state);
}

/* The session's own connection is made (on this thread, without blocking it): the session
 * starts with the worker's list. */
static void
on_project_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  OpenState *state = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (DrProject) project = dr_project_open_finish (result, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  DrSession *session = session_new (project, state->opened->infos, TRUE);
  session->login = g_steal_pointer (&state->opened->login);
  session->team_id = state->opened->team_id;
  g_task_return_pointer (task, session, g_object_unref);
}

/* The worker checked the project and read its list: the session's connection opens next, on
 * the caller's thread (dr_project_open_async: a server is connected to without blocking). */
static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  OpenState *state = g_task_get_task_data (task);
  GError *error = NULL;
  state->opened = g_task_propagate_pointer (G_TASK (result), &error);
  if (state->opened == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  GCancellable *cancellable = g_task_get_cancellable (task);
  dr_project_open_async (state->path, DR_PROJECT_OPEN_EXISTING | DR_PROJECT_OPEN_CHECKED,
                         cancellable, on_project_opened, g_steal_pointer (&task));
}

/* See header. */
void
dr_session_open_async (const char *path, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (path != NULL);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_session_open_async);
  OpenState *state = g_new0 (OpenState, 1);
  state->path = g_strdup (path);
  g_task_set_task_data (task, state, open_state_free);
  g_autoptr (GTask) check = g_task_new (NULL, cancellable, on_checked, task);
  g_task_set_task_data (check, g_strdup (path), g_free);
  g_task_run_in_thread (check, open_thread);
}

/* See header. */
DrSession *
dr_session_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* See header. */
char *
dr_session_path_for_folder (const char *folder)
{
  g_autofree char *abs = g_canonicalize_filename (folder, NULL);
  g_autofree char *base = g_path_get_basename (abs);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, abs, -1);
  g_autofree char *name = g_strdup_printf ("%s-%.8s%s", base, hash, DR_PROJECT_EXTENSION);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "damage-review", "projects",
                                           NULL);
  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, name, NULL);
}

/* See header. */
const char *
dr_session_get_path (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  return self->path;
}

/* See header. */
char *
dr_session_dup_title (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  /* A team project: "database@server", never the connection string (or a password in it). */
  if (dr_pg_is_conninfo (self->path))
    return dr_pg_location_describe (self->path);
  g_autofree char *base = g_path_get_basename (self->path);
  if (g_str_has_suffix (base, DR_PROJECT_EXTENSION))
    base[strlen (base) - strlen (DR_PROJECT_EXTENSION)] = '\0';
  /* A folder's own project is titled after the folder, without the path hash. */
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *projects = g_build_filename (g_get_user_data_dir (), "damage-review",
                                                "projects", NULL);
  gsize len = strlen (base);
  if (g_strcmp0 (dir, projects) == 0 && len > 9 && base[len - 9] == '-')
    base[len - 9] = '\0';
  return g_filename_display_name (base);
}

/* See header. */
const char *
dr_session_get_login (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  return self->login;
}

/* See header. */
gint64
dr_session_get_team_id (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), 0);
  return self->team_id;
}

/* See header. */
void
dr_session_apply (DrSession *self, GPtrArray *infos)
{
  g_return_if_fail (DR_IS_SESSION (self) && infos != NULL);
  apply_infos (self, infos);
}

/* See header. */
gboolean
dr_session_is_team (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), FALSE);
  return dr_pg_is_conninfo (self->path);
}

/* The main-thread connection (for reads on the main thread only). */
DrProject *
dr_session_get_project (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  return self->project;
}

/* See header. */
GListModel *
dr_session_get_items (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->items);
}

/* See header. */
DrPhotoItem *
dr_session_find_item (DrSession *self, gint64 photo_id)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  return g_hash_table_lookup (self->by_id, &photo_id);
}

/* See header. Linear: used once per command-line photo, not per frame. */
DrPhotoItem *
dr_session_find_path (DrSession *self, const char *path)
{
  g_return_val_if_fail (DR_IS_SESSION (self), NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if (g_strcmp0 (dr_photo_item_get_path (item), path) == 0)
        return item;
    }
  return NULL;
}

/* See header. */
void
dr_session_import (DrSession *self, GFile **files, guint n_files)
{
  g_return_if_fail (DR_IS_SESSION (self));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  if (self->import_cancellable == NULL || g_cancellable_is_cancelled (self->import_cancellable))
    {
      g_clear_object (&self->import_cancellable);
      self->import_cancellable = g_cancellable_new ();
    }
  Op *op = g_new0 (Op, 1);
  op->kind = OP_IMPORT;
  op->paths = g_strv_builder_end (builder);
  op->cancellable = g_object_ref (self->import_cancellable);
  self->imports_running++;
  g_async_queue_push (self->ops, op);
}

/* See header. */
void
dr_session_cancel_import (DrSession *self)
{
  g_return_if_fail (DR_IS_SESSION (self));
  if (self->import_cancellable)
    g_cancellable_cancel (self->import_cancellable);
}

/* See header. */
gboolean
dr_session_is_importing (DrSession *self)
{
  g_return_val_if_fail (DR_IS_SESSION (self), FALSE);
  return self->imports_running > 0;
}

/* Writer thread: records the queue's models (data) as current, through the writer's
 * connection. The queue's strings are immutable while it exists; the caller waits. */
static gboolean
register_models_write (DrProject *project, gpointer data, GError **error)
{
  DrInferenceQueue *queue = data;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      const char *sha = dr_inference_queue_get_sha256 (queue, d);
      if (sha == NULL)
        continue;
      const char *path = dr_inference_queue_get_path (queue, d);
      g_autofree char *name = g_path_get_basename (path);
      if (!dr_prediction_set_current_model (project, d, sha, path, name, error))
        return FALSE;
    }
  return TRUE;
}

/* See header. */
gboolean
dr_session_register_models (DrSession *self, DrInferenceQueue *queue, DrEditWriter *writer,
                            GError **error)
{
  g_return_val_if_fail (DR_IS_SESSION (self) && DR_IS_INFERENCE_QUEUE (queue), FALSE);
  g_return_val_if_fail (DR_IS_EDIT_WRITER (writer), FALSE);
  if (!dr_edit_writer_run (writer, self->project, register_models_write, queue, error))
    return FALSE;
  return dr_session_reload (self, error);
}

/* See header. */
void
dr_session_store_result (DrSession *self, const DrInferenceResult *result)
{
  g_return_if_fail (DR_IS_SESSION (self) && result != NULL && result->rle != NULL);
  PredictionRow *row = g_new0 (PredictionRow, 1);
  row->photo_id = result->photo_id;
  row->damage = result->damage;
  row->sha256 = g_strdup (result->model_sha256);
  row->rle = g_strdup (result->rle);
  row->confidence = result->confidence;
  g_ptr_array_add (self->pending_rows, row);
}

/* See header. */
void
dr_session_flush (DrSession *self)
{
  g_return_if_fail (DR_IS_SESSION (self));
  if (self->pending_rows->len == 0)
    return;
  Op *op = g_new0 (Op, 1);
  op->kind = OP_PREDICTIONS;
  op->rows = g_steal_pointer (&self->pending_rows);
  self->pending_rows = g_ptr_array_new_with_free_func (prediction_row_free);
  g_async_queue_push (self->ops, op);
}

/* See header. */
void
dr_session_store_photo_error (DrSession *self, gint64 photo_id, const char *message)
{
  g_return_if_fail (DR_IS_SESSION (self) && message != NULL);
  DrPhotoItem *item = dr_session_find_item (self, photo_id);
  if (item == NULL)
    return;
  dr_photo_item_set_error (item, message);
  Op *op = g_new0 (Op, 1);
  op->kind = OP_PHOTO_ERROR;
  op->photo_id = photo_id;
  op->message = g_strdup (message);
  g_async_queue_push (self->ops, op);
}

/* ---- overlays --------------------------------------------------------------------- */

typedef struct {
  int width, height;
  char *rle[DR_N_DAMAGE_TYPES];
  const DrOverlayFactory *factory;
} OverlayJob;

static void
overlay_job_free (gpointer data)
{
  OverlayJob *job = data;
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    g_free (job->rle[d]);
  g_free (job);
}

/* Worker thread: decodes each layer's RLE and has the factory build its overlay. */
static void
load_overlays_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  OverlayJob *job = data;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (job->factory->free);
  g_autofree guint8 *mask = g_try_malloc ((gsize) job->width * job->height);
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      gpointer overlay = NULL;
      if (job->rle[d] != NULL && mask != NULL && !g_cancellable_is_cancelled (cancellable))
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (DrRle) rle = dr_rle_new_from_string (job->rle[d], job->height, job->width,
                                                          &error);
          if (rle == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          dr_rle_to_mask (rle, mask);
          overlay = job->factory->build (mask, job->width, job->height, d);
        }
      g_ptr_array_add (out, overlay);
    }
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

/* See header. The layer RLEs are read here, on the main thread (a few indexed lookups). */
void
dr_session_load_overlays_async (DrSession *self, DrPhotoItem *item,
                                const DrOverlayFactory *factory, DrLayerCache *cache,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (DR_IS_SESSION (self) && DR_IS_PHOTO_ITEM (item) && factory != NULL);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_session_load_overlays_async);
  OverlayJob *job = g_new0 (OverlayJob, 1);
  job->factory = factory;
  dr_photo_item_get_size (item, &job->width, &job->height);
  g_task_set_task_data (task, job, overlay_job_free);
  if (job->width <= 0 || job->height <= 0)
    {
      g_task_return_new_error (task, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND,
                               _("%s: the photo's size is unknown"),
                               dr_photo_item_get_name (item));
      return;
    }
  gint64 id = dr_photo_item_get_id (item);
  /* A project file never goes away: the extra head read per layer is for team projects only. */
  if (!dr_session_is_team (self))
    cache = NULL;
  if (cache != NULL)
    dr_layer_cache_follow (cache, dr_project_get_path (self->project));
  for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
    {
      g_autoptr (GError) error = NULL;
      DrHeadSeen seen = { 0 };
      if (cache == NULL || dr_revision_read_head (self->project, id, d, &seen, &error))
        job->rle[d] = dr_revision_dup_layer_rle (self->project, id, d, &error);
      if (error == NULL && cache != NULL)
        dr_layer_cache_put_layer (cache, id, d, job->rle[d], &seen);
      /* The server cannot be reached: the layer as last read, if it was. */
      if (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO) && cache != NULL
          && dr_layer_cache_get_layer (cache, id, d, &job->rle[d], &seen))
        g_clear_error (&error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_run_in_thread (task, load_overlays_thread);
}

/* See header. */
GPtrArray *
dr_session_load_overlays_finish (DrSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
