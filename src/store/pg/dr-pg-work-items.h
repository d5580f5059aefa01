/* dr-pg-work-items.h — who works on which claim of a team project, as the photo list shows it.
 *
 * Read-only: the claims' stage, assignee and lease (002-assignment.sql). Changing them goes
 * through dr-pg-claims.h, whose functions the server checks. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* One claim's work item. Strings are never NULL ("" for nobody). */
typedef struct {
  gint64 claim_id;
  char *claim_name;     /* the claim's name in the project */
  char *stage;
  char *assignee;       /* "" when unassigned */
  char *lease_holder;   /* "" when nobody holds a live lease */
} DrPgWorkItem;

void dr_pg_work_item_free (DrPgWorkItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPgWorkItem, dr_pg_work_item_free)

/* Every work item of @team the caller can see, by claim id: a GPtrArray of DrPgWorkItem, or
 * NULL with a one-line error. Values are checked (stage one of the three, names bounded, the
 * claim name at most DR_CLAIM_NAME_MAX characters). */
GPtrArray *dr_pg_work_items_list (DrPgConn *conn, gint64 team, GError **error);

/* The login names of @team's members (sorted), or NULL with a one-line error. */
GStrv dr_pg_work_items_members (DrPgConn *conn, gint64 team, GError **error);

/* The caller's role in @team ("annotator", "reviewer", "lead" or "worker"), newly allocated;
 * NULL with NOT_FOUND when the caller is not a member. */
char *dr_pg_work_items_my_role (DrPgConn *conn, gint64 team, GError **error);

G_END_DECLS
