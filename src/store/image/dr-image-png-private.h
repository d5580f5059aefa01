/* dr-image-png-private.h — what the PNG reader and the PNG writer share: libpng's error and
 * warning handlers. Not public. */
#pragma once

#include <png.h>

#include <glib.h>

G_BEGIN_DECLS

/* The size of the message buffer each libpng read or write gives as its error pointer. */
#define DR_PNG_MESSAGE_BYTES 200

/* libpng fatal error: copies @msg into the error pointer (a char[DR_PNG_MESSAGE_BYTES]) and
 * jumps back to the caller's setjmp. */
void dr_image_png_on_error (png_structp png, png_const_charp msg);

/* libpng warnings (e.g. about colour profiles) carry nothing to act on; OpenCV ignores them
 * too. */
void dr_image_png_on_warning (png_structp png, png_const_charp msg);

G_END_DECLS
