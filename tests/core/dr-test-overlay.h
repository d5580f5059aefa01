/* dr-test-overlay.h — a DrOverlayFactory for core tests, which have no GTK: each "overlay" is
 * a copy of the mask it was built from, with its size, damage type and the building thread. */
#pragma once

#include "dr-overlay-factory.h"

G_BEGIN_DECLS

typedef struct {
  int width, height;
  guint damage;
  GThread *thread;   /* the thread build ran on (not referenced: compare it only) */
  guint8 *mask;      /* width × height bytes, as build was given them */
} DrTestOverlay;

/* The factory: build copies the mask into a new DrTestOverlay, free frees one (NULL allowed). */
const DrOverlayFactory *dr_test_overlay_factory (void);

/* Number of set bytes of overlay's mask. */
gint64 dr_test_overlay_area (const DrTestOverlay *overlay);

G_END_DECLS
