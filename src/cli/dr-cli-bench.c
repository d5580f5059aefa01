/* dr-cli-bench.c — `damage-review bench`: times the four-model forward pass and prints the
 * numbers (never a pass/fail verdict). The four models of a pass are four jobs of an inference
 * runner with N workers, each running one model at a time in its own workspace. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "dr-cli.h"
#include "dr-cli-commands.h"
#include "dr-inference-runner.h"
#include "dr-model-set.h"
#include "nn-conv.h"
#include "nn-gemm.h"
#include "nn-unet.h"

#define N_MODELS DR_N_DAMAGE
#define N_IN (3 * NN_UNET_SIZE * NN_UNET_SIZE)
#define N_OUT (NN_UNET_CLASSES * NN_UNET_SIZE * NN_UNET_SIZE)

/* What every pass shares: the models, the input and where each run's stage times go. */
typedef struct {
  const NnUnet *models[N_MODELS];
  const float *input;          /* [N_IN] */
  double *stage_seconds;       /* [N_MODELS][NN_UNET_STAGES] of the current pass */
  double *stage_cpu;           /* the same in thread CPU seconds */
  double flops[NN_UNET_STAGES];    /* of one run, from the last delivered job */
  unsigned kernels[NN_UNET_STAGES];
  size_t workspace_bytes;
  char *error;                 /* the first failure, or NULL */
} Bench;

/* One model run of a pass, and what its worker's workspace measured. */
typedef struct {
  int model;
  NnStageStats stages;
  size_t workspace_bytes;
} BenchJob;

/* Job function (worker thread): runs one model and records its stage times. Returns NULL, or
 * the error message. */
static gpointer
bench_run (DrInferenceWorker *w, gpointer data, gpointer user_data)
{
  const Bench *b = user_data;
  BenchJob *job = data;
  NnWorkspace *ws = dr_inference_worker_get_workspace (w);
  NnError err = { 0 };
  if (nn_unet_run (b->models[job->model], ws, b->input, dr_inference_worker_get_logits (w),
                   dr_inference_worker_get_abort (w), &err) != NN_OK)
    return g_strdup (err.message);
  job->stages = *nn_workspace_stage_stats (ws);
  job->workspace_bytes = nn_workspace_bytes (ws);
  return NULL;
}

/* "job-done": files the run's stage times under its model, or keeps the first error. */
static void
bench_done_cb (DrInferenceRunner *runner, BenchJob *job, char *error, Bench *b)
{
  if (error != NULL)
    {
      if (b->error == NULL)
        b->error = g_strdup (error);
      return;
    }
  memcpy (b->stage_seconds + (gsize) job->model * NN_UNET_STAGES, job->stages.seconds,
          sizeof job->stages.seconds);
  memcpy (b->stage_cpu + (gsize) job->model * NN_UNET_STAGES, job->stages.cpu_seconds,
          sizeof job->stages.cpu_seconds);
  memcpy (b->flops, job->stages.flops, sizeof job->stages.flops);
  memcpy (b->kernels, job->stages.kernels, sizeof job->stages.kernels);
  b->workspace_bytes = job->workspace_bytes;
}

/* Runs one four-model pass on the runner's workers; returns its wall time in seconds, or a
 * negative value after printing the first error. */
