/* dr-damage.c — names and overlay colours of the four damage types. */
#include "dr-damage.h"

static const char *const damage_ids[DR_N_DAMAGE] = {
  "scratch", "separated", "crushed", "breakage",
};

/* Okabe–Ito colours, distinct under the common colour-vision deficiencies. */
static const guint32 damage_rgb[DR_N_DAMAGE] = {
  0xE69F00,  /* orange */
  0x56B4E9,  /* sky blue */
  0x009E73,  /* bluish green */
  0xCC79A7,  /* reddish purple */
};

/* Returns the static id of damage, or NULL when damage is out of range. */
const char *
dr_damage_to_string (DrDamage damage)
{
  if (!DR_DAMAGE_IS_VALID ((int) damage))
    return NULL;
  return damage_ids[damage];
}

/* Sets *damage and returns TRUE only when string equals one of the ids, ignoring case. */
gboolean
dr_damage_from_string (const char *string, DrDamage *damage)
{
  if (string == NULL)
    return FALSE;
  for (int i = 0; i < DR_N_DAMAGE; i++)
    if (g_ascii_strcasecmp (string, damage_ids[i]) == 0)
      {
        *damage = (DrDamage) i;
        return TRUE;
      }
  return FALSE;
}

/* Returns the 0xRRGGBB colour of damage; black for an invalid value. */
guint32
dr_damage_get_rgb (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), 0);
  return damage_rgb[damage];
}
