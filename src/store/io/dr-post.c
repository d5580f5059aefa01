/* dr-post.c — see dr-post.h. */
#include "dr-post.h"

/* An idle source with the callback; func returns G_SOURCE_REMOVE, so it runs once. */
guint
dr_post (GMainContext *context, int priority, GSourceFunc func, gpointer data,
         GDestroyNotify destroy)
{
  g_return_val_if_fail (context != NULL && func != NULL, 0);
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "dr-post");
  guint id = g_source_attach (source, context);
  g_source_unref (source);
  return id;
}

/* Finds the source by id so a source already run (and gone) is simply skipped. */
void
dr_post_cancel (GMainContext *context, guint *id)
{
  if (*id == 0)
    return;
  GSource *source = g_main_context_find_source_by_id (context, *id);
  if (source != NULL)
    g_source_destroy (source);
  *id = 0;
}
