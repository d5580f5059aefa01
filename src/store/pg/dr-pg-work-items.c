/* dr-pg-work-items.c — reading claims' assignment and leases (see dr-pg-work-items.h). */
#include "config.h"

#include <string.h>

#include "dr-claim.h"
#include "dr-pg-claims.h"
#include "dr-pg-team.h"
#include "dr-pg-work-items.h"

/* PostgreSQL names are at most 63 bytes; anything longer did not come from an honest server. */
#define NAME_MAX_BYTES 63

/* See dr-pg-work-items.h. */
void
dr_pg_work_item_free (DrPgWorkItem *item)
{
  if (item == NULL)
    return;
  g_free (item->claim_name);
  g_free (item->stage);
  g_free (item->assignee);
  g_free (item->lease_holder);
  g_free (item);
}

/* TRUE when @stage is one of the three stages. */
static gboolean
stage_is_valid (const char *stage)
{
  return strcmp (stage, DR_PG_STAGE_ANNOTATION) == 0 || strcmp (stage, DR_PG_STAGE_REVIEW) == 0
         || strcmp (stage, DR_PG_STAGE_ACCEPTED) == 0;
}

/* See dr-pg-work-items.h. */
GPtrArray *
dr_pg_work_items_list (DrPgConn *conn, gint64 team, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_work_items_list",
    "SELECT w.claim_id, w.stage, coalesce (w.assignee, ''),"
    "       CASE WHEN w.lease_until >= now () THEN w.lease_holder ELSE '' END, c.name"
    "  FROM dr.work_items w JOIN dr.claims c ON c.id = w.claim_id"
    " WHERE w.team_id = $1::bigint ORDER BY w.claim_id", error);
  if (res == NULL)
    return NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (
    (GDestroyNotify) dr_pg_work_item_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      const char *stage = PQgetvalue (res, i, 1);
      gint64 claim_id = g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
      if (claim_id < 1 || !stage_is_valid (stage) || strlen (PQgetvalue (res, i, 2)) > NAME_MAX_BYTES
          || strlen (PQgetvalue (res, i, 3)) > NAME_MAX_BYTES
          || g_utf8_strlen (PQgetvalue (res, i, 4), -1) > DR_CLAIM_NAME_MAX)
        {
          g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_FAILED,
                       "%s: the work item of claim %s is out of range",
                       dr_pg_conn_get_server (conn), PQgetvalue (res, i, 0));
          return NULL;
        }
      DrPgWorkItem *item = g_new0 (DrPgWorkItem, 1);
      item->claim_id = claim_id;
      item->claim_name = g_utf8_make_valid (PQgetvalue (res, i, 4), -1);
      item->stage = g_strdup (stage);
      item->assignee = g_strdup (PQgetvalue (res, i, 2));
      item->lease_holder = g_strdup (PQgetvalue (res, i, 3));
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* See dr-pg-work-items.h. */
GStrv
dr_pg_work_items_members (DrPgConn *conn, gint64 team, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_work_items_members",
    "SELECT member FROM dr.team_members WHERE team_id = $1::bigint AND role <> 'worker'"
    " ORDER BY member", error);
  if (res == NULL)
    return NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  for (int i = 0; i < PQntuples (res); i++)
    if (strlen (PQgetvalue (res, i, 0)) <= NAME_MAX_BYTES)
      g_strv_builder_add (names, PQgetvalue (res, i, 0));
  return g_strv_builder_end (names);
}

/* See dr-pg-work-items.h. */
char *
dr_pg_work_items_my_role (DrPgConn *conn, gint64 team, GError **error)
{
  g_autoptr (PGresult) res = dr_pg_team_exec (conn, team, "dr_work_items_my_role",
    "SELECT role FROM dr.team_members WHERE team_id = $1::bigint AND member = session_user",
    error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1 || strlen (PQgetvalue (res, 0, 0)) > NAME_MAX_BYTES)
    {
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_NOT_FOUND,
                   "%s: role \"%s\" is not in team %" G_GINT64_FORMAT,
                   dr_pg_conn_get_server (conn), dr_pg_conn_get_user (conn), team);
      return NULL;
    }
  return g_strdup (PQgetvalue (res, 0, 0));
}
