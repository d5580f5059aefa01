/* dr-file-hash.c — streamed SHA-256 of a file with GChecksum. */
#include "config.h"

#include "dr-file-hash.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "dr-safe-file.h"
#include "dr-store-error.h"

#define DR_HASH_CHUNK (1 << 16)

/* Reads path in DR_HASH_CHUNK pieces; on a read error returns NULL and names file and errno. */
char *
dr_file_sha256 (const char *path, GError **error)
{
  FILE *f = dr_safe_fopen (path, 0, NULL, error);
  if (f == NULL)
    return NULL;

  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (DR_HASH_CHUNK);
  size_t n;
  while ((n = fread (buf, 1, DR_HASH_CHUNK, f)) > 0)
    g_checksum_update (sum, buf, n);
  gboolean failed = ferror (f) != 0;
  int saved = errno;
  fclose (f);
  if (failed)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, _("%s: cannot read: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* See dr-file-hash.h. */
gboolean
dr_sha256_is_valid (const char *text)
{
  if (text == NULL)
    return FALSE;
  gsize n = 0;
  for (; text[n] != '\0'; n++)
    if (!g_ascii_isdigit (text[n]) && !(text[n] >= 'a' && text[n] <= 'f'))
      return FALSE;
  return n == 64;
}
