/* dr-cli-worker.c — `damage-review worker URI`: a stateless analysis worker for a team project.
 *
 * The worker needs only the connection string. It reads the team's model set (dr.models
 * WHERE current), takes each checkpoint either from --models DIR (refusing a file whose
 * SHA-256 differs from the project's) or from the project itself (fetched once into
 * $XDG_CACHE_HOME/damage-review/team-models/SHA256/, verified), then loops:
 *
 *   rescue expired leases → claim a batch (SKIP LOCKED) → fetch the photos → run the engine
 *   pool (the same one as `analyse`: decode once, every model the photo needs) → store each
 *   prediction idempotently and delete its job, or record the failure (retry with backoff,
 *   failed after the last attempt) → … ; with nothing ready, sleep until NOTIFY or the poll
 *   interval.
 *
 * A second thread with its own connection extends the leases of everything the worker holds
 * every lease/3 seconds, so a batch may take longer than one lease. SIGTERM or SIGINT stops
 * cleanly: the engines stop between layers, results already computed are stored, every job
 * still held is given back (its attempt uncounted). SIGKILL loses nothing either: the
 * leases expire and any worker rescues the jobs. Exit 0 after a clean stop or an empty queue
 * with --until-empty, 1 when the server fails, 2 for bad usage or models that do not match. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dr-analyse-pool.h"
#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-pg-team.h"
#include "dr-model-set.h"
#include "dr-pg-conn.h"
#include "dr-pg-jobs.h"
#include "dr-pg-model-set.h"
#include "dr-pg-photo-cache.h"
#include "dr-pg-push.h"
#include "dr-rle.h"

#define MAX_THREADS 256
#define MAX_BATCH 1024

static atomic_int stop_requested;  /* SIGTERM/SIGINT: stop claiming, abort the engines */

/* SIGTERM/SIGINT handler: only sets the flag (async-signal-safe). */
static void
on_stop_signal (int signum)
{
  atomic_store (&stop_requested, 1);
}

typedef struct {
  char *uri;
  gint64 team;
  char *worker;
  int lease_seconds;
  atomic_int quit;        /* main thread → heartbeat thread */
  GMutex lock;
  GCond wake;
} Heartbeat;

/* The heartbeat thread: its own connection (the thread rule), one heartbeat every lease/3 s
 * until told to quit. A failed beat is logged once and retried; the main thread goes on. */
static gpointer
heartbeat_main (gpointer data)
{
  Heartbeat *hb = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (hb->uri, DR_PG_OPEN_DEFAULT, &error);
  gint64 period = (gint64) hb->lease_seconds * G_USEC_PER_SEC / 3;
  g_mutex_lock (&hb->lock);
  while (!atomic_load (&hb->quit))
    {
      g_cond_wait_until (&hb->wake, &hb->lock, g_get_monotonic_time () + period);
      if (atomic_load (&hb->quit))
        break;
      g_mutex_unlock (&hb->lock);
      g_clear_error (&error);
      if (conn == NULL)
        conn = dr_pg_conn_open (hb->uri, DR_PG_OPEN_DEFAULT, &error);
      if (conn != NULL
          && !dr_pg_jobs_heartbeat (conn, hb->team, hb->worker, hb->lease_seconds, NULL, &error))
        g_clear_pointer (&conn, dr_pg_conn_free); /* reconnect next time */
      if (error != NULL)
        fprintf (stderr, "%s\n", error->message);
      g_mutex_lock (&hb->lock);
    }
  g_mutex_unlock (&hb->lock);
  return NULL;
}

/* File name a checkpoint is stored under in the fetch cache: the damage type's original
 * name, with the registered file's extension (.pt or .safetensors). */
static const char *
cache_file_name (const DrPgModel *m)
{
  const char *const *names = dr_damage_get_file_names ((DrDamage) m->damage);
  gboolean safetensors = g_str_has_suffix (m->path, ".safetensors");
  for (const char *const *n = names; *n != NULL; n++)
    if (g_str_has_suffix (*n, ".safetensors") == safetensors)
      return *n;
  return names[0];
}

/* Frees the model digests and sets them to NULL. */
static void
clear_digests (char *sha[DR_N_DAMAGE])
{
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_clear_pointer (&sha[d], g_free);
}

/* Makes the fetch cache folder @dir hold every checkpoint of @set with the project's SHA-256:
 * each one missing there (or different) is fetched and verified. FALSE with error when the
 * server or the disk fails. */
