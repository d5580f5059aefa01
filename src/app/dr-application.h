/* dr-application.h — the AdwApplication: actions, windows, command-line files, and the damage
 * models shared by every window. */
#pragma once

#include <adwaita.h>

#include "dr-inference-queue.h"

G_BEGIN_DECLS

#define DR_TYPE_APPLICATION (dr_application_get_type ())
G_DECLARE_FINAL_TYPE (DrApplication, dr_application, DR, APPLICATION, AdwApplication)

/* How one damage type's model stands. */
typedef enum {
  DR_MODEL_STATE_LOADING,   /* being looked up and read */
  DR_MODEL_STATE_LOADED,
  DR_MODEL_STATE_MISSING,   /* no file in any model directory */
  DR_MODEL_STATE_INVALID,   /* a file exists but the engine refused it */
} DrModelState;

DrApplication *dr_application_new (void);

/* The state of damage's model; path, sha256 and message (the loader's one-line error, or
 * where the file is expected) are set when known, else NULL. Strings are owned by app. */
DrModelState dr_application_get_model (DrApplication *self, guint damage, const char **path,
                                       const char **sha256, const char **message);

/* Looks the models up and loads them again (after a checkpoint was imported); windows get
 * the new inference queue, and their projects mark older predictions stale. Emits
 * "models-changed" when done. */
void dr_application_reload_models (DrApplication *self);

/* Where "Import checkpoint…" copies files: $XDG_DATA_HOME/damage-review/models. */
char *dr_application_dup_user_models_dir (void);

G_END_DECLS
