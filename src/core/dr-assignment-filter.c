/* dr-assignment-filter.c — Mine / Unassigned / Everyone's (see dr-assignment-filter.h). */
#include "config.h"

#include "dr-assignment-filter.h"

/* TRUE for NULL and "". */
static gboolean
is_nobody (const char *login)
{
  return login == NULL || login[0] == '\0';
}

/* See dr-assignment-filter.h. */
gboolean
dr_assignment_filter_accepts (DrAssignmentFilter filter, const char *assignee,
                              const char *lease_holder, const char *me)
{
  switch (filter)
    {
    case DR_ASSIGNMENT_FILTER_MINE:
      if (is_nobody (me))
        return FALSE;
      if (!is_nobody (assignee))
        return g_strcmp0 (assignee, me) == 0;
      return g_strcmp0 (lease_holder, me) == 0;
    case DR_ASSIGNMENT_FILTER_UNASSIGNED:
      return is_nobody (assignee);
    case DR_ASSIGNMENT_FILTER_EVERYONE:
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}
