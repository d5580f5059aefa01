-- 005-store-backend.sql — the few in-place changes the store's backend interface makes
-- (dr-store-backend.h) that members could not make before: a lead renames claims, moves photos
-- between claims, records a photo's error or replaces an unreadable photo's row by its scan,
-- and replaces ground truth; a lead or worker replaces a prediction of the same model
-- (predictions are derived data: replaced, not appended). Column grants keep team_id, ids and
-- authorship unchangeable; revisions, reviews and notes stay append-only (no grant here).

CREATE POLICY claims_rename ON dr.claims FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));
GRANT UPDATE (name) ON dr.claims TO dr_member;

CREATE POLICY photos_change ON dr.photos FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));
GRANT UPDATE (claim_id, sha256, size, width, height, error, added) ON dr.photos TO dr_member;

CREATE POLICY predictions_replace ON dr.predictions FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead,worker}'))::bigint[]));
GRANT UPDATE (rle, area, confidence, created) ON dr.predictions TO dr_member;

CREATE POLICY ground_truth_replace ON dr.ground_truth FOR UPDATE
  USING (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]))
  WITH CHECK (team_id = ANY ((SELECT dr.my_teams_as ('{lead}'))::bigint[]));
GRANT UPDATE (rle, area, imported) ON dr.ground_truth TO dr_member;
