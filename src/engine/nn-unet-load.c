/* nn-unet-load.c — building an NnUnet from a checkpoint's state dict. */
#include "nn-unet-keys.h"
#include "nn-unet-private.h"
#include "nn-state-dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the float tensor key (with suffix appended, if non-NULL) of exactly numel
 * elements, or NULL after setting err naming the file and key. */
static const float *
tensor (const NnStateDict *sd, const char *file, const char *key, const char *suffix,
        size_t numel, NnError *err)
{
  char name[NN_UNET_KEY_MAX + 16];
  snprintf (name, sizeof name, "%s%s", key, suffix ? suffix : "");
  const NnNamedTensor *t = nn_state_dict_find (sd, name);
  if (t == NULL || t->dtype != NN_DTYPE_F32 || t->data == NULL || t->numel != numel)
    {
      nn_error_set (err, NN_ERR_MODEL, "%s: key %s is missing or has the wrong shape", file,
                    name);
      return NULL;
    }
  return t->data;
}

/* Releases the data of every float tensor of owned that conv spec s has just consumed, so a
 * load never holds a full unfolded copy next to the folded model. */
static void
release_conv_tensors (NnStateDict *owned, const NnConvSpec *s)
{
  for (size_t i = 0; i < owned->count; i++)
    {
      NnNamedTensor *t = &owned->tensors[i];
      const size_t plen = strlen (s->bn_prefix);
      if (strcmp (t->name, s->weight_key) == 0
          || (s->bias_key[0] && strcmp (t->name, s->bias_key) == 0)
          || (plen && strncmp (t->name, s->bn_prefix, plen) == 0 && t->name[plen] == '.'))
        nn_state_dict_release (owned, t);
    }
}

/* Builds the model from sd (see nn_unet_from_state_dict); when owned is sd itself, each
 * conv's tensors are released as soon as they are folded. */
static NnStatus
build (const NnStateDict *sd, NnStateDict *owned, const char *name, NnUnet **out, NnError *err)
{
  NnStatus st = nn_unet_check_state_dict (sd, name, err);
  if (st != NN_OK)
    return st;
  NnConvSpec specs[NN_UNET_CONVS];
  nn_unet_graph (specs);
  NnUnet *m = NULL;
  if ((st = nn_unet_alloc (&m, err)) != NN_OK)
    return st;
  for (int i = 0; i < NN_UNET_CONVS; i++)
    {
      const NnConvSpec *s = &specs[i];
      const size_t cout = (size_t) s->cout;
      const size_t nw = cout * (size_t) (s->cin_a + s->cin_b) * (size_t) (s->k * s->k);
      const int bn = s->bn_prefix[0] != '\0';
      NnConvParams p = { 0 };
      p.weight = tensor (sd, name, s->weight_key, NULL, nw, err);
      if (bn)
        {
          p.gamma = tensor (sd, name, s->bn_prefix, ".weight", cout, err);
          p.beta = tensor (sd, name, s->bn_prefix, ".bias", cout, err);
          p.mean = tensor (sd, name, s->bn_prefix, ".running_mean", cout, err);
          p.var = tensor (sd, name, s->bn_prefix, ".running_var", cout, err);
        }
      else
        p.bias = tensor (sd, name, s->bias_key, NULL, cout, err);
      if (p.weight == NULL || (bn && (!p.gamma || !p.beta || !p.mean || !p.var))
          || (!bn && p.bias == NULL))
        {
          nn_unet_free (m);
          return NN_ERR_MODEL;
        }
      nn_conv_set_params (&m->conv[i], &p);
      if (owned != NULL)
        release_conv_tensors (owned, s);
    }
  *out = m;
  return NN_OK;
}

/* See nn-unet.h. The state dict is validated by nn_unet_check_state_dict first; each conv
 * then takes its weight and BN tensors by name and folds them (nn_conv_set_params). */
NnStatus
nn_unet_from_state_dict (const NnStateDict *sd, const char *name, NnUnet **out, NnError *err)
{
  return build (sd, NULL, name, out, err);
}

/* See nn-unet.h. The state dict's tensors are released conv by conv while folding, so the
 * peak memory of a load is about one checkpoint, not a checkpoint plus a model. */
NnStatus
nn_unet_load (const char *path, NnUnet **out, NnError *err)
{
  NnStateDict sd = { 0 };
  NnStatus st = nn_checkpoint_read (path, &sd, err);
  if (st == NN_OK)
    st = build (&sd, &sd, path, out, err);
  nn_state_dict_clear (&sd);
  return st;
}