static gboolean
fill_cache (DrPgConn *conn, gint64 team, GPtrArray *set, const char *dir, GError **error)
{
  g_autoptr (DrModelSet) cached = dr_model_set_locate (dir);
  for (guint i = 0; i < set->len; i++)
    {
      DrPgModel *m = set->pdata[i];
      if (!DR_DAMAGE_IS_VALID (m->damage))
        continue;
      const char *found = dr_model_set_identify (cached, (DrDamage) m->damage, NULL);
      if (found != NULL && strcmp (found, m->sha256) == 0)
        continue;
      g_autofree char *dest = g_build_filename (dir, cache_file_name (m), NULL);
      if (!dr_pg_model_set_fetch (conn, team, m->sha256, dest, error))
        return FALSE;
    }
  return TRUE;
}

/* Loads the team's model set: from @models_dir when given (every file must have the
 * project's SHA-256), else from the project through the local fetch cache. On success fills
 * sha[d] (NULL for damage types the team does not analyse); on failure leaves sha[] all NULL
 * and returns NULL with error; *usage is set when the cause is the models (exit 2) rather
 * than the server. */
static DrModelSet *
prepare_models (DrPgConn *conn, gint64 team, const char *models_dir, char *sha[DR_N_DAMAGE],
                gboolean *usage, GError **error)
{
  *usage = FALSE;
  g_autoptr (GPtrArray) set = dr_pg_model_set_list (conn, team, error);
  if (set == NULL)
    return NULL;
  if (set->len == 0)
    {
      *usage = TRUE;
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                   _("%s: the team has no model set yet; a lead registers one with "
                     "“damage-review analyse URI --models DIR”"), dr_pg_conn_get_server (conn));
      return NULL;
    }
  g_autofree char *dir = g_strdup (models_dir);
  if (dir == NULL)
    {
      /* One folder per model set, named by the digests, holding the original file names. */
      g_autoptr (GChecksum) key = g_checksum_new (G_CHECKSUM_SHA256);
      for (guint i = 0; i < set->len; i++)
        g_checksum_update (key, (const guchar *) ((DrPgModel *) set->pdata[i])->sha256, 64);
      dir = g_build_filename (g_get_user_cache_dir (), PACKAGE_NAME, "team-models",
                              g_checksum_get_string (key), NULL);
      if (!fill_cache (conn, team, set, dir, error))
        return NULL;
    }
  *usage = TRUE;
  g_autoptr (DrModelSet) models = dr_model_set_locate (dir);
  for (guint i = 0; i < set->len; i++)
    {
      DrPgModel *m = set->pdata[i];
      if (!DR_DAMAGE_IS_VALID (m->damage))
        continue;
      DrDamage d = (DrDamage) m->damage;
      const char *found = dr_model_set_identify (models, d, error);
      if (found == NULL)
        return NULL;
      if (strcmp (found, m->sha256) != 0)
        {
          g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                       _("%s: SHA-256 %s differs from the team project’s %s model (%s); "
                         "refusing to analyse with it"),
                       dr_model_set_get_path (models, d), found, dr_damage_get_model_name (d),
                       m->sha256);
          return NULL;
        }
      if (!dr_model_set_load (models, d, error))
        return NULL;
      if (strcmp (dr_model_set_get_sha256 (models, d), m->sha256) != 0)
        {
          g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                       _("%s: changed while it was loaded; try again"),
                       dr_model_set_get_path (models, d));
          return NULL;
        }
    }
  for (guint i = 0; i < set->len; i++)
    {
      DrPgModel *m = set->pdata[i];
      if (DR_DAMAGE_IS_VALID (m->damage))
        {
          /* a damage the server lists twice keeps its last row */
          g_free (sha[m->damage]);
          sha[m->damage] = g_strdup (m->sha256);
        }
    }
  *usage = FALSE;
  return g_steal_pointer (&models);
}

/* The claimed jobs of one batch, grouped by photo for the engine pool. */
typedef struct {
  GPtrArray *jobs;        /* DrPgJob*, sorted by photo then damage */
  GPtrArray *photos;      /* DrAnalyseJob*, one per photo with a downloaded file */
  GArray *first_job;      /* guint: index into jobs of each photo's first job */
  GArray *settled;        /* gboolean per job: stored or failed (not to be released) */
  char *tmpdir;
} Batch;

/* Removes the downloaded photos and frees everything. */
static void
batch_free (Batch *b)
{
  for (guint i = 0; b->photos && i < b->photos->len; i++)
    g_unlink (((DrAnalyseJob *) b->photos->pdata[i])->path);
  if (b->tmpdir != NULL)
    g_rmdir (b->tmpdir);
  g_free (b->tmpdir);
  g_clear_pointer (&b->jobs, g_ptr_array_unref);
  g_clear_pointer (&b->photos, g_ptr_array_unref);
  g_clear_pointer (&b->first_job, g_array_unref);
  g_clear_pointer (&b->settled, g_array_unref);
}

