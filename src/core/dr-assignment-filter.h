/* dr-assignment-filter.h — which claims the photo list shows on a team project.
 *
 * Mine: claims assigned to me, and unassigned claims whose lease I hold (what "Next
 * unreviewed" gave me). Unassigned: claims nobody is assigned to. Everyone's: all. A claim
 * without a work item counts as unassigned. Pure functions: no server, no widgets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DR_ASSIGNMENT_FILTER_MINE,
  DR_ASSIGNMENT_FILTER_UNASSIGNED,
  DR_ASSIGNMENT_FILTER_EVERYONE,
} DrAssignmentFilter;

#define DR_ASSIGNMENT_FILTER_N (DR_ASSIGNMENT_FILTER_EVERYONE + 1)

/* TRUE when a claim assigned to @assignee (NULL or "" for nobody) whose live lease is held by
 * @lease_holder (NULL or "" for nobody) passes @filter for login @me. */
gboolean dr_assignment_filter_accepts (DrAssignmentFilter filter, const char *assignee,
                                       const char *lease_holder, const char *me);

G_END_DECLS
