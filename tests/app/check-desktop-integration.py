#!/usr/bin/python3
"""Checks that the built desktop entry, AppStream metainfo and MIME package agree with each
other and with the icon and binary, and that update-mime-database accepts the MIME package.
The screenshots named by the metainfo must be PNGs under data/screenshots/ once that folder
exists; before it exists the test reports SKIP (exit 77) after the other checks pass.

Usage: check-desktop-integration.py MIME_XML DESKTOP METAINFO SOURCE_ROOT APP_ID BINARY
"""
import configparser
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PROJECT_TYPE = "application/x-damagereview-project"
PROJECT_GLOB = "*.damagereview"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def check_mime(mime_xml, errors):
    """The MIME package defines the project type with its glob, and the real
    update-mime-database maps that glob to the type."""
    root = ET.parse(mime_xml).getroot()
    types = {t.get("type"): t for t in root.iter(MIME_NS + "mime-type")}
    if PROJECT_TYPE not in types:
        errors.append(f"{mime_xml}: no {PROJECT_TYPE}")
        return
    globs = [g.get("pattern") for g in types[PROJECT_TYPE].iter(MIME_NS + "glob")]
    if PROJECT_GLOB not in globs:
        errors.append(f"{mime_xml}: {PROJECT_TYPE} lacks glob {PROJECT_GLOB}")
    with tempfile.TemporaryDirectory() as data_dir:
        tmp = os.path.join(data_dir, "mime")
        os.makedirs(os.path.join(tmp, "packages"))
        with open(mime_xml, "rb") as src, open(os.path.join(tmp, "packages", "app.xml"), "wb") as dst:
            dst.write(src.read())
        env = dict(os.environ, XDG_DATA_DIRS=data_dir)
        run = subprocess.run(["update-mime-database", tmp], capture_output=True, text=True, env=env)
        if run.returncode != 0 or run.stderr.strip():
            errors.append(f"{mime_xml}: update-mime-database: {run.stderr.strip() or run.returncode}")
            return
        with open(os.path.join(tmp, "globs2"), encoding="utf-8") as f:
            entries = [line.strip().split(":") for line in f if not line.startswith("#")]
        if not any(e[1:3] == [PROJECT_TYPE, PROJECT_GLOB] for e in entries if len(e) >= 3):
            errors.append(f"{mime_xml}: update-mime-database produced no {PROJECT_GLOB} glob")


def check_screenshot(path, errors):
    """A screenshot is a real PNG at least 620 pixels wide (readable in software centres)."""
    if not os.path.isfile(path):
        errors.append(f"{path}: referenced by the metainfo but missing")
        return
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        errors.append(f"{path}: not a PNG file")
        return
    width, height = struct.unpack(">II", head[16:24])
    if width < 620 or height < 350:
        errors.append(f"{path}: {width}×{height} is too small for a screenshot")


def check_desktop(desktop, app_id, binary, errors):
    """The desktop entry runs the binary, uses the app icon and opens project files."""
    parser = configparser.RawConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(desktop, encoding="utf-8")
    entry = parser["Desktop Entry"]
    if entry.get("Exec", "").split()[:1] != [binary]:
        errors.append(f"{desktop}: Exec does not start with {binary}")
    if entry.get("Icon") != app_id:
        errors.append(f"{desktop}: Icon is not {app_id}")
    if PROJECT_TYPE not in entry.get("MimeType", "").split(";"):
        errors.append(f"{desktop}: MimeType lacks {PROJECT_TYPE}")


def check_metainfo(metainfo, source_root, app_id, binary, errors):
    """The metainfo names the app, its desktop entry, binary and project type; returns the
    screenshot paths it references inside the repository."""
    root = ET.parse(metainfo).getroot()
    if root.findtext("id") != app_id:
        errors.append(f"{metainfo}: id is not {app_id}")
    if root.findtext("launchable") != app_id + ".desktop":
        errors.append(f"{metainfo}: launchable is not {app_id}.desktop")
    if binary not in [b.text for b in root.iter("binary")]:
        errors.append(f"{metainfo}: does not provide binary {binary}")
    if PROJECT_TYPE not in [m.text for m in root.iter("mediatype")]:
        errors.append(f"{metainfo}: does not provide {PROJECT_TYPE}")
    shots = []
    for image in root.iter("image"):
        url = (image.text or "").strip()
        marker = "/raw/main/"
        if marker not in url:
            errors.append(f"{metainfo}: screenshot {url} does not point into the repository")
            continue
        shots.append(os.path.join(source_root, url.split(marker, 1)[1]))
    if not shots:
        errors.append(f"{metainfo}: no screenshots")
    return shots


def main():
    mime_xml, desktop, metainfo, source_root, app_id, binary = sys.argv[1:7]
    errors = []
    check_mime(mime_xml, errors)
    check_desktop(desktop, app_id, binary, errors)
    shots = check_metainfo(metainfo, source_root, app_id, binary, errors)
    icon = os.path.join(source_root, "data", "icons", "hicolor", "scalable", "apps", app_id + ".svg")
    if not os.path.isfile(icon):
        errors.append(f"{icon}: missing")
    shot_dir = os.path.join(source_root, "data", "screenshots")
    if os.path.isdir(shot_dir):
        for shot in shots:
            check_screenshot(shot, errors)
    for e in errors:
        print(e)
    if errors:
        return 1
    if not os.path.isdir(shot_dir):
        print(f"desktop integration: ok, but {shot_dir} does not exist yet: screenshots unchecked")
        return 77
    print("desktop integration: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
