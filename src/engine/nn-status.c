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

/* Maps each status to a fixed string; unknown values map to "unknown error". */
const char *
nn_status_name (NnStatus status)
{
  switch (status)
    {
    case NN_OK: return "ok";
    case NN_ERR_IO: return "I/O error";
    case NN_ERR_FORMAT: return "format error";
    case NN_ERR_UNSUPPORTED: return "unsupported file";
    case NN_ERR_SECURITY: return "refused pickle global";
    case NN_ERR_MODEL: return "model mismatch";
    case NN_ERR_NOMEM: return "out of memory";
    case NN_ERR_ABORTED: return "aborted";
    case NN_ERR_ARGUMENT: return "invalid argument";
    }
  return "unknown error";
}