typedef struct {
  DrPgConn *conn;
  gint64 team;
  const char *worker;
  double retry_delay;
  guint64 stored;
  guint64 failed;
} Context;

/* One line for last_error: the temporary file's path replaced by the photo's name. */
static char *
photo_message (const char *message, const char *tmp_path, const char *name)
{
  if (g_str_has_prefix (message, tmp_path))
    return g_strconcat (name, message + strlen (tmp_path), NULL);
  return g_strdup (message);
}

/* Records the failure of job i (unless settled), printing it; FALSE when the server failed. */
static gboolean
fail_job (Context *c, Batch *b, guint i, const char *message, GError **error)
{
  if (g_array_index (b->settled, gboolean, i))
    return TRUE;
  DrPgJob *job = b->jobs->pdata[i];
  fprintf (stderr, "%s\n", message);
  g_array_index (b->settled, gboolean, i) = TRUE;
  c->failed++;
  return dr_pg_jobs_fail (c->conn, c->team, c->worker, job, message, c->retry_delay, error);
}

/* Downloads each photo of the batch into a private folder and builds the pool's jobs; a
 * photo that cannot be fetched fails its jobs. FALSE only when the server failed. */
static gboolean
batch_fetch (Context *c, Batch *b, GError **error)
{
  b->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_analyse_job_free);
  b->first_job = g_array_new (FALSE, FALSE, sizeof (guint));
  b->settled = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), b->jobs->len);
  g_array_set_size (b->settled, b->jobs->len);
  b->tmpdir = g_dir_make_tmp ("dr-worker-XXXXXX", error);
  if (b->tmpdir == NULL)
    return FALSE;
  for (guint i = 0; i < b->jobs->len;)
    {
      DrPgJob *job = b->jobs->pdata[i];
      guint end = i;
      guint8 todo = 0;
      while (end < b->jobs->len && ((DrPgJob *) b->jobs->pdata[end])->photo_id == job->photo_id)
        todo |= 1u << ((DrPgJob *) b->jobs->pdata[end++])->damage;
      g_autoptr (GError) local = NULL;
      gsize len = 0;
      g_autofree guint8 *bytes = job->photo_sha256 == NULL ? NULL
        : dr_pg_photo_fetch (c->conn, c->team, job->photo_sha256, DR_PG_MAX_PHOTO_BYTES, &len,
                             &local);
      g_autofree char *base = g_path_get_basename (job->photo_name);
      g_strdelimit (base, "/\\", '_');
      g_autofree char *file = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", job->photo_id, base);
      g_autofree char *path = g_build_filename (b->tmpdir, file, NULL);
      if (bytes != NULL && !g_file_set_contents (path, (const char *) bytes, (gssize) len, &local))
        g_clear_pointer (&bytes, g_free);
      if (bytes == NULL)
        {
          if (local != NULL && local->domain == DR_PG_ERROR
              && local->code == DR_PG_ERROR_UNREACHABLE)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_autofree char *message = g_strdup_printf (
            "%s: %s", job->photo_name, local ? local->message : _("the photo has no stored bytes"));
          for (guint k = i; k < end; k++)
            if (!fail_job (c, b, k, message, error))
              return FALSE;
          i = end;
          continue;
        }
      DrAnalyseJob *pj = g_new0 (DrAnalyseJob, 1);
      pj->photo_id = job->photo_id;
      pj->path = g_steal_pointer (&path);
      pj->todo = todo;
      g_ptr_array_add (b->photos, pj);
      g_array_append_val (b->first_job, i);
      i = end;
    }
  return TRUE;
}

/* Stores one engine result (or records its failure). FALSE only when the server failed. */
static gboolean
batch_settle (Context *c, Batch *b, const DrAnalyseResult *r, GError **error)
{
  DrAnalyseJob *pj = b->photos->pdata[r->job];
  guint first = g_array_index (b->first_job, guint, r->job);
  for (guint i = first; i < b->jobs->len; i++)
    {
      DrPgJob *job = b->jobs->pdata[i];
      if (job->photo_id != pj->photo_id)
        break;
      if (r->damage >= 0 && job->damage != r->damage)
        continue;
      if (r->error != NULL)
        {
          g_autofree char *message = photo_message (r->error, pj->path, job->photo_name);
          if (!fail_job (c, b, i, message, error))
            return FALSE;
          continue;
        }
      /* The mask must have the photo's stored size; its area is counted from the RLE. */
      g_autoptr (GError) local = NULL;
      g_autoptr (DrRle) rle = dr_rle_new_from_string (r->rle, (guint) job->height,
                                                      (guint) job->width, &local);
      if (rle == NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", job->photo_name, local->message);
          if (!fail_job (c, b, i, message, error))
            return FALSE;
          continue;
        }
      if (!dr_pg_jobs_complete (c->conn, c->team, c->worker, job, r->rle,
                                (gint64) dr_rle_get_area (rle), r->confidence, error))
        return FALSE;
      g_array_index (b->settled, gboolean, i) = TRUE;
      c->stored++;
    }
  return TRUE;
}

