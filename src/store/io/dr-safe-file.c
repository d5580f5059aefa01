/* dr-safe-file.c — non-blocking opens of regular files, and printable excerpts of file bytes. */
#include "dr-safe-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dr-store-error.h"

/* See dr-safe-file.h. */
const char *
dr_safe_file_kind (unsigned int mode)
{
  if (S_ISDIR (mode))
    return "a folder";
  if (S_ISFIFO (mode))
    return "a named pipe (FIFO)";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  return "not a regular file";
}

/* See dr-safe-file.h. O_NONBLOCK makes open() of a FIFO return at once (instead of waiting
 * for a writer) and of a device not wait for carrier; it is cleared again once the
 * descriptor is known to be a regular file, where it has no effect anyway. */
int
dr_safe_open (const char *path, guint64 max_bytes, guint64 *size, GError **error)
{
  g_autofree char *name = g_filename_display_name (path);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot open: %s", name,
                   e == ELOOP ? "a loop of symbolic links" : g_strerror (e));
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) != 0)
    {
      int e = errno;
      close (fd);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot read: %s", name,
                   g_strerror (e));
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: is %s, not a regular file",
                   name, dr_safe_file_kind (st.st_mode));
      return -1;
    }
  if (max_bytes > 0 && (guint64) st.st_size > max_bytes)
    {
      close (fd);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "%s: file is larger than %" G_GUINT64_FORMAT " MB", name, max_bytes >> 20);
      return -1;
    }
  int fl = fcntl (fd, F_GETFL);
  if (fl >= 0)
    fcntl (fd, F_SETFL, fl & ~O_NONBLOCK);
  if (size != NULL)
    *size = (guint64) st.st_size;
  return fd;
}

/* See dr-safe-file.h. */
FILE *
dr_safe_fopen (const char *path, guint64 max_bytes, guint64 *size, GError **error)
{
  int fd = dr_safe_open (path, max_bytes, size, error);
  if (fd < 0)
    return NULL;
  FILE *f = fdopen (fd, "rb");
  if (f == NULL)
    {
      int e = errno;
      close (fd);
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot read: %s", name,
                   g_strerror (e));
    }
  return f;
}

/* See dr-safe-file.h. A file that shrinks while being read is a read error; one that grows is
 * read up to the size it had when opened. */
gboolean
dr_safe_read_all (const char *path, guint64 max_bytes, guint8 **data, gsize *len,
                  GError **error)
{
  guint64 size = 0;
  int fd = dr_safe_open (path, max_bytes, &size, error);
  if (fd < 0)
    return FALSE;
  gsize want = (gsize) size, got = 0;
  guint8 *buf = g_try_malloc (want + 1);
  if (buf == NULL)
    {
      close (fd);
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE,
                   "%s: not enough memory to read %" G_GUINT64_FORMAT " bytes", name, size);
      return FALSE;
    }
  int e = 0;
  while (got < want)
    {
      ssize_t n = read (fd, buf + got, want - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          e = n < 0 ? errno : 0;
          break;
        }
      got += (gsize) n;
    }
  close (fd);
  if (got != want)
    {
      g_free (buf);
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot read: %s", name,
                   e != 0 ? g_strerror (e) : "the file became shorter while it was read");
      return FALSE;
    }
  buf[got] = 0;
  *data = buf;
  *len = got;
  return TRUE;
}

/* See dr-safe-file.h. */
char *
dr_safe_excerpt (const char *bytes, gssize len, gsize max_chars)
{
  if (bytes == NULL)
    return g_strdup ("");
  gsize n = len < 0 ? strlen (bytes) : (gsize) len;
  g_autofree char *valid = g_utf8_make_valid (bytes, (gssize) n);
  GString *out = g_string_new (NULL);
  gsize chars = 0;
  const char *p = valid;
  while (*p != 0 && chars < max_chars)
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else if (c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
      chars++;
    }
  if (*p != 0)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
