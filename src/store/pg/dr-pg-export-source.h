/* dr-pg-export-source.h — what a team project says should be exported: the same DrExportItem
 * list dr_export_load_items() builds from a file (dr-export-source.c), read from the server.
 *
 * Same rules, per photo × damage: verdict = newest verdict; mask = empty after a rejected /
 * none verdict given on the current head, else the head revision, else the current model's
 * prediction, else empty; model = the newest verdict's, else the current model's when it has a
 * prediction; reviewer = author of the photo's newest verdict (the origin author for verdicts
 * pushed from a file, so both exports name the same person); note = newest note. Photos with a
 * read error are left out, the rest come in photo id order.
 *
 * Everything is read in one REPEATABLE READ, READ ONLY transaction: a consistent snapshot while
 * others keep working. Photo files come from the local photo cache (dr-pg-photo-cache.h),
 * verified by SHA-256. This is a thin read path of its own until the store has a backend
 * interface. */
#pragma once

#include "dr-export.h"
#include "dr-pg-conn.h"

G_BEGIN_DECLS

/* Items of team @team_id; photo files under @cache_dir (NULL: the default cache). NULL with a
 * one-line error naming the server otherwise. */
GPtrArray *dr_pg_export_load_items (DrPgConn   *conn,
                                    gint64      team_id,
                                    const char *cache_dir,
                                    GError    **error);

G_END_DECLS
