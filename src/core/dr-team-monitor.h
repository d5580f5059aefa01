/* dr-team-monitor.h — what a window shows of a team project beyond its photos: my role, who
 * works on which claim, and the analysis queue of every worker, kept fresh.
 *
 * A DrTeamMonitor owns a worker thread with its own connection (the thread that opens it is
 * its only user). It reads a DrTeamSnapshot every DR_TEAM_MONITOR_POLL_SECONDS, or at once
 * when woken (the window wakes it on the live watch's NOTIFY and after its own changes), and
 * runs Analyse All (dr_team_analysis_enqueue, the code of `analyse URI`) there too. Results
 * come back through dr_post on the context that was the thread default when it was made. */
#pragma once

#include <glib.h>

#include "dr-pg-jobs.h"

G_BEGIN_DECLS

/* Without a NOTIFY to wake it, the monitor reads again this often. */
#define DR_TEAM_MONITOR_POLL_SECONDS 3
/* At most this many failed jobs are read (each becomes an error row). */
#define DR_TEAM_MONITOR_MAX_FAILED 500

typedef struct {
  char *login;             /* session_user */
  char *role;              /* "annotator", "reviewer", "lead" or "worker" */
  gint64 team;
  GPtrArray *work_items;   /* DrPgWorkItem */
  GStrv members;           /* logins a lead may assign to */
  DrPgQueueCounts counts;
  double rate;             /* jobs per second of the live workers */
  GPtrArray *failed;       /* DrPgFailedJob */
} DrTeamSnapshot;

void dr_team_snapshot_free (DrTeamSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrTeamSnapshot, dr_team_snapshot_free)

typedef struct _DrTeamMonitor DrTeamMonitor;

/* @snapshot (owned by the monitor, valid during the call) is a fresh read, or NULL when the
 * read failed: with @message (one line), or with NULL when only the server could not be
 * reached (the window's banner says so; the monitor reads again every few seconds). */
typedef void (*DrTeamMonitorFunc) (DrTeamMonitor        *monitor,
                                   const DrTeamSnapshot *snapshot,
                                   const char           *message,
                                   gpointer              user_data);

/* After dr_team_monitor_enqueue: @added jobs queued, or @message (one line) on refusal. */
typedef void (*DrTeamMonitorEnqueuedFunc) (DrTeamMonitor *monitor,
                                           gint64         added,
                                           const char    *message,
                                           gpointer       user_data);

/* Starts watching the team project at @conninfo (its only team, or the one its options name). */
DrTeamMonitor *dr_team_monitor_new (const char                *conninfo,
                                    DrTeamMonitorFunc          func,
                                    DrTeamMonitorEnqueuedFunc  enqueued,
                                    gpointer                   user_data);

/* Reads again now (coalesced with a read already asked for). */
void dr_team_monitor_wake (DrTeamMonitor *self);

/* Queues every missing (photo, model) job as `damage-review analyse URI` does (models from the
 * usual places, DR_TEAM_ANALYSIS_MAX_ATTEMPTS), then reads again. */
void dr_team_monitor_enqueue (DrTeamMonitor *self);

/* Stops the worker (it exits on its own) and frees; no callback runs after this. */
void dr_team_monitor_free (DrTeamMonitor *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrTeamMonitor, dr_team_monitor_free)

G_END_DECLS
