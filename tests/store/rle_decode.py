#!/usr/bin/python3
"""Independent check of dr-rle: a COCO RLE codec written from the format description
(docs/formats.md: column-major, background first, counts sum to h*w; string: 5 payload bits per
character, 0x20 = more, last group's 0x10 = sign, +48, from the fourth count on the difference to
the count two places earlier), driven against tests/store/rle-tool.

Usage: rle_decode.py PATH-TO-rle-tool
"""
import subprocess
import sys

import numpy as np


def string_to_counts(s):
    """Decode a compressed COCO counts string into a list of ints (may be negative if bad)."""
    counts = []
    p = 0
    while p < len(s):
        value = 0
        shift = 0
        while True:
            if p >= len(s):
                raise ValueError("truncated")
            group = ord(s[p]) - 48
            if not 0 <= group < 64:
                raise ValueError("bad character")
            p += 1
            value |= (group & 0x1F) << shift
            shift += 5
            if not group & 0x20:
                if group & 0x10:
                    value -= 1 << shift
                break
        if len(counts) >= 3:
            value += counts[-2]
        counts.append(value)
    return counts


def counts_to_string(counts):
    """Encode counts the way the format describes (the inverse of string_to_counts)."""
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i >= 3 else c
        while True:
            group = x & 0x1F
            x >>= 5  # Python's >> floors, as the format needs for negative differences
            more = x != -1 if group & 0x10 else x != 0
            out.append(chr(48 + (group | (0x20 if more else 0))))
            if not more:
                break
    return "".join(out)


def mask_to_counts(mask):
    """Runs of the column-major flattening, starting with a (possibly empty) background run."""
    flat = mask.flatten(order="F").astype(np.int8)
    change = np.flatnonzero(np.diff(flat)) + 1
    edges = np.concatenate(([0], change, [flat.size]))
    runs = np.diff(edges).tolist()
    if flat[0] == 1:
        runs = [0] + runs
    return runs


def counts_to_mask(counts, h, w):
    if any(c < 0 for c in counts) or sum(counts) != h * w:
        raise ValueError("counts do not cover the mask")
    flat = np.zeros(h * w, dtype=np.uint8)
    pos = 0
    for i, c in enumerate(counts):
        if i % 2 == 1:
            flat[pos:pos + c] = 1
        pos += c
    return flat.reshape((h, w), order="F")


def bbox(mask):
    ys, xs = np.nonzero(mask)
    if xs.size == 0:
        return (0, 0, 0, 0)
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1))


def random_masks(rng):
    sizes = [(1, 1), (1, 37), (53, 1), (7, 9), (16, 16), (33, 65), (120, 90), (2, 600)]
    for h, w in sizes:
        for density in (0.0, 0.02, 0.5, 0.98, 1.0):
            yield (rng.random((h, w)) < density).astype(np.uint8)
        # blobs: long runs exercise multi-character numbers and large differences
        m = np.zeros((h, w), dtype=np.uint8)
        for _ in range(3):
            y0, x0 = rng.integers(0, h), rng.integers(0, w)
            m[y0:y0 + rng.integers(1, h + 1), x0:x0 + rng.integers(1, w + 1)] = 1
        yield m
    big = np.zeros((700, 500), dtype=np.uint8)  # runs > 2^15 need 4 groups
    big[650:, 400:] = 1
    big[3, 3] = 1
    yield big


def main():
    tool = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)

    def ask(line):
        tool.stdin.write(line + "\n")
        tool.stdin.flush()
        return tool.stdout.readline().rstrip("\n")

    rng = np.random.default_rng(20261125)
    failures = 0
    checked = 0
    for mask in random_masks(rng):
        h, w = mask.shape
        bits = "".join("1" if v else "0" for v in mask.flatten())  # row-major
        reply = ask(f"E {h} {w} {bits}").split(" ")
        s, area, box = reply[0], int(reply[1]), tuple(int(v) for v in reply[2:6])
        # 1. our decoder reads the C string back into the same pixels
        decoded = counts_to_mask(string_to_counts(s), h, w)
        ok = np.array_equal(decoded, mask)
        # 2. the string is exactly what the format gives for these pixels
        ok = ok and s == counts_to_string(mask_to_counts(mask))
        ok = ok and area == int(mask.sum()) and box == bbox(mask)
        # 3. the C decoder reads our string into the same pixels
        ours = counts_to_string(mask_to_counts(mask))
        back = ask(f"D {h} {w} {ours}")
        ok = ok and back == bits
        checked += 1
        if not ok:
            failures += 1
            print(f"MISMATCH {h}x{w}: C string {s!r}, expected {ours!r}", file=sys.stderr)

    # malformed strings must be refused, never decoded into something
    for h, w, bad in [(2, 3, "5"), (2, 3, "7"), (40, 1, "X"), (2, 3, "6p"), (1, 4, "111N"),
                      (4, 4, "XXXXXXX0")]:
        reply = ask(f"D {h} {w} {bad}")
        checked += 1
        if not reply.startswith("error "):
            failures += 1
            print(f"ACCEPTED malformed {bad!r} for {h}x{w}: {reply!r}", file=sys.stderr)

    tool.stdin.close()
    if tool.wait() != 0:
        print("rle-tool exited with an error", file=sys.stderr)
        failures += 1
    print(f"{checked} cases checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
