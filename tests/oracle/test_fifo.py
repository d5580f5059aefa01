"""test_fifo.py — `analyse` and `infer` meet a FIFO where a photo should be.

A project gets two photos through `damage-review add`; then one of them is replaced by a named
pipe that nobody writes to (as a share or a hostile folder can present). Opening such a path
for reading blocks forever, so a loader that opens it without O_NONBLOCK hangs the command.
Checked: `analyse` ends, names the pipe in a one-line error, still stores all four predictions
of the other photo (read back with Python's sqlite3) and none for the pipe; `infer` on the pipe
ends with a one-line error naming it and writes no mask. Exit 77 only when torch/cv2 cannot be
imported.
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"SKIP: oracle unavailable: {e}")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fixtures as fx  # noqa: E402

FILE_NAMES = ["[DAMAGE][Scratch_0]Unet", "[DAMAGE][Seperated_1]Unet",
              "[DAMAGE][Crushed_2]Unet", "[DAMAGE][Breakage_3]Unet"]
TIMEOUT = 120  # a hang is a failure, not a wait
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(binary, args, env):
    try:
        p = subprocess.run([os.path.abspath(binary), *args], capture_output=True, text=True,
                           env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "", f"still running after {TIMEOUT} s (blocked on the FIFO?)"
    return p.returncode, p.stdout, p.stderr


def lines_naming(err, name):
    return [line for line in err.splitlines() if name in line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    photos = os.path.join(work, "photos")
    os.makedirs(photos)
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8",
               DAMAGE_REVIEW_MODELS=os.path.join(work, "none"),
               XDG_DATA_HOME=os.path.join(work, "xdg"))

    good, piped = os.path.join(photos, "good.jpg"), os.path.join(photos, "piped.jpg")
    for i, path in enumerate((good, piped)):
        fx.write_jpeg(path, fx.make_photo(96, 64, 70 + i))
    calib = torch.from_numpy(np.stack([fx.reference_input(good)[0]]))
    models = os.path.join(work, "models")
    os.makedirs(models)
    sd = fx.state_dict_of(fx.random_model(3100, calib))
    for stem in FILE_NAMES:
        fx.save_layout(os.path.join(models, stem + ".pt"), sd, "plain")

    project = os.path.join(work, "claims.damagereview")
    code, _, err = run(a.binary, ["add", project, photos], env)
    check(code == 0, f"add exit {code}: {err}")
    os.unlink(piped)
    os.mkfifo(piped)

    code, out, err = run(a.binary, ["analyse", project, "--models", models, "--threads", "2"],
                         env)
    print(f"analyse exit {code}: {out.strip()} | {err.strip()}")
    check(code is not None, "analyse: " + err)
    named = lines_naming(err, "piped.jpg")
    check(len(named) >= 1, f"analyse names the FIFO in its errors: {err!r}")
    check(all("not a regular file" in line for line in named),
          f"analyse says why the FIFO was refused: {named!r}")
    if os.path.exists(project):
        db = sqlite3.connect(project)
        rows = db.execute("SELECT p.path, count(pr.damage) FROM photos p"
                          " LEFT JOIN predictions pr ON pr.photo_id = p.id GROUP BY p.path"
                          ).fetchall()
        db.close()
        counts = {os.path.basename(p): n for p, n in rows}
        check(counts.get("good.jpg") == 4, f"four predictions for the good photo: {counts}")
        check(counts.get("piped.jpg") == 0, f"no prediction for the FIFO: {counts}")

    out_dir = os.path.join(work, "infer")
    code, out, err = run(a.binary, ["infer", "--models", models, "--out", out_dir, piped], env)
    print(f"infer exit {code}: {err.strip()}")
    check(code not in (None, 0), f"infer on the FIFO fails (exit {code}): {err}")
    check(len(err.strip().splitlines()) == 1 and "piped.jpg" in err
          and "not a regular file" in err, f"infer: one line naming the FIFO: {err!r}")
    masks = [n for n in os.listdir(out_dir)] if os.path.isdir(out_dir) else []
    check(masks == [], f"infer wrote {masks} for a FIFO")

    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
