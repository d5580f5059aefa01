"""fixtures.py — random-weight checkpoints in every layout users may have, and synthetic photos.

Weights: Kaiming-scaled convs; BN statistics calibrated on synthetic photos and then perturbed
(random running_mean/var, weight, bias), so activations stay O(1) through the depth; the head
is scaled so the logits are within about +-10 and logit1 - logit0 has both signs. Every float is fp16-representable, so
an fp16 checkpoint holds exactly the same weights as the fp32 one.
"""
import collections
import json
import struct

import cv2
import numpy as np
import torch

import unet_ref


def make_photo(width, height, seed):
    """Returns a uint8 BGR image (height, width, 3): smooth gradients, blobs, stripes + noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    img = np.zeros((height, width, 3), np.float32)
    for c in range(3):
        a, b, base = rng.uniform(-120, 120), rng.uniform(-120, 120), rng.uniform(60, 190)
        img[..., c] = base + a * (u - 0.5) + b * (v - 0.5)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
        blob = np.exp(-((u - cx) ** 2 + (v - cy) ** 2) / (2 * r * r))
        img += blob[..., None] * rng.uniform(-90, 90, 3)
    fx, fy, phase = rng.uniform(2, 9), rng.uniform(2, 9), rng.uniform(0, 6.28)
    img += (25 * np.sin(6.28 * (fx * u + fy * v) + phase))[..., None]
    img += rng.normal(0, 8, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def exif_app1(orientation):
    """Returns a JPEG APP1 segment holding a little-endian TIFF IFD0 with one Orientation tag."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def write_jpeg(path, bgr, orientation=None, quality=92):
    """Writes bgr as JPEG; with orientation, inserts an EXIF APP1 right after SOI."""
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    data = buf.tobytes()
    if orientation is not None:
        data = data[:2] + exif_app1(orientation) + data[2:]
    with open(path, "wb") as f:
        f.write(data)


def write_png(path, bgr):
    """Writes bgr as an 8-bit RGB PNG."""
    assert cv2.imwrite(str(path), bgr)


def reference_input(path):
    """The kairess preprocessing through OpenCV: imread (applies EXIF orientation), BGR->RGB,
    resize 256x256 INTER_LINEAR, /255. Returns (float32 [3,256,256], (H, W) after orientation)."""
    bgr = cv2.imread(str(path))
    assert bgr is not None, f"OpenCV cannot read {path}"
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    small = cv2.resize(rgb, (256, 256), interpolation=cv2.INTER_LINEAR)
    x = (small.astype(np.float32) / 255.0).transpose(2, 0, 1).copy()
    return x, bgr.shape[:2]


def reference_mask(logits, height, width):
    """Mask reference: bilinear upsample of (l1 - l0) to the photo size, > 0. Returns (mask, d)."""
    d = (logits[1] - logits[0]).astype(np.float32)
    up = cv2.resize(d, (width, height), interpolation=cv2.INTER_LINEAR)
    return up > 0, up


def random_model(seed, calib):
    """Returns an eval-mode unet_ref.Unet with calibrated random weights (see module doc).
    calib: float32 tensor [N,3,256,256] of typical inputs."""
    torch.manual_seed(seed)
    model = unet_ref.Unet()
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average: running stats = this batch's stats
            m.reset_running_stats()
    model.train()
    with torch.no_grad():
        model(calib)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                std = m.running_var.sqrt()
                m.running_mean += 0.2 * std * torch.randn(c)
                m.running_var *= torch.empty(c).uniform_(0.6, 1.6)
                m.running_var += 1e-3
                m.weight.copy_(torch.empty(c).uniform_(0.5, 1.5))
                m.bias.copy_(0.2 * torch.randn(c))
                m.num_batches_tracked.fill_(int(torch.randint(1, 100000, ())))
        model.eval()
        # Head: logits of both classes within about +-10, and d = l1 - l0 of both signs.
        # The head is affine, so scaling its weight and bias by s scales the logits by s.
        head = model.segmentation_head[0]
        logits = model(calib)
        scale = 8.0 / float(logits.abs().max())
        head.weight *= scale
        head.bias *= scale
        d = scale * (logits[:, 1] - logits[:, 0])
        shift = float(torch.quantile(d.flatten()[::7], 0.6))  # ~40% of pixels are damage
        head.bias[1] -= shift / 2
        head.bias[0] += shift / 2
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.half().float())
    return model


def state_dict_of(model):
    """A detached, contiguous copy of the state dict (what torch.save(model.state_dict()) saves)."""
    return collections.OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())


def prefixed(sd, prefix):
    """Returns sd with every key prefixed (DataParallel `module.`, wrapper `model.`)."""
    return collections.OrderedDict((prefix + k, v) for k, v in sd.items())


def half(sd):
    """Returns sd with every float tensor as fp16 (integers unchanged)."""
    return collections.OrderedDict((k, v.half() if v.is_floating_point() else v)
                                   for k, v in sd.items())


def save_safetensors(path, sd):
    """Writes sd per the public safetensors spec: u64 LE header size, JSON header (padded with
    spaces to a multiple of 8), then the raw little-endian tensor bytes."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for k, v in sd.items():
        b = v.contiguous().numpy().tobytes()
        header[k] = {"dtype": names[v.dtype], "shape": list(v.shape),
                     "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def save_layout(path, sd, layout):
    """Saves sd at path in the named layout (see LAYOUTS)."""
    if layout == "plain":
        torch.save(sd, path)
    elif layout == "module":
        torch.save(prefixed(sd, "module."), path)
    elif layout == "model":
        torch.save(prefixed(sd, "model."), path)
    elif layout in ("state_dict", "net"):
        torch.save({layout: sd, "epoch": 17, "best_iou": 0.61}, path)
    elif layout == "model_dict":
        torch.save({"model": sd, "optimizer": {"lr": 1e-4}}, path)
    elif layout == "ddp_state_dict":
        torch.save({"state_dict": prefixed(sd, "module.")}, path)
    elif layout == "fp16":
        torch.save(half(sd), path)
    elif layout == "protocol4":
        torch.save(sd, path, pickle_protocol=4)
    elif layout == "safetensors":
        save_safetensors(path, sd)
    else:
        raise ValueError(layout)


LAYOUTS = ["plain", "module", "model", "state_dict", "model_dict", "net", "ddp_state_dict",
           "fp16", "protocol4", "safetensors"]
