/* dr-photo-scan.h — find the photo files under dropped or chosen files and folders. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Walks files (plain files are taken as they are, folders recursively, hidden entries and
 * symlink loops skipped) on a worker thread. The result is a GPtrArray of absolute paths
 * (char*, g_free) in natural order within each folder; files that are not photos by name
 * are left out. */
void       dr_photo_scan_async  (GFile **files, guint n_files, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *dr_photo_scan_finish (GAsyncResult *result, GError **error);

/* TRUE when the file name ends in an extension the app can decode. */
gboolean   dr_photo_scan_is_photo_name (const char *name);

G_END_DECLS
