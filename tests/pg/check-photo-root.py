#!/usr/bin/env python3
"""A team's shared photo root, end to end on a real PostgreSQL server.

    check-photo-root.py DAMAGE_REVIEW PUSH_FIXTURE

An archive too large for the database stays on a share every member mounts at the same path;
the team records that root and a photo added from a file below it keeps only its path there.
The server comes from the environment as for check-push.py (which this reuses); oracles: psql,
hashlib, and the export of the same project file.

1. Only a lead sets the root (dr.set_photo_root); a reviewer gets one refusal.
2. push FILE URI with the photos below the root: every blob holds a path below the root and no
   bytes; export URI (by a reviewer, empty photo cache) equals export FILE.
3. add URI: a photo below the root is stored by path, one outside it by its bytes.
4. A file on the root that no longer has the photo's SHA-256, a path from the server that
   leaves the root, or one through a symbolic link in the share that leads out of it, fails the
   export with one line naming the file or the photo; nothing is exported.
5. The root cannot be cleared while photos are kept on it.
"""
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("check_push", os.path.join(HERE, "check-push.py"))
cp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cp)
expect, run, compare_exports = cp.expect, cp.run, cp.compare_exports

FIXTURE = sys.argv[2]
PID = os.getpid()
DB = f"drt_root_{PID}"
ADMIN, LEAD, REVIEWER = (f"drt_root_{PID}_{r}" for r in ("admin", "lead", "reviewer"))


def psql(sql, user=None, check=True):
    return cp.psql(sql, db=DB, user=user, check=check)


def uri(user):
    return f"dbname={DB} user={user} password={user}"


def blobs():
    """(sha256, has bytes, root_path) of every blob."""
    rows = psql("SELECT sha256 || '|' || (bytes IS NOT NULL) || '|' || coalesce (root_path, '')"
                " FROM dr.photo_blobs ORDER BY sha256")
    return [tuple(r.split("|")) for r in rows.splitlines()]


