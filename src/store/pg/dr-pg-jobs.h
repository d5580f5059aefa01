/* dr-pg-jobs.h — the analysis queue of a team project (migration 002-analysis-queue.sql).
 *
 * One job = one (photo, damage, model checkpoint) still without a prediction. The life of a
 * job, each step one short statement (so one round trip and atomic on its own):
 *
 *   enqueue ──► queued ──claim (SKIP LOCKED, +1 attempt, lease)──► running
 *                 ▲                                                  │ heartbeat extends lease
 *                 ├──── fail: retry after delay × 2^(attempts-1) ◄───┤
 *                 ├──── release (clean stop: attempt given back) ◄───┤
 *                 └──── rescue (lease expired, by any worker) ◄──────┤
 *   failed ◄─── fail or rescue once attempts = max_attempts          │
 *   (deleted) ◄── complete: prediction stored ON CONFLICT DO NOTHING ┘
 *
 * Delivery is at least once (a rescued job may also be finished by the worker that lost its
 * lease); the prediction's primary key makes the result exactly once.
 *
 * All functions use @conn from the thread that opened it (DrPgConn's rule); errors are one line
 * naming the server.
 */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* One claimed job, with what a worker needs to fetch and name its photo. */
typedef struct {
  gint64 photo_id;
  int damage;
  char *model_sha256;
  char *photo_name;    /* the photo's name in the project (for messages) */
  char *photo_sha256;  /* key of its bytes in dr.photo_blobs */
  int attempts;        /* including this one */
  int width, height;   /* the photo's stored size (after EXIF orientation) */
} DrPgJob;

void dr_pg_job_free (DrPgJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgJob, dr_pg_job_free)

/* Counts for `damage-review status`: jobs by state, and predictions of the current models. */
typedef struct {
  gint64 queued;     /* including those waiting for a retry */
  gint64 waiting;    /* queued with run_after in the future (backing off) */
  gint64 running;
  gint64 expired;    /* running with an expired lease (a rescue will requeue them) */
  gint64 failed;
  gint64 done;       /* predictions by the team's current models */
} DrPgQueueCounts;

/* Queues every (readable photo, current model) pair of @team that has no prediction and no job
 * yet; *added gets how many. Jobs get @max_attempts. Wakes listening workers (NOTIFY). With
 * @retry_failed, failed jobs of the team are queued again with their attempts reset first. */
gboolean dr_pg_jobs_enqueue (DrPgConn *conn, gint64 team, int max_attempts,
                             gboolean retry_failed, gint64 *added, GError **error);

/* Claims up to @limit ready jobs of @team (state queued, run_after passed) whose checkpoint
 * is one of @model_shas (a text[] literal such as "{abc…,def…}": the models this worker has
 * loaded), oldest photo first, skipping rows other workers hold; marks them running for
 * @worker until now + @lease_seconds and counts the attempt. Returns a GPtrArray of DrPgJob
 * sorted by photo then damage (possibly empty), or NULL on error. */
GPtrArray *dr_pg_jobs_claim (DrPgConn *conn, gint64 team, const char *worker,
                             const char *model_shas, int limit, int lease_seconds,
                             GError **error);

/* Extends the lease of every job @worker holds in @team to now + @lease_seconds and records
 * the worker's heartbeat; *held gets how many jobs it holds (may be NULL). */
gboolean dr_pg_jobs_heartbeat (DrPgConn *conn, gint64 team, const char *worker,
                               int lease_seconds, gint64 *held, GError **error);

/* Puts every running job of @team whose lease expired back in the queue (or marks it failed
 * when it has used its attempts), noting that in last_error. *rescued gets the count. */
gboolean dr_pg_jobs_rescue (DrPgConn *conn, gint64 team, gint64 *rescued, GError **error);

/* Stores the prediction of @job (@rle, @area, @confidence) unless one exists already, deletes
 * the job, and counts it for @worker: one statement. */
gboolean dr_pg_jobs_complete (DrPgConn *conn, gint64 team, const char *worker,
                              const DrPgJob *job, const char *rle, gint64 area,
                              double confidence, GError **error);

/* Records that @job failed with @message (one line): back to the queue after
 * @retry_delay_seconds × 2^(attempts − 1) (at most an hour), or failed for good once attempts
 * reached max_attempts. Only while @worker still holds the job. */
gboolean dr_pg_jobs_fail (DrPgConn *conn, gint64 team, const char *worker, const DrPgJob *job,
                          const char *message, double retry_delay_seconds, GError **error);

/* Gives back every job @worker holds in @team, uncounting the attempt (a clean stop), and
 * marks the worker stopped. *released gets the count (may be NULL). */
gboolean dr_pg_jobs_release (DrPgConn *conn, gint64 team, const char *worker,
                             gint64 *released, GError **error);

/* Registers (or re-registers) @worker of @team running @threads engines. */
gboolean dr_pg_jobs_register_worker (DrPgConn *conn, gint64 team, const char *worker,
                                     int threads, GError **error);

/* The queue's counts for @team. */
gboolean dr_pg_jobs_count (DrPgConn *conn, gint64 team, DrPgQueueCounts *counts,
                           GError **error);

/* A worker heard of within this many seconds counts as running (status, progress rate). */
#define DR_PG_WORKER_LIVE_SECONDS 120

/* *rate gets the summed rate (jobs finished per second since each started) of @team's workers
 * that are running: not stopped and heard of within DR_PG_WORKER_LIVE_SECONDS. */
gboolean dr_pg_jobs_rate (DrPgConn *conn, gint64 team, double *rate, GError **error);

/* One failed job, for an error row. Strings are valid UTF-8 on one line. */
typedef struct {
  gint64 photo_id;
  int damage;
  int attempts;
  char *photo_name;
  char *last_error;
} DrPgFailedJob;

void dr_pg_failed_job_free (DrPgFailedJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgFailedJob, dr_pg_failed_job_free)

/* Up to @limit failed jobs of @team by photo then damage: a GPtrArray of DrPgFailedJob, or
 * NULL with a one-line error. */
GPtrArray *dr_pg_jobs_list_failed (DrPgConn *conn, gint64 team, int limit, GError **error);

/* The channel that NOTIFY wakes workers of @team on (newly allocated), or NULL with error. */
char *dr_pg_jobs_channel (DrPgConn *conn, gint64 team, GError **error);

/* Sends LISTEN for @channel (quoted as an identifier by libpq, never spliced raw). */
gboolean dr_pg_jobs_listen (DrPgConn *conn, const char *channel, GError **error);

/* Waits up to @timeout_ms for a notification on the connection; TRUE when one (or more)
 * arrived, FALSE on timeout. Errors (connection lost) set @error and return FALSE. */
gboolean dr_pg_jobs_wait (DrPgConn *conn, int timeout_ms, GError **error);

G_END_DECLS
