/* dr-store-error.c — the GError domain of the store tier. */
#include "dr-store-error.h"

G_DEFINE_QUARK (dr-store-error-quark, dr_store_error)
