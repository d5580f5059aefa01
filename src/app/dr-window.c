/* dr-window.c — the review window, built from ui/dr-window.ui. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-window.h"

struct _DrWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (DrWindow, dr_window, ADW_TYPE_APPLICATION_WINDOW)

static void
dr_window_class_init (DrWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-window.ui");
}

static void
dr_window_init (DrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Creates a window attached to app. */
DrWindow *
dr_window_new (DrApplication *app)
{
  return g_object_new (DR_TYPE_WINDOW, "application", app, NULL);
}
