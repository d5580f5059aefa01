/* dr-damage.h — the four damage types the models segment, shared by every tier above the engine. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The four damage types, in model order ([DAMAGE][Scratch_0] … [DAMAGE][Breakage_3]).
 * The numeric values are stored in project files: never renumber them. */
typedef enum {
  DR_DAMAGE_SCRATCH = 0,
  DR_DAMAGE_SEPARATED = 1,
  DR_DAMAGE_CRUSHED = 2,
  DR_DAMAGE_BREAKAGE = 3,
} DrDamage;

#define DR_N_DAMAGE 4

/* TRUE when value is one of the four DrDamage values. */
#define DR_DAMAGE_IS_VALID(value) ((value) >= 0 && (value) < DR_N_DAMAGE)

/* Stable, untranslated lower-case id of damage ("scratch", "separated", "crushed",
 * "breakage"), for files, the CLI and logs; NULL for an invalid value. */
const char *dr_damage_to_string (DrDamage damage);

/* The overlay colour of damage as 0xRRGGBB, shared by the window and the claim report so
 * that a type looks the same on screen and on paper. */
guint32 dr_damage_get_rgb (DrDamage damage);

/* Untranslated model name used in output file names and JSON ("Scratch", "Separated", …). */
const char *dr_damage_get_model_name (DrDamage damage);

/* Translated name for display. */
const char *dr_damage_get_display_name (DrDamage damage);

/* NULL-terminated list of the file names accepted for damage, in preference order; the
 * first one is the original name. */
const char *const *dr_damage_get_file_names (DrDamage damage);

/* Key of the app's GSettings schema holding the repair price per % of photo area of damage
 * ("price-scratch" …), read by the window and by `damage-review report`. */
const char *dr_damage_get_price_key (DrDamage damage);

G_END_DECLS
