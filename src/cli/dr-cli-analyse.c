/* dr-cli-analyse.c — `damage-review analyse PROJECT [--models DIR] [--threads N]`: run every
 * available model on every photo of a project that still needs it, storing each result.
 *
 * Work already done is skipped: a photo is queued for a model only when the project has no
 * prediction from that exact model file (by SHA-256), so a changed model file re-queues
 * everything and an interrupted run continues where it stopped. Results are stored one per
 * transaction from this thread as they arrive. A photo that turns out not to decode (its
 * header passed at import, its data are damaged) is recorded with its error, counted as
 * failed, and skipped by later runs like any photo stored with an error. Ctrl-C stops the workers between network layers
 * and keeps everything stored so far (a second Ctrl-C ends the process at once, which is still
 * safe: every stored result is its own transaction). */
#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "dr-analyse-pool.h"
#include "dr-cli-analyse-team.h"
#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-cli-options.h"
#include "dr-pg-conn.h"
#include "dr-team-analysis.h"
#include "dr-photo.h"
#include "dr-prediction.h"

#define MAX_THREADS 256

static atomic_int interrupted;

/* SIGINT handler: only sets the flag (async-signal-safe); SA_RESETHAND makes a second Ctrl-C
 * terminate the process. */
static void
on_sigint (int signum)
{
  atomic_store (&interrupted, 1);
}

/* Digests every model file found (through the identity cache, without loading it) and
 * reports the missing or unreadable ones on stderr. Fills sha[d] (owned by models) and
 * returns the bit set of identified damage types. */
static guint8
identify_models (DrModelSet *models, const char *sha[DR_N_DAMAGE])
{
  guint8 found = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autoptr (GError) local = NULL;
      sha[d] = dr_model_set_identify (models, (DrDamage) d, &local);
      if (sha[d] == NULL)
        g_printerr (_("damage-review: skipping %s: %s\n"),
                    dr_damage_get_model_name ((DrDamage) d), local->message);
      else
        found |= 1u << d;
    }
  return found;
}

/* Loads the models in want, registers each loaded one as its damage type's current model
 * and reports the others on stderr; sha[d] becomes the loaded file's digest. Returns the bit
 * set of loaded damage types, or 0xff (with error) when the project could not be written. */
static guint8
load_models (DrModelSet *models, DrProject *project, guint8 want, const char *sha[DR_N_DAMAGE],
             GError **error)
{
  guint8 loaded = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (!(want & (1u << d)))
        continue;
      g_autoptr (GError) local = NULL;
      if (!dr_model_set_load (models, (DrDamage) d, &local))
        {
          g_printerr (_("damage-review: skipping %s: %s\n"),
                      dr_damage_get_model_name ((DrDamage) d), local->message);
          continue;
        }
      sha[d] = dr_model_set_get_sha256 (models, (DrDamage) d);
      if (!dr_prediction_set_current_model (project, (DrDamage) d, sha[d],
                                            dr_model_set_get_path (models, (DrDamage) d),
                                            dr_damage_get_model_name ((DrDamage) d), error))
        return 0xff;
      loaded |= 1u << d;
    }
  return loaded;
}

/* The damage types in found whose digest is already the project's current model: they
 * were loaded successfully by an earlier run, so when no photo needs them they need no
 * load now. 0xff with error when the project cannot be read. */
static guint8
already_current (DrProject *project, guint8 found, const char *sha[DR_N_DAMAGE],
                 GError **error)
{
  guint8 current = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (!(found & (1u << d)))
        continue;
      GError *local = NULL;
      g_autofree char *registered = dr_prediction_dup_current_model (project, (DrDamage) d,
                                                                     &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return 0xff;
        }
      if (g_strcmp0 (registered, sha[d]) == 0)
        current |= 1u << d;
    }
  return current;
}

/* One job per photo that at least one model in use has not analysed (by its digest
 * sha[d]), in listing order. */
