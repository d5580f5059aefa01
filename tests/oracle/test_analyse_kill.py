"""test_analyse_kill.py — `damage-review analyse` killed with SIGKILL at random moments, resumed.

Four small synthetic photos and two random-weight checkpoints written by PyTorch (Scratch and
Separated; the other two damage types have no model file, so analyse reports and skips them:
loading a checkpoint takes seconds under ASan, and every kill costs a start). An uninterrupted `analyse` of a copy of the project gives the
reference predictions. Then, --kills times (40 by default), `analyse` is started on the working
project and killed with SIGKILL: at a uniformly random moment of a whole run (so also while the
models load and register), or, every other time, a random 0–50 ms after a random number of
results has been stored (so inside the inference and commit phase). The next start is the
resume. After every kill, read with Python's sqlite3:
  - PRAGMA integrity_check is "ok";
  - no (photo, damage type, model) has more than one prediction, each is from the current
    model, decodes (tests/store/rle_decode.py, written from the COCO spec) to the photo's size
    with its stored area, and is byte for byte the reference prediction.
When a run is let finish (exit 0), exactly one prediction per photo and damage type must be
there, all equal to the reference; the project then starts over from the unanalysed copy.
The checker is itself shown to complain about a planted duplicate and a planted gap on a
copy, so the test cannot pass by checking nothing. The random seed is printed; --seed
repeats a run. Exit 77 only when torch/cv2 cannot be imported.
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

try:
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
N_PHOTOS = 4
N_MODELS = 2


def copy_project(src, dst):
    """Copies a closed project file, dropping any WAL/SHM left next to dst."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    shutil.copyfile(src, dst)


def read_rows(project):
    """(rows, current models, photo sizes, integrity) of a project, read with Python's sqlite3."""
    db = sqlite3.connect(project)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        rows = db.execute("SELECT p.path, pr.damage, pr.model_sha256, pr.rle, pr.area, pr.confidence"
                          "  FROM predictions pr JOIN photos p ON p.id = pr.photo_id").fetchall()
        current = dict(db.execute("SELECT damage, sha256 FROM models WHERE current = 1").fetchall())
        sizes = {path: (w, h) for path, w, h in
                 db.execute("SELECT path, width, height FROM photos").fetchall()}
    finally:
        db.close()
    return rows, current, sizes, integrity


def problems(project, reference, complete):
    """Everything wrong with the project's predictions against the reference; with complete,
    also every (photo, damage type) without its one prediction."""
    rows, current, sizes, integrity = read_rows(project)
    found = []
    if integrity != "ok":
        found.append(f"integrity_check: {integrity}")
    seen = {}
    for path, damage, sha, rle, area, confidence in rows:
        key = (path, damage, sha)
        seen[key] = seen.get(key, 0) + 1
        if current.get(damage) != sha:
            found.append(f"{path} damage {damage}: prediction from a model that is not current")
            continue
        w, h = sizes[path]
        mask = rle_decode.counts_to_mask(rle_decode.string_to_counts(rle), h, w)
        if int(mask.sum()) != area:
            found.append(f"{path} damage {damage}: area {area} != decoded {int(mask.sum())}")
        if reference.get((path, damage)) != (sha, rle, area, confidence):
            found.append(f"{path} damage {damage}: differs from the uninterrupted run")
    for key, n in seen.items():
        if n != 1:
            found.append(f"{key[0]} damage {key[1]}: {n} predictions from one model")
    if complete:
        for path, damage in reference:
            if seen.get((path, damage, current.get(damage)), 0) != 1:
                found.append(f"{path} damage {damage}: no prediction after the resumed run")
    return found


def checker_catches_planted_faults(project, reference, work):
    """The checker must report a duplicate and a gap planted into a copy of a complete project
    (predictions rebuilt without its primary key, so the duplicate can exist)."""
    planted = os.path.join(work, "planted.damagereview")
    copy_project(project, planted)
    db = sqlite3.connect(planted)
    db.executescript(
        "PRAGMA foreign_keys = OFF;"
        "CREATE TABLE p2 AS SELECT * FROM predictions;"
        "DROP TABLE predictions;"
        "ALTER TABLE p2 RENAME TO predictions;"
        "INSERT INTO predictions SELECT * FROM predictions LIMIT 1;"
        "DELETE FROM predictions WHERE rowid = (SELECT max(rowid) FROM predictions"
        "  WHERE damage = 1);")
    db.commit()
    db.close()
    found = problems(planted, reference, complete=True)
    dup = any("predictions from one model" in p for p in found)
    gap = any("no prediction after the resumed run" in p for p in found)
    return dup and gap


