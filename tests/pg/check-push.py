#!/usr/bin/env python3
"""`damage-review push FILE URI` and `export URI`, end to end on a real PostgreSQL server.

    check-push.py DAMAGE_REVIEW PUSH_FIXTURE

The server comes from the environment (PGHOST, PGPORT, PGUSER = a superuser, PGPASSWORD), as
build-aux/test.sh arranges with pg_virtualenv; without one this test FAILS. It creates its own
database and login roles and drops them afterwards.

Oracles we did not write: Python's sqlite3 reads the project file, psql reads the server,
hashlib hashes the photo files, json compares the exports.

1. team-init creates the schema, a team and its lead; the lead pushes the fixture project.
2. Row for row, the server holds what the file holds (counts per table, authors kept as
   origin_author in the file's order, every author column = the pushing role, photo bytes
   hashing to their SHA-256, one head per photo x damage at version 0).
3. `export FILE` and `export URI` give the same dataset: every file byte-identical except the
   JSON documents, which are equal once image ids (a project's own numbering) are replaced by
   file names.
4. Pushing again adds nothing; a reviewer (not a lead) cannot push; a photo file changed since
   it was added makes the push fail naming the file, and nothing of it is written; a bad URI
   is one line.
5. `export URI` goes through the store's generic path (dr_project_open → the PostgreSQL
   backend): with the lead in two teams it asks for the team, and `--team east` or the dr.team
   setting in the connection's options give the same dataset as the file again; `import` and
   `evaluate` take the URI the same way, and evaluating the file and the team project after
   importing the same ground truth gives the same table; `report URI` writes the claim report.
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

DR, FIXTURE = sys.argv[1], sys.argv[2]
PID = os.getpid()
DB = f"drt_push_{PID}"
ADMIN = f"drt_push_{PID}_admin"
LEAD = f"drt_push_{PID}_lead"
REVIEWER = f"drt_push_{PID}_reviewer"


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def expect(cond, what):
    if not cond:
        fail(what)
    print(f"ok: {what}")


def psql(sql, db=DB, user=None, check=True):
    env = dict(os.environ, PGDATABASE=db)
    if user:
        env.update(PGUSER=user, PGPASSWORD=user)
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        fail(f"psql {sql!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def run(*args, env=None):
    r = subprocess.run([DR, *args], capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    return r.returncode, r.stdout, r.stderr


def uri(user):
    return f"dbname={DB} user={user} password={user}"


def normalise(doc, names=None):
    """Replaces image ids by file names in a COCO or manifest JSON document and drops the
    export's own time stamp (two exports of the same file differ there too)."""
    if isinstance(doc, dict) and isinstance(doc.get("info"), dict):
        doc["info"].pop("date_created", None)
    if isinstance(doc, dict) and isinstance(doc.get("images"), list):
        names = {im["id"]: im.get("file_name", im.get("file")) for im in doc["images"]}
        for im in doc["images"]:
            im["id"] = names[im["id"]]
        for a in doc.get("annotations", []):
            a["image_id"] = names[a["image_id"]]
    return doc


def compare_exports(a, b):
    files_a = sorted(os.path.relpath(os.path.join(d, f), a)
                     for d, _, fs in os.walk(a) for f in fs)
    files_b = sorted(os.path.relpath(os.path.join(d, f), b)
                     for d, _, fs in os.walk(b) for f in fs)
    expect(files_a == files_b, f"both exports hold the same {len(files_a)} files")
    for rel in files_a:
        with open(os.path.join(a, rel), "rb") as f:
            da = f.read()
        with open(os.path.join(b, rel), "rb") as f:
            db = f.read()
        if rel.endswith(".json"):
            ja, jb = normalise(json.loads(da)), normalise(json.loads(db))
            if ja != jb:
                fail(f"{rel} differs:\n{json.dumps(ja, ensure_ascii=False)[:2000]}\n"
                     f"{json.dumps(jb, ensure_ascii=False)[:2000]}")
        elif da != db:
            fail(f"{rel} differs byte-wise")
    print(f"ok: export from the file and from the server are identical ({len(files_a)} files, "
          "JSON compared with image ids replaced by file names and without date_created)")


