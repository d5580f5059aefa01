/* dr-preferences-window.h — reviewer, overlay defaults, repair prices, and the models page. */
#pragma once

#include <adwaita.h>

#include "dr-application.h"

G_BEGIN_DECLS

#define DR_TYPE_PREFERENCES_WINDOW (dr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DrPreferencesWindow, dr_preferences_window, DR, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

DrPreferencesWindow *dr_preferences_window_new (DrApplication *app);

G_END_DECLS
