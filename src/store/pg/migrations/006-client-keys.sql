-- 006-client-keys.sql — a key the client chooses for each revision, verdict and note, so an edit
-- sent again (the offline journal replays what the server may already have committed before the
-- acknowledgement was lost) is stored once: the insert first looks for the key in the same
-- statement, and the unique index refuses a second row. NULL for rows written without a key
-- (pushed, live edits): NULLs never collide.

ALTER TABLE dr.revisions ADD COLUMN client_key uuid;
CREATE UNIQUE INDEX revisions_client_key ON dr.revisions (team_id, client_key);
ALTER TABLE dr.reviews ADD COLUMN client_key uuid;
CREATE UNIQUE INDEX reviews_client_key ON dr.reviews (team_id, client_key);
ALTER TABLE dr.notes ADD COLUMN client_key uuid;
CREATE UNIQUE INDEX notes_client_key ON dr.notes (team_id, client_key);
