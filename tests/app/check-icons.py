#!/usr/bin/python3
"""Checks the app icons: the full-colour one is a 128-unit square SVG whose internal
references all resolve; the symbolic one is a 16-unit square SVG in a single colour, with
no gradients or images, so GTK can recolour it.

Usage: check-icons.py HICOLOR_DIR APP_ID    (exit 0 = good, 1 = a problem, printed one per line)
"""
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
COLOUR_ATTRS = ("fill", "stroke", "stop-color", "flood-color", "color")


def square_size(root, path, errors):
    """Returns the side of the SVG's square viewBox, recording an error if it is not square."""
    box = root.get("viewBox", "").replace(",", " ").split()
    if len(box) != 4:
        errors.append(f"{path}: no viewBox")
        return None
    x, y, w, h = (float(v) for v in box)
    if x != 0 or y != 0 or w != h:
        errors.append(f"{path}: viewBox {root.get('viewBox')} is not a square at the origin")
        return None
    return w


def check_references(root, path, errors):
    """Records an error for every #id reference (href or url(#id)) that names no element."""
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for el in root.iter():
        for name, value in el.attrib.items():
            refs = re.findall(r"url\(#([^)]+)\)", value)
            if name in (XLINK_HREF, "href") and value.startswith("#"):
                refs.append(value[1:])
            for ref in refs:
                if ref not in ids:
                    errors.append(f"{path}: reference to missing #{ref}")


def check_colour_icon(path, errors):
    """Checks the scalable full-colour icon."""
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        errors.append(f"{path}: root element is {root.tag}, not svg")
        return
    if square_size(root, path, errors) not in (None, 128.0):
        errors.append(f"{path}: viewBox is not 128×128 (GNOME app icon grid)")
    check_references(root, path, errors)
    if not any(el.tag in (SVG + "path", SVG + "circle", SVG + "rect") for el in root.iter()):
        errors.append(f"{path}: draws nothing")


def check_symbolic_icon(path, errors):
    """Checks the 16×16 single-colour symbolic icon."""
    root = ET.parse(path).getroot()
    if root.tag != SVG + "svg":
        errors.append(f"{path}: root element is {root.tag}, not svg")
        return
    if square_size(root, path, errors) not in (None, 16.0):
        errors.append(f"{path}: viewBox is not 16×16")
    check_references(root, path, errors)
    colours = set()
    for el in root.iter():
        local = el.tag.replace(SVG, "")
        if local in ("linearGradient", "radialGradient", "image", "filter"):
            errors.append(f"{path}: symbolic icons may not use <{local}>")
        style = dict(
            part.split(":", 1) for part in el.get("style", "").split(";") if ":" in part
        )
        for attr in COLOUR_ATTRS:
            value = (el.get(attr) or style.get(attr, "")).strip().lower()
            if value and value not in ("none", "currentcolor"):
                colours.add(value)
    if len(colours) != 1:
        errors.append(f"{path}: uses {len(colours)} colours {sorted(colours)}, expected exactly one")


def main():
    hicolor, app_id = sys.argv[1], sys.argv[2]
    errors = []
    checks = (
        (f"{hicolor}/scalable/apps/{app_id}.svg", check_colour_icon),
        (f"{hicolor}/symbolic/apps/{app_id}-symbolic.svg", check_symbolic_icon),
    )
    for path, check in checks:
        try:
            check(path, errors)
        except (OSError, ET.ParseError) as e:
            errors.append(f"{path}: {e}")
    for e in errors:
        print(e)
    if not errors:
        print("icons: ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
