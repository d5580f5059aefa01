/* dr-edit-conflict.c — see dr-edit-conflict.h. */
#include "dr-edit-conflict.h"

G_DEFINE_BOXED_TYPE (DrEditConflict, dr_edit_conflict, dr_edit_conflict_copy,
                     dr_edit_conflict_free)

/* Copies out's revision, head and mover; holds a reference to project. */
DrEditConflict *
dr_edit_conflict_new (DrProject *project, gint64 photo_id, DrDamage damage,
                      const DrRevisionOutcome *out)
{
  DrEditConflict *c = g_new0 (DrEditConflict, 1);
  c->project = project ? g_object_ref (project) : NULL;
  c->photo_id = photo_id;
  c->damage = damage;
  c->mine = out->revision_id;
  c->theirs = out->head;
  c->name = g_strdup (out->moved_by);
  return c;
}

/* A deep copy. */
DrEditConflict *
dr_edit_conflict_copy (const DrEditConflict *conflict)
{
  DrEditConflict *c = g_memdup2 (conflict, sizeof *conflict);
  if (c->project != NULL)
    g_object_ref (c->project);
  c->name = g_strdup (conflict->name);
  return c;
}

/* Drops the reference and the name; NULL allowed. */
void
dr_edit_conflict_free (DrEditConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_clear_object (&conflict->project);
  g_free (conflict->name);
  g_free (conflict);
}

/* See header. */
gboolean
dr_edit_conflict_is_on (DrEditConflict *conflict, DrProject *project)
{
  g_return_val_if_fail (conflict != NULL, FALSE);
  if (project == NULL || conflict->project == NULL)
    return FALSE;
  if (conflict->project == project)
    return TRUE;
  if (g_strcmp0 (dr_project_get_path (conflict->project), dr_project_get_path (project)) != 0)
    return FALSE;
  g_set_object (&conflict->project, project);
  return TRUE;
}