def counts_file(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    for t in ("claims", "photos", "models", "predictions", "revisions", "reviews", "notes"):
        out[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    authors = {t: [r[0] for r in con.execute(f"SELECT author FROM {t} ORDER BY photo_id, id")]
               for t in ("revisions", "reviews", "notes")}
    photos = con.execute("SELECT path, sha256 FROM photos WHERE sha256 IS NOT NULL").fetchall()
    con.close()
    return out, authors, photos


def counts_server():
    out = {}
    for t in ("claims", "photos", "models", "predictions", "revisions", "reviews", "notes"):
        out[t] = int(psql(f"SELECT count(*) FROM dr.{t} WHERE team_id = "
                          "(SELECT id FROM dr.teams WHERE name = 'east')"))
    return out


def main():
    # As the README sets a server up: an administrator with CREATEROLE (not a superuser) owns
    # the database and runs team-init.
    psql(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE PASSWORD '{ADMIN}'", db="postgres")
    psql(f"CREATE DATABASE {DB} OWNER {ADMIN}", db="postgres")
    for r in (LEAD, REVIEWER):
        psql(f"CREATE ROLE {r} LOGIN PASSWORD '{r}'", db="postgres")
    try:
        body()
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", db="postgres", check=False)
        for r in (LEAD, REVIEWER, ADMIN):
            psql(f"DROP ROLE IF EXISTS {r}", db="postgres", check=False)


def body():
    tmp = tempfile.mkdtemp(prefix="dr-push-")
    project = os.path.join(tmp, "fixture.damagereview")
    photos = os.path.join(tmp, "photos")
    subprocess.run([FIXTURE, project, photos], check=True)
    env = {"XDG_CACHE_HOME": os.path.join(tmp, "cache")}

    rc, out, err = run("team-init", uri(ADMIN), "--team", "east", "--lead", LEAD)
    expect(rc == 0 and "team schema at version" in out, f"team-init: {out.strip()} {err.strip()}")
    psql(f"SELECT dr.add_member ('east', '{REVIEWER}', 'reviewer')", user=LEAD)

    rc, out, err = run("push", project, uri(LEAD), env=env)
    expect(rc == 0 and err == "", f"push as the lead: {out.strip()} {err.strip()}")
    expect("4 photos (0 already there)" in out, "push says it copied the 4 photos")

    file_counts, file_authors, file_photos = counts_file(project)
    server = counts_server()
    expect(server == file_counts, f"the server holds what the file holds: {server}")
    for t in ("revisions", "reviews", "notes"):
        origin = psql(f"SELECT coalesce (string_agg (origin_author, '|' ORDER BY photo_id, id),"
                      f" '') FROM dr.{t}")
        expect(origin == "|".join(file_authors[t]),
               f"{t}: the file's authors kept in order as origin_author")
        authors = psql(f"SELECT string_agg (DISTINCT author, ',') FROM dr.{t}")
        expect(authors == LEAD, f"{t}: author is the pushing role ({authors})")
    for path, sha in file_photos:
        with open(path, "rb") as f:
            actual = hashlib.sha256(f.read()).hexdigest()
        stored = psql(f"SELECT encode (sha256 (bytes), 'hex') FROM dr.photo_blobs"
                      f" WHERE sha256 = '{sha}'")
        expect(actual == sha == stored, f"{os.path.basename(path)}: bytes on the server hash "
                                        "to the file's SHA-256")
    heads = psql("SELECT count (*) || ' ' || max (version) FROM dr.heads")
    expect(heads == f"{4 * file_counts['photos']} 0", f"one head per photo x damage at version 0 "
                                                       f"({heads})")
    items = psql("SELECT count (*) FROM dr.work_items WHERE stage = 'annotation'")
    expect(items == str(file_counts["claims"]), "each claim became a work item at annotation")

    out_file = os.path.join(tmp, "export-file")
    out_server = os.path.join(tmp, "export-server")
    rc, out, err = run("export", project, "--out", out_file, "--split", "0.5", env=env)
    expect(rc == 0, f"export of the file: {out.strip()} {err.strip()}")
    rc, out2, err = run("export", uri(REVIEWER), "--out", out_server, "--split", "0.5", env=env)
    expect(rc == 0, f"export of the team project by a reviewer: {out2.strip()} {err.strip()}")
    expect(out.replace(out_file, "") == out2.replace(out_server, ""), "same summary line")
    compare_exports(out_file, out_server)

    before = counts_server()
    rc, out, err = run("push", project, uri(LEAD), env=env)
    expect(rc == 0 and "0 photos (4 already there)" in out and counts_server() == before,
           f"pushing again adds nothing: {out.strip()}")

    rc, out, err = run("push", project, f"dbname={DB} user={REVIEWER} password={REVIEWER}")
    expect(rc == 1 and err.count("\n") == 1 and "row-level security" in err
           and REVIEWER in err and "only a lead" in err,
           f"a reviewer cannot push: {err.strip()}")

    # A second project whose photo file changed after it was added: nothing of it is written.
    project2 = os.path.join(tmp, "second.damagereview")
    photos2 = os.path.join(tmp, "photos2")
    subprocess.run([FIXTURE, project2, photos2], check=True)
    with open(os.path.join(photos2, "side.png"), "ab") as f:
        f.write(b"changed")
    rc, out, err = run("team-init", uri(ADMIN), "--team", "west", "--lead", LEAD)
    expect(rc == 0, f"a second team: {out.strip()} {err.strip()}")
    rc, out, err = run("push", project2, uri(LEAD), "--team", "west")
    expect(rc == 1 and err.count("\n") == 1 and "side.png" in err and "nothing was pushed" in err,
           f"a changed photo file fails the push: {err.strip()}")
    left = psql("SELECT count (*) FROM dr.photos WHERE team_id = (SELECT id FROM dr.teams"
                " WHERE name = 'west')")
    claims = psql("SELECT count (*) FROM dr.claims WHERE team_id = (SELECT id FROM dr.teams"
                  " WHERE name = 'west')")
    expect(left == "0" and claims == "0", "nothing of the failed push is on the server")
    rc, out, err = run("push", project2, uri(LEAD))
    expect(rc == 1 and "--team" in err and err.count("\n") == 1,
           f"in two teams, push asks for --team: {err.strip()}")

    # The lead is now in two teams: export through the generic store path needs the team, by
    # --team or by the dr.team setting in the connection's options, and then gives the same
    # dataset as the file.
    rc, out, err = run("export", uri(LEAD), "--out", os.path.join(tmp, "export-no-team"),
                       env=env)
    expect(rc == 1 and "--team" in err and err.count("\n") == 1
           and not os.path.exists(os.path.join(tmp, "export-no-team")),
           f"in two teams, export asks for the team: {err.strip()}")
    out_team = os.path.join(tmp, "export-team-option")
    rc, out3, err = run("export", uri(LEAD), "--team", "east", "--out", out_team, "--split", "0.5",
                        env=env)
    expect(rc == 0, f"export --team east by the lead: {out3.strip()} {err.strip()}")
    compare_exports(out_file, out_team)
    out_setting = os.path.join(tmp, "export-team-setting")
    rc, out4, err = run("export", uri(LEAD) + " options='-c dr.team=east'", "--out", out_setting,
                        "--split", "0.5", env=env)
    expect(rc == 0, f"export with dr.team in the connection options: {out4.strip()} {err.strip()}")
    compare_exports(out_file, out_setting)

    # import and evaluate take a URI through the same generic path; the lead (in two teams)
    # names the team in the connection options. The exported COCO files serve as ground truth
    # for both the file and the team project; evaluating both gives the same table.
    east = uri(LEAD) + " options='-c dr.team=east'"
    labels = sorted(os.path.join(out_file, "annotations", f)
                    for f in os.listdir(os.path.join(out_file, "annotations"))
                    if f.startswith("instances_") and f.endswith(".json"))
    expect(labels, f"the export has COCO files to import: {labels}")
    for target in (project, east):
        rc, out, err = run("import", target, *labels, env=env)
        expect(rc == 0, f"import of the exported COCO files: {out.strip()} {err.strip()}")
    rc, eval_file, err = run("evaluate", project, env=env)
    expect(rc == 0 and eval_file.count("\n") > 1, f"evaluate FILE: {eval_file} {err.strip()}")
    rc, eval_team, err = run("evaluate", east, env=env)
    expect(rc == 0 and eval_team == eval_file, f"evaluate URI gives the same table: {eval_team} "
                                                f"{err.strip()}")

    # report takes the URI too: the claim report of the team project (photos from the cache).
    pdf_file, pdf_team = os.path.join(tmp, "file.pdf"), os.path.join(tmp, "team.pdf")
    rc, rep_file, err = run("report", project, "--claim", "CLM-1", "--out", pdf_file, env=env)
    expect(rc == 0, f"report FILE: {rep_file.strip()} {err.strip()}")
    rc, rep_team, err = run("report", east, "--claim", "CLM-1", "--out", pdf_team, env=env)
    expect(rc == 0 and os.path.getsize(pdf_team) > 0
           and rep_team.replace(pdf_team, "") == rep_file.replace(pdf_file, ""),
           f"report URI: the same summary as the file's: {rep_team.strip()} {err.strip()}")

    rc, out, err = run("push", project, "postgresql://x:secret@[::1/db")
    expect(rc == 1 and err.count("\n") == 1 and "not a valid connection string" in err
           and "secret" not in err, f"a bad URI: {err.strip()}")


if __name__ == "__main__":
    main()
