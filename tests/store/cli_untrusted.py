#!/usr/bin/python3
"""The command line on untrusted project paths, and `export` killed at random moments.

1. `export` of a 0-byte file or a missing path fails with one line naming it, creates nothing
   and leaves the 0-byte file as it was (it used to become an empty project, exit 0).
2. `export` is SIGKILLed at 20 random moments (seeded) while it writes a 43-photo dataset.
   After every kill the target folder either does not exist or is complete: the independent
   tests/store/coco_check.py accepts it with every image. Then one more export of the same
   target runs to the end and no OUT.partial-* staging folder of any killed run is left.

Usage: cli_untrusted.py DAMAGE_REVIEW DATASET_FIXTURE COCO_CHECK
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np


def run(*args, timeout=120):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def one_line(err, name):
    return err.count("\n") == 1 and name in err


def partials(parent, base):
    return sorted(n for n in os.listdir(parent) if n.startswith(base + ".partial-"))


def main():
    binary, fixture, checker = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        # 1. Paths that are no project.
        empty = os.path.join(tmp, "empty.damagereview")
        open(empty, "wb").close()
        out = os.path.join(tmp, "never")
        rc, _, err = run(binary, "export", empty, "--out", out)
        expect(rc != 0 and one_line(err, "empty.damagereview"),
               "0-byte project refused in one line (rc %d): %r" % (rc, err))
        expect(os.path.getsize(empty) == 0, "the 0-byte file was written into")
        expect(not os.path.exists(out), "an export folder was made from a 0-byte project")
        missing = os.path.join(tmp, "typo.damagereview")
        rc, _, err = run(binary, "export", missing, "--out", out)
        expect(rc != 0 and one_line(err, "typo.damagereview"),
               "missing project refused in one line (rc %d): %r" % (rc, err))
        expect(not os.path.exists(missing), "a missing project path was created")

        # 2. A project worth exporting: the fixture plus 40 photos from `add`.
        project = os.path.join(tmp, "kill.damagereview")
        rc, _, err = run(fixture, project, os.path.join(tmp, "photos"))
        expect(rc == 0, "fixture: " + err)
        extra = os.path.join(tmp, "extra")
        os.makedirs(extra)
        rng = np.random.default_rng(8)
        for i in range(40):
            img = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
            cv2.imwrite(os.path.join(extra, "p%02d.jpg" % i), img)
        rc, _, err = run(binary, "add", project, extra)
        expect(rc == 0, "add: " + err)

        target = os.path.join(tmp, "dataset")
        start = time.monotonic()
        rc, _, err = run(binary, "export", project, "--out", target)
        full = time.monotonic() - start
        expect(rc == 0, "export: " + err)
        rc, report, _ = run("/usr/bin/python3", checker, target, "--expect-images", "43")
        expect(rc == 0, "coco_check of a finished export: " + report)
        subprocess.run(["rm", "-rf", target], check=True)
        print("a whole export takes %.2f s" % full)

        rnd = random.Random(14)
        complete = absent = 0
        for k in range(20):
            p = subprocess.Popen([binary, "export", project, "--out", target],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rnd.uniform(0, full))
            p.send_signal(signal.SIGKILL)
            p.wait()
            if os.path.exists(target):
                rc, report, _ = run("/usr/bin/python3", checker, target, "--expect-images", "43")
                expect(rc == 0, "kill %d left a folder that is not a complete export: %s"
                       % (k, report))
                complete += 1
                subprocess.run(["rm", "-rf", target], check=True)
            else:
                absent += 1
        left = partials(tmp, "dataset")
        print("20 kills: %d complete exports, %d absent, %d staging folders left behind"
              % (complete, absent, len(left)))

        rc, _, err = run(binary, "export", project, "--out", target)
        expect(rc == 0, "export after the kills: " + err)
        left = partials(tmp, "dataset")
        expect(left == [], "staging folders of killed exports survive a new export: %r" % left)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
