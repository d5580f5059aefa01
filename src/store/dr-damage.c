/* dr-damage.c — names of the four damage types. */
#include "dr-damage.h"

static const char *const damage_ids[DR_N_DAMAGE] = {
  "scratch", "separated", "crushed", "breakage",
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
