/* dr-schema.c — the project schema and its migrations.
 *
 * Invariants the schema enforces (CHECK, UNIQUE, FOREIGN KEY with foreign_keys=ON, triggers):
 *  - Every photo belongs to exactly one claim; claim names are unique and non-empty.
 *  - The same bytes are one photo: photos.sha256 is UNIQUE. A file whose bytes could not be read
 *    has no sha256, an error, and is unique by path, so re-running an import does not add it
 *    twice. A photo without an error has a sha256 and oriented width × height.
 *  - damage is always 0 … 3 (DrDamage). Times are microseconds since the Unix epoch, UTC.
 *  - A prediction is keyed by (photo, damage, model SHA-256) and its model must be registered in
 *    models; at most one model per damage type is current. Predictions of other models stay as
 *    history; a photo lacking a prediction from the current model is stale.
 *  - Masks (predictions, revisions, ground truth) are COCO compressed RLE strings at the photo's
 *    own oriented resolution; area is the mask's foreground pixel count.
 *  - revisions and reviews and notes are append-only: UPDATE and DELETE are refused by triggers.
 *    A revision's parent is a revision of the same photo × damage (or NULL for the first one).
 *  - heads holds, per photo × damage, the revision shown now (NULL = the prediction, nothing
 *    edited or everything undone); it must name a revision of the same photo × damage. Undo
 *    moves the head to its parent; redo to the newest child of the head. Every move adds one
 *    to the head's version (a layer without a heads row is at version 0), so a writer can move
 *    a head only from the version it read (compare-and-swap, see dr-store-backend.h).
 *  - The current verdict of a photo × damage is its newest reviews row.
 *  - Ground truth is keyed by (photo, damage, source): one imported mask per label source.
 *  - Photos that have revisions, reviews, notes or ground truth cannot be deleted (no cascade):
 *    nothing a reviewer made is ever lost silently. Predictions are derived data and cascade.
 */
#include "dr-schema.h"

/* Version 1 (issue 3): claims, photos, models, predictions. Guarantees the invariants above
 * for these four tables. */
static const char migration_1[] =
  "PRAGMA application_id = " G_STRINGIFY (DR_SCHEMA_APPLICATION_ID) ";"
  "CREATE TABLE claims ("
  "  id    INTEGER PRIMARY KEY,"
  "  name  TEXT NOT NULL UNIQUE CHECK (length (name) BETWEEN 1 AND 200)"
  ");"
  "CREATE TABLE photos ("
  "  id        INTEGER PRIMARY KEY,"
  "  claim_id  INTEGER NOT NULL REFERENCES claims (id),"
  "  path      TEXT NOT NULL,"
  "  sha256    TEXT UNIQUE CHECK (sha256 IS NULL OR length (sha256) = 64),"
  "  size      INTEGER CHECK (size IS NULL OR size >= 0),"
  "  width     INTEGER CHECK (width IS NULL OR width > 0),"
  "  height    INTEGER CHECK (height IS NULL OR height > 0),"
  "  error     TEXT,"
  "  added     INTEGER NOT NULL,"
  "  CHECK ((width IS NULL) = (height IS NULL)),"
  "  CHECK (error IS NOT NULL OR (sha256 IS NOT NULL AND width IS NOT NULL))"
  ");"
  "CREATE UNIQUE INDEX photos_unreadable_path ON photos (path) WHERE sha256 IS NULL;"
  "CREATE INDEX photos_claim ON photos (claim_id);"
  "CREATE TABLE models ("
  "  id       INTEGER PRIMARY KEY,"
  "  damage   INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  sha256   TEXT NOT NULL CHECK (length (sha256) = 64),"
  "  path     TEXT NOT NULL,"
  "  name     TEXT NOT NULL,"
  "  current  INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),"
  "  added    INTEGER NOT NULL,"
  "  UNIQUE (damage, sha256)"
  ");"
  "CREATE UNIQUE INDEX models_current ON models (damage) WHERE current = 1;"
  "CREATE TABLE predictions ("
  "  photo_id      INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,"
  "  damage        INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  model_sha256  TEXT NOT NULL,"
  "  rle           TEXT NOT NULL,"
  "  area          INTEGER NOT NULL CHECK (area >= 0),"
  "  confidence    REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),"
  "  created       INTEGER NOT NULL,"
  "  PRIMARY KEY (photo_id, damage, model_sha256),"
  "  FOREIGN KEY (damage, model_sha256) REFERENCES models (damage, sha256)"
  ") WITHOUT ROWID;";

/* Version 2 (issue 4): revisions, heads, reviews, notes, ground truth; existing rows are kept
 * as they are. Guarantees the append-only and same-layer invariants above by triggers. */
