/* dr-team-controller.h — a team project's work in the window: who works on which claim, "Next
 * unreviewed" by lease, a lead's reassign and take-over, and Analyse All by the workers.
 *
 * On a team project it runs a DrTeamMonitor (role, work items, queue: read on its own thread)
 * and a DrClaimLease (the claim I work on, renewed by heartbeat, released when I move on or
 * the project closes), and a DrPgWatch whose work-item hints make the monitor read at once
 * (else it polls every few seconds). It feeds the photo list's Mine / Unassigned / Everyone's filter, shows
 * the queue of every worker as "progress" (text, fraction; NULL text when idle), turns failed
 * photos into error rows with their last error, and owns win.assign-claim and
 * win.take-over-claim (enabled for a lead). Refusals come as "toast" (one line). On a project
 * file it does nothing. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"
#include "dr-photo-list.h"
#include "dr-session.h"

G_BEGIN_DECLS

#define DR_TYPE_TEAM_CONTROLLER (dr_team_controller_get_type ())
G_DECLARE_FINAL_TYPE (DrTeamController, dr_team_controller, DR, TEAM_CONTROLLER, GObject)

/* @window holds the actions and parents the dialog; @list is filtered (no references held). */
DrTeamController *dr_team_controller_new         (GtkWindow *window, DrPhotoList *list);
void              dr_team_controller_set_session (DrTeamController *self, DrSession *session);
void              dr_team_controller_set_photo   (DrTeamController *self, DrPhotoItem *item);
/* Whether the open project is a team project (Analyse All and Next go through here). */
gboolean          dr_team_controller_is_active   (DrTeamController *self);
/* Queues the missing jobs for the workers (as `damage-review analyse URI`). */
void              dr_team_controller_analyse_all (DrTeamController *self);
/* Shows the next photo of the claim I hold that needs a verdict; when none is left, gives
 * that claim back and takes the next (mine first, then a free one), showing its first photo
 * that needs a verdict. */
void              dr_team_controller_next        (DrTeamController *self);

G_END_DECLS
