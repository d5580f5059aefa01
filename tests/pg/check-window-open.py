#!/usr/bin/env python3
"""`damage-review LOCATION` (no command) opens the team project LOCATION names in the window.

    check-window-open.py DAMAGE_REVIEW PUSH_FIXTURE SCHEMA_DIR

Run under an X server (xvfb-or-skip.sh) with a PostgreSQL server in the environment (PGHOST,
PGPORT, PGUSER = a superuser, PGPASSWORD), as build-aux/test.sh arranges with pg_virtualenv.
It creates its own database, team and reviewer role, pushes the fixture project as the lead,
then starts the real `damage-review` program (which execs the window) once per form of
location: a postgresql:// URI, a postgres:// URI and service=NAME (a service file of its own).

The window remembers a project as the last one only once it has opened it, with the location
it gave dr_project_open (GSettings keyfile backend in a private folder, read back here). Each
run must end with last-project equal to the location as typed; the old code made a file of
the current folder out of it (GApplication's open), so nothing about the server is stored.
The window is polled for up to OPEN_TIMEOUT seconds (a bound on a hang, not a measurement).
"""
import configparser
import os
import signal
import subprocess
import sys
import tempfile
import time

DR, FIXTURE, SCHEMA_DIR = (os.path.abspath(a) for a in sys.argv[1:4])
PID = os.getpid()
DB = f"drt_winopen_{PID}"
LEAD = f"drt_winopen_{PID}_lead"
REVIEWER = f"drt_winopen_{PID}_reviewer"
OPEN_TIMEOUT = 180  # seconds; ASan on a loaded machine


def fail(msg):
    print(f"not ok - {msg}")
    sys.exit(1)


def ok(msg):
    print(f"ok - {msg}")


def psql(sql, db=DB, user=None, check=True):
    env = dict(os.environ, PGDATABASE=db)
    if user:
        env.update(PGUSER=user, PGPASSWORD=user)
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"psql {sql!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def last_project(config_home):
    """The window's last-project setting, as the keyfile backend stored it (or None)."""
    path = os.path.join(config_home, "glib-2.0", "settings", "keyfile")
    if not os.path.exists(path):
        return None
    kf = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        kf.read(path)
    except configparser.Error:
        return None
    for section in kf.sections():
        if "last-project" in kf[section]:
            value = kf[section]["last-project"]
            # GVariant text form of a string: '…' with backslash escapes.
            if len(value) >= 2 and value[0] == value[-1] == "'":
                return value[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    return None


def open_in_window(tmp, name, location, extra_env):
    """Starts `damage-review LOCATION` with a fresh settings folder; returns once the window has
    remembered LOCATION as its last project, or fails the test."""
    home = os.path.join(tmp, name)
    os.makedirs(home)
    env = dict(os.environ, **extra_env)
    env.update(GSETTINGS_BACKEND="keyfile", GSETTINGS_SCHEMA_DIR=SCHEMA_DIR,
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_CACHE_HOME=os.path.join(home, "cache"),
               GSK_RENDERER="cairo", GDK_BACKEND="x11", NO_AT_BRIDGE="1", GTK_A11Y="none")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    cmd = [DR, location]
    if subprocess.run(["sh", "-c", "command -v dbus-run-session"],
                      capture_output=True).returncode == 0:
        cmd = ["dbus-run-session", "--"] + cmd
    log = open(os.path.join(home, "stderr"), "w+")
    child = subprocess.Popen(cmd, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + OPEN_TIMEOUT
        while time.monotonic() < deadline:
            if last_project(env["XDG_CONFIG_HOME"]) == location:
                break
            if child.poll() is not None:
                break
            time.sleep(0.2)
        got = last_project(env["XDG_CONFIG_HOME"])
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    if got != location:
        log.seek(0)
        fail(f"{name}: the window did not open {location!r} (last project {got!r}); "
             f"its output: {log.read()[-2000:]}")
    leftovers = [f for f in os.listdir(home) if f not in ("config", "data", "cache", "stderr")]
    projects = os.path.join(home, "data", "damage-review", "projects")
    made = os.listdir(projects) if os.path.isdir(projects) else []
    if leftovers or made:
        fail(f"{name}: the window wrote files for the location: {leftovers + made}")
    ok(f"{name}: `damage-review {location}` opened the team project and remembered it as typed")


def main():
    print("1..3")
    psql(f"CREATE DATABASE {DB}", db="postgres")
    for r in (LEAD, REVIEWER):
        psql(f"CREATE ROLE {r} LOGIN PASSWORD '{r}'", db="postgres")
    try:
        body()
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres", check=False)
        for r in (LEAD, REVIEWER):
            psql(f"DROP ROLE IF EXISTS {r}", db="postgres", check=False)


def body():
    tmp = tempfile.mkdtemp(prefix="dr-winopen-")
    project = os.path.join(tmp, "fixture.damagereview")
    subprocess.run([FIXTURE, project, os.path.join(tmp, "photos")], check=True)
    admin = f"dbname={DB}"
    for args in (["team-init", admin, "--team", "east", "--lead", LEAD],
                 ["push", project, f"dbname={DB} user={LEAD} password={LEAD}"]):
        r = subprocess.run([DR, *args], capture_output=True, text=True,
                           env=dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache")))
        if r.returncode != 0:
            fail(f"{args[0]}: {r.stdout.strip()} {r.stderr.strip()}")
    psql(f"SELECT dr.add_member ('east', '{REVIEWER}', 'reviewer')", user=LEAD)

    # The reviewer's password comes from the environment (libpq's PGPASSWORD), never from the
    # location; host and port too (pg_virtualenv's PGHOST/PGPORT).
    as_reviewer = {"PGUSER": REVIEWER, "PGPASSWORD": REVIEWER}
    open_in_window(tmp, "postgresql-uri", f"postgresql://{REVIEWER}@/{DB}", as_reviewer)
    open_in_window(tmp, "postgres-uri", f"postgres:///{DB}?user={REVIEWER}", as_reviewer)
    service_file = os.path.join(tmp, "pg_service.conf")
    with open(service_file, "w") as f:
        f.write(f"[drteam]\ndbname={DB}\nuser={REVIEWER}\n")
    open_in_window(tmp, "service", "service=drteam",
                   dict(as_reviewer, PGSERVICEFILE=service_file))


main()
