/* dr-edit-conflict.h — "NAME changed this layer": my edit is stored, someone else's head won.
 *
 * The edit writer reports one when the head move of an edit (or of "keep mine") lost its
 * compare-and-swap: my revision is stored in the project all the same, and the layer shows
 * theirs. Keeping mine is one more compare-and-swap of the head onto my revision from their
 * version (dr_edit_writer_keep_mine); taking theirs changes nothing — my revision stays in the
 * history. */
#pragma once

#include <glib-object.h>

#include "dr-damage.h"
#include "dr-project.h"
#include "dr-revision.h"

G_BEGIN_DECLS

typedef struct {
  DrProject *project;   /* the owner's connection the edit was pushed with */
  gint64 photo_id;
  DrDamage damage;
  gint64 mine;          /* my stored revision */
  DrHeadSeen theirs;    /* the head that won: revision (0 = the prediction) and version */
  char *name;           /* who moved it (a login), or NULL when the project does not say */
} DrEditConflict;

#define DR_TYPE_EDIT_CONFLICT (dr_edit_conflict_get_type ())
GType           dr_edit_conflict_get_type (void);

/* A report of a lost head move of mine onto the head out describes (out->moved FALSE). */
DrEditConflict *dr_edit_conflict_new      (DrProject *project, gint64 photo_id, DrDamage damage,
                                           const DrRevisionOutcome *out);
DrEditConflict *dr_edit_conflict_copy     (const DrEditConflict *conflict);
void            dr_edit_conflict_free     (DrEditConflict *conflict);
/* Whether conflict was reported on project: through that connection, or through another
 * connection to the same project (the window reopened it after its server came back, while
 * the journal was sent through the old one); then conflict follows project from now on, so
 * its masks are read and Keep Mine is sent through a connection that works. */
gboolean        dr_edit_conflict_is_on    (DrEditConflict *conflict, DrProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrEditConflict, dr_edit_conflict_free)

G_END_DECLS
