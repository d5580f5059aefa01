/* dr-pg-jobs.c — the analysis queue's statements (see dr-pg-jobs.h for the life of a job). */
#include "config.h"

#include "dr-pg-jobs.h"

#include "dr-damage.h"
#include "dr-file-hash.h"
#include "dr-pg-team.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>

#define MAX_ERROR_CHARS 1000   /* last_error is bounded by the schema (2000) */
#define MAX_BACKOFF_SECONDS 3600
#define MAX_NAME_BYTES (4 * 4096) /* a photo's name: the schema allows 4096 characters */

/* Frees the strings and the struct; NULL allowed. */
void
dr_pg_job_free (DrPgJob *job)
{
  if (job == NULL)
    return;
  g_free (job->model_sha256);
  g_free (job->photo_name);
  g_free (job->photo_sha256);
  g_free (job);
}

/* Runs the prepared statement @name (@sql) and, when @count is not NULL, stores in it the
 * first column of its first row (a count; 0 when there is no row). FALSE with @error when the
 * statement fails. */
static gboolean
exec_count (DrPgConn *conn, const char *name, const char *sql, int n_params,
            const char *const *params, gint64 *count, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, name, sql, n_params, params, error);
  if (res == NULL)
    return FALSE;
  if (count != NULL)
    *count = PQntuples (res) < 1 || PQgetisnull (res, 0, 0)
             ? 0 : g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  return TRUE;
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_enqueue (DrPgConn *conn, gint64 team, int max_attempts, gboolean retry_failed,
                    gint64 *added, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *max_s = dr_pg_int (max_attempts);
  const char *params[] = { team_s, max_s };
  /* Failed jobs start over: queued now, attempts counted from zero. */
  if (retry_failed
      && !exec_count (conn, "dr_jobs_retry_failed",
                      "UPDATE dr.analysis_jobs SET state = 'queued', attempts = 0,"
                      "       run_after = now (), max_attempts = $2::integer"
                      " WHERE team_id = $1::bigint AND state = 'failed'",
                      2, params, NULL, error))
    return FALSE;
  /* Every readable photo × current model without a prediction gets a job, unless it has one
   * already (in any state); the insert trigger sends the wake-up NOTIFY. */
  return exec_count (conn, "dr_jobs_enqueue",
    "WITH added AS ("
    "  INSERT INTO dr.analysis_jobs (team_id, photo_id, damage, model_sha256, max_attempts)"
    "  SELECT p.team_id, p.id, m.damage, m.sha256, $2::integer"
    "    FROM dr.photos p JOIN dr.models m ON m.team_id = p.team_id AND m.current"
    "   WHERE p.team_id = $1::bigint AND p.error IS NULL"
    "     AND NOT EXISTS (SELECT 1 FROM dr.predictions pr WHERE pr.photo_id = p.id"
    "                        AND pr.damage = m.damage AND pr.model_sha256 = m.sha256)"
    "   ORDER BY p.id, m.damage"
    "  ON CONFLICT DO NOTHING RETURNING 1)"
    " SELECT count(*) FROM added",
    2, params, added, error);
}

/* An integer column of a row from the server, or -1 when it is NULL, not a plain decimal
 * number or outside [min, max]. */
