-- 001-team.sql — the team project schema (PostgreSQL 15, schema "dr").
--
-- Applied by dr-pg-migrate.c inside one transaction holding the migration advisory lock, by the
-- role that will own every object here (the database owner or a superuser: "the administrator").
-- The administrator is not a team member; members are login roles granted dr_member and listed
-- in dr.team_members with one of the roles annotator, reviewer, lead, worker.
--
-- Invariants:
--  - Every row of a team's data carries team_id, and every reference between rows stays inside
--    one team (composite foreign keys on (team_id, …)), so row-level security can be one
--    comparison per table: a member sees and writes only the rows of teams listing them.
--  - Identity is the login role: author / moved_by columns default to session_user and the
--    insert policies require exactly session_user, so a client cannot write another name.
--    origin_author keeps the free-text author of a revision, verdict or note copied from a
--    local project file by `damage-review push`; only a lead may set it.
--  - revisions, reviews and notes are append-only: members are granted SELECT and INSERT only.
--  - A head moves by compare-and-swap on version (UPDATE … WHERE version = seen): version only
--    grows (trigger), so an undo back to an older revision still changes it (no ABA).
--  - Photo bytes live in photo_blobs, keyed by their SHA-256, which the server checks on insert.
--  - Work items (one per claim) change only through the SECURITY DEFINER functions of later
--    migrations / dr-pg-claims.c; members only read them.
--  - Every change a member should see live raises pg_notify on the team's own channel (a random
--    name only members can read), with a small JSON hint; readers re-read the rows.

CREATE SCHEMA IF NOT EXISTS dr;

-- The group role every member login is granted; privileges are granted to it, never to logins.
-- Roles are shared by all databases of a cluster, so it may exist already.
DO $$
BEGIN
  CREATE ROLE dr_member NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

CREATE TABLE dr.teams (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name     text NOT NULL UNIQUE CHECK (length (name) BETWEEN 1 AND 200),
  channel  text NOT NULL UNIQUE DEFAULT 'dr_' || replace (gen_random_uuid ()::text, '-', ''),
  created  timestamptz NOT NULL DEFAULT now ()
);

CREATE TABLE dr.team_members (
  team_id  bigint NOT NULL REFERENCES dr.teams (id),
  member   name NOT NULL,
  role     text NOT NULL CHECK (role IN ('annotator', 'reviewer', 'lead', 'worker')),
  PRIMARY KEY (team_id, member)
);
CREATE INDEX team_members_member ON dr.team_members (member);

