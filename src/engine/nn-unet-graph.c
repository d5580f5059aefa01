/* nn-unet-graph.c — names and shapes of the U-Net's convolutions (see nn-unet-graph.h). */
#include "nn-unet-graph.h"

#include <stdio.h>
#include <string.h>

/* Appends one conv spec at specs[*n] and advances *n. */
static void
add (NnConvSpec *specs, int *n, const char *weight_key, const char *bn_prefix, int cin_a,
     int cin_b, int cout, int k, int stride, int upsample_a)
{
  NnConvSpec *s = &specs[(*n)++];
  memset (s, 0, sizeof *s);
  snprintf (s->weight_key, sizeof s->weight_key, "%s", weight_key);
  snprintf (s->bn_prefix, sizeof s->bn_prefix, "%s", bn_prefix);
  s->cin_a = cin_a;
  s->cin_b = cin_b;
  s->cout = cout;
  s->k = k;
  s->stride = stride;
  s->pad = k / 2;
  s->upsample_a = upsample_a;
}

/* See nn-unet-graph.h. */
void
nn_unet_graph (NnConvSpec specs[NN_UNET_CONVS])
{
  static const int blocks[4] = { 3, 4, 6, 3 };
  static const int width[4] = { 64, 128, 256, 512 };
  static const int dec_in[5] = { 512, 256, 128, 64, 32 };
  static const int dec_skip[5] = { 256, 128, 64, 64, 0 };
  static const int dec_out[5] = { 256, 128, 64, 32, 16 };
  char w[NN_UNET_KEY_MAX], bn[NN_UNET_KEY_MAX];
  int n = 0;

  add (specs, &n, "encoder.conv1.weight", "encoder.bn1", 3, 0, 64, 7, 2, 0);
  for (int l = 0; l < 4; l++)
    for (int b = 0; b < blocks[l]; b++)
      {
        const int cin = b == 0 && l > 0 ? width[l - 1] : width[l];
        const int stride = b == 0 && l > 0 ? 2 : 1;
        snprintf (w, sizeof w, "encoder.layer%d.%d.conv1.weight", l + 1, b);
        snprintf (bn, sizeof bn, "encoder.layer%d.%d.bn1", l + 1, b);
        add (specs, &n, w, bn, cin, 0, width[l], 3, stride, 0);
        snprintf (w, sizeof w, "encoder.layer%d.%d.conv2.weight", l + 1, b);
        snprintf (bn, sizeof bn, "encoder.layer%d.%d.bn2", l + 1, b);
        add (specs, &n, w, bn, width[l], 0, width[l], 3, 1, 0);
        if (stride == 2)
          {
            snprintf (w, sizeof w, "encoder.layer%d.%d.downsample.0.weight", l + 1, b);
            snprintf (bn, sizeof bn, "encoder.layer%d.%d.downsample.1", l + 1, b);
            add (specs, &n, w, bn, cin, 0, width[l], 1, 2, 0);
          }
      }
  for (int d = 0; d < 5; d++)
    {
      snprintf (w, sizeof w, "decoder.blocks.%d.conv1.0.weight", d);
      snprintf (bn, sizeof bn, "decoder.blocks.%d.conv1.1", d);
      add (specs, &n, w, bn, dec_in[d], dec_skip[d], dec_out[d], 3, 1, 1);
      snprintf (w, sizeof w, "decoder.blocks.%d.conv2.0.weight", d);
      snprintf (bn, sizeof bn, "decoder.blocks.%d.conv2.1", d);
      add (specs, &n, w, bn, dec_out[d], 0, dec_out[d], 3, 1, 0);
    }
  add (specs, &n, "segmentation_head.0.weight", "", 16, 0, 2, 3, 1, 0);
  snprintf (specs[n - 1].bias_key, sizeof specs[n - 1].bias_key, "segmentation_head.0.bias");
}
