/* dr-store-error.h — the GError domain of the store tier. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DR_STORE_ERROR (dr_store_error_quark ())

typedef enum {
  DR_STORE_ERROR_FAILED,      /* anything not covered below */
  DR_STORE_ERROR_IO,          /* file cannot be read or written */
  DR_STORE_ERROR_CORRUPT,     /* file exists but its content is invalid */
  DR_STORE_ERROR_UNSUPPORTED, /* valid file of a kind or version we refuse */
  DR_STORE_ERROR_TOO_LARGE,   /* a size exceeds our bounds (e.g. > 100 megapixels) */
  DR_STORE_ERROR_DATABASE,    /* SQLite reported an error */
  DR_STORE_ERROR_NOT_FOUND,   /* a requested row does not exist */
} DrStoreError;

GQuark dr_store_error_quark (void);

G_END_DECLS
