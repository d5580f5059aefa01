-- 003-analysis-queue.sql — analysing a team project on many machines (issue 11).
--
-- The team's model set is dr.models WHERE current (one per damage type); each checkpoint's
-- bytes are stored once per team in dr.model_blobs, keyed by their SHA-256 (checked by the
-- server), so a worker needs only the connection string.
--
-- dr.analysis_jobs is the queue: one row per (photo, damage, model checkpoint) that still
-- needs a prediction. Invariants:
--  - A job exists only while its prediction does not: the worker that stores the prediction
--    deletes the job in the same statement. Done = a prediction row, never a job row.
--  - state 'queued': claimable once run_after has passed. 'running': held by worker until
--    lease_until; a worker extends the lease while it works (heartbeat); any worker may put
--    an expired lease back ("rescue"). 'failed': attempts reached max_attempts; last_error
--    says why. Every claim counts one attempt, so a photo that crashes its workers also ends
--    up failed instead of being retried forever.
--  - Claims take rows with FOR UPDATE SKIP LOCKED, so concurrent workers never wait for or
--    receive the same job; a rescued job may still be finished by its old worker, which is
--    harmless because predictions are written with ON CONFLICT DO NOTHING on their key
--    (photo, damage, model checkpoint): exactly one prediction per job.
--  - New jobs raise pg_notify on the team's channel followed by '_jobs' (a wake-up hint;
--    workers poll as well).
-- dr.analysis_workers holds one row per worker process: its heartbeat and counters, for
-- `damage-review status`.

CREATE TABLE dr.model_blobs (
  team_id  bigint NOT NULL REFERENCES dr.teams (id),
  sha256   text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes    bytea NOT NULL,
  PRIMARY KEY (team_id, sha256),
  CHECK (encode (sha256 (bytes), 'hex') = sha256)
);

CREATE TABLE dr.analysis_jobs (
  team_id       bigint NOT NULL,
  photo_id      bigint NOT NULL,
  damage        smallint NOT NULL CHECK (damage BETWEEN 0 AND 3),
  model_sha256  text NOT NULL,
  state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'failed')),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  run_after     timestamptz NOT NULL DEFAULT now (),
  worker        text,
  lease_until   timestamptz,
  last_error    text CHECK (last_error IS NULL OR length (last_error) <= 2000),
  PRIMARY KEY (photo_id, damage, model_sha256),
  CHECK ((state = 'running') = (worker IS NOT NULL AND lease_until IS NOT NULL)),
  FOREIGN KEY (team_id, photo_id) REFERENCES dr.photos (team_id, id),
  FOREIGN KEY (team_id, damage, model_sha256) REFERENCES dr.models (team_id, damage, sha256)
);
-- The claim scans only ready rows, oldest photo first.
CREATE INDEX analysis_jobs_ready ON dr.analysis_jobs (team_id, photo_id, damage)
  WHERE state = 'queued';
-- Heartbeats, releases and the rescuer look up running rows by worker or by expiry.
CREATE INDEX analysis_jobs_running ON dr.analysis_jobs (team_id, worker, lease_until)
  WHERE state = 'running';

CREATE TABLE dr.analysis_workers (
  team_id      bigint NOT NULL REFERENCES dr.teams (id),
  worker       text NOT NULL CHECK (length (worker) BETWEEN 1 AND 300),
  login        name NOT NULL DEFAULT session_user,
  threads      integer NOT NULL CHECK (threads > 0),
  started      timestamptz NOT NULL DEFAULT now (),
  last_seen    timestamptz NOT NULL DEFAULT now (),
  stopped      timestamptz,
  jobs_done    bigint NOT NULL DEFAULT 0,
  jobs_failed  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, worker)
);

-- Enqueue wakes workers: one hint per statement.
CREATE FUNCTION dr.notify_jobs () RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
BEGIN
  PERFORM pg_notify (t.channel || '_jobs', '')
     FROM dr.teams t WHERE t.id IN (SELECT DISTINCT team_id FROM new_jobs);
  RETURN NULL;
END
$$;
CREATE TRIGGER analysis_jobs_notify AFTER INSERT ON dr.analysis_jobs
  REFERENCING NEW TABLE AS new_jobs FOR EACH STATEMENT EXECUTE FUNCTION dr.notify_jobs ();

-- Makes checkpoint @sha256 (whose bytes must be in dr.model_blobs) the current model of
-- @damage for @team. Only a lead of the team may change what the team is analysed with.
CREATE FUNCTION dr.set_current_model (team bigint, damage_type smallint, sha text,
                                      model_path text, model_name text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
BEGIN
  IF NOT (team = ANY (dr.my_teams_as ('{lead}'))) THEN
    RAISE EXCEPTION 'only a lead of the team may change its model set'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM dr.model_blobs WHERE team_id = team AND sha256 = sha) THEN
    RAISE EXCEPTION 'checkpoint % is not stored in the project', sha
      USING ERRCODE = 'no_data_found';
  END IF;
  UPDATE dr.models SET current = false
   WHERE team_id = team AND damage = damage_type AND current AND sha256 <> sha;
  INSERT INTO dr.models (team_id, damage, sha256, path, name, current)
    VALUES (team, damage_type, sha, model_path, model_name, true)
    ON CONFLICT (team_id, damage, sha256) DO UPDATE SET current = true, path = EXCLUDED.path,
      name = EXCLUDED.name;
END
$$;
REVOKE ALL ON FUNCTION dr.set_current_model (bigint, smallint, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr.set_current_model (bigint, smallint, text, text, text) TO dr_member;

-- Row-level security: every member sees the queue and the workers (progress); leads and
-- workers add, take, finish and give back jobs; a worker row is written by its own login.
ALTER TABLE dr.model_blobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY model_blobs_read ON dr.model_blobs FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY model_blobs_add ON dr.model_blobs FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));

ALTER TABLE dr.analysis_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY analysis_jobs_read ON dr.analysis_jobs FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY analysis_jobs_add ON dr.analysis_jobs FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));
CREATE POLICY analysis_jobs_work ON dr.analysis_jobs FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));
CREATE POLICY analysis_jobs_finish ON dr.analysis_jobs FOR DELETE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));

ALTER TABLE dr.analysis_workers ENABLE ROW LEVEL SECURITY;
CREATE POLICY analysis_workers_read ON dr.analysis_workers FOR SELECT
  USING (team_id = ANY ((SELECT dr.my_teams ())::bigint[]));
CREATE POLICY analysis_workers_add ON dr.analysis_workers FOR INSERT
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[])
              AND login = session_user);
CREATE POLICY analysis_workers_beat ON dr.analysis_workers FOR UPDATE
  USING (login = session_user AND team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]))
  WITH CHECK (login = session_user);

REVOKE ALL ON dr.model_blobs, dr.analysis_jobs, dr.analysis_workers FROM PUBLIC;
GRANT SELECT ON dr.model_blobs, dr.analysis_jobs, dr.analysis_workers TO dr_member;
GRANT INSERT ON dr.model_blobs TO dr_member;
GRANT INSERT, DELETE ON dr.analysis_jobs TO dr_member;
GRANT UPDATE (state, attempts, run_after, worker, lease_until, last_error) ON dr.analysis_jobs
  TO dr_member;
GRANT INSERT ON dr.analysis_workers TO dr_member;
GRANT UPDATE (last_seen, stopped, jobs_done, jobs_failed, threads) ON dr.analysis_workers
  TO dr_member;
