/* gui-loop.h — stepping the default main loop by hand in the GUI tests. */
#pragma once

#include <glib.h>

typedef gboolean (*GuiCondition) (gpointer data);

/* Steps the default context until cond (data) holds; aborts the test (g_error naming what)
 * after timeout_s seconds. */
void gui_wait_for (GuiCondition cond, gpointer data, double timeout_s, const char *what);

/* Runs every pending source, rounds times, sleeping sleep_us between rounds, so that the
 * window lays out and draws a few frames. */
void gui_settle (int rounds, gulong sleep_us);