static double
bench_pass (DrInferenceRunner *runner, Bench *b)
{
  gint64 start = g_get_monotonic_time ();
  for (int i = 0; i < N_MODELS; i++)
    {
      BenchJob *job = g_new0 (BenchJob, 1);
      job->model = i;
      dr_inference_runner_push (runner, job, g_free, 0, 0, NULL);
    }
  dr_inference_runner_wait (runner);
  double seconds = (double) (g_get_monotonic_time () - start) * 1e-6;
  if (b->error != NULL)
    {
      g_printerr ("damage-review: %s\n", b->error);
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
      N_("Kernels: blas, avx2, avx512, avx2-nowinograd or avx512-nowinograd (default: the "
         "best this CPU has, with Winograd)"), N_("NAME") },
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
  NnUnet *random[N_MODELS] = { NULL };
  g_autoptr (DrModelSet) set = NULL;
  g_autoptr (DrInferenceRunner) runner = NULL;
  float *input = g_new (float, N_IN);
  double *stage = g_new0 (double, (gsize) repeat * N_MODELS * NN_UNET_STAGES);
  double *stage_cpu = g_new0 (double, (gsize) repeat * N_MODELS * NN_UNET_STAGES);
  double *pass = g_new0 (double, repeat);
  Bench bench = { .input = input };
  g_autofree char *cpu = NULL;
  int status = DR_EXIT_OK;

  /* Deterministic input in [0, 1), like a /255-scaled photo. */
  guint32 s = 1;
  for (int i = 0; i < N_IN; i++)
    {
      s = s * 1664525u + 1013904223u;
      input[i] = (float) (s >> 8) / 16777216.0f;
    }

  if (!load_models (random_weights, models_dir, random, &set, bench.models))
    {
      status = DR_EXIT_USAGE;
      goto out;
    }
  runner = dr_inference_runner_new ((guint) n_threads, DR_INFERENCE_RUNNER_DEFAULT, bench_run,
                                    &bench, g_free, &error);
  if (runner == NULL)
    {
      g_printerr ("damage-review: %s\n", error->message);
      status = DR_EXIT_FAILED;
      goto out;
    }
  g_signal_connect (runner, "job-done", G_CALLBACK (bench_done_cb), &bench);

  double cpu_start = 0.0;
  for (int r = -1; r < repeat; r++)
    {
      if (r == 0)
        cpu_start = process_cpu_seconds ();
      const gsize row0 = (gsize) (r < 0 ? 0 : r) * N_MODELS * NN_UNET_STAGES;
      bench.stage_seconds = stage + row0;
      bench.stage_cpu = stage_cpu + row0;
      double sec = bench_pass (runner, &bench);
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
            "each\n"), n_threads, (double) bench.workspace_bytes / 1e6);
  const NnGemmPath path = nn_gemm_path ();
  /* BLAS picks its own ISA; measure it against the widest one the CPU has. */
  const NnGemmPath peak_isa = path == NN_GEMM_BLAS ? nn_gemm_best_path () : path;
  const double peak = nn_fma_peak_gflops (peak_isa);
  printf (_("GEMM kernels: %s (best on this CPU: %s); measured FMA peak of one core: "
            "%.0f GFLOP/s (%s)\n"), nn_gemm_path_name (path),
          nn_gemm_path_name (nn_gemm_best_path ()), peak, nn_gemm_path_name (peak_isa));
  const double *flops = bench.flops;
  const unsigned *stage_kernels = bench.kernels;
  printf (_("Per stage, medians over %d model runs: wall ms, thread CPU ms, convolution "
            "GFLOP/s of one core from the CPU time (Winograd counted as the direct "
            "convolution it replaces, so it can pass 100 %%) and share of that core's peak, "
            "kernels:\n"), repeat * N_MODELS);
  double *col = g_new (double, (gsize) repeat * N_MODELS);
  double model_total = 0, cpu_total = 0, flops_total = 0;
  for (int st = 0; st < NN_UNET_STAGES; st++)
    {
      for (int i = 0; i < repeat * N_MODELS; i++)
        col[i] = stage[(gsize) i * NN_UNET_STAGES + st];
      const double m = median (col, repeat * N_MODELS);
      for (int i = 0; i < repeat * N_MODELS; i++)
        col[i] = stage_cpu[(gsize) i * NN_UNET_STAGES + st];
      const double mc = median (col, repeat * N_MODELS);
      model_total += m;
      cpu_total += mc;
      flops_total += flops[st];
      g_autofree char *names = kernel_names (stage_kernels[st]);
      const double gfs = mc > 0 ? flops[st] / mc * 1e-9 : 0;
      printf ("  %-10s %8.2f %8.2f %7.1f GFLOP/s %4.0f %%  %s\n", nn_unet_stage_name (st),
              m * 1e3, mc * 1e3, gfs, peak > 0 ? 100.0 * gfs / peak : 0.0, names);
    }
  g_free (col);
  printf (_("  %-10s %8.2f %8.2f %7.1f GFLOP/s %4.0f %%  (sums of stage medians, one model)\n"),
          _("total"), model_total * 1e3, cpu_total * 1e3, flops_total / cpu_total * 1e-9,
          peak > 0 ? 100.0 * flops_total / cpu_total * 1e-9 / peak : 0.0);

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
  g_clear_object (&runner);
  for (int i = 0; i < N_MODELS; i++)
    nn_unet_free (random[i]);
  g_free (bench.error);
  g_free (input);
  g_free (stage);
  g_free (stage_cpu);
  g_free (pass);
  return status;
}