def wait_for_rows(project, n, proc, deadline):
    """Polls until the project holds at least n predictions, the process ends or time is up."""
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            db = sqlite3.connect(f"file:{project}?mode=ro", uri=True, timeout=1)
            count = db.execute("SELECT count(*) FROM predictions").fetchone()[0]
            db.close()
            if count >= n:
                return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.01)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--kills", type=int, default=40)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed} (repeat with --seed {seed})")
    torch.set_num_threads(2)
    work = os.path.abspath(a.workdir)
    shutil.rmtree(work, ignore_errors=True)
    photos_dir = os.path.join(work, "photos", "claim-1")
    os.makedirs(photos_dir)
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8",
               DAMAGE_REVIEW_MODELS=os.path.join(work, "none"),
               XDG_DATA_HOME=os.path.join(work, "xdg"))

    calib = []
    for i in range(N_PHOTOS):
        path = os.path.join(photos_dir, f"p{i}.jpg")
        fx.write_jpeg(path, fx.make_photo(48, 36, 300 + i))
        calib.append(fx.reference_input(path)[0])
    calib = torch.from_numpy(np.stack(calib))
    models_dir = os.path.join(work, "models")
    os.makedirs(models_dir)
    sds = [fx.state_dict_of(fx.random_model(3000 + k, calib)) for k in range(2)]
    for d, stem in enumerate(FILE_NAMES[:N_MODELS]):
        fx.save_layout(os.path.join(models_dir, stem + ".pt"), sds[d % 2], "plain")

    base = os.path.join(work, "base.damagereview")
    add = subprocess.run([a.binary, "add", base, os.path.join(work, "photos")],
                         capture_output=True, text=True, env=env)
    if add.returncode != 0:
        print(f"FAIL: add exit {add.returncode}: {add.stderr}")
        return 1

    def start(project):
        return subprocess.Popen([a.binary, "analyse", project, "--models", models_dir,
                                 "--threads", "2"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    ref_project = os.path.join(work, "reference.damagereview")
    copy_project(base, ref_project)
    t0 = time.monotonic()
    ref = start(ref_project)
    out, err = ref.communicate()
    full_run = time.monotonic() - t0
    print(f"uninterrupted analyse: {full_run:.2f} s: {out.strip()}")
    if ref.returncode != 0:
        print(f"FAIL: reference analyse exit {ref.returncode}: {err}")
        return 1
    rows, current, _, _ = read_rows(ref_project)
    reference = {(path, damage): (sha, rle, area, conf)
                 for path, damage, sha, rle, area, conf in rows}
    n_results = N_PHOTOS * N_MODELS
    if len(reference) != n_results or len(rows) != n_results:
        print(f"FAIL: the reference run stored {len(rows)} predictions, expected {n_results}")
        return 1
    if not checker_catches_planted_faults(ref_project, reference, work):
        print("FAIL: the checker missed a planted duplicate or gap")
        return 1

    project = os.path.join(work, "project.damagereview")
    copy_project(base, project)
    failures = []
    kills = completed = 0
    stored_at_kill = []

    def finish(proc, deadline):
        """Lets a (resumed) run finish; checks the complete project; starts over from base."""
        nonlocal completed
        try:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            failures.append("a resumed analyse did not finish")
            return
        if proc.returncode != 0:
            failures.append(f"a resumed analyse exited {proc.returncode}: {err.strip()}")
        completed += 1
        failures.extend(f"after finished run {completed}: {p}"
                        for p in problems(project, reference, complete=True))
        copy_project(base, project)

    while kills < a.kills:
        proc = start(project)
        deadline = time.monotonic() + 10 * full_run + 30
        if kills % 2 == 0:
            try:
                proc.wait(timeout=rng.uniform(0, full_run))
            except subprocess.TimeoutExpired:
                pass
        else:
            wait_for_rows(project, rng.randint(1, n_results - 1), proc, deadline)
            time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is not None:
            finish(proc, deadline)  # it finished before the kill: a complete resumed run
            continue
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        kills += 1
        stored_at_kill.append(len(read_rows(project)[0]))
        failures.extend(f"after kill {kills}: {p}"
                        for p in problems(project, reference, complete=False))
    # The last kill is resumed too.
    finish(start(project), time.monotonic() + 10 * full_run + 30)

    mid = sum(1 for n in stored_at_kill if 0 < n < n_results)
    print(f"{kills} kills ({mid} with some but not all of the {n_results} results stored; "
          f"stored at each kill: {stored_at_kill}), {completed} resumed runs finished")
    for f in failures[:40]:
        print("FAIL:", f)
    print(f"{len(failures)} failures")
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
