/* dr-report-dialog.h — "Export Claim Report…": which claims (the shown photo's by default),
 * the paper, a file; progress with cancel. The report is written by the store's dr-report on
 * a worker thread with its own connection to the project. */
#pragma once

#include <adwaita.h>

#include "dr-project.h"

G_BEGIN_DECLS

#define DR_TYPE_REPORT_DIALOG (dr_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DrReportDialog, dr_report_dialog, DR, REPORT_DIALOG, AdwWindow)

/* Shows the dialog for @project over @parent with @claim (may be NULL: every claim) ticked. */
DrReportDialog *dr_report_dialog_present (GtkWindow *parent, DrProject *project,
                                          const char *claim);

/* Writes the report of the ticked claims to @file as if it had been chosen (tests). */
void            dr_report_dialog_export_to (DrReportDialog *self, GFile *file);

G_END_DECLS
