/* dr-overlay-factory.h — how a worker of the core turns a decoded damage mask into what a face
 * draws, without the core knowing what that is.
 *
 * The session (dr_session_load_overlays_async) and the inference queue decode or compute
 * masks on worker threads; the window draws each as a DrOverlay of GDK textures, which the
 * core may not make. The window hands its factory in, and the worker calls it right after
 * the mask is ready, so the conversion stays off the main thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* Any thread: the drawable form of mask (width×height bytes, row-major, non-zero =
   * damage) of damage type damage (< DR_N_DAMAGE); never NULL. The mask is borrowed. */
  gpointer (*build) (const guint8 *mask, int width, int height, guint damage);
  /* Any thread: frees what build returned; NULL is allowed. */
  GDestroyNotify free;
} DrOverlayFactory;

G_END_DECLS
