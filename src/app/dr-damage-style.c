/* dr-damage-style.c — names, colours and settings keys of the four damage types. */
#include "config.h"

#include "dr-damage-style.h"

static const char *const css_classes[DR_N_DAMAGE_TYPES] = {
  "damage-0", "damage-1", "damage-2", "damage-3",
};

/* Returns the translated name (the store's dr_damage_get_display_name); i must be
 * < DR_N_DAMAGE_TYPES. */
const char *
dr_damage_style_name (guint i)
{
  g_return_val_if_fail (i < DR_N_DAMAGE_TYPES, "");
  return dr_damage_get_display_name ((DrDamage) i);
}

/* Returns a static colour, converted once from the store's table; i must be
 * < DR_N_DAMAGE_TYPES. */
const GdkRGBA *
dr_damage_style_color (guint i)
{
  static GdkRGBA colors[DR_N_DAMAGE_TYPES];
  static gsize converted = 0;
  if (g_once_init_enter (&converted))
    {
      for (guint d = 0; d < DR_N_DAMAGE_TYPES; d++)
        {
          guint32 rgb = dr_damage_get_rgb ((DrDamage) d);
          colors[d] = (GdkRGBA) { ((rgb >> 16) & 0xff) / 255.f, ((rgb >> 8) & 0xff) / 255.f,
                                  (rgb & 0xff) / 255.f, 1.f };
        }
      g_once_init_leave (&converted, 1);
    }
  g_return_val_if_fail (i < DR_N_DAMAGE_TYPES, &colors[0]);
  return &colors[i];
}

/* Returns a static CSS class name; i must be < DR_N_DAMAGE_TYPES. */
const char *
dr_damage_style_css_class (guint i)
{
  g_return_val_if_fail (i < DR_N_DAMAGE_TYPES, css_classes[0]);
  return css_classes[i];
}
