/* dr-application.h — the AdwApplication: actions, windows, command-line files. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DR_TYPE_APPLICATION (dr_application_get_type ())
G_DECLARE_FINAL_TYPE (DrApplication, dr_application, DR, APPLICATION, AdwApplication)

DrApplication *dr_application_new (void);

G_END_DECLS
