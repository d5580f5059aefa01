/* test-unet-load.c — nn_unet_from_state_dict maps every state-dict key to the right conv.
 *
 * A state dict is assembled in memory under the names of model-format.md §2 from the same
 * raw parameters nn_unet_new_random folds; the model built from it must give bit-identical
 * logits. A state dict with a missing key or a wrong shape must be refused with
 * NN_ERR_MODEL and a message naming that key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-unet-private.h"

#define SEED 5
#define N_IN (3 * 256 * 256)
#define N_OUT (2 * 256 * 256)

static int failures;

/* Prints a check's result and counts failures. */
static void
check (int ok, const char *what)
{
  printf ("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok)
    failures++;
}

/* Appends a tensor named prefix+suffix of the given shape; takes ownership of data. */
static void
push (NnStateDict *sd, const char *prefix, const char *suffix, int ndim, const int64_t *shape,
      float *data, NnDtype dtype)
{
  NnNamedTensor *t = &sd->tensors[sd->count++];
  memset (t, 0, sizeof *t);
  size_t len = strlen (prefix) + strlen (suffix) + 1;
  t->name = malloc (len);
  snprintf (t->name, len, "%s%s", prefix, suffix);
  t->dtype = dtype;
  t->ndim = ndim;
  t->numel = 1;
  for (int i = 0; i < ndim; i++)
    {
      t->shape[i] = shape[i];
      t->numel *= (size_t) shape[i];
    }
  t->data = data;
}

/* Copies n floats into a new heap block. */
static float *
dup_floats (const float *src, size_t n)
{
  float *d = malloc (n * sizeof (float));
  memcpy (d, src, n * sizeof (float));
  return d;
}

/* Builds the 278-key state dict of the random model with seed SEED. */
static void
random_state_dict (NnStateDict *sd)
{
  NnConvSpec specs[NN_UNET_CONVS];
  nn_unet_graph (specs);
  sd->tensors = calloc (300, sizeof (NnNamedTensor));
  sd->count = 0;
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      const NnConvSpec *s = &specs[i];
      const int cin = s->cin_a + s->cin_b, cout = s->cout;
      const size_t nw = (size_t) cout * cin * s->k * s->k;
      float *w = malloc (nw * sizeof (float)), *v = malloc (5 * (size_t) cout * sizeof (float));
      const int bn = s->bn_prefix[0] != '\0';
      nn_unet_random_params (SEED, i, s, w, bn ? v : NULL, bn ? NULL : v + 4 * cout);
      const int64_t wshape[4] = { cout, cin, s->k, s->k }, vshape[1] = { cout };
      push (sd, s->weight_key, "", 4, wshape, w, NN_DTYPE_F32);
      if (bn)
        {
          static const char *const names[4] = { ".weight", ".bias", ".running_mean",
                                                 ".running_var" };
          for (int j = 0; j < 4; j++)
            push (sd, s->bn_prefix, names[j], 1, vshape, dup_floats (v + j * cout, cout),
                  NN_DTYPE_F32);
          push (sd, s->bn_prefix, ".num_batches_tracked", 0, NULL, NULL, NN_DTYPE_INT);
        }
      else
        push (sd, s->bias_key, "", 1, vshape, dup_floats (v + 4 * cout, cout), NN_DTYPE_F32);
      free (v);
    }
}

/* Runs the checks; exit status 0 only when all pass. */
int
main (void)
{
  NnStateDict sd = { 0 };
  random_state_dict (&sd);
  check (sd.count == 278, "assembled state dict has 278 keys");

  NnError err = { 0 };
  NnUnet *from_sd = NULL, *random = NULL;
  NnWorkspace *ws = NULL;
  NnStatus st = nn_unet_from_state_dict (&sd, "random.pt", &from_sd, &err);
  check (st == NN_OK, st == NN_OK ? "state dict accepted" : err.message);
  if (st != NN_OK || nn_unet_new_random (SEED, &random, &err) != NN_OK
      || nn_workspace_new (&ws, &err) != NN_OK)
    return 1;

  float *in = malloc (N_IN * sizeof (float));
  float *a = malloc (N_OUT * sizeof (float)), *b = malloc (N_OUT * sizeof (float));
  for (int i = 0; i < N_IN; i++)
    in[i] = (float) ((i * 37) % 101) / 101.0f;
  check (nn_unet_run (from_sd, ws, in, a, NULL, &err) == NN_OK
         && nn_unet_run (random, ws, in, b, NULL, &err) == NN_OK
         && memcmp (a, b, N_OUT * sizeof (float)) == 0,
         "model from the state dict equals the random model bit for bit");

  /* Missing key: rename one so it no longer matches. */
  NnNamedTensor *t = &sd.tensors[100];
  char saved[128];
  snprintf (saved, sizeof saved, "%s", t->name);
  t->name[0] = 'X';
  NnUnet *bad = NULL;
  st = nn_unet_from_state_dict (&sd, "broken.pt", &bad, &err);
  check (st == NN_ERR_MODEL && bad == NULL && strstr (err.message, "broken.pt") != NULL
         && strstr (err.message, saved) != NULL, "missing key refused, message names it");
  printf ("     message: %s\n", err.message);
  t->name[0] = saved[0];

  /* Wrong shape: claim a different channel count on the first conv. */
  sd.tensors[0].shape[0] = 32;
  st = nn_unet_from_state_dict (&sd, "shape.pt", &bad, &err);
  check (st == NN_ERR_MODEL && bad == NULL && strstr (err.message, "encoder.conv1.weight"),
         "wrong shape refused, message names the key");
  printf ("     message: %s\n", err.message);

  free (in);
  free (a);
  free (b);
  nn_unet_free (from_sd);
  nn_unet_free (random);
  nn_workspace_free (ws);
  nn_state_dict_clear (&sd);
  printf ("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