-- Teams listing the caller; SECURITY DEFINER so policies can read team_members whatever the
-- caller may see. STABLE, and wrapped in (SELECT …) by the policies so it runs once per query.
CREATE FUNCTION dr.my_teams () RETURNS bigint[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$ SELECT coalesce (array_agg (team_id), '{}') FROM dr.team_members
        WHERE member = session_user $$;

-- Teams where the caller has one of @roles.
CREATE FUNCTION dr.my_teams_as (roles text[]) RETURNS bigint[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$ SELECT coalesce (array_agg (team_id), '{}') FROM dr.team_members
        WHERE member = session_user AND role = ANY (roles) $$;

CREATE TABLE dr.claims (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id  bigint NOT NULL REFERENCES dr.teams (id),
  name     text NOT NULL CHECK (length (name) BETWEEN 1 AND 200),
  UNIQUE (team_id, name),
  UNIQUE (team_id, id)
);

-- Content-addressed photo bytes of one team; the server recomputes the SHA-256.
CREATE TABLE dr.photo_blobs (
  team_id  bigint NOT NULL REFERENCES dr.teams (id),
  sha256   text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes    bytea NOT NULL,
  PRIMARY KEY (team_id, sha256),
  CHECK (encode (sha256 (bytes), 'hex') = sha256)
);

CREATE TABLE dr.photos (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id   bigint NOT NULL REFERENCES dr.teams (id),
  claim_id  bigint NOT NULL,
  name      text NOT NULL CHECK (length (name) BETWEEN 1 AND 4096),
  sha256    text,
  size      bigint CHECK (size IS NULL OR size >= 0),
  width     integer CHECK (width IS NULL OR width > 0),
  height    integer CHECK (height IS NULL OR height > 0),
  error     text,
  added     timestamptz NOT NULL DEFAULT now (),
  CHECK ((width IS NULL) = (height IS NULL)),
  CHECK (error IS NOT NULL OR (sha256 IS NOT NULL AND width IS NOT NULL)),
  UNIQUE (team_id, sha256),
  UNIQUE (team_id, id),
  FOREIGN KEY (team_id, claim_id) REFERENCES dr.claims (team_id, id),
  FOREIGN KEY (team_id, sha256) REFERENCES dr.photo_blobs (team_id, sha256)
);
CREATE UNIQUE INDEX photos_unreadable_name ON dr.photos (team_id, name) WHERE sha256 IS NULL;
CREATE INDEX photos_claim ON dr.photos (claim_id);

CREATE TABLE dr.models (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id  bigint NOT NULL REFERENCES dr.teams (id),
  damage   smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  sha256   text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  path     text NOT NULL,
  name     text NOT NULL,
  current  boolean NOT NULL DEFAULT false,
  added    timestamptz NOT NULL DEFAULT now (),
  UNIQUE (team_id, damage, sha256)
);
CREATE UNIQUE INDEX models_current ON dr.models (team_id, damage) WHERE current;

CREATE TABLE dr.predictions (
  team_id       bigint NOT NULL,
  photo_id      bigint NOT NULL,
  damage        smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  model_sha256  text NOT NULL,
  rle           text NOT NULL,
  area          bigint NOT NULL CHECK (area >= 0),
  confidence    double precision CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
  created       timestamptz NOT NULL DEFAULT now (),
  PRIMARY KEY (photo_id, damage, model_sha256),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id),
  FOREIGN KEY (team_id, damage, model_sha256) REFERENCES dr.models (team_id, damage, sha256)
);

CREATE TABLE dr.revisions (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id        bigint NOT NULL,
  photo_id       bigint NOT NULL,
  damage         smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  parent_id      bigint,
  rle            text NOT NULL,
  area           bigint NOT NULL CHECK (area >= 0),
  author         name NOT NULL DEFAULT session_user,
  origin_author  text CHECK (origin_author IS NULL OR length (origin_author) > 0),
  created        timestamptz NOT NULL DEFAULT now (),
  kind           text NOT NULL CHECK (kind IN ('brush', 'eraser', 'polygon', 'fill', 'clear',
                                               'reset', 'import')),
  UNIQUE (photo_id, damage, id),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id),
  -- a parent is a revision of the same photo × damage
  FOREIGN KEY (photo_id, damage, parent_id) REFERENCES dr.revisions (photo_id, damage, id)
);
CREATE INDEX revisions_layer ON dr.revisions (photo_id, damage, parent_id);

CREATE TABLE dr.heads (
  team_id      bigint NOT NULL,
  photo_id     bigint NOT NULL,
  damage       smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  revision_id  bigint,
  version      bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  moved_by     name NOT NULL DEFAULT session_user,
  moved_at     timestamptz NOT NULL DEFAULT now (),
  PRIMARY KEY (photo_id, damage),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id),
  -- the head names a revision of the same photo × damage (NULL = the prediction)
  FOREIGN KEY (photo_id, damage, revision_id) REFERENCES dr.revisions (photo_id, damage, id)
);

-- A head's version only grows, and it never changes team, photo or layer.
CREATE FUNCTION dr.heads_check_move () RETURNS trigger
  LANGUAGE plpgsql SET search_path = dr, pg_temp
  AS $$
BEGIN
  IF NEW.version <= OLD.version OR NEW.team_id <> OLD.team_id OR NEW.photo_id <> OLD.photo_id
     OR NEW.damage <> OLD.damage THEN
    RAISE EXCEPTION 'a head moves only forward by compare-and-swap on its version'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER heads_check_move BEFORE UPDATE ON dr.heads
  FOR EACH ROW EXECUTE FUNCTION dr.heads_check_move ();

CREATE TABLE dr.reviews (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id        bigint NOT NULL,
  photo_id       bigint NOT NULL,
  damage         smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  verdict        text NOT NULL CHECK (verdict IN ('unreviewed', 'accepted', 'corrected',
                                                  'rejected', 'added', 'none')),
  revision_id    bigint,
  head_version   bigint,
  model_sha256   text,
  author         name NOT NULL DEFAULT session_user,
  origin_author  text CHECK (origin_author IS NULL OR length (origin_author) > 0),
  created        timestamptz NOT NULL DEFAULT now (),
  iou            double precision CHECK (iou IS NULL OR iou BETWEEN 0 AND 1),
  px_added       bigint CHECK (px_added IS NULL OR px_added >= 0),
  px_removed     bigint CHECK (px_removed IS NULL OR px_removed >= 0),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id),
  FOREIGN KEY (photo_id, damage, revision_id) REFERENCES dr.revisions (photo_id, damage, id)
);
CREATE INDEX reviews_layer ON dr.reviews (photo_id, damage, id);