/* Runs one claimed batch through the engine pool and settles every result. FALSE when the
 * server failed (the caller releases what is left). */
static gboolean
run_batch (Context *c, Batch *b, DrModelSet *models, guint threads, GError **error)
{
  if (!batch_fetch (c, b, error))
    return FALSE;
  if (b->photos->len == 0)
    return TRUE;
  gboolean ok = TRUE;
  DrAnalysePool *pool = dr_analyse_pool_start (models, b->photos, MIN (threads, b->photos->len),
                                               &stop_requested);
  DrAnalyseResult *r;
  while ((r = dr_analyse_pool_pop (pool)) != NULL)
    {
      g_autoptr (DrAnalyseResult) result = r;
      if (ok && !batch_settle (c, b, result, error))
        {
          ok = FALSE;
          atomic_store (&stop_requested, 1);
        }
    }
  dr_analyse_pool_free (pool);
  return ok;
}

/* The worker's default name: host and process id, unique among live workers. */
static char *
default_worker_name (void)
{
  return g_strdup_printf ("%s:%d", g_get_host_name (), (int) getpid ());
}

/* Claims, runs and settles batches until stopped (or the queue is empty with until_empty).
 * Returns the exit code. */
static int
work (Context *c, DrModelSet *models, char *sha[DR_N_DAMAGE], guint threads, int batch_size,
      int lease_seconds, int poll_seconds, gboolean until_empty)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) loaded = g_string_new ("{");
  for (int d = 0; d < DR_N_DAMAGE; d++)
    if (sha[d] != NULL)
      g_string_append_printf (loaded, "%s%s", loaded->len > 1 ? "," : "", sha[d]);
  g_string_append_c (loaded, '}');
  g_autofree char *channel = dr_pg_jobs_channel (c->conn, c->team, &error);
  if (channel == NULL || !dr_pg_jobs_listen (c->conn, channel, &error))
    return dr_cli_fail (error);
  while (!atomic_load (&stop_requested))
    {
      gint64 rescued = 0;
      if (!dr_pg_jobs_rescue (c->conn, c->team, &rescued, &error))
        break;
      g_autoptr (GPtrArray) jobs = dr_pg_jobs_claim (c->conn, c->team, c->worker, loaded->str,
                                                     batch_size, lease_seconds, &error);
      if (jobs == NULL)
        break;
      if (jobs->len > 0)
        {
          Batch b = { .jobs = g_steal_pointer (&jobs) };
          gboolean ok = run_batch (c, &b, models, threads, &error);
          batch_free (&b);
          if (!ok)
            break;
          continue;
        }
      if (until_empty)
        {
          DrPgQueueCounts counts;
          if (!dr_pg_jobs_count (c->conn, c->team, &counts, &error))
            break;
          if (counts.queued == 0 && counts.running == 0)
            break;
        }
      /* Nothing ready: sleep until a NOTIFY or the poll interval (waiting leases and backoffs
       * are picked up by the next round). Waking once a second keeps SIGTERM prompt. */
      for (int s = 0; s < poll_seconds && !atomic_load (&stop_requested); s++)
        if (dr_pg_jobs_wait (c->conn, 1000, &error) || error != NULL)
          break;
      if (error != NULL)
        break;
    }
  gint64 released = 0;
  g_autoptr (GError) release_error = NULL;
  if (!dr_pg_jobs_release (c->conn, c->team, c->worker, &released, &release_error))
    fprintf (stderr, "%s\n", release_error->message);
  /* TRANSLATORS: summary of `damage-review worker` */
  printf (_("%s: %llu predictions stored, %llu failed, %lld jobs given back\n"), c->worker,
          (unsigned long long) c->stored, (unsigned long long) c->failed, (long long) released);
  if (error != NULL)
    return dr_cli_fail (error);
  return DR_EXIT_OK;
}

