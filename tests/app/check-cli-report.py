#!/usr/bin/python3
"""End-to-end check of `damage-review report` on the project written by
tests/store/report-fixture, read back with poppler, which we did not write:

- pdfinfo: page count = 1 summary + 1 per photo of the claims asked for; A4 or Letter size;
- pdftotext: the claim name, each photo's file name and SHA-256 (computed here with hashlib),
  each verdict, each reviewer, each mask's area (worked out here from the fixture's
  rectangles), the note, "model prediction, not reviewed" for the unreviewed layer;
- pdftoppm: on the rendered page of front.png, the photo is found by its grey, and each drawn
  mask's box is tinted with its damage colour at the centre while everything farther than a
  few pixels from every drawn mask (the rejected layer's box included) stays photo grey;
- EXIF orientation: a JPEG stored 200 x 100 (left half red, right half blue) with orientation
  6 is drawn as the window shows it, 100 x 200 with red above blue (PIL writes the file);
- with repair prices set through `gsettings` (keyfile backend): the estimate per type and in
  total, and the part of it that comes from unreviewed predictions, worked out here;
- the same report with LANGUAGE=ko: Korean headings and verdicts come back from pdftotext;
- bad input: an unknown claim and an unreadable project fail with one line naming the file and
  leave no PDF behind.

Usage: check-cli-report.py DAMAGE_REVIEW REPORT_FIXTURE LOCALEDIR SCHEMA_DIR
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

CLAIM_A, CLAIM_B = "CLM-2026-0117", "CLM-2026-0200"
PHOTO_W, PHOTO_H, GREY = 400, 300, 128
FILL_ALPHA = 0.38  # the report's documented overlay opacity
COLOURS = {"scratch": (0xE6, 0x9F, 0x00), "separated": (0x56, 0xB4, 0xE9),
           "crushed": (0x00, 0x9E, 0x73), "breakage": (0xCC, 0x79, 0xA7)}
# front.png's layers as report-fixture.c builds them: [x0, x1) x [y0, y1), and whether the
# final mask is drawn (the rejected one is not).
FRONT = {"scratch": ((40, 140, 40, 100), True), "separated": ((200, 300, 150, 230), False),
         "crushed": ((260, 360, 40, 120), True), "breakage": ((60, 160, 180, 260), True)}
NOTE = "Front bumper inspected on site; 현장 확인 완료"
HANGUL = re.compile("[\uac00-\ud7a3]")


def run(*args, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def area(box):
    x0, x1, y0, y1 = box
    return (x1 - x0) * (y1 - y0)


def pdf_pages(pdf):
    rc, out, err = run("pdfinfo", pdf)
    expect(rc == 0, "pdfinfo: " + err)
    pages = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    return pages, (float(size.group(1)), float(size.group(2)))


def pdf_text(pdf, first=None, last=None):
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last)]
    rc, out, err = run(*args, pdf, "-")
    expect(rc == 0, "pdftotext: " + err)
    return out


def render(pdf, page, dpi, base):
    """Renders one page to a binary PPM and returns (width, height, rows of RGB tuples)."""
    rc, _, err = run("pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
                     "-singlefile", pdf, base)
    expect(rc == 0, "pdftoppm: " + err)
    with open(base + ".ppm", "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    return w, h, [[tuple(px[(y * w + x) * 3:(y * w + x) * 3 + 3]) for x in range(w)]
                  for y in range(h)]


def is_grey(p, tol=6):
    return all(abs(c - GREY) <= tol for c in p)


def longest_run(values):
    best = cur = 0
    for v in values:
        cur = cur + 1 if v else 0
        best = max(best, cur)
    return best


def find_photo(w, h, rows):
    """The page box of the photo: rows and columns holding long stretches of its grey (no
    text or rule has 30 grey pixels in a row)."""
    grey = [[is_grey(p, 4) for p in row] for row in rows]
    ys = [y for y in range(h) if longest_run(grey[y]) >= 30]
    xs = [x for x in range(w) if longest_run(grey[y][x] for y in range(h)) >= 30]
    expect(ys and xs, "no photo-grey area on the rendered photo page")
    return xs[0], ys[0], xs[-1] + 1, ys[-1] + 1


def check_overlay(pdf, page, tmp):
    w, h, rows = render(pdf, page, 100, os.path.join(tmp, "page"))
    left, top, right, bottom = find_photo(w, h, rows)
    sx, sy = (right - left) / PHOTO_W, (bottom - top) / PHOTO_H
    expect(abs(sx - sy) < 0.02 * sx, "photo aspect ratio not kept: %.3f vs %.3f" % (sx, sy))

    def at(x, y):
        return rows[int(top + y * sy)][int(left + x * sx)]

    for name, (box, drawn) in FRONT.items():
        x0, x1, y0, y1 = box
        centre = at((x0 + x1) / 2, (y0 + y1) / 2)
        tint = tuple((1 - FILL_ALPHA) * GREY + FILL_ALPHA * c for c in COLOURS[name])
        if drawn:
            expect(all(abs(a - b) <= 14 for a, b in zip(centre, tint)),
                   "%s mask centre is %s, expected the overlay tint %s"
                   % (name, centre, tuple(round(t) for t in tint)))
        else:
            expect(is_grey(centre), "rejected %s layer is drawn: %s" % (name, centre))
    # Outside every drawn mask (by more than the outline and resampling), the photo is grey.
    margin = 4
    outside = 0
    for y in range(2, PHOTO_H - 2, 6):
        for x in range(2, PHOTO_W - 2, 6):
            near = any(b[0] - margin <= x < b[1] + margin and b[2] - margin <= y < b[3] + margin
                       for b, drawn in FRONT.values() if drawn)
            if near:
                continue
            outside += 1
            expect(is_grey(at(x, y)), "overlay colour outside the masks at photo (%d, %d): %s"
                   % (x, y, at(x, y)))
    expect(outside > 1000, "too few pixels sampled outside the masks: %d" % outside)


def colour_box(w, h, rows, want, tol=60):
    """Bounding box (x0, y0, x1, y1) of the pixels within tol of colour want."""
    pts = [(x, y) for y in range(h) for x in range(w)
           if all(abs(a - b) <= tol for a, b in zip(rows[y][x], want))]
    expect(pts, "no pixel of colour %s on the page" % (want,))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


def check_orientation(binary, project, tmp, env):
    """Adds a JPEG with EXIF orientation 6 as its own claim and checks its page."""
    from PIL import Image
    img = Image.new("RGB", (200, 100), (0, 0, 220))
    img.paste((220, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    folder = os.path.join(tmp, "CLM-ORIENT")
    os.makedirs(folder)
    path = os.path.join(folder, "turned.jpg")
    img.save(path, quality=95, exif=exif.tobytes())
    rc, _, err = run(binary, "add", project, path, env=env)
    expect(rc == 0, "add turned.jpg: " + err)
    pdf = os.path.join(tmp, "turned.pdf")
    rc, _, err = run(binary, "report", project, "--claim", "CLM-ORIENT", "--out", pdf, env=env)
    expect(rc == 0, "report on turned.jpg: " + err)
    w, h, rows = render(pdf, 2, 50, os.path.join(tmp, "turned"))
    red = colour_box(w, h, rows, (220, 0, 0))
    blue = colour_box(w, h, rows, (0, 0, 220))
    expect(red[3] <= blue[1] + 2 and abs(red[0] - blue[0]) <= 2 and abs(red[2] - blue[2]) <= 2,
           "EXIF orientation 6 not applied: red %s, blue %s (red must sit above blue)"
           % (red, blue))
    expect(abs((red[2] - red[0]) - (red[3] - red[1])) <= 3, "halves are not square: %s" % (red,))


def check_estimate(binary, project, tmp, env, schema_dir):
    """Prices per percent of photo area set with gsettings; the estimate worked out here."""
    env = dict(env, GSETTINGS_BACKEND="keyfile", GSETTINGS_SCHEMA_DIR=schema_dir,
               XDG_CONFIG_HOME=os.path.join(tmp, "config"))
    prices = {"scratch": 1000, "crushed": 2000, "breakage": 500}
    for name, price in prices.items():
        rc, _, err = run("gsettings", "set", "io.github.damagereview.DamageReview",
                         "price-" + name, str(price), env=env)
        expect(rc == 0, "gsettings: " + err)
    pdf = os.path.join(tmp, "priced.pdf")
    rc, _, err = run(binary, "report", project, "--claim", CLAIM_A, "--out", pdf, env=env)
    expect(rc == 0, "priced report: " + err)
    text = re.sub(r"\s+", " ", pdf_text(pdf, 1, 1))
    pixels = PHOTO_W * PHOTO_H
    percent = {"scratch": 100.0 * (area(FRONT["scratch"][0]) + area((50, 200, 50, 150))) / pixels,
               "crushed": 100.0 * area(FRONT["crushed"][0]) / pixels,
               "breakage": 100.0 * area(FRONT["breakage"][0]) / pixels}
    cost = {k: prices[k] * percent[k] for k in prices}
    for k in prices:
        expect(f"{round(cost[k]):,} KRW" in text, "estimate of %s: %r not in %r"
               % (k, f"{round(cost[k]):,} KRW", text))
    total = f"{round(sum(cost.values())):,} KRW"
    expect("Total estimate " + total in text, "total estimate %s missing" % total)
    # Only front.png's breakage layer has no verdict.
    expect(f"Of this total, {round(cost['breakage']):,} KRW comes from model predictions" in text,
           "the unreviewed part of the estimate is missing")


def main():
    binary, fixture, localedir, schema_dir = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "claims.damagereview")
        photos = os.path.join(tmp, "photos")
        rc, _, err = run(fixture, project, photos)
        expect(rc == 0, "fixture: " + err)
        sha = {}
        for name in ("front.png", "rear.png", "side.png"):
            with open(os.path.join(photos, name), "rb") as f:
                sha[name] = hashlib.sha256(f.read()).hexdigest()

        base_env = dict(os.environ, LC_ALL="C.UTF-8", DAMAGE_REVIEW_LOCALEDIR=localedir)
        english = dict(base_env, LANGUAGE="C")
        pdf = os.path.join(tmp, "report.pdf")
        rc, out, err = run(binary, "report", project, "--claim", CLAIM_A, "--out", pdf,
                           "--paper", "a4", env=english)
        expect(rc == 0, "report: " + err)
        expect(not [f for f in os.listdir(tmp) if ".partial-" in f], "temporary file left")
        pages, size = pdf_pages(pdf)
        expect(pages == 1 + 2, "claim %s: %d pages, expected 1 + 2 photos" % (CLAIM_A, pages))
        expect(abs(size[0] - 595.28) < 0.5 and abs(size[1] - 841.89) < 0.5, "not A4: %s" % (size,))

        text = pdf_text(pdf)
        flat = re.sub(r"\s+", " ", text)
        for needle in (CLAIM_A, "front.png", "rear.png", sha["front.png"], sha["rear.png"],
                       "Accepted as predicted", "Rejected: false positive",
                       "Added: model missed it", "Corrected", "Confirmed: no damage",
                       "Model prediction, not reviewed", "Kim Jiwoo", "Lee Minho", NOTE,
                       "1111111111111111111111111111111111111111111111111111111111111111"):
            expect(needle in flat, "report text lacks %r" % needle)
        expect("side.png" not in flat and CLAIM_B not in flat, "another claim's photo is in it")
        # Per photo page: each type's area in pixels and % of the photo.
        front = re.sub(r"\s+", " ", pdf_text(pdf, 2, 2))
        rear = re.sub(r"\s+", " ", pdf_text(pdf, 3, 3))
        expect("front.png" in front and "rear.png" in rear, "photo pages out of order")
        for name, (box, drawn) in FRONT.items():
            a = area(box) if drawn else 0
            row = "%s %.2f %%" % (f"{a:,}", 100.0 * a / (PHOTO_W * PHOTO_H))
            expect(row in front, "front.png page lacks %s area %r" % (name, row))
        rear_scratch = area((50, 200, 50, 150))
        expect("%s %.2f %%" % (f"{rear_scratch:,}", 100.0 * rear_scratch / (PHOTO_W * PHOTO_H))
               in rear,
               "rear.png page lacks the corrected scratch area")
        # Summary: scratch total over both photos, and photos affected.
        total = area(FRONT["scratch"][0]) + rear_scratch
        summary = re.sub(r"\s+", " ", pdf_text(pdf, 1, 1))
        expect("Scratch 2 %s %.2f %%" % (f"{total:,}", 100.0 * total / (2 * PHOTO_W * PHOTO_H))
               in summary, "summary lacks the scratch totals: " + summary)
        check_overlay(pdf, 2, tmp)

        # Every claim, US Letter.
        pdf_all = os.path.join(tmp, "all.pdf")
        rc, _, err = run(binary, "report", project, "--out", pdf_all, "--paper", "letter",
                         env=english)
        expect(rc == 0, "report of all claims: " + err)
        pages, size = pdf_pages(pdf_all)
        expect(pages == (1 + 2) + (1 + 1), "all claims: %d pages, expected 5" % pages)
        expect(size == (612.0, 792.0), "not US Letter: %s" % (size,))
        expect("side.png" in pdf_text(pdf_all), "side.png missing from the report of all claims")

        check_orientation(binary, project, tmp, english)
        check_estimate(binary, project, tmp, english, schema_dir)

        # Korean.
        pdf_ko = os.path.join(tmp, "ko.pdf")
        rc, _, err = run(binary, "report", project, "--claim", CLAIM_A, "--out", pdf_ko,
                         env=dict(base_env, LANGUAGE="ko"))
        expect(rc == 0, "Korean report: " + err)
        ko = re.sub(r"\s+", " ", pdf_text(pdf_ko))
        ko_without_note = ko.replace(re.sub(r"\s+", " ", NOTE), "")
        for needle in ("손상 청구 보고서", "예측대로 승인", "거부: 오탐", "모델 예측, 검토 안 됨"):
            expect(needle in ko, "Korean report lacks %r" % needle)
        expect(HANGUL.search(ko_without_note), "no Hangul besides the note")
        expect("Damage Claim Report" not in ko, "the Korean report is still in English")

        # Bad input: one line naming the file, no PDF left behind.
        bad = os.path.join(tmp, "bad.pdf")
        rc, _, err = run(binary, "report", project, "--claim", "no-such-claim", "--out", bad,
                         env=english)
        expect(rc == 1 and err.count("\n") == 1 and project in err and "no-such-claim" in err,
               "unknown claim: rc %d, %r" % (rc, err))
        not_project = os.path.join(photos, "front.png")
        rc, _, err = run(binary, "report", not_project, "--out", bad, env=english)
        expect(rc == 1 and err.count("\n") == 1 and not_project in err,
               "not a project: rc %d, %r" % (rc, err))
        rc, _, err = run(binary, "report", project, "--out", bad, "--paper", "a5", env=english)
        expect(rc == 2, "bad paper: rc %d" % rc)
        expect(not os.path.exists(bad), "a failed report left a file")
        expect(not [f for f in os.listdir(tmp) if ".partial-" in f], "temporary file left")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
