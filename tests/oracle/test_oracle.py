"""test_oracle.py — `damage-review infer` against PyTorch (network) and OpenCV (decode, resize).
The network comparison runs on the CPU's best GEMM kernels and again on every other path it
has (`infer --kernels blas|avx2|avx2-nowinograd|avx512-nowinograd`).

Random-weight checkpoints (fixtures.py) in every layout users may have; synthetic photos of
several sizes, formats and EXIF orientations. Asserts, per photo and model:
  max|logit_C - logit_torch| <= 1e-3 * max(1, max|logit_torch|), and
  mask_C == (cv2.resize(l1 - l0, (W, H), INTER_LINEAR) > 0) except where |that| < 1e-3,
plus the JSON statistics, the .npy format, layout equivalence (every layout gives the plain
layout's logits bit for bit), and the CLI's exit codes and messages for missing models, broken
photos and bad usage. Exit 77 (meson: skipped) only when torch/cv2 cannot be imported.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

try:
    import cv2
    import numpy as np
    import torch
except ImportError as e:  # only a missing oracle may skip
    print(f"SKIP: oracle unavailable: {e}")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures as fx  # noqa: E402
import unet_ref  # noqa: E402

DAMAGES = ["Scratch", "Separated", "Crushed", "Breakage"]
FILE_NAMES = {
    "Scratch": "[DAMAGE][Scratch_0]Unet",
    "Separated": "[DAMAGE][Seperated_1]Unet",
    "Crushed": "[DAMAGE][Crushed_2]Unet",
    "Breakage": "[DAMAGE][Breakage_3]Unet",
}
# (file name, width, height, format, EXIF orientation or None); width/height as stored.
PHOTOS = [
    ("a_800x600.jpg", 800, 600, "jpg", None),
    ("b_601x401_o6.jpg", 601, 401, "jpg", 6),
    ("c_300x500_o8.jpg", 300, 500, "jpg", 8),
    ("d_1024x768.png", 1024, 768, "png", None),
    ("e_17x9.png", 17, 9, "png", None),
    ("f_640x480_o3.jpg", 640, 480, "jpg", 3),
    ("g_512x512_o1.jpg", 512, 512, "jpg", 1),
    # 256x256 PNG: decode and resize are exact copies, so this one isolates the network.
    ("h_256x256.png", 256, 256, "png", None),
]
# Models dirs for the layout runs: damage -> (layout, file name override or None).
LAYOUT_DIRS = {
    "layouts-a": {"Scratch": ("module", None), "Separated": ("model", "[DAMAGE][Separated_1]Unet"),
                  "Crushed": ("state_dict", None), "Breakage": ("model_dict", None)},
    "layouts-b": {"Scratch": ("net", None), "Separated": ("fp16", None),
                  "Crushed": ("protocol4", None), "Breakage": ("safetensors", None)},
    "layouts-c": {"Scratch": ("ddp_state_dict", None), "Separated": ("safetensors", None),
                  "Crushed": ("fp16", None), "Breakage": ("module", None)},
}
LAYOUT_PHOTO = "c_300x500_o8.jpg"

failures = []


def check(cond, msg):
    """Records a failure (the test goes on, to report every figure) and prints it."""
    if not cond:
        failures.append(msg)
        print(f"FAIL: {msg}")
    return cond


def run_infer(args, binary, env, expect=None):
    """Runs `damage-review infer ARGS`; returns (exit code, stdout, stderr)."""
    t = time.time()
    p = subprocess.run([binary, "infer"] + args, env=env, capture_output=True, text=True)
    print(f"  infer {' '.join(a for a in args if not a.startswith('/'))[:80]}... "
          f"-> exit {p.returncode} in {time.time() - t:.1f}s")
    if expect is not None and p.returncode != expect:
        check(False, f"exit code {p.returncode}, expected {expect}; stderr:\n{p.stderr}")
    return p.returncode, p.stdout, p.stderr


def make_photos(photo_dir):
    """Writes PHOTOS; returns {name: (path, float input [3,256,256], (H, W) after EXIF)}."""
    os.makedirs(photo_dir)
    out = {}
    for i, (name, w, h, fmt, orient) in enumerate(PHOTOS):
        path = os.path.join(photo_dir, name)
        bgr = fx.make_photo(w, h, seed=100 + i)
        if fmt == "jpg":
            fx.write_jpeg(path, bgr, orient)
        else:
            fx.write_png(path, bgr)
        x, hw = fx.reference_input(path)
        rotated = orient in (5, 6, 7, 8)
        assert hw == ((w, h) if rotated else (h, w)), f"OpenCV ignored EXIF of {name}: {hw}"
        out[name] = (path, x, hw)
    return out


def save_models(work, models):
    """Saves the plain set and the layout sets; returns {dir name: path}."""
    dirs = {}
    plain = os.path.join(work, "plain")
    os.makedirs(plain)
    for dmg in DAMAGES:
        fx.save_layout(os.path.join(plain, FILE_NAMES[dmg] + ".pt"), models[dmg], "plain")
    dirs["plain"] = plain
    for dname, spec in LAYOUT_DIRS.items():
        d = os.path.join(work, dname)
        os.makedirs(d)
        for dmg, (layout, stem) in spec.items():
            ext = ".safetensors" if layout == "safetensors" else ".pt"
            fx.save_layout(os.path.join(d, (stem or FILE_NAMES[dmg]) + ext), models[dmg], layout)
        dirs[dname] = d
    return dirs


def load_npy(path):
    """Loads a .npy written by the C side, checking dtype, shape and 64-byte header padding."""
    with open(path, "rb") as f:
        head = f.read(10)
    check(head[:8] == b"\x93NUMPY\x01\x00", f"{path}: not npy v1.0")
    hlen = int.from_bytes(head[8:10], "little")
    check((10 + hlen) % 64 == 0, f"{path}: header not padded to 64 ({10 + hlen})")
    a = np.load(path, allow_pickle=False)
    check(a.dtype == np.dtype("<f4") and a.shape == (2, 256, 256) and not np.isfortran(a),
          f"{path}: dtype {a.dtype} shape {a.shape}")
    return a


def compare_outputs(report, photos, refs, out_dir):
    """Compares every (photo, model) of one plain run with the references; returns figures."""
    stats = {"abs": 0.0, "rel": 0.0, "mask_diff": 0, "mask_px": 0, "pairs": 0, "conf": 0.0}
    by_image = {os.path.basename(r["image"]): r for r in report["images"]}
    for name, (path, _, (H, W)) in photos.items():
        img = by_image.get(name)
        if not check(img is not None and img["error"] is None, f"{name}: no result ({img})"):
            continue
        check((img["width"], img["height"]) == (W, H),
              f"{name}: size {img['width']}x{img['height']}, OpenCV {W}x{H}")
        results = {r["model"]: r for r in img["results"]}
        for dmg in DAMAGES:
            r = results.get(dmg)
            if not check(r is not None and r["error"] is None, f"{name} {dmg}: {r}"):
                continue
            ref = refs[dmg][name]
            got = load_npy(r["logits"])
            err = float(np.abs(got - ref).max())
            scale = max(1.0, float(np.abs(ref).max()))
            stats["abs"] = max(stats["abs"], err)
            stats["rel"] = max(stats["rel"], err / scale)
            stats["pairs"] += 1
            check(err <= 1e-3 * scale, f"{name} {dmg}: max|dlogit| {err:.3g} > 1e-3 x {scale:.3g}")

            ref_mask, d_up = fx.reference_mask(ref, H, W)
            mask = cv2.imread(r["mask"], cv2.IMREAD_UNCHANGED)
            if not check(mask is not None and mask.shape == (H, W) and mask.dtype == np.uint8,
                         f"{name} {dmg}: mask {None if mask is None else mask.shape}"):
                continue
            check(set(np.unique(mask)) <= {0, 255}, f"{name} {dmg}: mask values not 0/255")
            diff = (mask > 0) != ref_mask
            bad = diff & (np.abs(d_up) >= 1e-3)
            stats["mask_diff"] += int(diff.sum())
            stats["mask_px"] += H * W
            check(not bad.any(), f"{name} {dmg}: {int(bad.sum())} mask pixels differ where "
                  f"|d| >= 1e-3 (max |d| there {float(np.abs(d_up[bad]).max()) if bad.any() else 0:.3g})")

            area = int((mask > 0).sum())
            check(r["area_px"] == area, f"{name} {dmg}: area_px {r['area_px']} != mask {area}")
            check(abs(r["area_fraction"] - area / (H * W)) < 1e-9,
                  f"{name} {dmg}: area_fraction {r['area_fraction']}")
            conf = float(np.mean(1.0 / (1.0 + np.exp(-np.abs(d_up.astype(np.float64))))))
            stats["conf"] = max(stats["conf"], abs(r["mean_confidence"] - conf))
            check(abs(r["mean_confidence"] - conf) < 1e-4,
                  f"{name} {dmg}: mean_confidence {r['mean_confidence']} vs ref {conf}")
            check(os.path.dirname(r["mask"]) == out_dir and
                  os.path.basename(r["mask"]) == f"{os.path.splitext(name)[0]}.{dmg}.png",
                  f"{name} {dmg}: mask path {r['mask']}")
            print(f"    {name:20s} {dmg:9s} max|dlogit| {err:.2e} (rel {err / scale:.2e}) "
                  f"mask diff {int(diff.sum())} px")
    return stats


def cpu_gemm_paths():
    """The engine's GEMM paths this CPU can run, from /proc/cpuinfo's flags, best last."""
    with open("/proc/cpuinfo") as f:
        flags = next((l.split(":", 1)[1].split() for l in f if l.startswith("flags")), [])
    paths = ["blas"]
    if "avx2" in flags and "fma" in flags:
        paths += ["avx2-nowinograd", "avx2"]
    if "avx512f" in flags:
        paths += ["avx512-nowinograd", "avx512"]
    return paths


def test_kernel_paths(binary, env, work, dirs, photos, refs):
    """The same oracle comparison with every other GEMM path forced (`infer --kernels`), so
    each kernel the CPU has is checked against PyTorch, not only the one it picks."""
    for path in cpu_gemm_paths()[:-1]:
        out = os.path.join(work, "out-" + path)
        code, stdout, _ = run_infer(["--models", dirs["plain"], "--out", out, "--logits", out,
                                     "--threads", "2", "--json", "--kernels", path] +
                                    [p for p, _, _ in photos.values()], binary=binary, env=env,
                                    expect=0)
        if code == 0:
            s = compare_outputs(json.loads(stdout), photos, refs, out)
            print(f"ORACLE --kernels {path}: {s['pairs']} pairs: max|dlogit| {s['abs']:.3e}, "
                  f"max rel {s['rel']:.3e} (limit 1e-3); mask pixels differing "
                  f"{s['mask_diff']} of {s['mask_px']}")


def test_layouts(binary, env, work, dirs, photos):
    """Every layout dir, on one photo, must give the plain run's logits bit for bit."""
    path = photos[LAYOUT_PHOTO][0]
    stem = os.path.splitext(LAYOUT_PHOTO)[0]
    for dname, spec in LAYOUT_DIRS.items():
        out = os.path.join(work, "out-" + dname)
        # One worker here (two in the plain run): results must not depend on the thread count.
        code, stdout, stderr = run_infer(["--models", dirs[dname], "--out", out, "--logits", out,
                                          "--threads", "1", "--json", path], binary, env,
                                         expect=0)
        if code != 0:
            continue
        for dmg in DAMAGES:
            plain = np.load(os.path.join(work, "out-plain", f"{stem}.{dmg}.npy"))
            got = load_npy(os.path.join(out, f"{stem}.{dmg}.npy"))
            layout = spec[dmg][0]
            check(np.array_equal(plain, got), f"layout {layout} ({dmg}): logits differ from plain "
                  f"by {float(np.abs(plain - got).max()):.3g}")
        print(f"    {dname}: {', '.join(spec[d][0] for d in DAMAGES)} == plain")


