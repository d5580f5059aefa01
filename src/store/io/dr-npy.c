/* dr-npy.c — the numpy .npy v1.0 format: "\x93NUMPY", 1, 0, u16 LE header length, an ASCII
 * Python dict literal padded with spaces and ended by '\n', then the raw data. */
#include "config.h"

#include "dr-npy.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dr-store-error.h"

#define NPY_PREAMBLE 10 /* magic (6) + version (2) + header length (2) */
#define NPY_ALIGN 64

/* Builds the padded header and writes header + little-endian data in one atomic write. */
gboolean
dr_npy_write_f32 (const char *path, const float *data, const gsize *shape, guint ndim,
                  GError **error)
{
  g_return_val_if_fail (ndim >= 1 && ndim <= 8, FALSE);

  gsize numel = 1;
  g_autoptr (GString) dict = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  for (guint i = 0; i < ndim; i++)
    {
      g_string_append_printf (dict, "%" G_GSIZE_FORMAT "%s", shape[i],
                              ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
      numel *= shape[i];
    }
  g_string_append (dict, "), }");
  gsize total_header = NPY_PREAMBLE + dict->len + 1;
  gsize padded = (total_header + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
  g_string_append_len (dict, "                                                                ",
                       padded - total_header);
  g_string_append_c (dict, '\n');
  g_assert (NPY_PREAMBLE + dict->len == padded && dict->len <= G_MAXUINT16);

  gsize size = padded + numel * sizeof (float);
  g_autofree guint8 *buf = g_malloc (size);
  memcpy (buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = dict->len & 0xff;
  buf[9] = dict->len >> 8;
  memcpy (buf + NPY_PREAMBLE, dict->str, dict->len);
  guint32 *out = (guint32 *) (gpointer) (buf + padded);
  for (gsize i = 0; i < numel; i++)
    {
      guint32 bits;
      memcpy (&bits, &data[i], sizeof bits);
      out[i] = GUINT32_TO_LE (bits);
    }

  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, (const char *) buf, size, &local))
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, _("%s: cannot write: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
