/* dr-npy.h — write float32 arrays as numpy .npy files (format version 1.0). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes data (C order, ndim dimensions of shape) to path as a little-endian '<f4' .npy v1.0
 * file whose header is space-padded so that magic + header end on a multiple of 64 bytes.
 * Replaces path atomically. Returns FALSE with error (DR_STORE_ERROR_IO) naming the file. */
gboolean dr_npy_write_f32 (const char *path, const float *data, const gsize *shape,
                           guint ndim, GError **error);

G_END_DECLS
