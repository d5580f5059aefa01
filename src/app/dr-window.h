/* dr-window.h — the review window. */
#pragma once

#include <adwaita.h>

#include "dr-application.h"

G_BEGIN_DECLS

#define DR_TYPE_WINDOW (dr_window_get_type ())
G_DECLARE_FINAL_TYPE (DrWindow, dr_window, DR, WINDOW, AdwApplicationWindow)

DrWindow *dr_window_new (DrApplication *app);

G_END_DECLS
