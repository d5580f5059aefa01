/* nn-status.c — error reporting helpers (see nn-status.h). */
#include "nn-status.h"

#include <stdio.h>

/* Formats the message into err, replacing control characters so the message stays one line. */
NnStatus
nn_error_set (NnError *err, NnStatus status, const char *fmt, ...)
{
  if (err == NULL)
    return status;
  err->status = status;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err->message, sizeof err->message, fmt, ap);
  va_end (ap);
  for (char *p = err->message; *p; p++)
    if ((unsigned char) *p < 0x20)
      *p = ' ';
  return status;
}
