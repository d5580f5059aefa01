/* dr-export-dialog.h — "Export Dataset…": folder, format, split, reviewed-only; progress with
 * cancel; a clear result. The export runs on a worker thread with the store's dr-export,
 * which verifies every file it wrote before it reports success. */
#pragma once

#include <adwaita.h>

#include "dr-project.h"

G_BEGIN_DECLS

#define DR_TYPE_EXPORT_DIALOG (dr_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DrExportDialog, dr_export_dialog, DR, EXPORT_DIALOG, AdwWindow)

/* Shows the dialog for project over parent. */
DrExportDialog *dr_export_dialog_present (GtkWindow *parent, DrProject *project);

/* Sets the output folder as if chosen (tests). */
void            dr_export_dialog_set_folder (DrExportDialog *self, GFile *folder);

G_END_DECLS
