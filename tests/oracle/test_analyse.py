"""test_analyse.py — `damage-review analyse` end to end, on random-weight checkpoints.

A project gets synthetic photos (one with an EXIF rotation) through `damage-review add`; then
`analyse` stores one prediction per photo and model. Checked with tools we did not write into
the store: Python's sqlite3 reads the rows, tests/store/rle_decode.py (a decoder written from
the COCO spec) decodes each mask, and every mask must equal, pixel for pixel, the PNG that
`damage-review infer` writes for the same photo and model (infer itself is checked against
PyTorch by test_oracle.py); area and mean confidence must match infer's JSON. Then: a second
run finds nothing to do and reads less than one checkpoint's bytes (counted by the kernel:
rchar of /proc/PID/io, read before the process is reaped), a touched checkpoint is read
again but re-queues nothing; a changed model file re-queues exactly that damage type; Ctrl-C
keeps what was stored and a re-run finishes the job. Exit 77 only when torch/cv2 cannot be
imported.
"""
import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

try:
    import cv2
    import numpy as np
    import torch
except ImportError as e:
    print(f"SKIP: oracle unavailable: {e}")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "store"))
import fixtures as fx  # noqa: E402
import rle_decode  # noqa: E402

FILE_NAMES = ["[DAMAGE][Scratch_0]Unet", "[DAMAGE][Seperated_1]Unet",
              "[DAMAGE][Crushed_2]Unet", "[DAMAGE][Breakage_3]Unet"]