static GPtrArray *
collect_jobs (DrProject *project, const char *sha[DR_N_DAMAGE], guint8 use, GError **error)
{
  /* photo id → bit set of the models it still needs */
  g_autoptr (GHashTable) need = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (!(use & (1u << d)))
        continue;
      g_autoptr (GArray) ids = dr_prediction_needs_analysis (project, (DrDamage) d, sha[d],
                                                             error);
      if (ids == NULL)
        return NULL;
      for (guint k = 0; k < ids->len; k++)
        {
          gint64 id = g_array_index (ids, gint64, k);
          guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (need, &id)) | (1u << d);
          /* An existing key keeps its entry; the new copy is freed by the table. */
          g_hash_table_insert (need, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (bits));
        }
    }
  GPtrArray *jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_analyse_job_free);
  /* Listing photos reads every layer's mask: not for a project with nothing to do. */
  if (g_hash_table_size (need) == 0)
    return jobs;
  g_autoptr (GPtrArray) photos = dr_photo_list (project, error);
  if (photos == NULL)
    {
      g_ptr_array_unref (jobs);
      return NULL;
    }
  for (guint i = 0; i < photos->len; i++)
    {
      DrPhotoInfo *info = photos->pdata[i];
      guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (need, &info->id));
      if (bits == 0)
        continue;
      DrAnalyseJob *job = g_new0 (DrAnalyseJob, 1);
      job->photo_id = info->id;
      job->path = g_strdup (info->path);
      job->todo = (guint8) bits;
      g_ptr_array_add (jobs, job);
    }
  return jobs;
}

/* The damage types some job still needs. */
static guint8
needed_models (GPtrArray *jobs)
{
  guint8 bits = 0;
  for (guint i = 0; i < jobs->len; i++)
    bits |= ((DrAnalyseJob *) jobs->pdata[i])->todo;
  return bits;
}

/* Number of set bits of a damage bit set. */
static guint
count_bits (guint8 bits)
{
  guint n = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    n += (bits >> d) & 1u;
  return n;
}

