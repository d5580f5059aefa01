/* dr-claim-lease.h — "Next unreviewed" on a team project: the claim I work on, leased.
 *
 * A DrClaimLease owns a worker thread with its own connection (the thread that opens it is its
 * only user). Its owner (the window, on the main thread) asks it for the next claim (my
 * assignment first, then the next free one: dr_pg_claim_next, FOR UPDATE SKIP LOCKED, so two
 * windows never get the same claim), and the worker renews the lease by heartbeat every
 * @heartbeat_seconds while it holds it, releases it when the owner moves on or closes, and
 * runs a lead's reassign and take-over. Every answer comes back through dr_post on the context
 * that was the thread default when the lease was made; nothing here blocks its owner. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A lease lasts minutes, never a day; the heartbeat renews it well before it runs out. */
#define DR_CLAIM_LEASE_SECONDS (5 * 60)
#define DR_CLAIM_LEASE_HEARTBEAT_SECONDS 60

typedef struct _DrClaimLease DrClaimLease;

typedef enum {
  DR_CLAIM_LEASE_TAKEN,      /* next: @claim_id is mine now (0: nothing left at this stage) */
  DR_CLAIM_LEASE_LOST,       /* a heartbeat found @claim_id no longer mine (expired, taken) */
  DR_CLAIM_LEASE_RELEASED,   /* @claim_id was given back */
  DR_CLAIM_LEASE_ASSIGNED,   /* a reassign of @claim_id was done */
  DR_CLAIM_LEASE_TAKEN_OVER, /* a take-over: @claim_id is mine now */
  DR_CLAIM_LEASE_REFUSED,    /* a request about @claim_id failed: @message says why, one line */
  DR_CLAIM_LEASE_CLOSED,     /* after dr_claim_lease_close: what it held is released */
} DrClaimLeaseEvent;

/* Called on the owner's context; @message is NULL except for REFUSED (and LOST). */
typedef void (*DrClaimLeaseFunc) (DrClaimLease      *lease,
                                  DrClaimLeaseEvent  event,
                                  gint64             claim_id,
                                  const char        *message,
                                  gpointer           user_data);

/* Starts the worker (it connects with @conninfo at its first request) for team @team at
 * @stage ("annotation" or "review"), with leases of @lease_seconds renewed every
 * @heartbeat_seconds. @func runs for every event until the lease is freed. */
DrClaimLease *dr_claim_lease_new (const char       *conninfo,
                                  gint64            team,
                                  const char       *stage,
                                  int               lease_seconds,
                                  int               heartbeat_seconds,
                                  DrClaimLeaseFunc  func,
                                  gpointer          user_data);

/* Takes the next claim, then gives back the one held (if any; so moving on never returns the
 * claim just left unless it is assigned to me): TAKEN follows, with a message when giving
 * back failed (the lease then runs out on its own). */
void dr_claim_lease_next (DrClaimLease *self);

/* Gives back the claim held (if any): RELEASED follows (with 0 when none was held). */
void dr_claim_lease_release (DrClaimLease *self);

/* Lead only: assigns @claim_id to @login (NULL: nobody): ASSIGNED or REFUSED follows. */
void dr_claim_lease_assign (DrClaimLease *self, gint64 claim_id, const char *login);

/* Lead only: gives back the claim held and takes over @claim_id (an expired lease, say):
 * TAKEN_OVER or REFUSED follows. */
void dr_claim_lease_take_over (DrClaimLease *self, gint64 claim_id);

/* The claim the worker last reported as mine (0 for none), as the owner has seen it. */
gint64 dr_claim_lease_get_claim (DrClaimLease *self);

/* Releases what is held and stops the worker; CLOSED follows (unless freed first). */
void dr_claim_lease_close (DrClaimLease *self);

/* Closes (if not yet) and frees: no event runs after this. The worker finishes its release on
 * its own and exits; nothing waits for the server here. NULL is allowed. */
void dr_claim_lease_free (DrClaimLease *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrClaimLease, dr_claim_lease_free)

G_END_DECLS
