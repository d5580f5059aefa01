/* nn-status.h — the engine's error convention.
 *
 * Every fallible engine call returns an NnStatus and, when it fails, fills an NnError
 * whose message is one line, already naming the file (and key, where there is one).
 * The engine never prints and never exits: callers decide what to show.
 */
#pragma once

#include <stdarg.h>

typedef enum {
  NN_OK = 0,
  NN_ERR_IO,          /* file cannot be opened, read or mapped */
  NN_ERR_FORMAT,      /* bytes are not a valid checkpoint/image (truncated, corrupt, empty) */
  NN_ERR_UNSUPPORTED, /* valid file of a kind we refuse: legacy .pt, TorchScript, whole module */
  NN_ERR_SECURITY,    /* pickle names a global outside the whitelist */
  NN_ERR_MODEL,       /* state dict does not match the U-Net: missing/unexpected key, shape */
  NN_ERR_NOMEM,       /* allocation failed or a size exceeds the engine's bounds */
  NN_ERR_ABORTED,     /* the caller's abort flag was raised */
  NN_ERR_ARGUMENT,    /* caller passed something invalid */
} NnStatus;

#define NN_ERROR_MAX 512

typedef struct {
  NnStatus status;
  char message[NN_ERROR_MAX]; /* one line, no trailing newline */
} NnError;

/* Sets err (if non-NULL) to status and a printf-formatted one-line message; returns status.
 * Guarantees the message is NUL-terminated and free of newlines. */
NnStatus nn_error_set (NnError *err, NnStatus status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