/* Parses options, connects, prepares the models, registers the worker and works. */
int
dr_cli_worker (int argc, char **argv)
{
  g_autofree char *models_dir = NULL, *team_name = NULL, *name = NULL;
  int n_threads = 0, batch_size = 0, lease_seconds = 60, poll_seconds = 10;
  double retry_delay = 10;
  gboolean until_empty = FALSE;
  const GOptionEntry entries[] = {
    { "team", 0, 0, G_OPTION_ARG_STRING, &team_name,
      N_("Work for team NAME (needed when the login is in several)"), N_("NAME") },
    { "models", 'm', 0, G_OPTION_ARG_FILENAME, &models_dir,
      N_("Read the checkpoints from DIR instead of the project (each must match its SHA-256)"),
      N_("DIR") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &n_threads,
      N_("Number of engine threads (default: number of cores)"), N_("N") },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch_size,
      N_("Jobs (photo × model) claimed at a time (default: 4 per thread)"), N_("N") },
    { "until-empty", 0, 0, G_OPTION_ARG_NONE, &until_empty,
      N_("Exit once nothing is queued or running"), NULL },
    { "lease", 0, 0, G_OPTION_ARG_INT, &lease_seconds,
      N_("Lease length in seconds, renewed every third of it (default 60)"), N_("SECONDS") },
    { "retry-delay", 0, 0, G_OPTION_ARG_DOUBLE, &retry_delay,
      N_("First retry delay of a failed job, doubled per attempt (default 10)"), N_("SECONDS") },
    { "poll", 0, 0, G_OPTION_ARG_INT, &poll_seconds,
      N_("Look for work at least this often without a notification (default 10)"),
      N_("SECONDS") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Worker name shown by status (default: HOST:PID)"), N_("NAME") },
    { NULL },
  };
  if (!dr_cli_parse_options ("worker", _("URI"),
                             _("Analyse a team project’s queued photos until stopped; run as "
                               "many as you like, anywhere."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2 || !dr_pg_is_conninfo (argv[1]) || n_threads < 0 || n_threads > MAX_THREADS
      || batch_size < 0 || batch_size > MAX_BATCH || lease_seconds < 3 || poll_seconds < 1
      || !(retry_delay >= 0))
    return dr_cli_usage_error ("worker",
                               _("expected one connection URI (postgresql://… or service=NAME), "
                                 "at most 256 threads, a batch of at most 1024, a lease of at "
                                 "least 3 s"));
  guint threads = n_threads > 0 ? (guint) n_threads : g_get_num_processors ();
  if (batch_size == 0)
    batch_size = (int) MIN (MAX_BATCH, 4 * threads);

  g_autoptr (DrPgConn) conn = dr_pg_conn_open (argv[1], DR_PG_OPEN_DEFAULT, &error);
  gint64 team = conn == NULL ? 0 : dr_pg_team_resolve (conn, team_name, &error);
  if (team == 0)
    return dr_cli_fail (error);
  char *sha[DR_N_DAMAGE] = { NULL };
  gboolean usage = FALSE;
  g_autoptr (DrModelSet) models = prepare_models (conn, team, models_dir, sha, &usage, &error);
  if (models == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return usage ? DR_EXIT_USAGE : DR_EXIT_FAILED;
    }
  g_autofree char *worker = name != NULL ? g_strdup (name) : default_worker_name ();
  if (!dr_pg_jobs_register_worker (conn, team, worker, (int) threads, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      clear_digests (sha);
      return DR_EXIT_FAILED;
    }

  struct sigaction action = { .sa_handler = on_stop_signal };
  sigemptyset (&action.sa_mask);
  struct sigaction old_term, old_int;
  sigaction (SIGTERM, &action, &old_term);
  sigaction (SIGINT, &action, &old_int);

  Heartbeat hb = { .uri = argv[1], .team = team, .worker = worker,
                   .lease_seconds = lease_seconds };
  g_mutex_init (&hb.lock);
  g_cond_init (&hb.wake);
  GThread *beat = g_thread_new ("dr-heartbeat", heartbeat_main, &hb);

  Context c = { .conn = conn, .team = team, .worker = worker, .retry_delay = retry_delay };
  int rc = work (&c, models, sha, threads, batch_size, lease_seconds, poll_seconds, until_empty);

  g_mutex_lock (&hb.lock);
  atomic_store (&hb.quit, 1);
  g_cond_signal (&hb.wake);
  g_mutex_unlock (&hb.lock);
  g_thread_join (beat);
  g_mutex_clear (&hb.lock);
  g_cond_clear (&hb.wake);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGINT, &old_int, NULL);
  clear_digests (sha);
  return rc;
}
