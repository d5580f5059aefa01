/* dr-photo.h — the photos of a project as the UI lists them, with a derived status. */
#pragma once

#include "dr-damage.h"
#include "dr-project.h"
#include "dr-rle.h"

G_BEGIN_DECLS

/* Stored states only; "queued" and "analysing" are run-time states the app adds on top. */
typedef enum {
  DR_PHOTO_STATUS_NOT_ANALYSED, /* some current model has no prediction for it yet (or none) */
  DR_PHOTO_STATUS_ANALYSED,     /* every current model has a prediction for it */
  DR_PHOTO_STATUS_ERROR,        /* the file could not be read or decoded (see error) */
  DR_PHOTO_STATUS_REVIEWED,     /* all four damage types have a verdict */
} DrPhotoStatus;

typedef struct {
  gint64 id;
  gint64 claim_id;
  char *claim;           /* claim name */
  char *path;            /* absolute path at import time */
  char *sha256;          /* lower-case hex; NULL when the bytes could not be read */
  gint64 size;           /* bytes; -1 when unknown */
  int width, height;     /* after EXIF orientation; 0 when unknown */
  char *error;           /* one line, or NULL */
  gint64 added;          /* µs since the epoch */
  DrPhotoStatus status;
  guint8 predicted;      /* bit d: the current model of damage d has a prediction */
  guint8 edited;         /* bit d: damage d shows a reviewer's revision (a head is set) */
  guint8 reviewed;       /* bit d: damage d has a verdict other than "unreviewed" */
  gint64 area[DR_N_DAMAGE];       /* px of the mask shown: 0 after a rejected / none
                                   * verdict on the current head, else the head revision's,
                                   * else the current prediction's; -1 when there is neither */
  double confidence[DR_N_DAMAGE]; /* mean confidence of the current prediction; -1 if none */
} DrPhotoInfo;

/* A DrPhotoInfo with no layer data yet (area and confidence -1, the rest zero), as the backends
 * fill it. */
DrPhotoInfo *dr_photo_info_new (void);
void dr_photo_info_free (DrPhotoInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPhotoInfo, dr_photo_info_free)

/* Every photo, sorted by claim name then path; a GPtrArray of DrPhotoInfo. Cost: four queries
 * whatever the number of photos. */
GPtrArray *dr_photo_list (DrProject *project, GError **error);

/* One photo; DR_STORE_ERROR_NOT_FOUND if there is no such id. */
DrPhotoInfo *dr_photo_get (DrProject *project, gint64 photo_id, GError **error);

/* The oriented width and height of a photo that was decoded at import; DR_STORE_ERROR_NOT_FOUND
 * for an unknown id or a photo stored with an error. */
gboolean dr_photo_get_size (DrProject *project, gint64 photo_id, guint *width, guint *height,
                            GError **error);

/* Decodes rle, which must cover exactly the photo's oriented width × height. Errors: those of
 * dr_photo_get_size, or DR_STORE_ERROR_CORRUPT "WHAT of photo N does not fit its W×H size: …"
 * (what: "edit", "prediction"). */
DrRle *dr_photo_parse_mask (DrProject *project, gint64 photo_id, const char *rle,
                            const char *what, GError **error);

/* Moves a photo to the claim called claim_name (created if needed). */
gboolean dr_photo_set_claim (DrProject *project, gint64 photo_id, const char *claim_name,
                             GError **error);

/* Records that a photo's file cannot be decoded (found after import: a header that probes
 * fine over damaged data): message, one line, becomes the photo's error, so it is listed as
 * an error row from now on. Nothing else about the row changes. DR_STORE_ERROR_NOT_FOUND if
 * there is no such id. */
gboolean dr_photo_set_error (DrProject *project, gint64 photo_id, const char *message,
                             GError **error);

/* Whether a decoding error (from dr_image_load) is about the file's bytes, so those bytes
 * will never decode (corrupt, unsupported or too large), rather than about reaching the file
 * (missing, unreadable), which may pass. */
gboolean dr_photo_error_is_permanent (const GError *error);

G_END_DECLS
