#!/usr/bin/python3
"""Checks that the built Korean catalogue is really used at run time: `BINARY --help` with
LANGUAGE=ko prints Hangul and differs from the untranslated output. Fails if the .mo is not
built, bindtextdomain points elsewhere, or the help strings are not marked for translation.

Usage: check-translation-runtime.py BINARY LOCALEDIR
"""
import os
import re
import subprocess
import sys

HANGUL = re.compile("[\uac00-\ud7a3]")


def help_text(binary, localedir, language):
    """Returns the --help output of binary in the given LANGUAGE (C.UTF-8 locale)."""
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE=language, DAMAGE_REVIEW_LOCALEDIR=localedir)
    run = subprocess.run([binary, "--help"], env=env, capture_output=True, check=True)
    return run.stdout.decode("utf-8")


def main():
    binary, localedir = sys.argv[1:3]
    english = help_text(binary, localedir, "C")
    korean = help_text(binary, localedir, "ko")
    print(korean)
    if HANGUL.search(english):
        print("the untranslated help already contains Hangul")
        return 1
    if not HANGUL.search(korean) or korean == english:
        print("LANGUAGE=ko did not translate --help: the Korean catalogue is not used")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