MODEL_NAMES = ["Scratch", "Separated", "Crushed", "Breakage"]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(binary, args, env, cwd=None):
    p = subprocess.run([os.path.abspath(binary), *args], capture_output=True, text=True,
                       env=env, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def run_counting_reads(binary, args, env):
    """Runs binary like run(); also returns how many bytes the process read (its rchar,
    taken from /proc while it is a zombie, before it is reaped)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([os.path.abspath(binary), *args], stdout=out, stderr=err,
                             text=True, env=env)
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        with open(f"/proc/{p.pid}/io") as f:
            io = dict(line.split(": ") for line in f.read().splitlines())
        p.wait()
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read(), err.read(), int(io["rchar"])


def predictions(project):
    db = sqlite3.connect(project)
    rows = db.execute("SELECT p.path, p.width, p.height, pr.damage, pr.model_sha256, pr.rle,"
                      "       pr.area, pr.confidence"
                      "  FROM predictions pr JOIN photos p ON p.id = pr.photo_id").fetchall()
    current = dict(db.execute("SELECT damage, sha256 FROM models WHERE current = 1").fetchall())
    db.close()
    return rows, current


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    photos_dir = os.path.join(work, "photos", "claim-1")
    os.makedirs(photos_dir)
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8",
               DAMAGE_REVIEW_MODELS=os.path.join(work, "none"),
               XDG_DATA_HOME=os.path.join(work, "xdg"),
               XDG_CACHE_HOME=os.path.join(work, "cache"))

    specs = [("a.jpg", 160, 120, None), ("b_o6.jpg", 90, 70, 6), ("c.png", 64, 64, None)]
    calib = []
    for i, (name, w, h, orient) in enumerate(specs):
        path = os.path.join(photos_dir, name)
        bgr = fx.make_photo(w, h, 40 + i)
        if name.endswith(".png"):
            fx.write_png(path, bgr)
        else:
            fx.write_jpeg(path, bgr, orientation=orient)
        calib.append(fx.reference_input(path)[0])
    calib = torch.from_numpy(np.stack(calib))
    models_dir = os.path.join(work, "models")
    os.makedirs(models_dir)
    sds = [fx.state_dict_of(fx.random_model(2000 + k, calib)) for k in range(2)]
    # Two distinct checkpoints are enough: Scratch and Crushed share one, Separated and
    # Breakage the other (each damage type still loads and hashes its own file).
    for d, stem in enumerate(FILE_NAMES):
        fx.save_layout(os.path.join(models_dir, stem + ".pt"), sds[d % 2], "plain")
        # Installed models are old files (one written a moment ago is hashed again by every
        # run until two seconds have passed: see dr-model-identity.h).
        old = time.time() - 3600
        os.utime(os.path.join(models_dir, stem + ".pt"), (old, old))

    project = os.path.join(work, "claims.damagereview")
    code, out, err = run(a.binary, ["add", project, os.path.join(work, "photos")], env)
    check(code == 0, f"add exit {code}: {err}")

    t0 = time.time()
    code, out, err = run(a.binary, ["analyse", project, "--models", models_dir,
                                    "--threads", "2"], env)
    print(f"analyse: {time.time() - t0:.1f}s: {out.strip()}")
    check(code == 0, f"analyse exit {code}: {err}")
    check(out.startswith("3 of 3 photos analysed, 12 results stored, 0 failed"), out)

    infer_out = os.path.join(work, "infer")
    code, jout, err = run(a.binary, ["infer", "--models", models_dir, "--out", infer_out,
                                     "--threads", "2", "--json"] +
                          [os.path.join(photos_dir, n) for n, *_ in specs], env)
    check(code == 0, f"infer exit {code}: {err}")
    report = json.loads(jout)
    stats = {}
    for image in report["images"]:
        for r in image["results"]:
            stats[(image["image"], r["model"])] = r

    # Without --out, infer only prints: same numbers, no mask files anywhere (not in the
    # current folder either).
    bare = os.path.join(work, "bare-cwd")
    os.makedirs(bare, exist_ok=True)
    photo_args = [os.path.join(photos_dir, n) for n, *_ in specs]
    code, bout, err = run(a.binary, ["infer", "--models", models_dir, "--threads", "2",
                                     "--json"] + photo_args, env, cwd=bare)
    check(code == 0, f"infer without --out exit {code}: {err}")
    bare_stats = {(image["image"], r["model"]): r
                  for image in json.loads(bout)["images"] for r in image["results"]}
    check(bare_stats.keys() == stats.keys(), "infer without --out: same photos and models")
    for key, r in bare_stats.items():
        check(r["mask"] is None, f"infer without --out reports a mask file: {r['mask']}")
        check(r["area_px"] == stats[key]["area_px"], f"infer without --out: {key} area")
    code, tout, err = run(a.binary, ["infer", "--models", models_dir, "--threads", "2"] +
                          photo_args, env, cwd=bare)
    check(code == 0 and len(tout.splitlines()) == 1 + 12, f"infer table: {code} {tout!r} {err}")
    check(os.listdir(bare) == [], f"infer without --out wrote {sorted(os.listdir(bare))}")

    rows, current = predictions(project)
    check(len(rows) == 12, f"{len(rows)} prediction rows, expected 12")
    for path, w, h, damage, sha, rle, area, confidence in rows:
        check(current.get(damage) == sha, f"{path} {damage}: not from the current model")
        mask = rle_decode.counts_to_mask(rle_decode.string_to_counts(rle), h, w)
        r = stats[(path, MODEL_NAMES[damage])]
        png = cv2.imread(r["mask"], cv2.IMREAD_GRAYSCALE)
        check(png is not None and png.shape == (h, w), f"{path} {damage}: infer mask shape")
        if png is not None and png.shape == (h, w):
            differing = int(np.count_nonzero(mask != (png > 0)))
            check(differing == 0, f"{path} {MODEL_NAMES[damage]}: {differing} pixels differ")
        check(area == int(mask.sum()) == r["area_px"], f"{path} {damage}: area {area}")
        check(abs(confidence - r["mean_confidence"]) < 1e-9, f"{path} {damage}: confidence")
    oriented = [row for row in rows if row[0].endswith("b_o6.jpg")]
    check(all((w, h) == (70, 90) for _, w, h, *_ in oriented), "EXIF-rotated photo dims")

    # Nothing left to do: the checkpoints are neither loaded nor hashed again (their digests
    # come from the identity cache), so the whole run reads less than one checkpoint.
    checkpoint_bytes = min(os.path.getsize(os.path.join(models_dir, stem + ".pt"))
                           for stem in FILE_NAMES)
    t0 = time.time()
    code, out, err, read = run_counting_reads(a.binary, ["analyse", project, "--models",
                                                         models_dir], env)
    wall = time.time() - t0
    check(code == 0 and out.startswith("0 of 0 photos analysed"), f"re-run: {code} {out}")
    print(f"re-run: {wall:.2f} s wall, {read} bytes read, one checkpoint is {checkpoint_bytes}")
    check(read < checkpoint_bytes, f"no-op analyse read {read} bytes (a checkpoint: "
          f"{checkpoint_bytes})")

    # A touched checkpoint (same bytes, new mtime) is hashed again, not loaded: still no work.
    os.utime(os.path.join(models_dir, FILE_NAMES[1] + ".pt"))
    code, out, err, read = run_counting_reads(a.binary, ["analyse", project, "--models",
                                                         models_dir], env)
    check(code == 0 and out.startswith("0 of 0 photos analysed"), f"touched: {code} {out}")
    check(checkpoint_bytes <= read < 2 * checkpoint_bytes,
          f"touched checkpoint: {read} bytes read, expected one checkpoint's worth")

    # A new Breakage file (the other checkpoint's bytes, so a different SHA-256).
    fx.save_layout(os.path.join(models_dir, FILE_NAMES[3] + ".pt"), sds[0], "plain")
    code, out, err = run(a.binary, ["analyse", project, "--models", models_dir], env)
    check(code == 0 and out.startswith("3 of 3 photos analysed, 3 results stored"),
          f"changed model: {code} {out}")
    rows, current = predictions(project)
    check(len(rows) == 15, f"{len(rows)} rows after the model change, expected 15 (old kept)")

    # Ctrl-C: more photos, interrupt once the first result is stored.
    for i in range(3):
        fx.write_jpeg(os.path.join(photos_dir, f"more{i}.jpg"), fx.make_photo(200, 150, 90 + i))
    run(a.binary, ["add", project, photos_dir], env)
    p = subprocess.Popen([a.binary, "analyse", project, "--models", models_dir, "--threads", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 300
    while time.time() < deadline and p.poll() is None:
        if len(predictions(project)[0]) > 15:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=300)
    stored = len(predictions(project)[0])
    print(f"interrupted run: exit {p.returncode}, {stored - 15} of 12 results stored: {out.strip()}")
    if stored < 15 + 12:
        check(p.returncode == 1 and "interrupted" in err, f"Ctrl-C: {p.returncode} {err!r}")
    code, out, err = run(a.binary, ["analyse", project, "--models", models_dir], env)
    rows, _ = predictions(project)
    check(code == 0 and len(rows) == 15 + 12, f"after Ctrl-C re-run: {code} {len(rows)} {out}")
    db = sqlite3.connect(project)
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
    db.close()

    print(f"{len(failures)} failures")
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
