#!/usr/bin/python3
"""Independent checker of a Damage Review export directory.

Written from the COCO format description (not from our C code): the compressed RLE string holds
variable-length numbers of 5 payload bits per character (offset 48, bit 0x20 = more follows,
bit 0x10 of the last character = negative), from the fourth count on as a difference to the
count two places earlier; counts alternate background/foreground starting with background over
the mask flattened column-major; size is [height, width].

Checks, for every annotations/instances_*.json: the structure pycocotools expects (integer ids,
lists, size [h, w], counts a str, iscrowd 0, categories 1-4), area == decoded pixel count, bbox
== tight box, and that the per-category union of decoded annotations equals the PNG mask of that
photo read by OpenCV. Checks manifest.csv against the PNGs, that no claim is in two splits, and
that every COCO image's "note" (a string or null) is the note of that photo in manifest.csv (its
last column, "note"; empty means none) and in manifest.json.

Then reads datainfo/ the way the original training code (the AI Hub car-damage tutorial's
main.py, Trainer and Datasets) does: for label i of ["Scratched", "Separated", "Crushed",
"Breakage"] it opens datainfo/damage_<label>_train.json (and damage_val.json), needs an "info"
object (its Datasets prints coco.info()), opens images/<file_name>, and builds the target as the
union of the annotations whose category_id == i. That target must equal the PNG mask of that
damage type, and each train file must hold exactly the train photos that have that damage.

Usage: coco_check.py EXPORT_DIR [--expect-images N] [--expect-annotations N]
Prints one line per problem and exits 1 if there is any; prints a summary and exits 0 otherwise.
"""
import csv
import glob
import json
import os
import sys

import numpy as np

CATEGORIES = {1: "Scratched", 2: "Separated", 3: "Crushed", 4: "Breakage"}
DAMAGE_IDS = {1: "scratch", 2: "separated", 3: "crushed", 4: "breakage"}


def counts_from_string(s):
    """Decode a compressed COCO RLE string into its list of run lengths."""
    counts = []
    p = 0
    while p < len(s):
        x = 0
        k = 0
        more = True
        while more:
            if p >= len(s):
                raise ValueError("number cut off at end of string")
            c = ord(s[p]) - 48
            if c < 0 or c > 63:
                raise ValueError("character %r outside the alphabet" % s[p])
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def mask_from_counts(counts, h, w):
    """Expand run lengths (background first, column-major) into an h x w uint8 mask."""
    if any(c < 0 for c in counts):
        raise ValueError("negative count")
    if sum(counts) != h * w:
        raise ValueError("counts sum to %d, not h*w = %d" % (sum(counts), h * w))
    flat = np.zeros(h * w, dtype=np.uint8)
    pos = 0
    for i, c in enumerate(counts):
        if i % 2 == 1:
            flat[pos:pos + c] = 1
        pos += c
    return flat.reshape((w, h)).T  # column-major: consecutive pixels run down a column


def tight_bbox(mask):
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def self_test():
    """Hand-worked strings: counts [3, 2, 5, 1, 7] store 3, 2, 5 as is, then 1 - 2 = -1 (one
    character 31 + 48 = 'O') and 7 - 5 = 2; 100 = 0b11_00100 is 'T' (4 | 0x20, + 48) then '3'."""
    assert counts_from_string("325O2") == [3, 2, 5, 1, 7]
    assert counts_from_string("T3") == [100]
    m = mask_from_counts([1, 2, 3], 3, 2)  # column-major: pixels (0,1) and (0,2) of column 0
    assert m.tolist() == [[0, 0], [1, 0], [1, 0]], m.tolist()
    print("self-test ok")
    return 0


LABELS = ["Scratched", "Separated", "Crushed", "Breakage"]  # the training code's label order


