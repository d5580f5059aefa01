/* dr-team-analysis.h — Analyse All on a team project: queue what the workers still have to do.
 *
 * The one implementation behind `damage-review analyse URI` and the window's Analyse All on a
 * team project. A team project is analysed by workers (`damage-review worker URI`), not by the
 * caller: every model file found locally (@models_dir, then the usual search) whose SHA-256 is
 * not yet the team's current model for its damage type is loaded once (so a broken file is
 * never handed to the workers), stored in the project and made current (a lead's right; the
 * server refuses anyone else); then every (readable photo, current model) pair without a
 * prediction gets a job and listening workers are woken. Damage types with no local file keep
 * the team's current model. Blocking: call it on the thread that opened @conn, never on the
 * main thread of a window. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* How many attempts a queued job gets before it is marked failed (`analyse --max-attempts`). */
#define DR_TEAM_ANALYSIS_MAX_ATTEMPTS 5

/* Called with one translated line for each model made current (@warning FALSE) and for each
 * local model file skipped because it is unreadable or does not load (@warning TRUE). */
typedef void (*DrTeamAnalysisNoteFunc) (const char *line, gboolean warning, gpointer user_data);

/* Updates the team's model set from the local files, then queues every missing job with
 * @max_attempts (failed jobs again, attempts reset, with @retry_failed); *added (may be NULL)
 * gets how many jobs were added. FALSE with a one-line error when the server refused. @note
 * may be NULL. */
gboolean dr_team_analysis_enqueue (DrPgConn               *conn,
                                   gint64                  team,
                                   const char             *models_dir,
                                   int                     max_attempts,
                                   gboolean                retry_failed,
                                   DrTeamAnalysisNoteFunc  note,
                                   gpointer                user_data,
                                   gint64                 *added,
                                   GError                **error);

G_END_DECLS