CREATE TABLE dr.notes (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id        bigint NOT NULL,
  photo_id       bigint NOT NULL,
  text           text NOT NULL CHECK (length (text) <= 100000),
  author         name NOT NULL DEFAULT session_user,
  origin_author  text CHECK (origin_author IS NULL OR length (origin_author) > 0),
  created        timestamptz NOT NULL DEFAULT now (),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id)
);
CREATE INDEX notes_photo ON dr.notes (photo_id, id);

CREATE TABLE dr.ground_truth (
  team_id   bigint NOT NULL,
  photo_id  bigint NOT NULL,
  damage    smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  source    text NOT NULL CHECK (length (source) > 0),
  rle       text NOT NULL,
  area      bigint NOT NULL CHECK (area >= 0),
  imported  timestamptz NOT NULL DEFAULT now (),
  PRIMARY KEY (photo_id, damage, source),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id)
);

-- One work item per claim: stage annotation → review → accepted, an assignee, and a lease
-- (holder + expiry) renewed by heartbeats.
CREATE TABLE dr.work_items (
  claim_id      bigint PRIMARY KEY,
  team_id       bigint NOT NULL,
  stage         text NOT NULL DEFAULT 'annotation'
                  CHECK (stage IN ('annotation', 'review', 'accepted')),
  assignee      name,
  lease_holder  name,
  lease_until   timestamptz,
  priority      integer NOT NULL DEFAULT 0,
  updated       timestamptz NOT NULL DEFAULT now (),
  CHECK ((lease_holder IS NULL) = (lease_until IS NULL)),
  FOREIGN KEY (team_id, claim_id) REFERENCES dr.claims (team_id, id)
);
CREATE INDEX work_items_free ON dr.work_items (team_id, stage, priority, claim_id);

-- Live hints: one pg_notify per changed row on the team's channel, delivered at commit.
CREATE FUNCTION dr.notify_change () RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  r record := NEW;
  hint jsonb;
BEGIN
  hint := jsonb_build_object ('kind', TG_TABLE_NAME, 'by', session_user);
  IF TG_TABLE_NAME = 'work_items' THEN
    hint := hint || jsonb_build_object ('claim', r.claim_id);
  ELSE
    hint := hint || jsonb_build_object ('photo', r.photo_id);
  END IF;
  IF TG_TABLE_NAME IN ('heads', 'reviews') THEN
    hint := hint || jsonb_build_object ('damage', r.damage);
  END IF;
  PERFORM pg_notify ((SELECT channel FROM dr.teams WHERE id = r.team_id), hint::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER heads_notify AFTER INSERT OR UPDATE ON dr.heads
  FOR EACH ROW EXECUTE FUNCTION dr.notify_change ();
CREATE TRIGGER reviews_notify AFTER INSERT ON dr.reviews
  FOR EACH ROW EXECUTE FUNCTION dr.notify_change ();
CREATE TRIGGER notes_notify AFTER INSERT ON dr.notes
  FOR EACH ROW EXECUTE FUNCTION dr.notify_change ();
CREATE TRIGGER work_items_notify AFTER INSERT OR UPDATE ON dr.work_items
  FOR EACH ROW EXECUTE FUNCTION dr.notify_change ();

-- Row-level security: every team table filters by the caller's teams; inserts also check the
-- caller's role in that team and the author columns. No policy = nothing (default deny).
ALTER TABLE dr.teams ENABLE ROW LEVEL SECURITY;
CREATE POLICY teams_read ON dr.teams FOR SELECT USING (id = ANY ((SELECT dr.my_teams ())::bigint[]));

ALTER TABLE dr.team_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_members_read ON dr.team_members FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));

ALTER TABLE dr.claims ENABLE ROW LEVEL SECURITY;
CREATE POLICY claims_read ON dr.claims FOR SELECT USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY claims_add ON dr.claims FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

ALTER TABLE dr.photo_blobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY photo_blobs_read ON dr.photo_blobs FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY photo_blobs_add ON dr.photo_blobs FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

