/* dr-damage-style.h — how the four damage types look in the app: names, colours, keys. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"  /* DR_N_DAMAGE_TYPES, the store's DrDamage */

G_BEGIN_DECLS

/* Translated display name of damage type i (0 … 3), e.g. "Scratch". */
const char *dr_damage_style_name (guint i);

/* Overlay colour of damage type i, from the store's dr_damage_get_rgb: Okabe–Ito colours
 * chosen to stay distinct under the common colour-vision deficiencies (orange, sky blue,
 * bluish green, reddish purple). */
const GdkRGBA *dr_damage_style_color (guint i);

/* CSS class that paints a chip in the colour of damage type i ("damage-0" … "damage-3"). */
const char *dr_damage_style_css_class (guint i);

G_END_DECLS
