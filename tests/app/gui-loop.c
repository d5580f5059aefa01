/* gui-loop.c — see gui-loop.h. */
#include "gui-loop.h"

/* See header. */
void
gui_wait_for (GuiCondition cond, gpointer data, double timeout_s, const char *what)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* See header. */
void
gui_settle (int rounds, gulong sleep_us)
{
  for (int i = 0; i < rounds; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (sleep_us);
    }
}
