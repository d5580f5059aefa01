/* dr-cli-analyse-team.h — `damage-review analyse URI`: the team-project branch of analyse. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Brings the team's model set up to the model files found locally (a lead's right), queues
 * every missing (photo, model) job with @max_attempts (failed ones again with @retry_failed)
 * and prints the queue. Returns the exit code: 0, or 1 with one line on stderr. */
int dr_cli_analyse_team (const char *uri, const char *team_name, const char *models_dir,
                         int max_attempts, gboolean retry_failed);

G_END_DECLS
