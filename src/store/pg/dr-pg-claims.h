/* dr-pg-claims.h — claims as work items: who works on what, with leases (002-assignment.sql).
 *
 * "Next" takes the caller's own assignment at a stage first, then the next free claim
 * (FOR UPDATE SKIP LOCKED: two members asking at once never get the same one and never wait),
 * and leases it for @lease_seconds; the holder renews the lease by heartbeat (every minute or
 * so, with a lease of minutes, never a day) and releases or advances it when done. A lead
 * reassigns claims and takes over a lease (an expired one: nobody else can). Every rule is
 * enforced by the server, whatever the client does. */
#pragma once

#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* Stages, as stored. */
#define DR_PG_STAGE_ANNOTATION "annotation"
#define DR_PG_STAGE_REVIEW "review"
#define DR_PG_STAGE_ACCEPTED "accepted"

/* The next claim for the caller at @stage in team @team_id, leased to them; *claim_id = 0 when
 * there is none. PERMISSION when the caller's role does not work on that stage. */
gboolean dr_pg_claim_next (DrPgConn *conn, gint64 team_id, const char *stage, int lease_seconds,
                           gint64 *claim_id, GError **error);

/* Renews the caller's lease on @claim_id; CONFLICT when they no longer hold it (it expired
 * and was taken, or a lead reassigned it). */
gboolean dr_pg_claim_heartbeat (DrPgConn *conn, gint64 claim_id, int lease_seconds,
                                GError **error);

/* Gives up the caller's lease (nothing happens when they do not hold it). */
gboolean dr_pg_claim_release (DrPgConn *conn, gint64 claim_id, GError **error);

/* Moves @claim_id to the next stage (holder or lead); *stage (may be NULL) gets the new one. */
gboolean dr_pg_claim_advance (DrPgConn *conn, gint64 claim_id, char **stage, GError **error);

/* Lead only: assigns @claim_id to @login (NULL: unassigned), dropping any lease. */
gboolean dr_pg_claim_assign (DrPgConn *conn, gint64 claim_id, const char *login,
                             GError **error);

/* Lead only: takes @claim_id over with a fresh lease of the lead's own. */
gboolean dr_pg_claim_take_over (DrPgConn *conn, gint64 claim_id, int lease_seconds,
                                GError **error);

G_END_DECLS
