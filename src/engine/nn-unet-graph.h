/* nn-unet-graph.h — the 47 convolutions of smp Unet(resnet34, classes=2), in a fixed order.
 *
 * Order: encoder.conv1; then for layer1..layer4, each BasicBlock's conv1, conv2 and (block 0
 * of layer2..4) downsample.0; then decoder.blocks.0..4 conv1.0, conv2.0; then the head.
 * nn-unet.c walks the same order in its forward pass.
 */
#pragma once

#define NN_UNET_CONVS 47
#define NN_UNET_KEY_MAX 48

typedef struct {
  char weight_key[NN_UNET_KEY_MAX]; /* state-dict key of the conv weight */
  char bn_prefix[NN_UNET_KEY_MAX];  /* "<prefix>.weight/.bias/.running_mean/.running_var"; "" for the head */
  char bias_key[NN_UNET_KEY_MAX];   /* conv bias key (head only), else "" */
  int cin_a, cin_b, cout, k, stride, pad, upsample_a;
} NnConvSpec;

/* Fills specs[0..NN_UNET_CONVS) with the names and shapes of every conv (model-format.md §1-2). */
void nn_unet_graph (NnConvSpec specs[NN_UNET_CONVS]);