ALTER TABLE dr.photos ENABLE ROW LEVEL SECURITY;
CREATE POLICY photos_read ON dr.photos FOR SELECT USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY photos_add ON dr.photos FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

ALTER TABLE dr.models ENABLE ROW LEVEL SECURITY;
CREATE POLICY models_read ON dr.models FOR SELECT USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY models_add ON dr.models FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));

ALTER TABLE dr.predictions ENABLE ROW LEVEL SECURITY;
CREATE POLICY predictions_read ON dr.predictions FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY predictions_add ON dr.predictions FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));

ALTER TABLE dr.revisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY revisions_read ON dr.revisions FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY revisions_add ON dr.revisions FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[])
              AND author = session_user
              AND (origin_author IS NULL OR team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[])));

ALTER TABLE dr.heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY heads_read ON dr.heads FOR SELECT USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY heads_add ON dr.heads FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[])
              AND moved_by = session_user);
CREATE POLICY heads_move ON dr.heads FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[])
              AND moved_by = session_user);

ALTER TABLE dr.reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_read ON dr.reviews FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY reviews_add ON dr.reviews FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[])
              AND author = session_user
              AND (origin_author IS NULL OR team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[])));

ALTER TABLE dr.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON dr.notes FOR SELECT USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY notes_add ON dr.notes FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{annotator,reviewer,lead}'))::bigint[])
              AND author = session_user
              AND (origin_author IS NULL OR team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[])));

ALTER TABLE dr.ground_truth ENABLE ROW LEVEL SECURITY;
CREATE POLICY ground_truth_read ON dr.ground_truth FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY ground_truth_add ON dr.ground_truth FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

ALTER TABLE dr.work_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY work_items_read ON dr.work_items FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY work_items_add ON dr.work_items FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

-- Grants: members read everything their policies let through, add rows, move heads by CAS.
-- No UPDATE or DELETE on revisions, reviews or notes for anyone but the owner: append-only.
REVOKE ALL ON SCHEMA dr FROM PUBLIC;
GRANT USAGE ON SCHEMA dr TO dr_member;
REVOKE ALL ON ALL TABLES IN SCHEMA dr FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA dr FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA dr TO dr_member;
GRANT EXECUTE ON FUNCTION dr.my_teams (), dr.my_teams_as (text[]) TO dr_member;
GRANT INSERT ON dr.claims, dr.photo_blobs, dr.photos, dr.models, dr.predictions, dr.revisions,
  dr.heads, dr.reviews, dr.notes, dr.ground_truth, dr.work_items TO dr_member;
GRANT UPDATE (revision_id, version, moved_by, moved_at) ON dr.heads TO dr_member;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA dr TO dr_member;

-- Team administration. create_team is for the administrator only (no grant); add_member may be
-- called by the administrator or a lead of the team, and also grants dr_member to the login.
CREATE FUNCTION dr.create_team (team text) RETURNS bigint
  LANGUAGE sql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$ INSERT INTO dr.teams (name) VALUES (team) RETURNING id $$;
REVOKE ALL ON FUNCTION dr.create_team (text) FROM PUBLIC;

CREATE FUNCTION dr.add_member (team text, login name, member_role text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  t bigint;
BEGIN
  SELECT id INTO t FROM dr.teams WHERE name = team;
  IF t IS NULL THEN
    RAISE EXCEPTION 'no team named "%"', team USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT (t = ANY (dr.my_teams_as ('{lead}')))
     AND NOT pg_has_role (session_user,
                          (SELECT nspowner FROM pg_namespace WHERE nspname = 'dr'), 'USAGE') THEN
    RAISE EXCEPTION 'only a lead of team "%" may add members', team
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND rolcanlogin) THEN
    RAISE EXCEPTION 'no login role "%" (the administrator creates it: createuser --pwprompt %)',
      login, login USING ERRCODE = 'undefined_object';
  END IF;
  INSERT INTO dr.team_members (team_id, member, role) VALUES (t, login, member_role)
    ON CONFLICT (team_id, member) DO UPDATE SET role = EXCLUDED.role;
  EXECUTE format ('GRANT dr_member TO %I', login);
END
$$;
REVOKE ALL ON FUNCTION dr.add_member (text, name, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr.add_member (text, name, text) TO dr_member;
