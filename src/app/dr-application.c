/* dr-application.c — application life cycle: one window per activation or opened file. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-application.h"
#include "dr-resources.h"
#include "dr-window.h"

struct _DrApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (DrApplication, dr_application, ADW_TYPE_APPLICATION)

/* Presents the existing window, or creates the first one. */
static void
dr_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (dr_window_new (DR_APPLICATION (app)));
  gtk_window_present (window);
}

/* Opens the window on the given photo, folder or project. */
static void
dr_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  dr_application_activate (app);
}

static void
dr_application_class_init (DrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->activate = dr_application_activate;
  app_class->open = dr_application_open;
}

static void
dr_application_init (DrApplication *self)
{
}

/* Creates the application with its fixed id; files on the command line are opened. */
DrApplication *
dr_application_new (void)
{
  g_resources_register (dr_get_resource ());
  return g_object_new (DR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