static const char migration_2[] =
  "CREATE TABLE revisions ("
  "  id         INTEGER PRIMARY KEY,"
  "  photo_id   INTEGER NOT NULL REFERENCES photos (id),"
  "  damage     INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  parent_id  INTEGER REFERENCES revisions (id),"
  "  rle        TEXT NOT NULL,"
  "  area       INTEGER NOT NULL CHECK (area >= 0),"
  "  author     TEXT NOT NULL CHECK (length (author) > 0),"
  "  created    INTEGER NOT NULL,"
  "  kind       TEXT NOT NULL CHECK (kind IN ('brush', 'eraser', 'polygon', 'fill', 'clear',"
  "                                          'reset', 'import'))"
  ");"
  "CREATE INDEX revisions_layer ON revisions (photo_id, damage, parent_id);"
  "CREATE TRIGGER revisions_same_layer BEFORE INSERT ON revisions"
  "  WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM revisions r"
  "    WHERE r.id = NEW.parent_id AND r.photo_id = NEW.photo_id AND r.damage = NEW.damage)"
  "  BEGIN SELECT RAISE (ABORT, 'revision parent belongs to another photo or damage type'); END;"
  "CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions"
  "  BEGIN SELECT RAISE (ABORT, 'revisions are append-only'); END;"
  "CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions"
  "  BEGIN SELECT RAISE (ABORT, 'revisions are append-only'); END;"
  "CREATE TABLE heads ("
  "  photo_id     INTEGER NOT NULL REFERENCES photos (id),"
  "  damage       INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  revision_id  INTEGER REFERENCES revisions (id),"
  "  PRIMARY KEY (photo_id, damage)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER heads_same_layer_insert BEFORE INSERT ON heads"
  "  WHEN NEW.revision_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM revisions r"
  "    WHERE r.id = NEW.revision_id AND r.photo_id = NEW.photo_id AND r.damage = NEW.damage)"
  "  BEGIN SELECT RAISE (ABORT, 'head names a revision of another photo or damage type'); END;"
  "CREATE TRIGGER heads_same_layer_update BEFORE UPDATE ON heads"
  "  WHEN NEW.revision_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM revisions r"
  "    WHERE r.id = NEW.revision_id AND r.photo_id = NEW.photo_id AND r.damage = NEW.damage)"
  "  BEGIN SELECT RAISE (ABORT, 'head names a revision of another photo or damage type'); END;"
  "CREATE TABLE reviews ("
  "  id            INTEGER PRIMARY KEY,"
  "  photo_id      INTEGER NOT NULL REFERENCES photos (id),"
  "  damage        INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  verdict       TEXT NOT NULL CHECK (verdict IN ('unreviewed', 'accepted', 'corrected',"
  "                                               'rejected', 'added', 'none')),"
  "  revision_id   INTEGER REFERENCES revisions (id),"
  "  model_sha256  TEXT,"
  "  author        TEXT NOT NULL CHECK (length (author) > 0),"
  "  created       INTEGER NOT NULL,"
  "  iou           REAL CHECK (iou IS NULL OR iou BETWEEN 0 AND 1),"
  "  px_added      INTEGER CHECK (px_added IS NULL OR px_added >= 0),"
  "  px_removed    INTEGER CHECK (px_removed IS NULL OR px_removed >= 0)"
  ");"
  "CREATE INDEX reviews_layer ON reviews (photo_id, damage, id);"
  "CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews"
  "  BEGIN SELECT RAISE (ABORT, 'reviews are append-only'); END;"
  "CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews"
  "  BEGIN SELECT RAISE (ABORT, 'reviews are append-only'); END;"
  "CREATE TABLE notes ("
  "  id        INTEGER PRIMARY KEY,"
  "  photo_id  INTEGER NOT NULL REFERENCES photos (id),"
  "  text      TEXT NOT NULL,"
  "  author    TEXT NOT NULL CHECK (length (author) > 0),"
  "  created   INTEGER NOT NULL"
  ");"
  "CREATE INDEX notes_photo ON notes (photo_id, id);"
  "CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes"
  "  BEGIN SELECT RAISE (ABORT, 'notes are append-only'); END;"
  "CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes"
  "  BEGIN SELECT RAISE (ABORT, 'notes are append-only'); END;"
  "CREATE TABLE ground_truth ("
  "  photo_id  INTEGER NOT NULL REFERENCES photos (id),"
  "  damage    INTEGER NOT NULL CHECK (damage BETWEEN 0 AND 3),"
  "  source    TEXT NOT NULL CHECK (length (source) > 0),"
  "  rle       TEXT NOT NULL,"
  "  area      INTEGER NOT NULL CHECK (area >= 0),"
  "  imported  INTEGER NOT NULL,"
  "  PRIMARY KEY (photo_id, damage, source)"
  ") WITHOUT ROWID;";

/* Version 3 (issue 9): the heads' version counter for compare-and-swap; existing heads start
 * at 0, as a layer that never had a head. Nothing else changes. */
static const char migration_3[] =
  "ALTER TABLE heads ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0);";

static const char *const migrations[DR_SCHEMA_VERSION] = {
  migration_1,
  migration_2,
  migration_3,
};

/* Returns the static SQL of one migration step, or NULL outside 1 … DR_SCHEMA_VERSION. */
const char *
dr_schema_migration (int version)
{
  if (version < 1 || version > DR_SCHEMA_VERSION)
    return NULL;
  return migrations[version - 1];
}
