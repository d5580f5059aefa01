-- 007-photo-root.sql — archives too large to keep in the database: a team may record a shared
-- photo root, a folder every member and worker mounts at that same absolute path (an NFS or SMB
-- share, say). A photo added from a file below the root keeps its bytes there: its blob row
-- names the file by its path below the root instead of holding the bytes. The server cannot
-- check such a file's SHA-256, so every client checks it whenever it reads the file.

ALTER TABLE dr.teams ADD COLUMN photo_root text
  CHECK (photo_root IS NULL OR (photo_root ~ '^/' AND length (photo_root) <= 4096));

ALTER TABLE dr.photo_blobs ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE dr.photo_blobs ADD COLUMN root_path text
  CHECK (root_path IS NULL OR (length (root_path) BETWEEN 1 AND 4096
                               AND root_path !~ '^/' AND root_path !~ '(^|/)\.\.?(/|$)'));
ALTER TABLE dr.photo_blobs ADD CHECK ((bytes IS NULL) <> (root_path IS NULL));

-- Sets team's shared photo root (the share was mounted elsewhere: every photo kept on it is
-- looked for below the new root), or clears it with NULL, which is refused while photos are
-- kept on it; for the administrator or a lead of the team.
CREATE FUNCTION dr.set_photo_root (team text, root text) RETURNS void
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
    RAISE EXCEPTION 'only a lead of team "%" may set its photo root', team
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF root IS NULL AND EXISTS (SELECT 1 FROM dr.photo_blobs
                              WHERE team_id = t AND root_path IS NOT NULL) THEN
    RAISE EXCEPTION 'team "%" keeps photos on its photo root; it cannot be cleared', team
      USING ERRCODE = 'object_in_use';
  END IF;
  UPDATE dr.teams SET photo_root = rtrim (root, '/') WHERE id = t;
END
$$;
REVOKE ALL ON FUNCTION dr.set_photo_root (text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr.set_photo_root (text, text) TO dr_member;
