#!/usr/bin/env python3
"""`damage-review worker URI`, `status URI` and `analyse URI` on a real PostgreSQL server.

    check-worker.py DAMAGE_REVIEW [--photos N] [--kills K] [--workers W]

The server comes from the environment (PGHOST, PGPORT, PGUSER = a superuser, PGPASSWORD), as
build-aux/test.sh arranges with pg_virtualenv; without one this test FAILS. Exit 77 only when
PyTorch/OpenCV (which write the random-weight checkpoints and photos) cannot be imported.

Oracles we did not write: psql reads the server; a local `damage-review analyse` of the same
photos with the same checkpoints (itself checked against PyTorch by oracle-analyse) gives the
expected predictions.

1. A lead pushes N photos and registers the model set with `analyse URI --models DIR`.
2. W workers (a worker login, one thread each, 4 s leases) drain the queue while a chaos loop
   SIGKILLs a random worker K times and starts a new one. At the end every (photo, model) has
   exactly one prediction, no job is left, and each prediction equals (RLE and area) the
   local analyse's.
3. Lease expiry: a worker killed while holding jobs leaves them running; once the lease
   passed, status shows them expired and a new worker rescues and finishes them.
4. SIGTERM: a worker stops within seconds, exit 0, and every job it held is queued again with
   its attempt given back.
5. Poison photo: a photo whose bytes do not decode is retried with backoff and marked failed
   after --max-attempts with the photo named in last_error; status lists it.
6. A --models file whose SHA-256 differs from the project's is refused (exit 2, one line); a
   worker without --models fetches the checkpoints from the project and verifies them.
"""
import argparse
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
try:
    import fixtures as fx  # noqa: E402
    import torch  # noqa: E402
except ImportError as e:
    print(f"SKIP: PyTorch/OpenCV unavailable: {e}")
    sys.exit(77)

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("--photos", type=int, default=16)
ap.add_argument("--kills", type=int, default=6)
ap.add_argument("--workers", type=int, default=4)
A = ap.parse_args()
DR = os.path.abspath(A.binary)
PID = os.getpid()
DB = f"drt_work_{PID}"
ADMIN, LEAD, WORKER = f"drt_work_{PID}_admin", f"drt_work_{PID}_lead", f"drt_work_{PID}_worker"
SCRATCH = "[DAMAGE][Scratch_0]Unet.pt"
CRUSHED = "[DAMAGE][Crushed_2]Unet.pt"


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def expect(cond, what):
    if not cond:
        fail(what)
    print(f"ok: {what}", flush=True)


def psql(sql, db=DB, user=None, check=True):
    env = dict(os.environ, PGDATABASE=db)
    if user:
        env.update(PGUSER=user, PGPASSWORD=user)
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"psql {sql!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def uri(user):
    return f"dbname={DB} user={user} password={user}"


ENV = {}


def run(*args):
    r = subprocess.run([DR, *args], capture_output=True, text=True, env=dict(os.environ, **ENV))
    return r.returncode, r.stdout, r.stderr


def start_worker(*extra, name=None):
    args = [DR, "worker", uri(WORKER), "--threads", "1", "--lease", "4", "--poll", "1",
            "--retry-delay", "0.2", *extra]
    if name:
        args += ["--name", name]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, **ENV))


def jobs(where="true"):
    return int(psql(f"SELECT count(*) FROM dr.analysis_jobs WHERE {where}"))


def brief(err):
    """The first line of a worker's stderr (its error) and the end (a sanitizer's summary)."""
    err = err.strip()
    return err if len(err) <= 600 else f"{err[:300]} … {err[-300:]}"


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.2)
    fail(f"timed out waiting for {what}")


def server_predictions():
    rows = psql("SELECT ph.sha256, pr.damage, pr.model_sha256, md5 (pr.rle), pr.area"
                "  FROM dr.predictions pr JOIN dr.photos ph ON ph.id = pr.photo_id")
    return [tuple(r.split("|")) for r in rows.splitlines() if r]


def local_predictions(project):
    import sqlite3
    con = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    rows = con.execute("SELECT ph.sha256, pr.damage, pr.model_sha256, pr.rle, pr.area"
                       "  FROM predictions pr JOIN photos ph ON ph.id = pr.photo_id").fetchall()
    con.close()
    return {(s, str(d), m): (hashlib.md5(r.encode()).hexdigest(), str(a))
            for s, d, m, r, a in rows}


