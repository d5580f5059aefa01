/* dr-safe-file.h — opening a user's path without ever blocking on it.
 *
 * Every reader of a path a user (or a project, or a label file) names goes through here:
 * the path is opened with O_NONBLOCK, so a FIFO, socket or device returns at once instead of
 * waiting for a writer, and the type is checked on the opened descriptor (not on the name,
 * which could change in between). Anything but a regular file is refused with a one-line
 * error naming the file and what it is. */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* Opens @path read-only as a regular file of at most @max_bytes (0: no bound) and returns a
 * blocking descriptor positioned at 0, with its size in @size (may be NULL); -1 and a
 * DR_STORE_ERROR (IO: missing, unreadable, not a regular file; TOO_LARGE: above the bound). */
int dr_safe_open (const char *path, guint64 max_bytes, guint64 *size, GError **error);

/* The same as a stdio stream opened "rb". */
FILE *dr_safe_fopen (const char *path, guint64 max_bytes, guint64 *size, GError **error);

/* Reads a whole regular file of at most @max_bytes into a new buffer with one extra NUL byte
 * after the end (for text parsers); FALSE and a one-line error otherwise. */
gboolean dr_safe_read_all (const char *path, guint64 max_bytes, guint8 **data, gsize *len,
                           GError **error);

/* What @mode is, for messages: "a named pipe (FIFO)", "a folder", "a socket", "a device". */
const char *dr_safe_file_kind (unsigned int mode);

/* Bounds of excerpts in messages: a name read from a file, a whole message. */
#define DR_NAME_MAX_CHARS 40
#define DR_MESSAGE_MAX_CHARS 400

/* Bytes of a file made safe to print inside a one-line message: at most @max_chars
 * characters of valid UTF-8, control characters escaped (\n, \t, \xNN), an ellipsis when
 * shortened. */
char *dr_safe_excerpt (const char *bytes, gssize len, gsize max_chars);

G_END_DECLS
