#!/usr/bin/python3
"""Checks the Flatpak manifest without building it (that needs the network): it parses as
YAML, names the app, runtime, SDK and command, asks for no broad permissions, builds
OpenBLAS from a pinned, checksummed source with the options the engine relies on, and
builds the app last from this checkout with meson and without tests.

Usage: check-flatpak.py MANIFEST APP_ID BINARY    (exit 0 = good, 1 = problems listed)
"""
import os
import re
import sys

import yaml

# --share=network: team projects live on a PostgreSQL server.
REQUIRED_ARGS = {"--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri",
                 "--share=network"}
FORBIDDEN_ARGS = {
    "--filesystem=host", "--filesystem=home", "--filesystem=host-os",
    "--socket=x11", "--device=all", "--socket=session-bus", "--socket=system-bus",
}
OPENBLAS_OPTIONS = ("DYNAMIC_ARCH=1", "NO_LAPACK=1", "NOFORTRAN=1", "USE_OPENMP=0")


def check_source(module, errors):
    """Every remote source is pinned: an archive by sha256, a git source by commit."""
    sources = module.get("sources") or []
    if not sources:
        errors.append(f"module {module.get('name')}: no sources")
    for src in sources:
        kind = src.get("type")
        if kind in ("archive", "file"):
            if not re.fullmatch(r"https://\S+", src.get("url", "")):
                errors.append(f"module {module['name']}: {kind} source without an https url")
            if not re.fullmatch(r"[0-9a-f]{64}", src.get("sha256", "")):
                errors.append(f"module {module['name']}: {kind} source without a sha256")
        elif kind == "git":
            if not re.fullmatch(r"[0-9a-f]{40}", src.get("commit", "")):
                errors.append(f"module {module['name']}: git source not pinned to a commit")
        elif kind != "dir":
            errors.append(f"module {module['name']}: unexpected source type {kind}")
    return sources


def check_openblas(module, errors):
    """OpenBLAS 0.3.21 built with make, BLAS only, no Fortran, no OpenMP, per-CPU kernels."""
    sources = check_source(module, errors)
    if not any("0.3.21" in (s.get("url", "") + s.get("tag", "")) for s in sources):
        errors.append("module openblas: source is not OpenBLAS 0.3.21")
    commands = " ".join(module.get("build-commands") or [])
    if module.get("buildsystem") != "simple" or "make" not in commands.split():
        errors.append("module openblas: not a make-based (buildsystem: simple) build")
    for option in OPENBLAS_OPTIONS:
        if option not in commands:
            errors.append(f"module openblas: build lacks {option}")
    if "install" not in commands:
        errors.append("module openblas: nothing installs it")


def check_libpq(module, errors):
    """libpq from a pinned PostgreSQL 15 tarball, only the client library built."""
    sources = check_source(module, errors)
    if not any(re.search(r"/postgresql-15\.\d+\.tar\.bz2$", s.get("url", "")) for s in sources):
        errors.append("module libpq: source is not a PostgreSQL 15 release")
    commands = module.get("build-commands") or []
    if not any("src/interfaces/libpq" in c and "install" in c for c in commands):
        errors.append("module libpq: does not install src/interfaces/libpq")


def check_app(module, manifest_dir, errors):
    """The app module builds this checkout with meson, without tests."""
    if module.get("buildsystem") != "meson":
        errors.append(f"module {module.get('name')}: app is not built with meson")
    if "-Dtests=false" not in (module.get("config-opts") or []):
        errors.append(f"module {module.get('name')}: app build lacks -Dtests=false")
    for src in check_source(module, errors):
        if src.get("type") == "dir":
            root = os.path.normpath(os.path.join(manifest_dir, src.get("path", "")))
            try:
                with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
                    head = f.read(200)
            except OSError:
                head = ""
            if "project('damage-review'" not in head:
                errors.append(f"module {module.get('name')}: dir source {root} is not this project")


def main():
    path, app_id, binary = sys.argv[1:4]
    errors = []
    with open(path, encoding="utf-8") as f:
        manifest = yaml.safe_load(f)
    if manifest.get("id", manifest.get("app-id")) != app_id:
        errors.append(f"id is not {app_id}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        errors.append("runtime/sdk are not org.gnome.Platform/org.gnome.Sdk")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        errors.append("runtime-version is not a stable GNOME release number")
    if manifest.get("command") != binary:
        errors.append(f"command is not {binary}")
    args = set(manifest.get("finish-args") or [])
    for arg in sorted(REQUIRED_ARGS - args):
        errors.append(f"finish-args lack {arg}")
    for arg in sorted(FORBIDDEN_ARGS & args):
        errors.append(f"finish-args grant the broad permission {arg}")
    modules = manifest.get("modules") or []
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    if len(names) != len(modules) or len(set(names)) != len(names):
        errors.append("modules must be inline and uniquely named")
    if "openblas" not in names:
        errors.append("no openblas module")
    else:
        check_openblas(modules[names.index("openblas")], errors)
    if "libpq" not in names:
        errors.append("no libpq module (the runtime has no PostgreSQL client library)")
    else:
        check_libpq(modules[names.index("libpq")], errors)
    if not names or names[-1] != binary:
        errors.append(f"the last module is not {binary}")
    else:
        check_app(modules[-1], os.path.dirname(os.path.abspath(path)), errors)
    for e in errors:
        print(f"{path}: {e}")
    if not errors:
        print(f"{path}: ok ({', '.join(names)})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
