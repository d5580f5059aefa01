#!/usr/bin/python3
"""Runs the README's run command as a new user would, on a fresh clone with a fresh HOME.

A clone of the committed HEAD of SOURCE_ROOT (or of $DR_FRESH_RUN_REV) is made in
WORKDIR/clone; then, under Xvfb with a D-Bus session bus and an environment holding nothing
of the build tree's (no GSETTINGS_SCHEMA_DIR, no DAMAGE_REVIEW_LOCALEDIR, XDG_DATA_DIRS=/usr/share
so no earlier `meson install` into /usr/local is seen, a new empty HOME):

  1. `bash build-aux/run.sh` must build, show the window titled "Damage Review", keep it up
     for a few seconds, and print no GLib/GTK warning, critical or error on stderr;
  2. `LANGUAGE=ko LANG=C.UTF-8 bash build-aux/run.sh` must show the window titled in Korean
     ("손상 검토", from po/ko.po), with the same stderr rule.

Output is TAP; the test is reported as skipped when git, Xvfb, xdotool or dbus-run-session is missing or
SOURCE_ROOT is not a git checkout. With $DR_FRESH_RUN_SHOTS set, screenshots of both windows
are written there (fresh-run-en.png, fresh-run-ko.png). The release build reuses the caller's
ccache directory, so only the first run compiles everything.

Usage: check-fresh-run.py SOURCE_ROOT WORKDIR
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

BUILD_TIMEOUT = 1000  # seconds until the first window: a cold release build took 6.5 min on 2 loaded cores
STAY_UP = 4  # seconds the window must stay up
GONE_TIMEOUT = 30  # seconds a killed window may take to leave the display
GLIB_PROBLEM = re.compile(r"(WARNING|CRITICAL|ERROR) \*\*|Trace/breakpoint|Segmentation fault|Aborted")


def skip(reason):
    """Reports the whole test as skipped the TAP way (meson counts a TAP exit status != 0 as an
    error, so the status stays 0)."""
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def start_xvfb():
    """Starts Xvfb on a free display; returns (process, ':N')."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], pass_fds=[write_fd],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        xvfb.kill()
        skip("Xvfb did not start")
    return xvfb, ":" + number


def visible_window(display, title):
    """True when a visible window with exactly this title exists on display."""
    p = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                       env=dict(os.environ, DISPLAY=display), capture_output=True, text=True)
    return p.returncode == 0 and p.stdout.strip() != ""


def fresh_env(workdir, name, display, extra):
    """An environment as on a fresh machine: a new HOME and runtime dir, system data dirs only."""
    home = os.path.join(workdir, name + "-home")
    runtime = os.path.join(workdir, name + "-runtime")
    for d in (home, runtime):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d, mode=0o700)
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": home,
        "USER": os.environ.get("USER", "root"),
        "XDG_RUNTIME_DIR": runtime,
        "XDG_DATA_DIRS": "/usr/share",
        "DISPLAY": display,
    }
    if shutil.which("ccache"):
        cache = subprocess.run(["ccache", "-k", "cache_dir"], capture_output=True, text=True)
        if cache.returncode == 0 and cache.stdout.strip():
            env["CCACHE_DIR"] = cache.stdout.strip()
    env.update(extra)
    return env


def run_window(n, what, clone, env, display, title, other_title, log_prefix, shot):
    """Runs run.sh with env and prints one TAP line: the window titled `title` must come up,
    stay up STAY_UP seconds, and stderr must hold no GLib problem. Returns True when ok."""
    out_path, err_path = log_prefix + ".out", log_prefix + ".err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(["dbus-run-session", "--", "bash", "build-aux/run.sh"],
                                cwd=clone, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    problem = None
    started = time.monotonic()
    deadline = started + BUILD_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                problem = f"run.sh exited with {proc.returncode} before a window titled {title!r} appeared"
                break
            if visible_window(display, title):
                break
            if other_title and visible_window(display, other_title):
                problem = f"the window is titled {other_title!r}, not {title!r}"
                break
            if time.monotonic() > deadline:
                problem = f"no window titled {title!r} within {BUILD_TIMEOUT} s"
                break
            time.sleep(0.5)
        if problem is None:
            print(f"# {what}: window after {time.monotonic() - started:.1f} s")
            time.sleep(STAY_UP)
            if proc.poll() is not None:
                problem = f"the app exited with {proc.returncode} within {STAY_UP} s"
            elif not visible_window(display, title):
                problem = f"the window disappeared within {STAY_UP} s"
            elif shot:
                subprocess.run(["import", "-display", display, "-window", "root", shot], check=False)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # The next run looks for its window on the same display: this one must be gone first
        # (on a loaded machine the X server can list a killed client's window for a while).
        gone_by = time.monotonic() + GONE_TIMEOUT
        while visible_window(display, title) and time.monotonic() < gone_by:
            time.sleep(0.5)
        if problem is None and visible_window(display, title):
            problem = f"the window titled {title!r} stayed on screen {GONE_TIMEOUT} s after SIGTERM"
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    bad = [line for line in stderr.splitlines() if GLIB_PROBLEM.search(line)]
    if problem is None and bad:
        problem = "stderr holds GLib problems"
    if problem is None:
        print(f"ok {n} - {what}")
        return True
    print(f"not ok {n} - {what}: {problem}")
    for line in (bad or stderr.splitlines()[-15:]):
        print("#   " + line)
    print(f"#   logs: {out_path} {err_path}")
    return False


def main():
    source, workdir = sys.argv[1:3]
    if os.environ.get("DR_GUI_TESTS", "1") == "0":
        skip("GUI tests are turned off (-Dgui_tests=false)")
    for tool in ("git", "Xvfb", "xdotool", "dbus-run-session"):
        if shutil.which(tool) is None:
            skip(f"{tool} is not installed")
    rev = os.environ.get("DR_FRESH_RUN_REV", "HEAD")
    head = subprocess.run(["git", "-C", source, "rev-parse", "--verify", rev + "^{commit}"],
                          capture_output=True, text=True)
    if head.returncode != 0:
        skip(f"{source} is not a git checkout")
    commit = head.stdout.strip()

    os.makedirs(workdir, exist_ok=True)
    clone = os.path.join(workdir, "clone")
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", source, clone], check=True)
    subprocess.run(["git", "-C", clone, "checkout", "--quiet", "--detach", commit], check=True)
    print(f"# fresh clone of {commit} in {clone}")

    shots = os.environ.get("DR_FRESH_RUN_SHOTS")
    xvfb, display = start_xvfb()
    print("1..2")
    try:
        ok_en = run_window(1, "bash build-aux/run.sh opens the window", clone,
                           fresh_env(workdir, "en", display, {"LANG": "C.UTF-8"}), display,
                           "Damage Review", None, os.path.join(workdir, "en"),
                           shots and os.path.join(shots, "fresh-run-en.png"))
        ok_ko = run_window(2, "LANGUAGE=ko LANG=C.UTF-8 bash build-aux/run.sh opens it in Korean",
                           clone,
                           fresh_env(workdir, "ko", display, {"LANGUAGE": "ko", "LANG": "C.UTF-8"}),
                           display, "손상 검토", "Damage Review", os.path.join(workdir, "ko"),
                           shots and os.path.join(shots, "fresh-run-ko.png"))
    finally:
        xvfb.terminate()
        xvfb.wait()
    return 0 if ok_en and ok_ko else 1


if __name__ == "__main__":
    sys.exit(main())