/* Redraws the one-line progress bar: done/total photos, elapsed-based estimate of what is left. */
static void
draw_progress (guint done, guint total, gint64 started)
{
  const int width = 30;
  int filled = total > 0 ? (int) ((guint64) done * width / total) : width;
  char bar[32];
  for (int i = 0; i < width; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[width] = '\0';
  fprintf (stderr, "\r\033[K[%s] %u/%u", bar, done, total);
  if (done > 0 && done < total)
    {
      double elapsed = (g_get_monotonic_time () - started) / 1e6;
      int left = (int) (elapsed / done * (total - done) + 0.5);
      /* TRANSLATORS: estimated time left, minutes:seconds */
      fprintf (stderr, _("  %d:%02d left"), left / 60, left % 60);
    }
  fflush (stderr);
}

/* Parses options, loads models, queues what is missing, runs the workers and stores results.
 * Exit codes: 0 everything analysed; 1 a photo or model failed, the project failed, or the run
 * was interrupted; 2 bad usage or no usable model. */
int
dr_cli_analyse (int argc, char **argv)
{
  g_autofree char *models_dir = NULL, *team = NULL;
  int n_threads = 0, max_attempts = DR_TEAM_ANALYSIS_MAX_ATTEMPTS;
  gboolean retry_failed = FALSE;
  const GOptionEntry entries[] = {
    { "team", 0, 0, G_OPTION_ARG_STRING, &team,
      N_("With a team project URI: the team (needed when the login is in several)"),
      N_("NAME") },
    { "max-attempts", 0, 0, G_OPTION_ARG_INT, &max_attempts,
      N_("With a team project URI: attempts before a job is marked failed (default 5)"),
      N_("N") },
    { "retry-failed", 0, 0, G_OPTION_ARG_NONE, &retry_failed,
      N_("With a team project URI: queue failed jobs again"), NULL },
    { "models", 'm', 0, G_OPTION_ARG_FILENAME, &models_dir,
      N_("Look for the model files in DIR first"), N_("DIR") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &n_threads,
      N_("Number of worker threads (default: number of cores)"), N_("N") },
    { NULL },
  };
  if (!dr_cli_parse_options ("analyse", _("PROJECT"),
                             _("Run every available model on the project’s photos that still "
                               "need it and store the results."),
                             entries, &argc, &argv))
    return DR_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  if (argc != 2 || n_threads < 0 || n_threads > MAX_THREADS)
    return dr_cli_usage_error ("analyse", _("expected one project (and at most 256 threads)"));

  /* A team project is analysed by its workers: here its missing jobs are only queued. */
  if (dr_pg_is_conninfo (argv[1]))
    {
      if (max_attempts < 1 || max_attempts > 1000)
        return dr_cli_usage_error ("analyse", _("--max-attempts must be 1 … 1000"));
      return dr_cli_analyse_team (argv[1], team, models_dir, max_attempts, retry_failed);
    }

  /* The printed time covers the whole run, model loading included. */
  gint64 run_started = g_get_monotonic_time ();
  g_autoptr (DrProject) project = dr_project_open (argv[1], DR_PROJECT_OPEN_EXISTING, &error);
  if (project == NULL)
    return dr_cli_fail (error);
  /* Nothing is loaded before the project says what is missing: a run with nothing left to
   * do only digests the model files, and the identity cache spares even that for files
   * unchanged since an earlier run. */
  g_autoptr (DrModelSet) models = dr_model_set_locate (models_dir);
  const char *sha[DR_N_DAMAGE] = { NULL };
  guint8 found = identify_models (models, sha);
  guint8 current = already_current (project, found, sha, &error);
  g_autoptr (GPtrArray) jobs = current == 0xff ? NULL : collect_jobs (project, sha, found, &error);
  if (jobs == NULL)
    return dr_cli_fail (error);
  guint8 want = needed_models (jobs) | (found & ~current);
  guint8 loaded = load_models (models, project, want, sha, &error);
  if (loaded == 0xff)
    return dr_cli_fail (error);
  if ((loaded | (found & current & ~want)) == 0)
    return dr_cli_usage_error ("analyse", _("no usable model"));
  if (want != 0)
    {
      /* Only the loaded models run, each by the digest of the bytes it was loaded from. */
      g_clear_pointer (&jobs, g_ptr_array_unref);
      jobs = collect_jobs (project, sha, loaded, &error);
      if (jobs == NULL)
        return dr_cli_fail (error);
    }

  guint threads = n_threads > 0 ? (guint) n_threads : g_get_num_processors ();
  gboolean tty = isatty (fileno (stderr));
  guint n_jobs = jobs->len;
  g_autofree guint *left = g_new0 (guint, MAX (n_jobs, 1)); /* results still due per photo */
  g_autofree gboolean *had_error = g_new0 (gboolean, MAX (n_jobs, 1)); /* per photo */
  for (guint i = 0; i < n_jobs; i++)
    left[i] = count_bits (((DrAnalyseJob *) jobs->pdata[i])->todo);

  struct sigaction action = { .sa_handler = on_sigint, .sa_flags = SA_RESETHAND };
  struct sigaction previous;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, &previous);

  gint64 started = g_get_monotonic_time ();
  guint finished = 0, done = 0, stored = 0, failed = 0;
  gboolean project_failed = FALSE;
  if (tty && n_jobs > 0)
    draw_progress (0, n_jobs, started);
  DrAnalysePool *pool = dr_analyse_pool_start (models, jobs, MIN (threads, MAX (n_jobs, 1)),
                                               &interrupted);
  DrAnalyseResult *r;
  while ((r = dr_analyse_pool_pop (pool)) != NULL)
    {
      g_autoptr (DrAnalyseResult) result = r;
      DrAnalyseJob *job = jobs->pdata[result->job];
      if (result->error != NULL)
        {
          if (tty)
            fputs ("\r\033[K", stderr);
          fprintf (stderr, "%s\n", result->error);
          failed++;
          had_error[result->job] = TRUE;
          if (result->unreadable && !project_failed &&
              !dr_photo_set_error (project, job->photo_id, result->error, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              project_failed = TRUE;
              atomic_store (&interrupted, 1);
            }
        }
      else if (!project_failed)
        {
          if (dr_prediction_store (project, job->photo_id, (DrDamage) result->damage,
                                   dr_model_set_get_sha256 (models, (DrDamage) result->damage),
                                   result->rle, result->confidence, &error))
            stored++;
          else
            {
              /* The project cannot take results (disk full, read-only…): stop the run. */
              fprintf (stderr, "%s\n", error->message);
              project_failed = TRUE;
              atomic_store (&interrupted, 1);
            }
        }
      guint finished_now = result->damage < 0 ? left[result->job] : 1;
      left[result->job] -= MIN (finished_now, left[result->job]);
      if (left[result->job] == 0 && finished_now > 0)
        {
          finished++;
          done += !had_error[result->job];
          if (tty)
            draw_progress (finished, n_jobs, started);
        }
    }
  dr_analyse_pool_free (pool);
  sigaction (SIGINT, &previous, NULL);
  if (tty && n_jobs > 0)
    fputc ('\n', stderr);

  double seconds = (g_get_monotonic_time () - run_started) / 1e6;
  /* TRANSLATORS: summary of `damage-review analyse` */
  printf (_("%u of %u photos analysed, %u results stored, %u failed, %.1f s\n"), done, n_jobs,
          stored, failed, seconds);
  if (atomic_load (&interrupted) && !project_failed)
    {
      fprintf (stderr, "%s\n", _("interrupted: results so far are stored; run again to finish"));
      return DR_EXIT_FAILED;
    }
  return failed > 0 || project_failed ? DR_EXIT_FAILED : DR_EXIT_OK;
}
