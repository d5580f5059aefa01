/* dr-i18n.h — the message catalogue setup both executables share. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale from the environment and binds the app's catalogue (UTF-8) from LOCALEDIR,
 * or from $DAMAGE_REVIEW_LOCALEDIR, which points an uninstalled build at <builddir>/po. */
void dr_i18n_init (void);

G_END_DECLS
