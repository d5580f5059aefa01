"""unet_ref.py — segmentation_models_pytorch 0.2.1 Unet(resnet34, classes=2) rebuilt in plain
torch/torchvision, so the oracle does not need segmentation_models_pytorch.

The module tree (and so the state_dict keys, shapes and order) matches smp 0.2.1; the forward
pass follows docs model-format.md §1 exactly. `check_keys(model, tsv)` asserts the state_dict
equals tests/data/model-format-keys.tsv.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Conv2dReLU(nn.Sequential):
    """smp's Conv2dReLU with use_batchnorm=True: 0 conv3x3 (no bias), 1 BN, 2 ReLU."""

    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class DecoderBlock(nn.Module):
    """Upsample x2 nearest -> cat[x, skip] -> conv1 -> conv2; attentions are Identity."""

    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.conv1 = Conv2dReLU(cin + cskip, cout)
        self.attention1 = nn.Identity()
        self.conv2 = Conv2dReLU(cout, cout)
        self.attention2 = nn.Identity()

    def forward(self, x, skip=None):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        if skip is not None:
            x = torch.cat([x, skip], dim=1)
            x = self.attention1(x)
        x = self.conv1(x)
        x = self.conv2(x)
        return self.attention2(x)


class UnetDecoder(nn.Module):
    """n_blocks=5, center=Identity; in [512,256,128,64,32], skip [256,128,64,64,0]."""

    def __init__(self):
        super().__init__()
        self.center = nn.Identity()
        ins, skips, outs = [512, 256, 128, 64, 32], [256, 128, 64, 64, 0], [256, 128, 64, 32, 16]
        self.blocks = nn.ModuleList(DecoderBlock(i, s, o) for i, s, o in zip(ins, skips, outs))

    def forward(self, f1, f2, f3, f4, f5):
        x = self.center(f5)
        for block, skip in zip(self.blocks, [f4, f3, f2, f1, None]):
            x = block(x, skip)
        return x


class Unet(nn.Module):
    """encoder (torchvision resnet34 without fc/avgpool), decoder, segmentation_head.0 (bias)."""

    def __init__(self):
        super().__init__()
        enc = torchvision.models.resnet34(weights=None)
        del enc.fc
        del enc.avgpool
        self.encoder = enc
        self.decoder = UnetDecoder()
        self.segmentation_head = nn.Sequential(nn.Conv2d(16, 2, 3, padding=1, bias=True),
                                               nn.Identity(), nn.Identity())

    def features(self, x):
        """Returns [f1..f5] per model-format.md §1.2 (f1 after ReLU, before maxpool)."""
        e = self.encoder
        f1 = e.relu(e.bn1(e.conv1(x)))
        f2 = e.layer1(e.maxpool(f1))
        f3 = e.layer2(f2)
        f4 = e.layer3(f3)
        f5 = e.layer4(f4)
        return [f1, f2, f3, f4, f5]

    def forward(self, x):
        return self.segmentation_head(self.decoder(*self.features(x)))


def read_keys_tsv(path):
    """Returns [(key, shape tuple, dtype str)] from model-format-keys.tsv, in file order."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            idx, key, shape, dtype, numel = line.rstrip("\n").split("\t")
            shape = tuple(int(s) for s in shape.strip("()").split(",") if s.strip())
            rows.append((key, shape, dtype))
            assert int(idx) == len(rows), f"{path}: index {idx} out of order"
    return rows


def check_keys(model, tsv_path):
    """Asserts model.state_dict() has exactly the keys, shapes, dtypes and order of the TSV."""
    expected = read_keys_tsv(tsv_path)
    got = [(k, tuple(v.shape), str(v.dtype).replace("torch.", ""))
           for k, v in model.state_dict().items()]
    assert len(got) == len(expected), f"{len(got)} keys, expected {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"key {i + 1}: got {g}, expected {e}"
    return len(got)
