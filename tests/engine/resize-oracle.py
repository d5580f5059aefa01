#!/usr/bin/python3
"""Resize parity oracle: OpenCV 4.6 (Debian python3-opencv) against nn-resize.c and nn-image.c.

Usage: resize-oracle.py TEST_BINARY WORKDIR

Writes random inputs and cv2.resize(INTER_LINEAR) results into WORKDIR (raw little-endian
arrays plus a manifest), then runs TEST_BINARY WORKDIR, which resizes the same inputs with
nn_resize_u8_linear / nn_logit_diff_upsample / nn_mask_from_logits and compares. Exits with
the binary's status.
"""
import os
import subprocess
import sys

import cv2
import numpy as np

binary, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(20261125)
lines = []

# (src_w, src_h, dst_w, dst_h): down, up, odd, prime, 1-pixel, exactly 2x and 4x, mixed.
U8_SIZES = [
    (800, 600, 256, 256), (600, 800, 256, 256), (4000, 3000, 256, 256), (3000, 4000, 256, 256),
    (512, 512, 256, 256), (1024, 1024, 256, 256), (640, 480, 320, 240), (2, 2, 1, 1),
    (512, 256, 256, 256), (256, 512, 256, 256), (1024, 512, 256, 256), (768, 768, 256, 256),
    (257, 263, 256, 256), (255, 255, 256, 256), (256, 256, 256, 256), (101, 997, 256, 256),
    (1, 1, 256, 256), (1, 7, 5, 3), (7, 1, 256, 256), (13, 17, 256, 256), (3, 3, 1, 1),
    (5, 3, 2, 1), (1000, 10, 3, 500), (256, 256, 800, 600), (256, 256, 128, 128),
    (97, 89, 31, 37), (1919, 1081, 256, 256), (300, 200, 301, 199), (2, 3, 1, 1),
    (1023, 767, 256, 256), (250, 250, 500, 500), (799, 601, 256, 256),
]
for _ in range(30):
    sw, sh = (int(v) for v in rng.integers(1, 700, size=2))
    dw, dh = (int(v) for v in rng.integers(1, 700, size=2))
    U8_SIZES.append((sw, sh, dw, dh))

for i, (sw, sh, dw, dh) in enumerate(U8_SIZES):
    for cn in (1, 3):
        name = f"u8_{i}_{cn}"
        shape = (sh, sw) if cn == 1 else (sh, sw, cn)
        if i % 7 == 3:  # saturated blocks: 0/255 edges stress the rounding at the extremes
            src = (rng.integers(0, 2, size=shape) * 255).astype(np.uint8)
        else:
            src = rng.integers(0, 256, size=shape, dtype=np.uint8)
        ref = cv2.resize(src, (dw, dh), interpolation=cv2.INTER_LINEAR)
        src.tofile(os.path.join(work, name + ".src"))
        np.ascontiguousarray(ref).tofile(os.path.join(work, name + ".ref"))
        lines.append(f"u8 {name} {sw} {sh} {cn} {dw} {dh}")

# Logit difference upsampling at photo sizes (float32), plus the mask statistics.
F32_SIZES = [(800, 600), (600, 800), (256, 256), (128, 128), (1, 1), (300, 1), (1, 300),
             (255, 257), (512, 512), (100, 37), (4000, 3000), (129, 127), (1024, 768)]
for i, (w, h) in enumerate(F32_SIZES):
    name = f"f32_{i}"
    logits = (rng.standard_normal((2, 256, 256)) * 4).astype(np.float32)
    d = logits[1] - logits[0]
    ref = cv2.resize(d, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    logits.tofile(os.path.join(work, name + ".logits"))
    np.ascontiguousarray(ref).tofile(os.path.join(work, name + ".ref"))
    area = int((ref > 0).sum())
    conf = float(np.mean(1.0 / (1.0 + np.exp(-np.abs(ref.astype(np.float64))))))
    lines.append(f"f32 {name} {w} {h} {area} {conf:.17g}")

with open(os.path.join(work, "manifest.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")

sys.exit(subprocess.run([binary, work]).returncode)