def test_missing_and_broken(binary, env, work, dirs, photos, env_dir, xdg_models, modelsdir):
    """Missing model: skipped with expected file + every dir; broken photo: exit 1; none: 2."""
    partial = os.path.join(work, "partial")
    os.makedirs(partial)
    for dmg in ("Scratch", "Crushed"):
        os.link(os.path.join(dirs["plain"], FILE_NAMES[dmg] + ".pt"),
                os.path.join(partial, FILE_NAMES[dmg] + ".pt"))
    broken_model = os.path.join(partial, FILE_NAMES["Breakage"] + ".pt")
    with open(broken_model, "wb") as f:
        f.write(b"this is not a checkpoint\n" * 40)

    good = photos[LAYOUT_PHOTO][0]
    garbage = os.path.join(work, "garbage.jpg")
    with open(garbage, "wb") as f:
        f.write(b"\xff\xd8\xff\xe0 definitely not a jpeg" * 10)
    empty = os.path.join(work, "empty.png")
    open(empty, "wb").close()
    nonexistent = os.path.join(work, "no-such-photo.jpg")

    out = os.path.join(work, "out-partial")
    code, stdout, stderr = run_infer(["--models", partial, "--out", out, "--json",
                                      garbage, good, empty, nonexistent], binary, env, expect=1)
    lines = stderr.strip().splitlines()
    sep = [l for l in lines if "Separated" in l]
    check(len(sep) == 1 and "[DAMAGE][Seperated_1]Unet.pt" in sep[0] and
          all(d in sep[0] for d in (partial, env_dir, xdg_models, modelsdir)),
          f"missing-model line should name the file and all 4 dirs: {sep}")
    brk = [l for l in lines if "Breakage" in l]
    check(len(brk) == 1 and broken_model in brk[0], f"broken-model line should name it: {brk}")
    for bad in (garbage, empty, nonexistent):
        hits = [l for l in lines if bad in l]
        check(len(hits) == 1, f"expected one stderr line naming {bad}, got {hits}")
    try:
        report = json.loads(stdout)
    except ValueError:
        check(False, f"infer --json printed no JSON: {stdout[:200]!r}")
        return
    skipped = {m["name"]: m["skipped"] for m in report["models"]}
    check(skipped["Separated"] and skipped["Breakage"] and not skipped["Scratch"]
          and not skipped["Crushed"], f"skipped models in JSON: {skipped}")
    stem = os.path.splitext(LAYOUT_PHOTO)[0]
    for dmg in DAMAGES:
        exists = os.path.exists(os.path.join(out, f"{stem}.{dmg}.png"))
        check(exists == (dmg in ("Scratch", "Crushed")), f"{dmg} mask exists: {exists}")
    check(sorted(os.listdir(out)) == sorted(f"{stem}.{d}.png" for d in ("Crushed", "Scratch")),
          f"unexpected outputs: {os.listdir(out)}")
    errors = {os.path.basename(i["image"]): i["error"] for i in report["images"]}
    check(errors[LAYOUT_PHOTO] is None and all(errors[os.path.basename(b)]
          for b in (garbage, empty, nonexistent)), f"per-image errors in JSON: {errors}")
    print("    missing/broken models and photos: messages and exit 1 as expected")

    empty_models = os.path.join(work, "no-models")
    os.makedirs(empty_models)
    code, stdout, stderr = run_infer(["--models", empty_models, "--out", out, good],
                                     binary, env, expect=2)
    for dmg in DAMAGES:
        check(FILE_NAMES[dmg] + ".pt" in stderr, f"no-model run should name {dmg}'s file")
    check(empty_models in stderr, "no-model run should name the searched dir")

    for args in ([], ["--threads", "0", good], ["--no-such-option", good]):
        run_infer(["--models", partial] + args, binary, env, expect=2)
    print("    no model: exit 2; bad usage: exit 2")


