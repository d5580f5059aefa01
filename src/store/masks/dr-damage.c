/* dr-damage.c — ids, names, checkpoint file names and overlay colours of the four damage types. */
#include "config.h"

#include "dr-damage.h"

#include <glib/gi18n-lib.h>

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

/* Returns the 0xRRGGBB colour of damage; black for an invalid value. */
guint32
dr_damage_get_rgb (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), 0);
  return damage_rgb[damage];
}

typedef struct {
  const char *id;
  const char *display_name;
  const char *const file_names[5];
} DrDamageNames;

static const DrDamageNames damage_names[DR_N_DAMAGE] = {
  [DR_DAMAGE_SCRATCH] = { "Scratch", N_("Scratch"),
                          { "[DAMAGE][Scratch_0]Unet.pt",
                            "[DAMAGE][Scratch_0]Unet.safetensors", NULL } },
  [DR_DAMAGE_SEPARATED] = { "Separated", N_("Separated"),
                            { "[DAMAGE][Seperated_1]Unet.pt",
                              "[DAMAGE][Separated_1]Unet.pt",
                              "[DAMAGE][Seperated_1]Unet.safetensors",
                              "[DAMAGE][Separated_1]Unet.safetensors", NULL } },
  [DR_DAMAGE_CRUSHED] = { "Crushed", N_("Crushed"),
                          { "[DAMAGE][Crushed_2]Unet.pt",
                            "[DAMAGE][Crushed_2]Unet.safetensors", NULL } },
  [DR_DAMAGE_BREAKAGE] = { "Breakage", N_("Breakage"),
                           { "[DAMAGE][Breakage_3]Unet.pt",
                             "[DAMAGE][Breakage_3]Unet.safetensors", NULL } },
};

/* Returns the untranslated model name; damage must be a valid DrDamage. */
const char *
dr_damage_get_model_name (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return damage_names[damage].id;
}

/* Returns the display name in the user's language; damage must be valid. */
const char *
dr_damage_get_display_name (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return _(damage_names[damage].display_name);
}

/* Returns the accepted file names, original first; damage must be valid. */
const char *const *
dr_damage_get_file_names (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return damage_names[damage].file_names;
}

static const char *const price_keys[DR_N_DAMAGE] = {
  "price-scratch", "price-separated", "price-crushed", "price-breakage",
};

/* Returns the static key name; damage must be valid. */
const char *
dr_damage_get_price_key (DrDamage damage)
{
  g_return_val_if_fail (DR_DAMAGE_IS_VALID ((int) damage), price_keys[0]);
  return price_keys[damage];
}
