-- 002-assignment.sql — work items handed out with leases, not locks.
--
-- A claim is a work item with a stage (annotation → review → accepted), an optional assignee
-- and a lease (holder + expiry) that the holder renews by heartbeat. Members never write
-- dr.work_items directly (they only read it): these SECURITY DEFINER functions check the caller's
-- role in the claim's team and change it in one statement each.
--  - next_claim: the caller's own assignment at that stage first, then the next free one
--    (unassigned, lease free or expired), by priority then id, FOR UPDATE SKIP LOCKED, so two
--    callers at the same moment never get the same claim and never wait for each other. It
--    leases the claim without assigning it: when the lease runs out (the holder's app died, say)
--    an unassigned claim is free again for anyone; an assigned one stays its assignee's.
--  - heartbeat / release: only the lease holder.
--  - advance: the holder (or a lead) moves the claim to the next stage; the lease and the
--    assignee are cleared for the next stage's people.
--  - assign (reassign) and take_over (a lease that expired, or any lease) are for leads only.

-- Who may work on a stage.
CREATE FUNCTION dr.stage_roles (stage text) RETURNS text[]
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE stage WHEN 'annotation' THEN '{annotator,lead}'::text[]
                          WHEN 'review' THEN '{reviewer,lead}'::text[]
                          ELSE '{lead}'::text[] END $$;

-- Fails unless the caller has one of @roles in team @team.
CREATE FUNCTION dr.require_role (team bigint, roles text[], what text) RETURNS void
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
BEGIN
  IF NOT (team = ANY (dr.my_teams_as (roles))) THEN
    RAISE EXCEPTION 'role "%" may not %: that needs one of % in the team', session_user, what,
      array_to_string (roles, ', ') USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$$;

CREATE FUNCTION dr.next_claim (team bigint, stage text, lease interval) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  claim bigint;
BEGIN
  PERFORM dr.require_role (team, dr.stage_roles (stage), 'take work at stage ' || stage);
  IF lease <= interval '0' OR lease > interval '1 day' THEN
    RAISE EXCEPTION 'a lease lasts more than nothing and at most a day'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- my own assignment first (even one whose lease I still hold)
  SELECT w.claim_id INTO claim FROM dr.work_items w
   WHERE w.team_id = team AND w.stage = next_claim.stage AND w.assignee = session_user
     AND (w.lease_until IS NULL OR w.lease_until < now () OR w.lease_holder = session_user)
   ORDER BY w.priority, w.claim_id LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF claim IS NULL THEN
    SELECT w.claim_id INTO claim FROM dr.work_items w
     WHERE w.team_id = team AND w.stage = next_claim.stage AND w.assignee IS NULL
       AND (w.lease_until IS NULL OR w.lease_until < now ())
     ORDER BY w.priority, w.claim_id LIMIT 1 FOR UPDATE SKIP LOCKED;
  END IF;
  IF claim IS NOT NULL THEN
    UPDATE dr.work_items SET lease_holder = session_user, lease_until = now () + lease,
                             updated = now ()
     WHERE claim_id = claim;
  END IF;
  RETURN claim;
END
$$;

CREATE FUNCTION dr.heartbeat (claim bigint, lease interval) RETURNS timestamptz
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  until timestamptz;
BEGIN
  IF lease <= interval '0' OR lease > interval '1 day' THEN
    RAISE EXCEPTION 'a lease lasts more than nothing and at most a day'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE dr.work_items SET lease_until = now () + lease, updated = now ()
   WHERE claim_id = claim AND lease_holder = session_user AND lease_until >= now ()
   RETURNING lease_until INTO until;
  IF until IS NULL THEN
    RAISE EXCEPTION 'role "%" does not hold the lease of claim % (it expired or was taken over)',
      session_user, claim USING ERRCODE = 'lock_not_available';
  END IF;
  RETURN until;
END
$$;

CREATE FUNCTION dr.release (claim bigint) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$ UPDATE dr.work_items SET lease_holder = NULL, lease_until = NULL, updated = now ()
        WHERE claim_id = claim AND lease_holder = session_user $$;

CREATE FUNCTION dr.advance (claim bigint) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  w dr.work_items;
  next_stage text;
BEGIN
  SELECT * INTO w FROM dr.work_items WHERE claim_id = claim FOR UPDATE;
  IF NOT FOUND OR NOT (w.team_id = ANY (dr.my_teams ())) THEN
    RAISE EXCEPTION 'no claim %', claim USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT (w.lease_holder = session_user AND w.lease_until >= now ())
     AND NOT (w.team_id = ANY (dr.my_teams_as ('{lead}'))) THEN
    RAISE EXCEPTION 'role "%" does not hold the lease of claim %', session_user, claim
      USING ERRCODE = 'lock_not_available';
  END IF;
  next_stage := CASE w.stage WHEN 'annotation' THEN 'review' ELSE 'accepted' END;
  UPDATE dr.work_items SET stage = next_stage, assignee = NULL, lease_holder = NULL,
                           lease_until = NULL, updated = now ()
   WHERE claim_id = claim;
  RETURN next_stage;
END
$$;

CREATE FUNCTION dr.assign (claim bigint, login name) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  team bigint;
BEGIN
  SELECT team_id INTO team FROM dr.work_items WHERE claim_id = claim;
  IF team IS NULL OR NOT (team = ANY (dr.my_teams ())) THEN
    RAISE EXCEPTION 'no claim %', claim USING ERRCODE = 'no_data_found';
  END IF;
  PERFORM dr.require_role (team, '{lead}', 'assign claims');
  IF login IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dr.team_members
                                        WHERE team_id = team AND member = login) THEN
    RAISE EXCEPTION 'role "%" is not in the team', login USING ERRCODE = 'no_data_found';
  END IF;
  UPDATE dr.work_items SET assignee = login, lease_holder = NULL, lease_until = NULL,
                           updated = now ()
   WHERE claim_id = claim;
END
$$;

CREATE FUNCTION dr.take_over (claim bigint, lease interval) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = dr, pg_temp
  AS $$
DECLARE
  team bigint;
BEGIN
  SELECT team_id INTO team FROM dr.work_items WHERE claim_id = claim;
  IF team IS NULL OR NOT (team = ANY (dr.my_teams ())) THEN
    RAISE EXCEPTION 'no claim %', claim USING ERRCODE = 'no_data_found';
  END IF;
  PERFORM dr.require_role (team, '{lead}', 'take over claims');
  UPDATE dr.work_items SET assignee = session_user, lease_holder = session_user,
                           lease_until = now () + lease, updated = now ()
   WHERE claim_id = claim;
END
$$;

REVOKE ALL ON FUNCTION dr.stage_roles (text), dr.require_role (bigint, text[], text),
  dr.next_claim (bigint, text, interval), dr.heartbeat (bigint, interval), dr.release (bigint),
  dr.advance (bigint), dr.assign (bigint, name), dr.take_over (bigint, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr.next_claim (bigint, text, interval), dr.heartbeat (bigint, interval),
  dr.release (bigint), dr.advance (bigint), dr.assign (bigint, name),
  dr.take_over (bigint, interval) TO dr_member;
