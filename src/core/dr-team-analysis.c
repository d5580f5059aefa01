/* dr-team-analysis.c — Analyse All on a team project (see dr-team-analysis.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-model-set.h"
#include "dr-pg-jobs.h"
#include "dr-pg-model-set.h"
#include "dr-team-analysis.h"

/* Registers each locally found model that differs from the team's current one. FALSE with
 * error when the server refused; files that are missing or do not load are noted and
 * skipped. */
static gboolean
update_model_set (DrPgConn *conn, gint64 team, const char *models_dir,
                  DrTeamAnalysisNoteFunc note, gpointer user_data, GError **error)
{
  g_autoptr (GPtrArray) current = dr_pg_model_set_list (conn, team, error);
  if (current == NULL)
    return FALSE;
  g_autoptr (DrModelSet) models = dr_model_set_locate (models_dir);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (dr_model_set_get_path (models, (DrDamage) d) == NULL)
        continue;
      g_autoptr (GError) local = NULL;
      const char *sha = dr_model_set_identify (models, (DrDamage) d, &local);
      gboolean same = FALSE;
      for (guint i = 0; sha != NULL && i < current->len; i++)
        {
          DrPgModel *m = current->pdata[i];
          same |= m->damage == d && g_strcmp0 (m->sha256, sha) == 0;
        }
      if (same)
        continue;
      if (sha == NULL || !dr_model_set_load (models, (DrDamage) d, &local))
        {
          if (note != NULL)
            {
              g_autofree char *line = g_strdup_printf (_("skipping %s: %s"),
                                                       dr_damage_get_model_name ((DrDamage) d),
                                                       local->message);
              note (line, TRUE, user_data);
            }
          continue;
        }
      const char *path = dr_model_set_get_path (models, (DrDamage) d);
      if (!dr_pg_model_set_register (conn, team, d, path,
                                     dr_model_set_get_sha256 (models, (DrDamage) d),
                                     dr_damage_get_model_name ((DrDamage) d), error))
        return FALSE;
      if (note != NULL)
        {
          /* TRANSLATORS: model name, file */
          g_autofree char *line = g_strdup_printf (_("%s model is now %s"),
                                                   dr_damage_get_model_name ((DrDamage) d),
                                                   path);
          note (line, FALSE, user_data);
        }
    }
  return TRUE;
}

/* See dr-team-analysis.h. */
gboolean
dr_team_analysis_enqueue (DrPgConn *conn, gint64 team, const char *models_dir, int max_attempts,
                          gboolean retry_failed, DrTeamAnalysisNoteFunc note, gpointer user_data,
                          gint64 *added, GError **error)
{
  gint64 n = 0;
  if (!update_model_set (conn, team, models_dir, note, user_data, error)
      || !dr_pg_jobs_enqueue (conn, team, max_attempts, retry_failed, &n, error))
    return FALSE;
  if (added != NULL)
    *added = n;
  return TRUE;
}