def body(tmp):
    ENV["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    ENV["XDG_DATA_HOME"] = os.path.join(tmp, "data")
    ENV["DAMAGE_REVIEW_MODELS"] = os.path.join(tmp, "none")
    ENV["LANGUAGE"] = "C"
    photos = os.path.join(tmp, "photos", "claim-1")
    os.makedirs(photos)
    for i in range(A.photos):
        fx.write_jpeg(os.path.join(photos, f"p{i:04d}.jpg"),
                      fx.make_photo(40 + i % 7, 30 + i % 5, 1000 + i))
    torch.set_num_threads(1)
    calib = torch.from_numpy(fx.reference_input(os.path.join(photos, "p0000.jpg"))[0][None])
    sds = [fx.state_dict_of(fx.random_model(3000 + k, calib)) for k in range(2)]
    models = os.path.join(tmp, "models")
    other = os.path.join(tmp, "models-other")
    os.makedirs(models)
    os.makedirs(other)
    # Two damage types keep the engine time down; each file is a real PyTorch checkpoint.
    fx.save_layout(os.path.join(models, SCRATCH), sds[0], "plain")
    fx.save_layout(os.path.join(models, CRUSHED), sds[1], "plain")
    fx.save_layout(os.path.join(other, SCRATCH), sds[1], "plain")
    fx.save_layout(os.path.join(other, CRUSHED), sds[1], "plain")
    old = time.time() - 3600
    for d in (models, other):
        for f in os.listdir(d):
            os.utime(os.path.join(d, f), (old, old))
    project = os.path.join(tmp, "local.damagereview")
    rc, out, err = run("add", project, os.path.join(tmp, "photos"))
    expect(rc == 0, f"add: {out.strip()} {err.strip()}")

    rc, out, err = run("team-init", uri(ADMIN), "--team", "east", "--lead", LEAD)
    expect(rc == 0, f"team-init: {out.strip()} {err.strip()}")
    psql(f"SELECT dr.add_member ('east', '{WORKER}', 'worker')", user=LEAD)
    rc, out, err = run("push", project, uri(LEAD))
    expect(rc == 0, f"push: {out.strip()} {err.strip()}")

    rc, out, err = run("worker", uri(WORKER), "--until-empty")
    expect(rc == 2 and err.count("\n") == 1 and "no model set" in err,
           f"a worker before any model set: {rc} {err.strip()}")
    rc, out, err = run("analyse", uri(WORKER), "--models", models)
    expect(rc == 1 and err.count("\n") == 1 and ("lead" in err or "row-level security" in err),
           f"a worker cannot change the model set: {err.strip()}")
    rc, out, err = run("analyse", uri(LEAD), "--models", models)
    n = 2 * A.photos
    expect(rc == 0 and out.splitlines()[-2].startswith(f"{n} jobs added"),
           f"analyse URI queues {n} jobs: {out.strip()} {err.strip()}")
    rc, out, err = run("analyse", uri(LEAD), "--models", models)
    expect(rc == 0 and out.startswith("0 jobs added"), f"queueing again adds none: {out!r}")

    # 2. Chaos: W workers, K kills.
    t0 = time.time()
    workers = [start_worker("--models", models, "--until-empty") for _ in range(A.workers)]
    kills = 0
    rng = random.Random(PID)
    while kills < A.kills and jobs() > 0:
        time.sleep(rng.uniform(0.3, 2.0))
        victim = rng.randrange(len(workers))
        workers[victim].kill()
        workers[victim].communicate()
        kills += 1
        workers[victim] = start_worker("--models", models, "--until-empty")
    for w in workers:
        out, err = w.communicate(timeout=3600)
        expect(w.returncode == 0, f"worker ends with the queue: {out.strip()} {brief(err)}")
    print(f"chaos: {kills} kills, {A.photos} photos x 2 models in {time.time() - t0:.1f} s")
    expect(kills >= A.kills, f"{kills} workers SIGKILLed during the run")
    expect(jobs() == 0, "no job is left (none failed)")
    rows = server_predictions()
    keys = [(s, d, m) for s, d, m, _, _ in rows]
    expect(len(rows) == n and len(set(keys)) == n,
           f"exactly one prediction per photo and model ({len(rows)} rows)")

    rc, out, err = run("analyse", project, "--models", models, "--threads", "2")
    expect(rc == 0, f"local analyse: {out.strip()} {err.strip()}")
    local = local_predictions(project)
    same = sum(1 for s, d, m, h, a in rows if local.get((s, d, m)) == (h, a))
    expect(same == n == len(local), f"{same} of {n} predictions equal the local analyse's "
                                    "(RLE and area)")

    # 3. Lease expiry: the other Scratch checkpoint re-queues every photo for Scratch.
    rc, out, err = run("analyse", uri(LEAD), "--models", other)
    expect(rc == 0 and out.splitlines()[-2].startswith(f"{A.photos} jobs added"),
           f"a new Scratch model queues {A.photos} jobs: {out.strip()}")
    w = start_worker("--models", other, "--batch", "4", name="doomed")
    wait_for(lambda: jobs("state = 'running' AND worker = 'doomed'") > 0, 600, "a claim")
    w.kill()
    w.communicate()
    held = jobs("state = 'running' AND worker = 'doomed'")
    expect(held > 0, f"a SIGKILLed worker leaves its {held} jobs running")
    time.sleep(5)
    rc, out, err = run("status", uri(WORKER))
    expect(rc == 0 and f"with an expired lease" in out and "Workers:" in out,
           f"status shows the expired lease:\n{out}")

    # 4. SIGTERM while working; this worker also rescues the doomed worker's jobs.
    w = start_worker("--models", other, "--batch", "2", name="polite")
    wait_for(lambda: jobs("state = 'running' AND worker = 'polite'") > 0, 600, "a claim")
    expect(jobs("worker = 'doomed'") == 0, "the expired jobs were rescued")
    w.send_signal(signal.SIGTERM)
    out, err = w.communicate(timeout=120)
    expect(w.returncode == 0 and "given back" in out, f"SIGTERM: clean stop: {out.strip()}")
    expect(jobs("worker = 'polite'") == 0, "nothing is left held by the stopped worker")
    expect(jobs("state = 'running'") == 0 and jobs("state = 'queued' AND attempts > 1") == 0,
           "released jobs are queued with their attempt given back")
    rc, out, err = run("status", uri(WORKER))
    expect(rc == 0 and "polite" in out and "stopped" in out, f"status lists the stopped worker")

    # 6. Models must match; without --models they come from the project.
    rc, out, err = run("worker", uri(WORKER), "--models", models, "--until-empty")
    expect(rc == 2 and err.count("\n") == 1 and "differs" in err and SCRATCH in err,
           f"a checkpoint with another SHA-256 is refused: {err.strip()}")
    w = start_worker("--until-empty", "--threads", "2")
    out, err = w.communicate(timeout=3600)
    expect(w.returncode == 0 and jobs() == 0, f"a worker with only the URI finishes: {out.strip()}"
                                              f" {brief(err)}")
    fetched = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(tmp, "cache",
                                                                       "damage-review",
                                                                       "team-models"))
               for f in fs]
    digests = set(hashlib.sha256(open(f, "rb").read()).hexdigest() for f in fetched)
    expect(len(fetched) == 2 and digests == set(psql(
        "SELECT sha256 FROM dr.models WHERE current").split()),
        "the fetched checkpoints are the project's current ones")
    expect(len(server_predictions()) == n + A.photos, "one prediction per photo and model again")

    # 5. Poison photo: bytes with a JPEG header that do not decode.
    with open(os.path.join(photos, "p0000.jpg"), "rb") as f:
        bad = f.read()[:200]
    sha = hashlib.sha256(bad).hexdigest()
    team = psql("SELECT id FROM dr.teams WHERE name = 'east'")
    claim = psql("SELECT min (id) FROM dr.claims")
    psql(f"INSERT INTO dr.photo_blobs VALUES ({team}, '{sha}', '\\x{bad.hex()}');"
         f"INSERT INTO dr.photos (team_id, claim_id, name, sha256, size, width, height)"
         f" VALUES ({team}, {claim}, 'claim-1/poison.jpg', '{sha}', {len(bad)}, 40, 30)")
    rc, out, err = run("analyse", uri(LEAD), "--max-attempts", "3")
    expect(rc == 0 and out.startswith("2 jobs added"), f"the poison photo is queued: {out!r}")
    t1 = time.time()
    w = start_worker("--until-empty", "--retry-delay", "0.5", name="taster")
    out, err = w.communicate(timeout=600)
    failed = psql("SELECT attempts || '|' || last_error FROM dr.analysis_jobs"
                  " WHERE state = 'failed' ORDER BY damage").splitlines()
    expect(len(failed) == 2 and all(f.startswith("3|claim-1/poison.jpg") for f in failed),
           f"the poison photo failed after 3 attempts, named in last_error: {failed}")
    expect(err.count("poison.jpg") == 6, "each of the 2 jobs was tried 3 times")
    # Backoff 0.5 s then 1 s between the three attempts of each job.
    expect(time.time() - t1 >= 1.5, "the retries waited for their backoff")
    rc, out, err = run("status", uri(WORKER))
    expect(rc == 0 and "2 failed" in out and "poison.jpg" in out, f"status lists the failures")
    rc, out, err = run("analyse", uri(LEAD), "--retry-failed", "--max-attempts", "1")
    expect(rc == 0 and jobs("state = 'queued' AND attempts = 0") == 2,
           "--retry-failed queues them again")


def main():
    psql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE PASSWORD '{ADMIN}'", db="postgres")
    psql(f"CREATE DATABASE {DB} OWNER {ADMIN}", db="postgres")
    for r in (LEAD, WORKER):
        psql(f"CREATE ROLE {r} LOGIN PASSWORD '{r}'", db="postgres")
    tmp = tempfile.mkdtemp(prefix="dr-worker-test-")
    try:
        body(tmp)
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres", check=False)
        for r in (LEAD, WORKER, ADMIN):
            psql(f"DROP ROLE IF EXISTS {r}", db="postgres", check=False)
        subprocess.run(["rm", "-rf", tmp])
    print("all worker checks passed")


if __name__ == "__main__":
    main()
