/* dr-cli-bench.c — `damage-review bench`: times the four-model forward pass and prints the
 * numbers (never a pass/fail verdict). Four models are spread over N worker threads, each
 * model on one worker with its own workspace, BLAS single-threaded. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-model-set.h"
#include "nn-conv.h"
#include "nn-gemm.h"
#include "nn-unet.h"

#define N_MODELS DR_N_DAMAGE
#define N_IN (3 * NN_UNET_SIZE * NN_UNET_SIZE)
#define N_OUT (NN_UNET_CLASSES * NN_UNET_SIZE * NN_UNET_SIZE)

typedef struct {
  const NnUnet *const *models;
  NnWorkspace *ws;
  int first, count;      /* models [first, first+count) run on this worker */
  const float *input;
  float *logits;         /* [N_OUT] */
  double *stage_seconds; /* [N_MODELS][NN_UNET_STAGES] of this pass, this worker's rows */
  NnStatus status;
  NnError err;
} BenchWorker;

/* Worker body: runs its models one after another and records each run's stage times. */
static gpointer
bench_worker_run (gpointer data)
{
  BenchWorker *w = data;
  w->status = NN_OK;
  for (int i = w->first; i < w->first + w->count && w->status == NN_OK; i++)
    {
      w->status = nn_unet_run (w->models[i], w->ws, w->input, w->logits, NULL, &w->err);
      nn_workspace_stage_seconds (w->ws, w->stage_seconds + (gsize) i * NN_UNET_STAGES);
    }
  return NULL;
}

/* Runs one four-model pass on n_workers threads (worker 0 on the calling thread); returns
 * its wall time in seconds, or a negative value after printing the first error. */
static double
bench_pass (BenchWorker *workers, int n_workers)
{
  GThread *threads[N_MODELS] = { NULL };
  gint64 start = g_get_monotonic_time ();
  for (int t = 1; t < n_workers; t++)
    threads[t] = g_thread_new ("bench-worker", bench_worker_run, &workers[t]);
  bench_worker_run (&workers[0]);
  for (int t = 1; t < n_workers; t++)
    g_thread_join (threads[t]);
  double seconds = (double) (g_get_monotonic_time () - start) * 1e-6;
  for (int t = 0; t < n_workers; t++)
    if (workers[t].status != NN_OK)
      {
        g_printerr ("damage-review: %s\n", workers[t].err.message);
        return -1.0;
      }
  return seconds;
}

/* qsort comparator for doubles, ascending. */
static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median of values[0..n) (sorts them in place). */
static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* User + system CPU seconds used so far by the whole process (all threads). */
static double
process_cpu_seconds (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec * 1e-6
         + (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec * 1e-6;
}

/* The CPU's model name from /proc/cpuinfo, or "unknown"; newly allocated. */
static char *
cpu_model_name (void)
{
  g_autofree char *text = NULL;
  if (g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (char **l = lines; *l; l++)
        if (g_str_has_prefix (*l, "model name"))
          {
            const char *colon = strchr (*l, ':');
            if (colon)
              return g_strstrip (g_strdup (colon + 1));
          }
    }
  return g_strdup ("unknown");
}

/* Makes the four models: pseudo-random ones (seeds 1-4) owned in random[], or the four
 * checkpoints found by the model lookup (models_dir first) loaded into *set. On failure
 * prints one line naming the file and the reason and returns FALSE. */
static gboolean
load_models (gboolean random_weights, const char *models_dir, NnUnet *random[N_MODELS],
             DrModelSet **set, const NnUnet *models[N_MODELS])
{
  if (random_weights)
    {
      for (int i = 0; i < N_MODELS; i++)
        {
          NnError err = { 0 };
          if (nn_unet_new_random ((uint64_t) i + 1, &random[i], &err) != NN_OK)
            {
              g_printerr ("damage-review: %s\n", err.message);
              return FALSE;
            }
          models[i] = random[i];
        }
      return TRUE;
    }
  *set = dr_model_set_locate (models_dir);
  for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autoptr (GError) error = NULL;
      if (!dr_model_set_load (*set, d, &error))
        {
          g_printerr ("damage-review: %s\n", error->message);
          return FALSE;
        }
      models[d] = dr_model_set_get_model (*set, d);
    }
  return TRUE;
}

