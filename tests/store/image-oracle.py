#!/usr/bin/python3
"""Decoding oracle for test-image: writes test photos and OpenCV 4.6's view of them.

Usage: image-oracle.py TEST_BINARY WORKDIR [GTest args...]

Every file is generated here (cv2.imencode, or PNG/EXIF/RIFF bytes assembled by hand); for
each decodable one, cv2.imread(path, IMREAD_COLOR) converted to RGB is stored as NAME.rgb and
listed in manifest.txt as "decode NAME WIDTH HEIGHT". Broken files are only written; the
expected errors live in test-image.c. Mutated copies of the good files are listed as
"mutant NAME". Then TEST_BINARY runs with DR_TEST_IMAGES=WORKDIR.
"""
import os
import struct
import subprocess
import sys
import zlib

import cv2
import numpy as np
from PIL import Image

binary, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(4242)
manifest = []


def path(name):
    return os.path.join(work, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def photo(w, h):
    """A smooth colour image with some noise: realistic for JPEG, still full of detail."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([128 + 100 * np.sin(x / 7.0 + c) * np.cos(y / 11.0 - c) for c in range(3)], -1)
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def reference(name):
    """Records cv2.imread's RGB result for NAME."""
    img = cv2.imread(path(name), cv2.IMREAD_COLOR)
    assert img is not None, name
    rgb = np.ascontiguousarray(img[:, :, ::-1])
    rgb.tofile(path(name + ".rgb"))
    manifest.append(f"decode {name} {rgb.shape[1]} {rgb.shape[0]}")


def encode(ext, img, params=()):
    ok, buf = cv2.imencode(ext, img, list(params))
    assert ok
    return buf.tobytes()


def tiff_orientation(o):
    """A minimal little-endian TIFF block whose IFD0 holds Orientation = o (SHORT)."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, o, 0) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd


def jpeg_with_exif(jpg, o):
    payload = b"Exif\x00\x00" + tiff_orientation(o)
    return jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpg[2:]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(w, h, depth, ctype, rows, extra=b""):
    """Assembles a PNG from raw (unfiltered) row bytes; extra chunks go before IDAT."""
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def pack_bits(values, depth):
    out, acc, n = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | int(v)
        n += depth
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


base = photo(37, 23)  # BGR for cv2; odd sizes catch chroma edge handling

# JPEG: every EXIF orientation, plus no EXIF, 4:4:4, grey, progressive, restart markers.
jpg = encode(".jpg", base, [cv2.IMWRITE_JPEG_QUALITY, 90])
write("plain.jpg", jpg)
reference("plain.jpg")
for o in range(1, 9):
    write(f"orient{o}.jpg", jpeg_with_exif(jpg, o))
    reference(f"orient{o}.jpg")
# OpenCV 4.6 turns chroma subsampling off when luma and chroma qualities differ.
write("q444.jpg", encode(".jpg", base, [cv2.IMWRITE_JPEG_LUMA_QUALITY, 95,
                                        cv2.IMWRITE_JPEG_CHROMA_QUALITY, 90]))
reference("q444.jpg")
write("grey.jpg", encode(".jpg", cv2.cvtColor(base, cv2.COLOR_BGR2GRAY)))
reference("grey.jpg")
write("progressive.jpg", encode(".jpg", photo(120, 90), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]))
reference("progressive.jpg")
write("restart.jpg", encode(".jpg", photo(64, 48), [cv2.IMWRITE_JPEG_RST_INTERVAL, 2]))
reference("restart.jpg")
# CMYK (Adobe, as Pillow writes it; cv2 cannot write one): OpenCV converts with its own formula.
Image.fromarray(rng.integers(0, 256, (23, 37, 4), dtype=np.uint8), "CMYK").save(path("cmyk.jpg"), quality=90)
reference("cmyk.jpg")
big = photo(1000, 600)
write("big6.jpg", jpeg_with_exif(encode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 92]), 6))
reference("big6.jpg")

# The JPEG decoder's bounds (dr-image-jpeg.c). The first APP1 segment gives the orientation, as
# in OpenCV; 64 APP1 segments and 500 scans still decode as cv2.imread does, and one more of
# either is refused (expectations in test-image.c).
def with_app1(jpg, orientations):
    segs = b""
    for o in orientations:
        payload = b"Exif\x00\x00" + tiff_orientation(o)
        segs += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpg[:2] + segs + jpg[2:]


def with_scans(prog, total):
    """PROG with its last scan repeated until the file has TOTAL scans (libjpeg warns of a
    bogus progression and decodes on, as cv2.imread does)."""
    last = prog.rindex(b"\xff\xda")  # entropy-coded data never holds FF DA (byte stuffing)
    assert prog.endswith(b"\xff\xd9")
    scans = prog.count(b"\xff\xda")
    return prog[:-2] + prog[last:-2] * (total - scans) + b"\xff\xd9"


write("two-app1.jpg", with_app1(jpg, [6, 3]))
reference("two-app1.jpg")
write("app1-64.jpg", with_app1(jpg, [8] + [1] * 63))
reference("app1-64.jpg")
write("app1-65.jpg", with_app1(jpg, [8] + [1] * 64))
prog = encode(".jpg", photo(120, 90), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
write("scans-500.jpg", with_scans(prog, 500))
reference("scans-500.jpg")
write("scans-501.jpg", with_scans(prog, 501))

# PNG: 8-bit RGB, grey, RGBA, 16-bit RGB and grey, palette with tRNS, 1/4-bit grey,
# grey+alpha, eXIf orientations, and a PNG saved under a .jpg name.
write("rgb.png", encode(".png", base))
reference("rgb.png")
write("grey.png", encode(".png", cv2.cvtColor(base, cv2.COLOR_BGR2GRAY)))
reference("grey.png")
rgba = np.dstack([base, rng.integers(0, 256, base.shape[:2], dtype=np.uint8)])
write("rgba.png", encode(".png", rgba))
reference("rgba.png")
write("rgb16.png", encode(".png", rng.integers(0, 65536, (23, 37, 3), dtype=np.uint16)))
reference("rgb16.png")
write("grey16.png", encode(".png", rng.integers(0, 65536, (23, 37), dtype=np.uint16)))
reference("grey16.png")
pal_w, pal_h = 29, 17
palette = rng.integers(0, 256, (16, 3), dtype=np.uint8)
idx = rng.integers(0, 16, (pal_h, pal_w))
extra = png_chunk(b"PLTE", palette.tobytes()) + png_chunk(b"tRNS", bytes(range(0, 160, 10)))
write("palette.png", png_bytes(pal_w, pal_h, 4, 3, [pack_bits(r, 4) for r in idx], extra))
reference("palette.png")
for depth in (1, 4):
    g = rng.integers(0, 1 << depth, (pal_h, pal_w))
    write(f"grey{depth}bit.png", png_bytes(pal_w, pal_h, depth, 0, [pack_bits(r, depth) for r in g]))
    reference(f"grey{depth}bit.png")
ga = rng.integers(0, 256, (pal_h, pal_w * 2), dtype=np.uint8)
write("greyalpha.png", png_bytes(pal_w, pal_h, 8, 4, [r.tobytes() for r in ga]))
reference("greyalpha.png")
rgb_rows = [r.tobytes() for r in np.ascontiguousarray(base[:, :, ::-1])]
for o in (3, 6, 8):
    write(f"orient{o}.png", png_bytes(37, 23, 8, 2, rgb_rows, png_chunk(b"eXIf", tiff_orientation(o))))
    reference(f"orient{o}.png")
adam7 = b""
rgb = np.ascontiguousarray(base[:, :, ::-1])
for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                       (1, 0, 2, 2), (0, 1, 1, 2)):
    sub = rgb[y0::dy, x0::dx]
    if sub.size:
        adam7 += b"".join(b"\x00" + np.ascontiguousarray(r).tobytes() for r in sub)
write("interlaced.png", b"\x89PNG\r\n\x1a\n"
      + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 37, 23, 8, 2, 0, 0, 1))
      + png_chunk(b"IDAT", zlib.compress(adam7)) + png_chunk(b"IEND", b""))
reference("interlaced.png")
write("png-named.jpg", encode(".png", base))
reference("png-named.jpg")

# WebP: lossy, lossless, with alpha, and with an EXIF orientation (which OpenCV ignores).
write("lossy.webp", encode(".webp", base, [cv2.IMWRITE_WEBP_QUALITY, 90]))
reference("lossy.webp")
lossless = encode(".webp", base, [cv2.IMWRITE_WEBP_QUALITY, 101])
write("lossless.webp", lossless)
reference("lossless.webp")
write("alpha.webp", encode(".webp", rgba, [cv2.IMWRITE_WEBP_QUALITY, 90]))
reference("alpha.webp")


def riff_chunk(kind, data):
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


vp8x = riff_chunk(b"VP8X", bytes([0x08, 0, 0, 0]) + (36).to_bytes(3, "little") + (22).to_bytes(3, "little"))
body = b"WEBP" + vp8x + lossless[12:] + riff_chunk(b"EXIF", tiff_orientation(6))
write("exif6.webp", b"RIFF" + struct.pack("<I", len(body)) + body)
reference("exif6.webp")

# Broken files (expectations in test-image.c).
write("truncated.jpg", jpg[: len(jpg) * 6 // 10])
big_jpg = encode(".jpg", big)
write("truncated-big.jpg", big_jpg[: len(big_jpg) // 2])


def patch_sof(data, w, h):
    i = 2
    while True:
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return data[:i + 5] + struct.pack(">HH", h, w) + data[i + 9:]
        i += 2 + length


write("liar.jpg", patch_sof(jpg, 4000, 3000))       # 12 MP claimed, ~1 KB of data
write("huge.jpg", patch_sof(jpg, 20000, 20000))     # 400 MP claimed
write("huge.png", b"\x89PNG\r\n\x1a\n"
      + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
      + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + png_chunk(b"IEND", b""))
write("wide.png", png_bytes(70000, 1, 8, 0, [bytes(70000)]))
write("liar.png", b"\x89PNG\r\n\x1a\n"
      + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 9000, 9000, 8, 2, 0, 0, 0))
      + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + png_chunk(b"IEND", b""))
png_ok = encode(".png", big)
write("truncated.png", png_ok[: len(png_ok) // 2])
write("truncated.webp", lossless[: len(lossless) // 2])
write("empty.jpg", b"")
write("random.jpg", rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())

# Mutants: random byte changes, cuts and insertions in the valid files above (fixed seed).
# Each must decode or fail cleanly; test-image checks the error and probe/load agreement.
sources = [line.split()[1] for line in manifest]
mutator = np.random.default_rng(99)
for i in range(300):
    name = sources[i % len(sources)]
    data = bytearray(open(path(name), "rb").read())
    for _ in range(int(mutator.choice([1, 2, 4, 16]))):
        at = int(mutator.integers(0, min(len(data), 160 if i % 2 else len(data))))
        op = mutator.random()
        if op < 0.7:
            data[at] = int(mutator.choice([0, 0xFF, 0x7F, 0x80, int(mutator.integers(0, 256))]))
        elif op < 0.85:
            del data[at:at + int(mutator.integers(1, 64))]
        else:
            data[at:at] = bytes(mutator.integers(0, 256, int(mutator.integers(1, 16)), dtype=np.uint8))
    mutant = f"mutant{i:03d}{os.path.splitext(name)[1]}"
    write(mutant, bytes(data))
    manifest.append(f"mutant {mutant}")

with open(path("manifest.txt"), "w") as f:
    f.write("\n".join(manifest) + "\n")

env = dict(os.environ, DR_TEST_IMAGES=work)
sys.exit(subprocess.run([binary] + sys.argv[3:], env=env).returncode)
