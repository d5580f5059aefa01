#!/usr/bin/python3
"""make-models.py OUTDIR — writes four random-weight damage checkpoints under their original
file names ([DAMAGE][Scratch_0]Unet.pt, ...) into OUTDIR, as torch.save(model.state_dict())
of the smp Unet(resnet34) graph rebuilt in plain torch by the oracle tools (tests/oracle).
The weights are calibrated (tests/oracle/fixtures.py) so each model marks part of a photo
as damage; each model has its own seed, so the four masks differ. For GUI tests and
screenshots only: these models know nothing about cars."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import fixtures as fx  # noqa: E402

NAMES = ["[DAMAGE][Scratch_0]Unet.pt", "[DAMAGE][Seperated_1]Unet.pt",
         "[DAMAGE][Crushed_2]Unet.pt", "[DAMAGE][Breakage_3]Unet.pt"]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    calib = []
    for k in range(4):
        bgr = fx.make_photo(320, 240, 100 + k)
        rgb = np.ascontiguousarray(bgr[..., ::-1])
        import cv2
        small = cv2.resize(rgb, (256, 256), interpolation=cv2.INTER_LINEAR)
        calib.append(torch.from_numpy(small.astype(np.float32) / 255.0).permute(2, 0, 1))
    calib = torch.stack(calib)
    for d, name in enumerate(NAMES):
        model = fx.random_model(500 + d, calib)
        torch.save(fx.state_dict_of(model), os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