def check_training_layout(root, rows, problems):
    """Reads datainfo/ as the original training code does; see the module docstring."""
    import cv2

    splits = sorted({r["split"] for r in rows.values()})
    for split in splits:
        names = (["damage_%s_train.json" % n for n in LABELS] if split == "train"
                 else ["damage_%s.json" % split])
        for k, name in enumerate(names):
            path = os.path.join(root, "datainfo", name)
            if not os.path.isfile(path):
                problems.append("%s missing" % path)
                continue
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            if not isinstance(doc.get("info"), dict):
                problems.append("%s: no info object (COCO.info() needs one)" % path)
            # COCO: every annotation's category_id is one of the file's own categories.
            cats = {c.get("id"): c.get("name") for c in doc.get("categories", [])}
            if cats != dict(enumerate(LABELS)):
                problems.append("%s: categories %r are not the label indices 0-3 the "
                                "annotations use" % (path, cats))
            want = {f for f, r in rows.items() if r["split"] == split
                    and (split != "train" or int(r[list(DAMAGE_IDS.values())[k] + "_area"]) > 0)}
            got = {im["file_name"] for im in doc["images"]}
            if got != want:
                problems.append("%s: images %s, expected %s" % (path, sorted(got), sorted(want)))
            for im in doc["images"]:
                if not os.path.isfile(os.path.join(root, "images", im["file_name"])):
                    problems.append("%s: images/%s missing" % (path, im["file_name"]))
                anns = [a for a in doc["annotations"] if a["image_id"] == im["id"]]
                for a in anns:
                    if a["category_id"] not in range(len(LABELS)):
                        problems.append("%s: annotation %r category_id %r is not a label index"
                                        % (path, a["id"], a["category_id"]))
                row = rows.get(im["file_name"])
                if row is None:
                    continue
                for label in range(len(LABELS)):
                    target = np.zeros((im["height"], im["width"]), np.uint8)
                    for a in anns:
                        if a["category_id"] == label:
                            seg = a["segmentation"]
                            target |= mask_from_counts(counts_from_string(seg["counts"]),
                                                       seg["size"][0], seg["size"][1])
                    mask_file = row[DAMAGE_IDS[label + 1] + "_mask"]
                    if not mask_file:
                        continue
                    png = cv2.imread(os.path.join(root, mask_file), cv2.IMREAD_UNCHANGED)
                    if png is None or not np.array_equal(png == 255, target == 1):
                        problems.append("%s: label %d target of %s differs from %s"
                                        % (path, label, im["file_name"], mask_file))


