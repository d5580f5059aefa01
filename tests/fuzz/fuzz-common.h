/* fuzz-common.h — what the store fuzzers share: inputs written to a scratch file (the readers
 * under test take paths), and the one-line-message check every error must pass. */
#pragma once

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Writes the input to NAME in a private scratch folder (created on first use, in /dev/shm
 * when there is one) and returns the path; aborts when the file cannot be written. */
static inline const char *
fuzz_write_file (const uint8_t *data, size_t size, const char *name)
{
  static char *dir = NULL;
  static char *path = NULL;
  if (dir == NULL)
    {
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm"
                                                                      : g_get_tmp_dir ();
      char *tmpl = g_build_filename (base, "dr-fuzz-XXXXXX", NULL);
      dir = g_mkdtemp (tmpl);
      if (dir == NULL)
        abort ();
    }
  g_free (path);
  path = g_build_filename (dir, name, NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    abort ();
  size_t done = 0;
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      if (n <= 0)
        abort ();
      done += (size_t) n;
    }
  close (fd);
  return path;
}

/* An error must be one line that names the file (when @name is not NULL). */
static inline void
fuzz_check_message (const char *message, const char *name)
{
  if (message == NULL || strchr (message, '\n') != NULL || strchr (message, '\r') != NULL)
    abort ();
  if (name != NULL && strstr (message, name) == NULL)
    abort ();
}
