/* dr-report-private.h — what the claim report's modules share. Not public. */
#pragma once

#include <pango/pangocairo.h>

#include "dr-export.h"
#include "dr-report.h"
#include "dr-review.h"

G_BEGIN_DECLS

/* One photo of the report: the final masks and verdicts as the export sees them, plus who
 * gave each verdict and when. */
typedef struct {
  DrExportItem *item;             /* owned */
  DrReview *review[DR_N_DAMAGE];  /* newest verdict of the layer, or NULL */
  gboolean edited[DR_N_DAMAGE];   /* the layer shows a reviewer's revision */
  gboolean predicted[DR_N_DAMAGE];/* the current model has a prediction for the layer */
  gint64 added;                   /* µs since the epoch */
} DrReportPhoto;

/* One claim: its readable photos in path order and the checkpoints behind their masks. */
typedef struct {
  char *name;
  GPtrArray *photos;              /* DrReportPhoto */
  char *models[DR_N_DAMAGE];      /* distinct model SHA-256s of the layers, ", "-joined, or NULL */
} DrReportClaim;

void dr_report_claim_free (DrReportClaim *claim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrReportClaim, dr_report_claim_free)

/* The claims named in @names (NULL or empty: every claim with a readable photo), in the
 * order given (else by name), each with its photos. Fails naming the project for an unknown
 * claim or one without readable photos. */
GPtrArray *dr_report_load_claims (DrProject *project, const char *const *names, GError **error);

/* Whether the layer's newest verdict is a reviewer's (anything but "unreviewed"). */
gboolean dr_report_photo_is_reviewed (const DrReportPhoto *photo, DrDamage d);

/* Final mask area of layer @d in pixels (0 when empty). */
guint64 dr_report_photo_area (const DrReportPhoto *photo, DrDamage d);

/* The photo at @path decoded with its EXIF orientation, downscaled so that its longest side
 * is at most @max_side, as an RGB24 surface that carries its own JPEG encoding (quality
 * @quality) as CAIRO_MIME_TYPE_JPEG mime data, so the PDF embeds the JPEG. NULL + error
 * naming the file when it cannot be decoded. */
cairo_surface_t *dr_report_photo_surface (const char *path, int max_side, int quality,
                                          GError **error);

/* Opacity of a mask's fill in the overlay and the legend; outlines are opaque. */
#define DR_REPORT_FILL_ALPHA 0.38

/* An A8 surface of @width × @height (the photo surface's size) of @mask (at the photo's full
 * resolution): DR_REPORT_FILL_ALPHA inside, opaque on its outline, transparent outside. */
cairo_surface_t *dr_report_mask_surface (const DrRle *mask, int width, int height);

/* What every page shares. */
typedef struct {
  cairo_t *cr;
  PangoContext *pango;            /* for @cr, at 72 dpi so that font sizes are in points */
  double width, height;           /* paper, in points */
  double margin;
  const DrReportOptions *options;
  const char *project_name;       /* base name of the project file */
  char *generated;                /* the report's date, formatted */
  guint page, n_pages;            /* 1-based number of the page being drawn, and the total */
} DrReportPage;

/* Draws the summary page of @claim (without showing the page). */
void dr_report_draw_summary (DrReportPage *page, const DrReportClaim *claim);

/* Draws the page of photo @index of @claim around @photo_surface (from
 * dr_report_photo_surface), without showing the page. */
void dr_report_draw_photo (DrReportPage *page, const DrReportClaim *claim, guint index,
                           cairo_surface_t *photo_surface);

/* "YYYY-MM-DD HH:MM" in local time of @usec µs since the epoch. */
char *dr_report_format_time (gint64 usec);

G_END_DECLS
