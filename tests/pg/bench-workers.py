#!/usr/bin/env python3
"""Workers' photos/s on a team project, and the no-op `analyse` time (not a test).

    pg_virtualenv -t -o max_connections=200 /usr/bin/python3 tests/pg/bench-workers.py \\
        BUILD/src/damage-review --photos DIR [--configs 1x1,1x2,2x1,1x2:32] [--repeat N]

The server comes from the environment (PGHOST, PGPORT, PGUSER = a superuser, PGPASSWORD), as
with check-worker.py; the script creates and drops its own database and roles. It writes four
full-size checkpoints with calibrated random weights (tests/oracle/fixtures.py: the real U-Net,
so the engine does the same work as with trained weights), adds the photos of DIR (for example
the sample claim photos) to a local project, pushes it, registers the models with
`analyse URI`, then for each configuration WxT[:B] (W workers of T engine threads each,
`worker --until-empty`, `--batch B` when given) empties the predictions, queues every
(photo, model) again and times the workers until they exit:
photos/s = photos / wall time, four models per photo; beside them, as the reference for the
same moment, a local `analyse FILE --threads 2` of the same photos. Last, the no-op `analyse`:
a local project where nothing is left to do, timed with the model identity cache emptied
(every checkpoint read and hashed, as before the cache) and kept (the normal case), and
`analyse URI` with nothing to queue. The machine may be shared: compare numbers from one run
only.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import fixtures as fx  # noqa: E402
import torch  # noqa: E402

MODEL_FILES = ["[DAMAGE][Scratch_0]Unet.pt", "[DAMAGE][Seperated_1]Unet.pt",
               "[DAMAGE][Crushed_2]Unet.pt", "[DAMAGE][Breakage_3]Unet.pt"]

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("--photos", required=True)
ap.add_argument("--configs", default="1x1,1x2,2x1")
ap.add_argument("--repeat", type=int, default=3)
A = ap.parse_args()
DR = os.path.abspath(A.binary)
PID = os.getpid()
DB = f"drb_work_{PID}"
ADMIN, LEAD, WORKER = f"{DB}_admin", f"{DB}_lead", f"{DB}_worker"
ENV = {}


def psql(script, db="postgres", **variables):
    """Runs @script through psql's standard input; values are passed as psql variables
    (-v name=value) and quoted by psql where the script says :'name' or :"name"."""
    args = ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", db]
    for k, v in variables.items():
        args += ["-v", f"{k}={v}"]
    r = subprocess.run(args, input=script, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"psql: {r.stderr.strip()}")
    return r.stdout.strip()


def uri(user):
    return f"dbname={DB} user={user} password={user}"


def run(*args):
    r = subprocess.run([DR, *args], capture_output=True, text=True, env=dict(os.environ, **ENV))
    if r.returncode != 0:
        sys.exit(f"damage-review {args[0]}: {r.stdout.strip()} {r.stderr.strip()}")
    return r.stdout


def timed(*args):
    t0 = time.monotonic()
    run(*args)
    return time.monotonic() - t0


def workers_run(models, n_workers, threads, batch):
    """Empties the predictions, queues everything again and times W workers to the end."""
    psql("DELETE FROM dr.predictions", db=DB)
    run("analyse", uri(LEAD))
    t0 = time.monotonic()
    procs = [subprocess.Popen([DR, "worker", uri(WORKER), "--models", models, "--until-empty",
                               "--threads", str(threads), "--name", f"bench-{i}",
                               *(["--batch", str(batch)] if batch else [])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, **ENV))
             for i in range(n_workers)]
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"worker: {out.strip()} {err.strip()}")
    return time.monotonic() - t0


def body(tmp):
    ENV["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    ENV["XDG_DATA_HOME"] = os.path.join(tmp, "data")
    ENV["DAMAGE_REVIEW_MODELS"] = os.path.join(tmp, "none")
    photos = os.path.join(tmp, "photos", "claim-1")
    shutil.copytree(A.photos, photos)
    n_photos = len(os.listdir(photos))
    models = os.path.join(tmp, "models")
    os.makedirs(models)
    torch.set_num_threads(2)
    first = os.path.join(photos, sorted(os.listdir(photos))[0])
    calib = torch.from_numpy(fx.reference_input(first)[0][None])
    for k, name in enumerate(MODEL_FILES):
        fx.save_layout(os.path.join(models, name),
                       fx.state_dict_of(fx.random_model(5000 + k, calib)), "plain")
    old = time.time() - 3600  # not "racy" for the identity cache
    for f in os.listdir(models):
        os.utime(os.path.join(models, f), (old, old))
    project = os.path.join(tmp, "local.damagereview")
    run("add", project, os.path.join(tmp, "photos"))
    run("team-init", uri(ADMIN), "--team", "east", "--lead", LEAD)
    psql("SELECT dr.add_member ('east', :'worker', 'worker')", db=DB, worker=WORKER)
    run("push", project, uri(LEAD))
    run("analyse", uri(LEAD), "--models", models)
    print(f"{n_photos} photos, 4 full-size models, {os.cpu_count()} cores; "
          f"photos/s = photos / wall time of `worker --until-empty` (4 models per photo)")
    local = []
    for i in range(A.repeat):
        fresh = os.path.join(tmp, f"fresh-{i}.damagereview")
        run("add", fresh, os.path.join(tmp, "photos"))
        local.append(n_photos / timed("analyse", fresh, "--models", models, "--threads", "2"))
    print("reference, local analyse FILE --threads 2: "
          + ", ".join(f"{r:.2f}" for r in local) + " photos/s")
    for config in A.configs.split(","):
        shape, _, batch = config.partition(":")
        w, t = (int(x) for x in shape.split("x"))
        rates = []
        for _ in range(A.repeat):
            rates.append(n_photos / workers_run(models, w, t, int(batch or 0)))
        print(f"{w} worker(s) x {t} thread(s), batch {batch or 'default'}: "
              + ", ".join(f"{r:.2f}" for r in rates) + " photos/s")

    run("analyse", project, "--models", models)
    cache = os.path.join(tmp, "cache", "damage-review", "model-sha256.ini")
    cold, warm, team = [], [], []
    for _ in range(A.repeat):
        os.unlink(cache)
        cold.append(timed("analyse", project, "--models", models))
        warm.append(timed("analyse", project, "--models", models))
        team.append(timed("analyse", uri(LEAD), "--models", models))
    fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
    size = sum(os.path.getsize(os.path.join(models, f)) for f in os.listdir(models)) >> 20
    print(f"no-op analyse FILE, identity cache emptied ({size} MiB hashed): {fmt(cold)} s")
    print(f"no-op analyse FILE, identity cache kept: {fmt(warm)} s")
    print(f"no-op analyse URI (nothing to queue): {fmt(team)} s")


def main():
    psql("CREATE ROLE :\"admin\" LOGIN CREATEROLE PASSWORD :'admin';"
         "CREATE DATABASE :\"dbname\" OWNER :\"admin\";"
         "CREATE ROLE :\"lead\" LOGIN PASSWORD :'lead';"
         "CREATE ROLE :\"worker\" LOGIN PASSWORD :'worker';",
         admin=ADMIN, dbname=DB, lead=LEAD, worker=WORKER)
    tmp = tempfile.mkdtemp(prefix="dr-bench-workers-")
    try:
        body(tmp)
    finally:
        psql("DROP DATABASE IF EXISTS :\"dbname\" WITH (FORCE);"
             "DROP ROLE IF EXISTS :\"lead\"; DROP ROLE IF EXISTS :\"worker\";"
             "DROP ROLE IF EXISTS :\"admin\";", admin=ADMIN, dbname=DB, lead=LEAD,
             worker=WORKER)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
