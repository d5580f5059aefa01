#!/usr/bin/python3
"""Checks that every language in po/LINGUAS translates every string the sources hold now.

1. po/POTFILES.in is sorted, has no duplicates, names only existing files, and names every
   file that holds translatable strings (C with _()/N_()/C_()/NC_()/ngettext, .ui with
   translatable="yes", data/*.in, GSettings schemas with summaries or descriptions).
2. A fresh template is extracted with xgettext and the glib preset meson uses.
3. Each LANG.po passes `msgfmt --check`, and merged with the fresh template (msgmerge, so a
   changed string becomes fuzzy) has no untranslated and no fuzzy messages.

Usage: check-translations.py SOURCE_ROOT        (exit 0 = complete, 1 = problems listed)
"""
import os
import re
import subprocess
import sys
import tempfile

# The same keywords and flags as meson's i18n.gettext(preset: 'glib').
XGETTEXT_GLIB = [
    "--from-code=UTF-8", "--add-comments", "-k_",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format", "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format", "--flag=g_printerr:1:c-format", "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format", "--flag=g_sprintf:2:c-format", "--flag=g_snprintf:3:c-format",
]
C_MARK = re.compile(r"(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2)\s*\(\s*(\"|[^)]*,\s*\")")
UI_MARK = re.compile(r'translatable\s*=\s*"(yes|true|1)"')
SCHEMA_MARK = re.compile(r"<(summary|description)>")


def run(cmd, **kw):
    """Runs cmd, returning (exit status, stdout, stderr) as text."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def read_list(path):
    """Returns the non-empty, non-comment lines of a gettext list file."""
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def files_with_strings(root):
    """Returns the set of repository paths that hold translatable strings."""
    found = set()
    for top in ("src", "ui", "data"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if d not in ("icons", "screenshots"))
            for name in filenames:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if name.endswith((".c", ".h")):
                    mark = C_MARK
                elif name.endswith(".ui"):
                    mark = UI_MARK
                elif name.endswith(".gschema.xml"):
                    mark = SCHEMA_MARK
                elif top == "data" and name.endswith(".in"):
                    mark = None
                else:
                    continue
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if mark is None or mark.search(text):
                    found.add(rel)
    return found


def check_potfiles(root, errors):
    """Checks po/POTFILES.in against the tree; returns its list."""
    listed = read_list(os.path.join(root, "po", "POTFILES.in"))
    if listed != sorted(listed):
        errors.append("po/POTFILES.in is not sorted")
    if len(set(listed)) != len(listed):
        errors.append("po/POTFILES.in lists a file twice")
    for rel in listed:
        if not os.path.isfile(os.path.join(root, rel)):
            errors.append(f"po/POTFILES.in: {rel} does not exist")
    for rel in sorted(files_with_strings(root) - set(listed)):
        errors.append(f"po/POTFILES.in: {rel} has translatable strings but is not listed")
    return listed


def msgids(po):
    """Returns the msgids of a (small) .po file, skipping the header."""
    ids, current, in_id = [], [], False
    for line in po.splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:]], True
        elif in_id and line.startswith('"'):
            current.append(line)
        elif in_id:
            text = "".join(s.strip()[1:-1] for s in current)
            if text:
                ids.append(text)
            in_id = False
    return ids


def check_language(root, lang, pot, tmp, errors):
    """Checks one LANG.po: valid, and complete against the fresh template."""
    po = os.path.join(root, "po", lang + ".po")
    if not os.path.isfile(po):
        errors.append(f"po/{lang}.po: missing (listed in po/LINGUAS)")
        return
    rc, _, err = run(["msgfmt", "--check", "-o", os.devnull, po])
    if rc != 0:
        errors.append(f"po/{lang}.po: msgfmt --check failed: {err.strip()}")
    merged = os.path.join(tmp, lang + ".po")
    rc, _, err = run(["msgmerge", "--quiet", "-o", merged, po, pot])
    if rc != 0:
        errors.append(f"po/{lang}.po: msgmerge failed: {err.strip()}")
        return
    for what, flag in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
        rc, out, err = run(["msgattrib", flag, "--no-obsolete", merged])
        missing = msgids(out)
        if missing:
            shown = "; ".join(f"“{m}”" for m in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            errors.append(f"po/{lang}.po: {len(missing)} {what} against the sources: {shown}{more}")
    rc, _, err = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged])
    print(f"{lang}: {err.strip()}")
    if rc != 0:
        errors.append(f"po/{lang}.po merged with the sources fails msgfmt --check: {err.strip()}")


def main():
    root = os.path.abspath(sys.argv[1])
    errors = []
    check_potfiles(root, errors)
    languages = read_list(os.path.join(root, "po", "LINGUAS"))
    if not languages:
        errors.append("po/LINGUAS lists no language")
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "damage-review.pot")
        rc, _, err = run(["xgettext", "--package-name=damage-review", "-D", root,
                          "-f", os.path.join(root, "po", "POTFILES.in"), "-o", pot]
                         + XGETTEXT_GLIB)
        if rc != 0 or not os.path.isfile(pot):
            errors.append(f"xgettext failed: {err.strip()}")
        else:
            with open(pot, encoding="utf-8") as f:
                print(f"template: {len(msgids(f.read()))} messages")
            for lang in languages:
                check_language(root, lang, pot, tmp, errors)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
