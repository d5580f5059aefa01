/* dr-test-import-task.h — for tests: dr_import_paths on a GTask worker thread.
 *
 * The import runs on a second connection to the same project file (WAL lets the main loop's
 * connection keep reading; the busy timeout serialises writes), so tests can run it against
 * another writer of the same file (the window imports through DrSession's writer). Progress
 * is delivered on the main context that was thread-default when the import started, in
 * order, before the completion callback. */
#pragma once

#include "dr-import.h"

G_BEGIN_DECLS

/* Starts importing paths into the project at project_path (which must exist). progress (may be
 * NULL) and callback run on the caller's thread-default main context. */
void dr_test_import_async (const char *project_path, const char *const *paths, const char *claim,
                      GCancellable *cancellable, DrImportProgress progress,
                      gpointer progress_data, GAsyncReadyCallback callback, gpointer user_data);

/* The outcome of dr_test_import_async: TRUE with *stats filled, or FALSE with error (the stats of
 * what was stored before the failure or cancellation are still filled). */
gboolean dr_test_import_finish (GAsyncResult *result, DrImportStats *stats, GError **error);

G_END_DECLS