def body():
    tmp = tempfile.mkdtemp(prefix="dr-root-")
    root = os.path.join(tmp, "share")
    photos = os.path.join(root, "claims")
    project = os.path.join(tmp, "archive.damagereview")
    subprocess.run([FIXTURE, project, photos], check=True)

    rc, out, err = run("team-init", uri(ADMIN), "--team", "north", "--lead", LEAD)
    expect(rc == 0, f"team-init: {out.strip()} {err.strip()}")
    psql(f"SELECT dr.add_member ('north', '{REVIEWER}', 'reviewer')", user=LEAD)
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        f"SELECT dr.set_photo_root ('north', '{root}')"],
                       env=dict(os.environ, PGDATABASE=DB, PGUSER=REVIEWER, PGPASSWORD=REVIEWER),
                       capture_output=True, text=True)
    expect(r.returncode != 0 and "only a lead" in r.stderr,
           f"a reviewer cannot set the photo root: {r.stderr.strip()}")
    psql(f"SELECT dr.set_photo_root ('north', '{root}/')", user=LEAD)
    expect(psql("SELECT photo_root FROM dr.teams") == root, "the lead sets it (trailing / dropped)")

    env = {"XDG_CACHE_HOME": os.path.join(tmp, "cache-lead")}
    rc, out, err = run("push", project, uri(LEAD), env=env)
    expect(rc == 0 and err == "", f"push: {out.strip()} {err.strip()}")
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        "SELECT dr.set_photo_root ('north', NULL)"],
                       env=dict(os.environ, PGDATABASE=DB, PGUSER=LEAD, PGPASSWORD=LEAD),
                       capture_output=True, text=True)
    expect(r.returncode != 0 and "cannot be cleared" in r.stderr,
           f"the root cannot be cleared while photos are kept on it: {r.stderr.strip()}")
    stored = blobs()
    expect(stored and all(b[1] == "false" and b[2].startswith("claims/") for b in stored),
           f"every pushed photo is kept as a path below the root, no bytes: {stored}")
    for sha, _, rel in stored:
        with open(os.path.join(root, rel), "rb") as f:
            expect(hashlib.sha256(f.read()).hexdigest() == sha, f"{rel} has its SHA-256")

    out_file, out_server = os.path.join(tmp, "export-file"), os.path.join(tmp, "export-server")
    rc, out, err = run("export", project, "--out", out_file, "--split", "0.5")
    expect(rc == 0, f"export FILE: {out.strip()} {err.strip()}")
    reviewer_env = {"XDG_CACHE_HOME": os.path.join(tmp, "cache-reviewer")}
    rc, out2, err = run("export", uri(REVIEWER), "--out", out_server, "--split", "0.5",
                        env=reviewer_env)
    expect(rc == 0, f"export URI by a reviewer: {out2.strip()} {err.strip()}")
    compare_exports(out_file, out_server)

    # add URI: one more photo below the root (by path), one outside it (by bytes).
    first = os.path.join(root, stored[0][2])
    inside = os.path.join(root, "later", "inside.jpg")
    outside = os.path.join(tmp, "elsewhere", "outside.jpg")
    for path, extra in ((inside, b"\0inside"), (outside, b"\0outside")):
        os.makedirs(os.path.dirname(path))
        shutil.copyfile(first, path)
        with open(path, "ab") as f:
            f.write(extra)  # bytes after the image's end: another SHA-256, the same picture
    rc, out, err = run("add", uri(LEAD), inside, outside, "--claim", "CLM-9", env=env)
    expect(rc == 0, f"add URI: {out.strip()} {err.strip()}")
    by_sha = {b[0]: b for b in blobs()}
    for path, kept in ((inside, ("false", "later/inside.jpg")), (outside, ("true", ""))):
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        expect(by_sha.get(sha, (None, None, None))[1:] == kept,
               f"{os.path.basename(path)} kept as {kept}: {by_sha.get(sha)}")

    # A file on the root changed: refused with one line naming it; nothing exported.
    with open(first, "ab") as f:
        f.write(b"tampered")
    bad_out = os.path.join(tmp, "export-bad")
    rc, out, err = run("export", uri(REVIEWER), "--out", bad_out,
                       env={"XDG_CACHE_HOME": os.path.join(tmp, "cache-fresh")})
    expect(rc == 1 and err.count("\n") == 1 and first in err and "SHA-256" in err
           and not os.path.exists(bad_out), f"a changed file on the root: {err.strip()}")
    # A path that leaves the root (the schema refuses it; a hostile server would not), even to
    # a file with the right bytes.
    with open(first, "rb+") as f:
        f.truncate(os.path.getsize(first) - len(b"tampered"))
    shutil.copyfile(first, os.path.join(tmp, "elsewhere", "copy"))
    psql("ALTER TABLE dr.photo_blobs DROP CONSTRAINT photo_blobs_root_path_check")
    psql(f"UPDATE dr.photo_blobs SET root_path = '../elsewhere/copy'"
         f" WHERE sha256 = '{stored[0][0]}'")
    rc, out, err = run("export", uri(REVIEWER), "--out", bad_out,
                       env={"XDG_CACHE_HOME": os.path.join(tmp, "cache-fresh2")})
    expect(rc == 1 and err.count("\n") == 1 and stored[0][0] in err and "refused" in err
           and not os.path.exists(bad_out), f"a path leaving the root: {err.strip()}")
    # A symbolic link inside the share that leads out of it, to a file with the right bytes.
    link = os.path.join(root, "claims", "link")
    os.symlink(os.path.join(tmp, "elsewhere", "copy"), link)
    psql(f"UPDATE dr.photo_blobs SET root_path = 'claims/link' WHERE sha256 = '{stored[0][0]}'")
    rc, out, err = run("export", uri(REVIEWER), "--out", bad_out,
                       env={"XDG_CACHE_HOME": os.path.join(tmp, "cache-fresh3")})
    expect(rc == 1 and err.count("\n") == 1 and stored[0][0] in err and "refused" in err
           and not os.path.exists(bad_out), f"a link in the share leading out: {err.strip()}")


def main():
    cp.psql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE PASSWORD '{ADMIN}'", db="postgres")
    cp.psql(f"CREATE DATABASE {DB} OWNER {ADMIN}", db="postgres")
    for r in (LEAD, REVIEWER):
        cp.psql(f"CREATE ROLE {r} LOGIN PASSWORD '{r}'", db="postgres")
    try:
        body()
    finally:
        cp.psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres", check=False)
        for r in (LEAD, REVIEWER, ADMIN):
            cp.psql(f"DROP ROLE IF EXISTS {r}", db="postgres", check=False)


if __name__ == "__main__":
    main()
