/* dr-pg-push.h — copy a local project file into a team project (`damage-review push`).
 *
 * Everything of the file goes to the team in ONE transaction, so a failed push leaves nothing:
 * model records, claims (each also a work item at stage "annotation"), photos with their bytes
 * (photo_blobs, content-addressed; the bytes are read from the photo file, whose SHA-256 must
 * still be the one the project recorded), predictions, revisions (parent links kept), heads
 * (one per photo × damage, version 0, naming the file's head), verdicts, notes and ground
 * truth, in the file's id order, so "newest" means the same on both sides.
 *
 * Authorship: the server records the pushing role as author (session_user); the name the file
 * recorded goes to origin_author, which only a lead may set. Times are the file's.
 *
 * A photo whose bytes the team already has (same SHA-256) is left as it is, with its history:
 * pushing the same file twice adds nothing. A file that could not be read when it was imported
 * (an error row) is copied as an error row once per name.
 *
 * This reads the SQLite file with its own SQL (until the store has a backend interface).
 */
#pragma once

#include "dr-pg-conn.h"
#include "dr-project.h"

G_BEGIN_DECLS

/* Largest photo file pushed into the database, in bytes. */
#define DR_PG_MAX_PHOTO_BYTES (G_GINT64_CONSTANT (256) * 1024 * 1024)

typedef struct {
  guint models;          /* model records added */
  guint claims;          /* claims added */
  guint photos;          /* photos added (readable or not) */
  guint photos_present;  /* photos the team already had, left as they were */
  guint predictions;
  guint revisions;
  guint reviews;
  guint notes;
  guint ground_truth;
  guint64 bytes;         /* photo bytes uploaded (new blobs only) */
} DrPgPushSummary;

/* Pushes @project into team @team_id over @conn (see above). On failure nothing is written and
 * @error names the file or the server and the reason. @summary may be NULL. Blocking. */
gboolean dr_pg_push (DrProject       *project,
                     DrPgConn        *conn,
                     gint64           team_id,
                     DrPgPushSummary *summary,
                     GError         **error);

G_END_DECLS