static gint64
checked_int (const PGresult *res, int row, int col, gint64 min, gint64 max)
{
  if (PQgetisnull (res, row, col))
    return -1;
  const char *text = PQgetvalue (res, row, col);
  gint64 value = 0;
  if (!g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    return -1;
  return value;
}

/* One claimed row as a job, every value range-checked (the server is not trusted: the damage
 * selects a bit and a model); NULL when any value is out of range. Control characters in the
 * photo's name become '?', so a message naming it stays one line. */
static DrPgJob *
read_job (const PGresult *res, int row)
{
  gint64 photo_id = checked_int (res, row, 0, 1, G_MAXINT64);
  gint64 damage = checked_int (res, row, 1, 0, DR_N_DAMAGE - 1);
  gint64 attempts = checked_int (res, row, 5, 0, G_MAXINT);
  gint64 width = checked_int (res, row, 6, 0, G_MAXINT);
  gint64 height = checked_int (res, row, 7, 0, G_MAXINT);
  const char *model = PQgetvalue (res, row, 2);
  const char *name = PQgetvalue (res, row, 3);
  const char *photo_sha = PQgetisnull (res, row, 4) ? NULL : PQgetvalue (res, row, 4);
  if (photo_id < 0 || damage < 0 || attempts < 0 || width < 0 || height < 0
      || PQgetisnull (res, row, 2) || !dr_sha256_is_valid (model) || PQgetisnull (res, row, 3)
      || strlen (name) > MAX_NAME_BYTES || !g_utf8_validate (name, -1, NULL)
      || (photo_sha != NULL && !dr_sha256_is_valid (photo_sha)))
    return NULL;
  DrPgJob *job = g_new0 (DrPgJob, 1);
  job->photo_id = photo_id;
  job->damage = (int) damage;
  job->model_sha256 = g_strdup (model);
  job->photo_name = g_strdup (name);
  for (char *p = job->photo_name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  job->photo_sha256 = g_strdup (photo_sha);
  job->attempts = (int) attempts;
  job->width = (int) width;
  job->height = (int) height;
  return job;
}

/* Orders jobs (GPtrArray elements) by photo, then damage. */
static gint
compare_jobs (gconstpointer a, gconstpointer b)
{
  const DrPgJob *x = *(DrPgJob *const *) a, *y = *(DrPgJob *const *) b;
  if (x->photo_id != y->photo_id)
    return x->photo_id < y->photo_id ? -1 : 1;
  return x->damage - y->damage;
}

/* See dr-pg-jobs.h. */
GPtrArray *
dr_pg_jobs_claim (DrPgConn *conn, gint64 team, const char *worker, const char *model_shas,
                  int limit, int lease_seconds, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *limit_s = dr_pg_int (limit);
  g_autofree char *lease_s = dr_pg_int (lease_seconds);
  const char *params[] = { team_s, worker, limit_s, lease_s, model_shas };
  /* The CTE locks up to $3 ready rows nobody else holds (SKIP LOCKED: no waiting, no double
   * delivery); the UPDATE marks exactly those rows running for this worker. One statement,
   * so the claim commits on its own. */
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_jobs_claim",
    "WITH ready AS ("
    "  SELECT photo_id, damage, model_sha256 FROM dr.analysis_jobs"
    "   WHERE team_id = $1::bigint AND state = 'queued' AND run_after <= now ()"
    "     AND model_sha256 = ANY ($5::text[])"
    "   ORDER BY photo_id, damage LIMIT $3::integer FOR UPDATE SKIP LOCKED)"
    " UPDATE dr.analysis_jobs j SET state = 'running', attempts = j.attempts + 1,"
    "        worker = $2, lease_until = now () + make_interval (secs => $4::integer)"
    "   FROM ready r, dr.photos p"
    "  WHERE j.photo_id = r.photo_id AND j.damage = r.damage"
    "    AND j.model_sha256 = r.model_sha256 AND p.id = j.photo_id"
    " RETURNING j.photo_id, j.damage, j.model_sha256, p.name, p.sha256, j.attempts,"
    "           coalesce (p.width, 0), coalesce (p.height, 0)",
    5, params, error);
  if (res == NULL)
    return NULL;
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_pg_job_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      g_autoptr (DrPgJob) job = read_job (res, i);
      if (job == NULL)
        {
          /* Only a broken server sends such a row (the schema forbids it): the worker stops
           * with this line, and its release gives the batch back. */
          g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                       "%s: the analysis queue sent an out-of-range job (row %d)",
                       dr_pg_conn_get_server (conn), i + 1);
          return NULL;
        }
      g_ptr_array_add (jobs, g_steal_pointer (&job));
    }
  /* Rows come back in no particular order: photo order lets a worker decode each photo once. */
  g_ptr_array_sort (jobs, compare_jobs);
  return g_steal_pointer (&jobs);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_heartbeat (DrPgConn *conn, gint64 team, const char *worker, int lease_seconds,
                      gint64 *held, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *lease_s = dr_pg_int (lease_seconds);
  const char *params[] = { team_s, worker, lease_s };
  /* Only leases this worker still holds are extended: a rescued job stays rescued. */
  return exec_count (conn, "dr_jobs_heartbeat",
    "WITH beat AS ("
    "  UPDATE dr.analysis_workers SET last_seen = now ()"
    "   WHERE team_id = $1::bigint AND worker = $2 RETURNING 1),"
    " held AS ("
    "  UPDATE dr.analysis_jobs SET lease_until = now () + make_interval (secs => $3::integer)"
    "   WHERE team_id = $1::bigint AND state = 'running' AND worker = $2 RETURNING 1)"
    " SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM beat)",
    3, params, held, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_rescue (DrPgConn *conn, gint64 team, gint64 *rescued, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  const char *params[] = { team_s };
  /* SKIP LOCKED again: a row another worker is finishing right now is left to it. */
  return exec_count (conn, "dr_jobs_rescue",
    "WITH expired AS ("
    "  SELECT photo_id, damage, model_sha256 FROM dr.analysis_jobs"
    "   WHERE team_id = $1::bigint AND state = 'running' AND lease_until < now ()"
    "   FOR UPDATE SKIP LOCKED),"
    " put_back AS ("
    "  UPDATE dr.analysis_jobs j"
    "     SET state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,"
    "         last_error = left ('lease of worker ' || j.worker || ' expired', 2000),"
    "         worker = NULL, lease_until = NULL"
    "    FROM expired e"
    "   WHERE j.photo_id = e.photo_id AND j.damage = e.damage"
    "     AND j.model_sha256 = e.model_sha256 RETURNING 1)"
    " SELECT count(*) FROM put_back",
    1, params, rescued, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_complete (DrPgConn *conn, gint64 team, const char *worker, const DrPgJob *job,
                     const char *rle, gint64 area, double confidence, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *photo_s = dr_pg_int (job->photo_id);
  g_autofree char *damage_s = dr_pg_int (job->damage);
  g_autofree char *area_s = dr_pg_int (area);
  char confidence_s[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (confidence_s, sizeof confidence_s, confidence);
  const char *params[] = { team_s, photo_s, damage_s, job->model_sha256, rle, area_s,
                           confidence_s, worker };
  /* The prediction's key (photo, damage, model) makes a second delivery a no-op; the job is
   * done once a prediction exists, whoever holds it now. All three changes commit together. */
  return exec_count (conn, "dr_jobs_complete",
    "WITH stored AS ("
    "  INSERT INTO dr.predictions (team_id, photo_id, damage, model_sha256, rle, area,"
    "                              confidence)"
    "  VALUES ($1::bigint, $2::bigint, $3::smallint, $4, $5, $6::bigint, $7::double precision)"
    "  ON CONFLICT (photo_id, damage, model_sha256) DO NOTHING RETURNING 1),"
    " finished AS ("
    "  DELETE FROM dr.analysis_jobs WHERE photo_id = $2::bigint AND damage = $3::smallint"
    "     AND model_sha256 = $4 RETURNING 1),"
    " counted AS ("
    "  UPDATE dr.analysis_workers SET jobs_done = jobs_done + 1, last_seen = now ()"
    "   WHERE team_id = $1::bigint AND worker = $8 RETURNING 1)"
    " SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM finished),"
    "        (SELECT count(*) FROM counted)",
    8, params, NULL, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_fail (DrPgConn *conn, gint64 team, const char *worker, const DrPgJob *job,
                 const char *message, double retry_delay_seconds, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *photo_s = dr_pg_int (job->photo_id);
  g_autofree char *damage_s = dr_pg_int (job->damage);
  g_autofree char *line = g_utf8_make_valid (message, -1);
  g_strdelimit (line, "\r\n", ' ');
  if (g_utf8_strlen (line, -1) > MAX_ERROR_CHARS)
    *g_utf8_offset_to_pointer (line, MAX_ERROR_CHARS) = '\0';
  char delay_s[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (delay_s, sizeof delay_s, retry_delay_seconds);
  g_autofree char *max_s = dr_pg_int (MAX_BACKOFF_SECONDS);
  const char *params[] = { team_s, photo_s, damage_s, job->model_sha256, worker, line, delay_s,
                           max_s };
  /* Exponential backoff: delay, 2 delay, 4 delay … capped; failed once out of attempts. */
  return exec_count (conn, "dr_jobs_fail",
    "WITH failed AS ("
    "  UPDATE dr.analysis_jobs"
    "     SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,"
    "         run_after = now () + make_interval (secs => least ($8::double precision,"
    "                       $7::double precision * power (2, greatest (attempts - 1, 0)))),"
    "         last_error = $6, worker = NULL, lease_until = NULL"
    "   WHERE photo_id = $2::bigint AND damage = $3::smallint AND model_sha256 = $4"
    "     AND state = 'running' AND worker = $5 RETURNING state),"
    " counted AS ("
    "  UPDATE dr.analysis_workers SET jobs_failed = jobs_failed + 1, last_seen = now ()"
    "   WHERE team_id = $1::bigint AND worker = $5 RETURNING 1)"
    " SELECT (SELECT count(*) FROM failed), (SELECT count(*) FROM counted)",
    8, params, NULL, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_release (DrPgConn *conn, gint64 team, const char *worker, gint64 *released,
                    GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  const char *params[] = { team_s, worker };
  return exec_count (conn, "dr_jobs_release",
    "WITH given_back AS ("
    "  UPDATE dr.analysis_jobs SET state = 'queued', attempts = greatest (attempts - 1, 0),"
    "         worker = NULL, lease_until = NULL"
    "   WHERE team_id = $1::bigint AND state = 'running' AND worker = $2 RETURNING 1),"
    " stopped AS ("
    "  UPDATE dr.analysis_workers SET stopped = now (), last_seen = now ()"
    "   WHERE team_id = $1::bigint AND worker = $2 RETURNING 1)"
    " SELECT (SELECT count(*) FROM given_back), (SELECT count(*) FROM stopped)",
    2, params, released, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_register_worker (DrPgConn *conn, gint64 team, const char *worker, int threads,
                            GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *threads_s = dr_pg_int (threads);
  const char *params[] = { team_s, worker, threads_s };
  /* A restarted worker with the same name continues its row (counters kept). */
  return exec_count (conn, "dr_jobs_register_worker",
    "INSERT INTO dr.analysis_workers (team_id, worker, threads) VALUES ($1::bigint, $2, $3::integer)"
    " ON CONFLICT (team_id, worker) DO UPDATE SET last_seen = now (), stopped = NULL,"
    "   threads = EXCLUDED.threads",
    3, params, NULL, error);
}

/* See dr-pg-jobs.h. */
gboolean
dr_pg_jobs_count (DrPgConn *conn, gint64 team, DrPgQueueCounts *counts, GError **error)
{
  /* One snapshot for all counts (a single statement). */
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_jobs_count",
    "SELECT count(*) FILTER (WHERE state = 'queued'),"
    "       count(*) FILTER (WHERE state = 'queued' AND run_after > now ()),"
    "       count(*) FILTER (WHERE state = 'running'),"
    "       count(*) FILTER (WHERE state = 'running' AND lease_until < now ()),"
    "       count(*) FILTER (WHERE state = 'failed'),"
    "       (SELECT count(*) FROM dr.predictions pr JOIN dr.models m"
    "           ON m.team_id = pr.team_id AND m.damage = pr.damage AND m.sha256 = pr.model_sha256"
    "        WHERE pr.team_id = $1::bigint AND m.current)"
    "  FROM dr.analysis_jobs WHERE team_id = $1::bigint", error);
  if (res == NULL)
    return FALSE;
  gint64 *fields[] = { &counts->queued, &counts->waiting, &counts->running, &counts->expired,
                       &counts->failed, &counts->done };
  for (int i = 0; i < 6; i++)
    *fields[i] = g_ascii_strtoll (PQgetvalue (res, 0, i), NULL, 10);
  return TRUE;
}

/* See dr-pg-jobs.h. Rate = jobs finished over the time between start and last heartbeat. */
gboolean
dr_pg_jobs_rate (DrPgConn *conn, gint64 team, double *rate, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *live_s = dr_pg_int (DR_PG_WORKER_LIVE_SECONDS);
  const char *params[] = { team_s, live_s };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_jobs_rate",
    "SELECT coalesce (sum (jobs_done / greatest (extract (epoch FROM last_seen - started), 1)),"
    "                 0)"
    "  FROM dr.analysis_workers WHERE team_id = $1::bigint AND stopped IS NULL"
    "   AND last_seen >= now () - make_interval (secs => $2::integer)",
    2, params, error);
  if (res == NULL)
    return FALSE;
  double r = g_ascii_strtod (PQgetvalue (res, 0, 0), NULL);
  *rate = isfinite (r) && r >= 0 ? r : 0;
  return TRUE;
}

/* See dr-pg-jobs.h. */
void
dr_pg_failed_job_free (DrPgFailedJob *job)
{
  if (job == NULL)
    return;
  g_free (job->photo_name);
  g_free (job->last_error);
  g_free (job);
}

/* A copy of @text that is valid UTF-8 on one line. */
static char *
one_line (const char *text)
{
  char *line = g_utf8_make_valid (text, -1);
  g_strdelimit (line, "\r\n\t", ' ');
  return line;
}

/* See dr-pg-jobs.h. */
GPtrArray *
dr_pg_jobs_list_failed (DrPgConn *conn, gint64 team, int limit, GError **error)
{
  g_autofree char *team_s = dr_pg_int (team);
  g_autofree char *limit_s = dr_pg_int (limit);
  const char *params[] = { team_s, limit_s };
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_jobs_list_failed",
    "SELECT j.photo_id, j.damage, j.attempts, p.name, left (coalesce (j.last_error, ''), 2000)"
    "  FROM dr.analysis_jobs j JOIN dr.photos p ON p.id = j.photo_id"
    " WHERE j.team_id = $1::bigint AND j.state = 'failed'"
    " ORDER BY j.photo_id, j.damage LIMIT $2::integer",
    2, params, error);
  if (res == NULL)
    return NULL;
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func (
    (GDestroyNotify) dr_pg_failed_job_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 damage = g_ascii_strtoll (PQgetvalue (res, i, 1), NULL, 10);
      gint64 attempts = g_ascii_strtoll (PQgetvalue (res, i, 2), NULL, 10);
      gint64 photo_id = g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
      if (photo_id < 1 || !DR_DAMAGE_IS_VALID (damage) || attempts < 0 || attempts > G_MAXINT
          || strlen (PQgetvalue (res, i, 3)) > MAX_NAME_BYTES)
        {
          g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                       "%s: a failed job of photo %s is out of range",
                       dr_pg_conn_get_server (conn), PQgetvalue (res, i, 0));
          return NULL;
        }
      DrPgFailedJob *job = g_new0 (DrPgFailedJob, 1);
      job->photo_id = photo_id;
      job->damage = (int) damage;
      job->attempts = (int) attempts;
      job->photo_name = one_line (PQgetvalue (res, i, 3));
      job->last_error = one_line (PQgetvalue (res, i, 4));
      g_ptr_array_add (jobs, job);
    }
  return g_steal_pointer (&jobs);
}

/* See dr-pg-jobs.h. */
char *
dr_pg_jobs_channel (DrPgConn *conn, gint64 team, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_jobs_channel",
    "SELECT channel || '_jobs' FROM dr.teams WHERE id = $1::bigint", error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                   "%s: team %" G_GINT64_FORMAT " is not visible", dr_pg_conn_get_server (conn),
                   team);
      return NULL;
    }
  return g_strdup (PQgetvalue (res, 0, 0));
}

/* See dr-pg-jobs.h. LISTEN takes no parameters, so the name is quoted by libpq. */
gboolean
dr_pg_jobs_listen (DrPgConn *conn, const char *channel, GError **error)
{
  PGconn *pq = dr_pg_conn_get_pq (conn);
  char *quoted = PQescapeIdentifier (pq, channel, strlen (channel));
  if (quoted == NULL)
    {
      dr_pg_conn_set_error (conn, NULL, "quoting the job channel", error);
      return FALSE;
    }
  g_autofree char *sql = g_strconcat ("LISTEN ", quoted, NULL);
  PQfreemem (quoted);
  g_autoptr (PGresult) res = PQexec (pq, sql);
  if (res == NULL || PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      dr_pg_conn_set_error (conn, res, "listening for new jobs", error);
      return FALSE;
    }
  return TRUE;
}

/* See dr-pg-jobs.h: poll on the socket, then drain every pending notification. */
gboolean
dr_pg_jobs_wait (DrPgConn *conn, int timeout_ms, GError **error)
{
  PGconn *pq = dr_pg_conn_get_pq (conn);
  gboolean woken = FALSE;
  PGnotify *n;
  if (PQconsumeInput (pq) == 0)
    {
      dr_pg_conn_set_error (conn, NULL, "waiting for jobs", error);
      return FALSE;
    }
  while ((n = PQnotifies (pq)) != NULL)
    {
      woken = TRUE;
      PQfreemem (n);
    }
  if (woken)
    return TRUE;
  struct pollfd pfd = { .fd = PQsocket (pq), .events = POLLIN };
  int rc = poll (&pfd, 1, timeout_ms);
  if (rc < 0 && errno != EINTR)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_UNREACHABLE, "%s: waiting for jobs: %s",
                   dr_pg_conn_get_server (conn), g_strerror (errno));
      return FALSE;
    }
  if (rc <= 0)
    return FALSE;
  if (PQconsumeInput (pq) == 0)
    {
      dr_pg_conn_set_error (conn, NULL, "waiting for jobs", error);
      return FALSE;
    }
  while ((n = PQnotifies (pq)) != NULL)
    {
      woken = TRUE;
      PQfreemem (n);
    }
  return woken;
}