/* The names of the kernels in bit set `kernels` (bit k: NnKernel k), joined by '+'. */
static char *
kernel_names (unsigned kernels)
{
  GString *s = g_string_new (NULL);
  for (NnKernel k = 0; k < NN_KERNELS; k++)
    if (kernels & (1u << k))
      g_string_append_printf (s, "%s%s", s->len ? "+" : "", nn_kernel_name (k));
  return g_string_free (s, FALSE);
}

/* `damage-review bench`: see the file comment. Exit 0 after printing, 2 on bad usage or
 * unusable models, 1 if a forward pass fails. */
int
dr_cli_bench (int argc, char **argv)
{
  g_autofree char *models_dir = NULL;
  gboolean random_weights = FALSE;
  int n_threads = 2, repeat = 10;
  g_autofree char *kernels = NULL;
  const GOptionEntry entries[] = {
    { "kernels", 0, 0, G_OPTION_ARG_STRING, &kernels,
      N_("GEMM kernels: blas, avx2 or avx512 (default: the best this CPU has)"), N_("NAME") },
    { "models", 0, 0, G_OPTION_ARG_FILENAME, &models_dir,
      N_("Look for the four checkpoints in DIR first (default: the usual model lookup)"),
      N_("DIR") },
    { "random-weights", 0, 0, G_OPTION_ARG_NONE, &random_weights,
      N_("Use four models with pseudo-random weights"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      N_("Worker threads, one model at a time each (default 2)"), N_("N") },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat,
      N_("Timed four-model passes after one warm-up (default 10)"), N_("N") },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Time the four-model forward pass at 256×256."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("damage-review bench: %s\n", error->message);
      return DR_EXIT_USAGE;
    }
  if ((models_dir != NULL && random_weights) || n_threads < 1 || n_threads > N_MODELS
      || repeat < 1 || repeat > 10000 || argc > 1)
    {
      g_printerr ("damage-review bench: %s\n",
                  _("give at most one of --models DIR and --random-weights, --threads 1–4 "
                    "and --repeat 1–10000"));
      return DR_EXIT_USAGE;
    }

  if (kernels != NULL && !nn_gemm_force_path_by_name (kernels))
    {
      g_printerr ("damage-review bench: ");
      g_printerr (_("--kernels %s is not one this CPU can run (blas, avx2, avx512)\n"), kernels);
      return DR_EXIT_USAGE;
    }
  nn_blas_use_single_thread ();
  NnUnet *random[N_MODELS] = { NULL };
  const NnUnet *models[N_MODELS] = { NULL };
  g_autoptr (DrModelSet) set = NULL;
  NnWorkspace *ws[N_MODELS] = { NULL };
  float *input = g_new (float, N_IN);
  float *logits = g_new (float, (gsize) N_OUT * n_threads);
  double *stage = g_new0 (double, (gsize) repeat * N_MODELS * NN_UNET_STAGES);
  double *pass = g_new0 (double, repeat);
  BenchWorker workers[N_MODELS];
  g_autofree char *cpu = NULL;
  int status = DR_EXIT_OK;

  /* Deterministic input in [0, 1), like a /255-scaled photo. */
  guint32 s = 1;
  for (int i = 0; i < N_IN; i++)
    {
      s = s * 1664525u + 1013904223u;
      input[i] = (float) (s >> 8) / 16777216.0f;
    }

  if (!load_models (random_weights, models_dir, random, &set, models))
    {
      status = DR_EXIT_USAGE;
      goto out;
    }
  for (int t = 0; t < n_threads; t++)
    {
      NnError err = { 0 };
      if (nn_workspace_new (&ws[t], &err) != NN_OK)
        {
          g_printerr ("damage-review: %s\n", err.message);
          status = DR_EXIT_FAILED;
          goto out;
        }
      /* Contiguous model ranges: with 2 workers, models 0-1 and 2-3. */
      workers[t] = (BenchWorker) {
        .models = models, .ws = ws[t], .input = input,
        .first = t * N_MODELS / n_threads,
        .count = (t + 1) * N_MODELS / n_threads - t * N_MODELS / n_threads,
        .logits = logits + (gsize) t * N_OUT,
      };
    }

  double cpu_start = 0.0;
  for (int r = -1; r < repeat; r++)
    {
      if (r == 0)
        cpu_start = process_cpu_seconds ();
      double *rows = stage + (gsize) (r < 0 ? 0 : r) * N_MODELS * NN_UNET_STAGES;
      for (int t = 0; t < n_threads; t++)
        workers[t].stage_seconds = rows;
      double sec = bench_pass (workers, n_threads);
      if (sec < 0)
        {
          status = DR_EXIT_FAILED;
          goto out;
        }
      if (r >= 0)
        pass[r] = sec;
    }
  const double cpu_per_pass = (process_cpu_seconds () - cpu_start) / repeat;

  cpu = cpu_model_name ();
  printf (_("CPU: %s (%d online)\n"), cpu, (int) g_get_num_processors ());
  if (set == NULL)
    printf (_("Models: %s\n"), _("random weights (seeds 1–4)"));
  else
    for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
      printf (_("Model %s: %s\n"), dr_damage_get_model_name (d), dr_model_set_get_path (set, d));
  printf (_("Workers: %d, one model at a time each, BLAS single-threaded; workspace %.1f MB "
            "each\n"), n_threads, (double) nn_workspace_bytes (ws[0]) / 1e6);
  const NnGemmPath path = nn_gemm_path ();
  /* BLAS picks its own ISA; measure it against the widest one the CPU has. */
  const NnGemmPath peak_isa = path == NN_GEMM_BLAS ? nn_gemm_best_path () : path;
  const double peak = nn_fma_peak_gflops (peak_isa);
  printf (_("GEMM kernels: %s (best on this CPU: %s); measured FMA peak of one core: "
            "%.0f GFLOP/s (%s)\n"), nn_gemm_path_name (path),
          nn_gemm_path_name (nn_gemm_best_path ()), peak, nn_gemm_path_name (peak_isa));
  double flops[NN_UNET_STAGES];
  unsigned stage_kernels[NN_UNET_STAGES];
  nn_workspace_stage_flops (ws[0], flops);
  nn_workspace_stage_kernels (ws[0], stage_kernels);
  printf (_("Per-stage time, median over %d model runs (ms), convolution GFLOP/s of one "
            "core and share of its peak:\n"), repeat * N_MODELS);
  double *col = g_new (double, (gsize) repeat * N_MODELS);
  double model_total = 0, flops_total = 0;
  for (int st = 0; st < NN_UNET_STAGES; st++)
    {
      for (int i = 0; i < repeat * N_MODELS; i++)
        col[i] = stage[(gsize) i * NN_UNET_STAGES + st];
      double m = median (col, repeat * N_MODELS);
      model_total += m;
      flops_total += flops[st];
      g_autofree char *names = kernel_names (stage_kernels[st]);
      const double gfs = m > 0 ? flops[st] / m * 1e-9 : 0;
      printf ("  %-10s %8.2f %7.1f GFLOP/s %4.0f %%  %s\n", nn_unet_stage_name (st), m * 1e3,
              gfs, peak > 0 ? 100.0 * gfs / peak : 0.0, names);
    }
  g_free (col);
  printf (_("  %-10s %8.2f %7.1f GFLOP/s %4.0f %%  (sum of stage medians, one model)\n"),
          _("total"), model_total * 1e3, flops_total / model_total * 1e-9,
          peak > 0 ? 100.0 * flops_total / model_total * 1e-9 / peak : 0.0);

  double best = pass[0];
  for (int r = 1; r < repeat; r++)
    best = MIN (best, pass[r]);
  double med = median (pass, repeat);
  printf (_("Four-model pass: median %.4f s, min %.4f s over %d runs\n"), med, best, repeat);
  printf (_("CPU time per four-model pass (all threads): %.4f s\n"), cpu_per_pass);
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  printf (_("Peak RSS: %.1f MB\n"), (double) ru.ru_maxrss / 1024.0);

out:
  for (int i = 0; i < N_MODELS; i++)
    {
      nn_unet_free (random[i]);
      nn_workspace_free (ws[i]);
    }
  g_free (input);
  g_free (logits);
  g_free (stage);
  g_free (pass);
  return status;
}
