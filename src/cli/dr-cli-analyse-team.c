/* dr-cli-analyse-team.c — `damage-review analyse URI`: queue a team project's missing work.
 *
 * A team project is analysed by workers (`damage-review worker URI`, on any number of
 * machines), not by this command. Here: every model file found locally (--models DIR, then
 * the usual search) whose SHA-256 is not yet the team's current model for its damage type is
 * loaded once (so a broken file is never handed to the workers), its bytes are stored in the
 * project and it becomes current (a lead's right; the server refuses anyone else); then every
 * (readable photo, current model) pair without a prediction gets a job, and the workers are
 * woken. Damage types with no local file keep the team's current model. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dr-cli.h"
#include "dr-cli-analyse-team.h"
#include "dr-cli-options.h"
#include "dr-pg-team.h"
#include "dr-model-set.h"
#include "dr-pg-jobs.h"
#include "dr-pg-model-set.h"

/* Registers each locally found model that differs from the team's current one. FALSE with
 * error when the server refused; files that are missing or do not load are reported and
 * skipped. */
static gboolean
update_model_set (DrPgConn *conn, gint64 team, const char *models_dir, GError **error)
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
          g_printerr (_("damage-review: skipping %s: %s\n"),
                      dr_damage_get_model_name ((DrDamage) d), local->message);
          continue;
        }
      const char *path = dr_model_set_get_path (models, (DrDamage) d);
      if (!dr_pg_model_set_register (conn, team, d, path,
                                     dr_model_set_get_sha256 (models, (DrDamage) d),
                                     dr_damage_get_model_name ((DrDamage) d), error))
        return FALSE;
      /* TRANSLATORS: model name, file */
      printf (_("%s model is now %s\n"), dr_damage_get_model_name ((DrDamage) d), path);
    }
  return TRUE;
}

/* See dr-cli-analyse-team.h. */
int
dr_cli_analyse_team (const char *uri, const char *team_name, const char *models_dir,
                     int max_attempts, gboolean retry_failed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrPgConn) conn = dr_pg_conn_open (uri, DR_PG_OPEN_DEFAULT, &error);
  gint64 team = conn == NULL ? 0 : dr_pg_team_resolve (conn, team_name, &error);
  gint64 added = 0;
  DrPgQueueCounts n = { 0 };
  if (team == 0 || !update_model_set (conn, team, models_dir, &error)
      || !dr_pg_jobs_enqueue (conn, team, max_attempts, retry_failed, &added, &error)
      || !dr_pg_jobs_count (conn, team, &n, &error))
    return dr_cli_fail (error);
  /* TRANSLATORS: summary of `damage-review analyse URI` */
  printf (_("%lld jobs added: %lld queued, %lld running, %lld failed, %lld done\n"),
          (long long) added, (long long) n.queued, (long long) n.running, (long long) n.failed,
          (long long) n.done);
  if (n.queued + n.running > 0)
    printf ("%s\n", _("Workers analyse them: damage-review worker URI (on any number of "
                      "machines); damage-review status URI shows progress"));
  return DR_EXIT_OK;
}