def main():
    import cv2  # Debian python3-opencv: an independent PNG decoder

    args = sys.argv[1:]
    if args == ["--self-test"]:
        return self_test()
    root = args[0]
    expect_images = int(args[args.index("--expect-images") + 1]) if "--expect-images" in args else None
    expect_anns = int(args[args.index("--expect-annotations") + 1]) if "--expect-annotations" in args else None
    problems = []
    n_images = n_anns = 0
    claim_split = {}
    unions = {}  # (file_name, category) -> mask

    files = sorted(glob.glob(os.path.join(root, "annotations", "instances_*.json")))
    if not files:
        problems.append("no annotations/instances_*.json")
    for path in files:
        split = os.path.basename(path)[len("instances_"):-len(".json")]
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for key in ("images", "annotations", "categories"):
            if not isinstance(doc.get(key), list):
                problems.append("%s: %s is not a list" % (path, key))
        cats = {c["id"]: c["name"] for c in doc["categories"]}
        if cats != CATEGORIES or any(c.get("supercategory") != "damage" for c in doc["categories"]):
            problems.append("%s: categories %r" % (path, cats))
        images = {}
        for im in doc["images"]:
            if not all(is_int(im.get(k)) for k in ("id", "width", "height")):
                problems.append("%s: image %r has non-integer id/size" % (path, im.get("id")))
            if not isinstance(im.get("file_name"), str):
                problems.append("%s: image %r file_name" % (path, im.get("id")))
            images[im["id"]] = im
            n_images += 1
            claim = im.get("claim")
            if claim is not None:
                if claim_split.setdefault(claim, split) != split:
                    problems.append("claim %r is in both %s and %s" % (claim, claim_split[claim], split))
            if not os.path.isfile(os.path.join(root, "images", im["file_name"])):
                problems.append("%s: image file %s missing" % (path, im["file_name"]))
        ids = set()
        for ann in doc["annotations"]:
            n_anns += 1
            aid = ann.get("id")
            if not is_int(aid) or aid in ids:
                problems.append("%s: annotation id %r not a unique int" % (path, aid))
            ids.add(aid)
            if not is_int(ann.get("image_id")) or ann["image_id"] not in images:
                problems.append("%s: annotation %r image_id %r" % (path, aid, ann.get("image_id")))
                continue
            if ann.get("category_id") not in CATEGORIES:
                problems.append("%s: annotation %r category_id %r" % (path, aid, ann.get("category_id")))
                continue
            if ann.get("iscrowd") != 0:
                problems.append("%s: annotation %r iscrowd %r" % (path, aid, ann.get("iscrowd")))
            im = images[ann["image_id"]]
            seg = ann.get("segmentation")
            if not isinstance(seg, dict) or not isinstance(seg.get("counts"), str):
                problems.append("%s: annotation %r counts is not a str" % (path, aid))
                continue
            if seg.get("size") != [im["height"], im["width"]]:
                problems.append("%s: annotation %r size %r != [h, w]" % (path, aid, seg.get("size")))
                continue
            try:
                m = mask_from_counts(counts_from_string(seg["counts"]), im["height"], im["width"])
            except ValueError as e:
                problems.append("%s: annotation %r: %s" % (path, aid, e))
                continue
            if not is_int(ann.get("area")) or ann["area"] != int(m.sum()) or ann["area"] == 0:
                problems.append("%s: annotation %r area %r != %d" % (path, aid, ann.get("area"), m.sum()))
            if m.any() and ann.get("bbox") != tight_bbox(m):
                problems.append("%s: annotation %r bbox %r != %r" % (path, aid, ann.get("bbox"), tight_bbox(m)))
            key = (im["file_name"], ann["category_id"])
            u = unions.setdefault(key, np.zeros_like(m))
            if (u & m).any():
                problems.append("%s: annotation %r overlaps another of its category" % (path, aid))
            u |= m
        # Compare with the PNG masks when they were exported.
        manifest = os.path.join(root, "manifest.csv")
        rows = {}
        if os.path.exists(manifest):
            with open(manifest, newline="", encoding="utf-8") as f:
                rows = {r["file"]: r for r in csv.DictReader(f)}
        json_notes = {}
        manifest_json = os.path.join(root, "manifest.json")
        if os.path.exists(manifest_json):
            with open(manifest_json, encoding="utf-8") as f:
                json_notes = {m["file"]: m.get("note", "missing") for m in json.load(f)["images"]}
        for im in doc["images"]:
            row = rows.get(im["file_name"])
            if row is None:
                problems.append("manifest.csv has no row for %s" % im["file_name"])
                continue
            note = im.get("note", "missing")
            if note is not None and not isinstance(note, str):
                problems.append("%s: image %r note %r is not a string or null" % (path, im["id"], note))
            elif (note or "") != row.get("note"):
                problems.append("manifest.csv: %s note %r != COCO %r" % (im["file_name"], row.get("note"), note))
            elif json_notes and json_notes.get(im["file_name"]) != note:
                problems.append("manifest.json: %s note %r != COCO %r"
                                % (im["file_name"], json_notes.get(im["file_name"]), note))
            if row["split"] != split:
                problems.append("manifest.csv: %s split %s but in %s json" % (im["file_name"], row["split"], split))
            for cat, did in DAMAGE_IDS.items():
                union = unions.get((im["file_name"], cat), np.zeros((im["height"], im["width"]), np.uint8))
                if int(row[did + "_area"]) != int(union.sum()):
                    problems.append("manifest.csv: %s %s area %s != annotations %d"
                                    % (im["file_name"], did, row[did + "_area"], union.sum()))
                if not row[did + "_mask"]:
                    continue
                png = cv2.imread(os.path.join(root, row[did + "_mask"]), cv2.IMREAD_UNCHANGED)
                if png is None or png.dtype != np.uint8 or png.shape != (im["height"], im["width"]):
                    problems.append("%s: not an 8-bit grey %dx%d PNG" % (row[did + "_mask"], im["width"], im["height"]))
                    continue
                if not set(np.unique(png)) <= {0, 255}:
                    problems.append("%s: values other than 0/255" % row[did + "_mask"])
                if not np.array_equal(png == 255, union == 1):
                    problems.append("%s: differs from the COCO annotations at %d pixels"
                                    % (row[did + "_mask"], int(((png == 255) != (union == 1)).sum())))
    manifest = os.path.join(root, "manifest.csv")
    if os.path.exists(manifest):
        with open(manifest, newline="", encoding="utf-8") as f:
            check_training_layout(root, {r["file"]: r for r in csv.DictReader(f)}, problems)
    if expect_images is not None and n_images != expect_images:
        problems.append("%d images, expected %d" % (n_images, expect_images))
    if expect_anns is not None and n_anns != expect_anns:
        problems.append("%d annotations, expected %d" % (n_anns, expect_anns))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok: %d images, %d annotations, %d claims" % (n_images, n_anns, len(claim_split)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
