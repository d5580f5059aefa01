#!/usr/bin/python3
"""End-to-end check of `damage-review add`: photos written with OpenCV (JPEG and PNG) in a
nested folder, a duplicate, a broken file and a non-photo; the project is then read with
Python's own sqlite3 module, and the command is run again to show it adds nothing twice.

Usage: cli_add.py PATH-TO-damage-review
"""
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

import cv2
import numpy as np


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True,
                       env=dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8"))
    return p.returncode, p.stdout, p.stderr


def main():
    binary = sys.argv[1]
    failures = []

    def check(condition, what):
        if not condition:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        photos = os.path.join(tmp, "photos")
        os.makedirs(os.path.join(photos, "claim-17", "rear"))
        rng = np.random.default_rng(7)
        expected = {}
        for rel, (h, w), ext in [("claim-17/front", (48, 64), ".jpg"),
                                 ("claim-17/rear/left", (30, 20), ".png"),
                                 ("claim-17/rear/right", (31, 17), ".jpg")]:
            path = os.path.join(photos, rel + ext)
            assert cv2.imwrite(path, rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
            with open(path, "rb") as f:
                expected[path] = (hashlib.sha256(f.read()).hexdigest(), w, h)
        with open(os.path.join(photos, "claim-17", "front.jpg"), "rb") as f:
            front = f.read()
        with open(os.path.join(photos, "claim-17", "front2.jpg"), "wb") as f:
            f.write(front)
        with open(os.path.join(photos, "claim-17", "cut.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff\xe0 this is not a complete JPEG")
        with open(os.path.join(photos, "claim-17", "report.txt"), "w") as f:
            f.write("rear bumper\n")

        project = os.path.join(tmp, "claims.damagereview")
        code, out, err = run(binary, "add", project, photos)
        check(code == 1, f"exit code {code} (expected 1: one unreadable photo)")
        check("3 added, 1 already in the project, 1 unreadable, 0 not found, 1 skipped" in out,
              f"first summary: {out!r}")
        check("cut.jpg" in err and len(err.strip().splitlines()) == 1,
              f"stderr should name cut.jpg on one line: {err!r}")

        db = sqlite3.connect(project)
        rows = db.execute("SELECT p.path, p.sha256, p.width, p.height, p.error, c.name"
                          " FROM photos p JOIN claims c ON c.id = p.claim_id").fetchall()
        check(len(rows) == 4, f"{len(rows)} photo rows, expected 4")
        by_path = {r[0]: r for r in rows}
        for path, (sha, w, h) in expected.items():
            row = by_path.get(path)
            check(row is not None and row[1:5] == (sha, w, h, None),
                  f"row for {path}: {row}, expected {(sha, w, h)}")
        left = by_path.get(os.path.join(photos, "claim-17", "rear", "left.png"))
        check(left is not None and left[5] == "rear", "claim of rear/left.png should be 'rear'")
        cut = by_path.get(os.path.join(photos, "claim-17", "cut.jpg"))
        check(cut is not None and cut[4] is not None and cut[2] is None,
              f"cut.jpg should be an error row: {cut}")
        check(db.execute("PRAGMA journal_mode").fetchone()[0] == "wal", "journal mode")
        db.close()

        code, out, err = run(binary, "add", project, photos)
        check(code == 1 and "0 added, 4 already in the project, 1 unreadable" in out,
              f"second summary: {out!r}")
        db = sqlite3.connect(project)
        check(db.execute("SELECT count(*) FROM photos").fetchone()[0] == 4, "re-run added rows")
        db.close()

        code, out, err = run(binary, "add", project)
        check(code == 2, f"missing PATH should be usage error 2, got {code}")
        not_a_project = os.path.join(photos, "claim-17", "report.txt")
        code, out, err = run(binary, "add", not_a_project, photos)
        check(code == 1 and err.startswith(not_a_project) and "not a Damage Review project" in err,
              f"non-project file: {code} {err!r}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
