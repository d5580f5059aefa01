#!/usr/bin/python3
"""End-to-end check of `damage-review export`, `import` and `evaluate` on the project written by
tests/store/dataset-fixture: exit codes (0 ok, 1 failed job, 2 bad usage), one-line errors that
name the file, the exported dataset read back by the independent tests/store/coco_check.py, the
photos' notes in manifest.json, manifest.csv (last column) and the COCO images, the warning when
a validation share was asked for but the split by claim left validation empty, an export that
refuses to overwrite, our own import of the exported datainfo files, the refusals of a photo
as label file, of labels matching no photo, of --reviewed-only with nothing reviewed, of a
mistyped command and of opening a window without a display, and evaluate's numbers worked out
by hand.

Usage: check-cli-dataset.py DAMAGE_REVIEW DATASET_FIXTURE COCO_CHECK
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile


# The note dataset-fixture.c writes on a.png; b.png's note was cleared, c.png never had one.
FIXTURE_NOTES = {"a.png": '앞 범퍼, "긁힘" 재확인\nsecond line', "b.png": None, "c.png": None}


def run(*args, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main():
    binary, fixture, checker = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "cli.damagereview")
        rc, _, err = run(fixture, project, os.path.join(tmp, "photos"))
        expect(rc == 0, "fixture: " + err)

        rc, _, err = run(binary, "export", project)
        expect(rc == 2 and "--out" in err, "missing --out is bad usage (%d, %s)" % (rc, err))
        out = os.path.join(tmp, "dataset")
        rc, _, err = run(binary, "export", project, "--out", out, "--format", "tiff")
        expect(rc == 2, "unknown format is bad usage")
        rc, _, err = run(binary, "export", os.path.join(tmp, "nope.damagereview"), "--out", out)
        expect(rc == 1 and "nope.damagereview" in err and err.count("\n") == 1,
               "missing project is a failed job naming the file: " + err)

        rc, stdout, err = run(binary, "export", project, "--out", out, "--split", "0.5", "--seed", "4")
        expect(rc == 0, "export: " + err)
        expect(stdout.startswith("3 images (") and "3 annotations" in stdout, "summary: " + stdout)
        rc, report, _ = run("/usr/bin/python3", checker, out, "--expect-images", "3",
                            "--expect-annotations", "3")
        expect(rc == 0, "coco_check: " + report)
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        splits = {}
        for im in manifest["images"]:
            splits.setdefault(im["claim"], set()).add(im["split"])
        expect(all(len(s) == 1 for s in splits.values()), "a claim in two splits: %r" % splits)
        expect({s for v in splits.values() for s in v} == {"train", "val"}, "both splits used")
        expect("warning" not in err, "no split warning when both splits are used: " + err)

        notes = {im["file"]: im["note"] for im in manifest["images"]}
        expect(notes == FIXTURE_NOTES, "manifest.json notes: %r" % notes)
        with open(os.path.join(out, "manifest.csv"), newline="", encoding="utf-8") as f:
            table = list(csv.reader(f))
        expect(table[0][-1] == "note", "note is the last manifest.csv column: %r" % table[0])
        csv_notes = {row[0]: row[-1] or None for row in table[1:]}
        expect(csv_notes == FIXTURE_NOTES, "manifest.csv notes: %r" % csv_notes)
        coco_notes = {}
        for split in ("train", "val"):
            with open(os.path.join(out, "annotations", "instances_%s.json" % split),
                      encoding="utf-8") as f:
                coco_notes.update({im["file_name"]: im["note"] for im in json.load(f)["images"]})
        expect(coco_notes == FIXTURE_NOTES, "COCO image notes: %r" % coco_notes)

        # Each datainfo file is self-consistent COCO: our own import reads it back (into a
        # copy of the project, so the ground truth evaluated below stays the hand-made one).
        copy = os.path.join(tmp, "copy.damagereview")
        shutil.copy(project, copy)
        datainfo = os.path.join(out, "datainfo")
        n_files = n_images = 0
        for name in os.listdir(datainfo):
            with open(os.path.join(datainfo, name), encoding="utf-8") as f:
                n_images += len(json.load(f)["images"])
            n_files += 1
        rc, stdout, err = run(binary, "import", copy, datainfo)
        expect(rc == 0 and n_files == 5 and n_images > 0 and "%d label files read, 0 rejected; "
               "%d of %d labelled images matched" % (n_files, n_images, n_images) in stdout,
               "import of our own datainfo: %d %s %s" % (rc, stdout, err))

        before = sorted(os.listdir(out))
        rc, _, err = run(binary, "export", project, "--out", out)
        expect(rc == 1 and "not empty" in err, "export over an existing dataset must fail")
        expect(sorted(os.listdir(out)) == before, "the existing dataset was touched")

        rc, stdout, err = run(binary, "export", project, "--out", os.path.join(tmp, "rev"),
                              "--reviewed-only", "--format", "coco")
        expect(rc == 0 and stdout.startswith("1 images") and "2 unreviewed left out" in stdout,
               "reviewed-only: " + stdout)
        expect("warning" not in err, "no split warning without --split: " + err)

        # One photo, so one claim: a validation share cannot be honoured and stderr says why,
        # on a second line; the summary line on stdout keeps its format.
        rc, stdout, err = run(binary, "export", project, "--out", os.path.join(tmp, "rev2"),
                              "--reviewed-only", "--format", "coco", "--split", "0.2")
        expect(rc == 0 and stdout.startswith("1 images (1 train, 0 val), ")
               and stdout.count("\n") == 1, "split summary: " + stdout)
        warning = [l for l in err.splitlines() if l.startswith("warning: ")]
        expect(len(warning) == 1 and "0.2" in warning[0] and "claim" in warning[0],
               "empty validation warning: " + err)

        # Ground truth for a.png: scratch on [8, 24) x [0, 24). The prediction is [0, 16) x [0, 24):
        # TP = 8 * 24 = 192, FP = 192, FN = 192 -> IoU 1/3, Dice 1/2, precision 1/2, recall 1/2.
        label = {
            "info": {"name": "socar"},
            "images": {"id": 1, "width": 32, "height": 24, "file_name": "A.jpg"},
            "annotations": [{"id": 1, "image_id": 1, "category_id": "sc-1", "damage": "Scratched",
                             "segmentation": [[[[8, 0], [24, 0], [24, 24], [8, 24], [8, 0]]]],
                             "part": None, "level": None, "repair": []}],
            "categories": {"id": "sc-1", "supercategory_name": "CityCar"},
        }
        labels = os.path.join(tmp, "labels")
        os.mkdir(labels)
        with open(os.path.join(labels, "a.json"), "w") as f:
            json.dump(label, f)
        bad = os.path.join(labels, "broken.json")
        with open(bad, "w") as f:
            f.write('{"images": ')
        rc, stdout, err = run(binary, "import", project, labels)
        expect(rc == 1, "a rejected label file makes import exit 1")
        expect(err.startswith(bad + ": not JSON") and err.count("\n") == 1, "error line: " + err)
        expect("2 label files read, 1 rejected; 1 of 1" in stdout, "import summary: " + stdout)

        # A photo given as a label file is named as what it is, in one line.
        photo = os.path.join(tmp, "photos", "a.png")
        rc, _, err = run(binary, "import", copy, photo)
        expect(rc == 1 and err == photo + ": not a JSON file (a label file starts with { or [)\n",
               "a photo as label file: " + err)
        # Labels of which no image matches a photo: nothing imported is a failure.
        nomatch = os.path.join(tmp, "nomatch.json")
        with open(nomatch, "w") as f:
            json.dump({"images": [{"id": 1, "file_name": "zz.jpg", "width": 4, "height": 4}],
                       "annotations": [], "categories": [{"id": 1, "name": "Scratched"}]}, f)
        rc, _, err = run(binary, "import", copy, nomatch)
        expect(rc == 1 and "no labelled image matched a photo" in err, "0 matched: " + err)

        # --reviewed-only with nothing reviewed refuses and writes nothing, like the dialog.
        fresh = os.path.join(tmp, "fresh.damagereview")
        rc, _, err = run(binary, "add", fresh, photo)
        expect(rc == 0, "add: " + err)
        empty_out = os.path.join(tmp, "empty")
        rc, _, err = run(binary, "export", fresh, "--out", empty_out, "--reviewed-only")
        expect(rc == 1 and "no photo is reviewed" in err and err.count("\n") == 1
               and not os.path.exists(empty_out), "reviewed-only, none reviewed: " + err)

        # A mistyped command is refused as one (exit 2), not opened as a file in a window.
        rc, _, err = run(binary, "exprot", project)
        expect(rc == 2 and "unknown command" in err and "exprot" in err
               and err.count("\n") == 1, "mistyped command: %d %s" % (rc, err))
        # Without any display the window is not attempted, and stderr says what works.
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        rc, _, err = run(binary, project, env=env)
        expect(rc == 1 and "no display" in err and "--help" in err, "no display: " + err)

        rc, table, err = run(binary, "evaluate", project)
        expect(rc == 0, "evaluate: " + err)
        rows = [l.split() for l in table.splitlines()[1:]]
        expect(len(rows) == 1 and rows[0][0] == "scratch", "one scratch row: " + table)
        expect(rows[0][-5:] == ["1", "0.333", "0.500", "0.500", "0.500"], "metrics: " + table)
    print("ok")


if __name__ == "__main__":
    main()