def main():
    """Builds the fixtures, runs every check, prints the error figures; 0 when all held."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--installed-models", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    a.binary = os.path.abspath(a.binary)
    torch.set_num_threads(2)
    t0 = time.time()

    model = unet_ref.Unet()
    print(f"unet_ref state_dict matches {a.keys}: {unet_ref.check_keys(model, a.keys)} keys")

    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    photos = make_photos(os.path.join(work, "photos"))
    calib = torch.from_numpy(np.stack([photos[n][1] for n in
                                       ("a_800x600.jpg", "d_1024x768.png", "b_601x401_o6.jpg")]))
    models, refs = {}, {}
    batch = torch.from_numpy(np.stack([x for _, x, _ in photos.values()]))
    for i, dmg in enumerate(DAMAGES):
        m = fx.random_model(1000 + i, calib)
        with torch.no_grad():
            logits = m(batch).numpy()
        refs[dmg] = {name: logits[k] for k, name in enumerate(photos)}
        models[dmg] = fx.state_dict_of(m)
        d = logits[:, 1] - logits[:, 0]
        print(f"  {dmg}: max|logit| {np.abs(logits).max():.2f}, d>0 {float((d > 0).mean()):.0%}")
    dirs = save_models(work, models)
    print(f"fixtures ready in {time.time() - t0:.0f}s")

    env = dict(os.environ)
    env_dir = os.path.join(work, "env-models")
    os.makedirs(env_dir)
    env["DAMAGE_REVIEW_MODELS"] = env_dir
    env["XDG_DATA_HOME"] = os.path.join(work, "xdg")
    xdg_models = os.path.join(work, "xdg", "damage-review", "models")

    out = os.path.join(work, "out-plain")
    code, stdout, stderr = run_infer(["--models", dirs["plain"], "--out", out, "--logits", out,
                                      "--threads", "2", "--json"] +
                                     [p for p, _, _ in photos.values()], binary=a.binary,
                                     env=env, expect=0)
    if code == 0:
        s = compare_outputs(json.loads(stdout), photos, refs, out)
        print(f"ORACLE: {s['pairs']} photo x model pairs: max|dlogit| {s['abs']:.3e}, "
              f"max rel {s['rel']:.3e} (limit 1e-3); mask pixels differing {s['mask_diff']} of "
              f"{s['mask_px']} (all where |d| < 1e-3 unless FAIL above); "
              f"max |mean_confidence error| {s['conf']:.2e}")
        test_layouts(a.binary, env, work, dirs, photos)
    test_kernel_paths(a.binary, env, work, dirs, photos, refs)
    test_missing_and_broken(a.binary, env, work, dirs, photos, env_dir, xdg_models,
                            a.installed_models)

    print(f"total {time.time() - t0:.0f}s")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
