/* dr-claim.h — claims: named groups of photos (by default, the photos' folder name). */
#pragma once

#include "dr-project.h"

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  char *name;
  guint n_photos;
} DrClaimInfo;

void dr_claim_info_free (DrClaimInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrClaimInfo, dr_claim_info_free)

/* Longest claim name, in characters. */
#define DR_CLAIM_NAME_MAX 200

/* Finds the claim called name (surrounding white space ignored) or creates it; stores its id.
 * Fails on an empty or over-long name, or invalid UTF-8. */
gboolean dr_claim_ensure (DrProject *project, const char *name, gint64 *id, GError **error);

/* Renames a claim. Fails with DR_STORE_ERROR_NOT_FOUND for an unknown id and _FAILED when
 * another claim already has that name (claims are never merged silently). */
gboolean dr_claim_rename (DrProject *project, gint64 id, const char *name, GError **error);

/* All claims, sorted by name, with their photo counts; a GPtrArray of DrClaimInfo. */
GPtrArray *dr_claim_list (DrProject *project, GError **error);

G_END_DECLS
