/* dr-report.h — the claim report: a PDF an adjuster can attach to the claim file.
 *
 * Per claim, one summary page (dates, reviewers, photo count, per damage type the photos
 * affected and the area, the repair-cost estimate when prices are given, a bar chart of the
 * area per type) and one page per readable photo (the photo, EXIF orientation applied as in
 * the window, with the final masks drawn as outlined semi-transparent overlays in the app's
 * colours; per type the area, the verdict, who gave it and when; the photo's note, file name
 * and SHA-256). Every mask is marked either as reviewed (with its verdict) or as a model
 * prediction nobody reviewed, and every page's footer lists the SHA-256 of the model
 * checkpoints behind the claim's masks.
 *
 * The masks and verdicts are the ones the window shows and the dataset export writes
 * (dr_export_load_items, i.e. dr_revision_dup_layer_rle and the verdict rules). Text is laid
 * out with Pango and drawn on cairo's PDF surface, which embeds the (subset) fonts, Hangul
 * included; photos are downscaled and stored as JPEG. The report's language is the
 * process's gettext language.
 *
 * GLib + cairo + Pango only (no GTK), so the command line and the window share it.
 */
#pragma once

#include <gio/gio.h>

#include "dr-damage.h"
#include "dr-worker-task.h"

G_BEGIN_DECLS

typedef enum {
  DR_REPORT_PAPER_A4,
  DR_REPORT_PAPER_LETTER,
} DrReportPaper;

/* The paper of the current LC_PAPER locale: US Letter where the locale's paper is 216 mm
 * wide (en_US, en_CA, es_MX, …), A4 everywhere else. */
DrReportPaper dr_report_paper_default (void);

/* Parses "a4" or "letter" (case-insensitive); FALSE for anything else. */
gboolean dr_report_paper_from_string (const char *text, DrReportPaper *paper);

typedef struct {
  DrReportPaper paper;
  const char *const *claims;    /* NULL-terminated claim names; NULL or empty: every claim */
  double prices[DR_N_DAMAGE];   /* repair price per % of photo area; 0: not priced */
  const char *currency;         /* shown after amounts, e.g. "KRW"; NULL: none */
} DrReportOptions;

typedef struct {
  guint n_claims;
  guint n_photos;
  guint n_pages;
} DrReportSummary;

/* Opens its own connection to the project at @project_path (so call it from the thread that
 * should own that connection: any thread), reads the claims asked for, and writes the report
 * to @out_pdf. The PDF is written to a temporary file next to @out_pdf and renamed into place
 * only when complete, so an existing file is replaced only by a whole report. Fails, leaving
 * nothing new behind, with a one-line error naming the file and the reason: a project that
 * cannot be read, an unknown claim name, a claim without readable photos, a photo file that
 * cannot be decoded, a folder that cannot be written, or G_IO_ERROR_CANCELLED when
 * @cancellable (checked between pages) was cancelled. @progress (called on the writing thread
 * after each page, with pages done and the total), @cancellable and @summary may be NULL. */
gboolean dr_report_write (const char              *project_path,
                          const char              *out_pdf,
                          const DrReportOptions   *options,
                          DrProgressFunc           progress,
                          gpointer                 user_data,
                          GCancellable            *cancellable,
                          DrReportSummary         *summary,
                          GError                 **error);

/* dr_report_write in a worker thread (GTask) that opens its own connection. @options is
 * copied. @progress (may be NULL) runs in the caller's thread-default main context, from an
 * idle source attached to it; @callback runs there too and calls dr_report_write_finish. */
void dr_report_write_async (const char            *project_path,
                            const char            *out_pdf,
                            const DrReportOptions *options,
                            DrProgressFunc         progress,
                            gpointer               progress_data,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data);

/* The outcome of dr_report_write_async; fills @summary (may be NULL) on success. */
gboolean dr_report_write_finish (GAsyncResult     *result,
                                 DrReportSummary  *summary,
                                 GError          **error);

G_END_DECLS
