/* dr-application.c — application life cycle, app-wide actions and keyboard accelerators.
 *
 * One window. Light and dark styles follow the system through AdwStyleManager's default
 * colour scheme; nothing here overrides it. */
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

/* The window, created on first use. */
static DrWindow *
get_window (DrApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (dr_window_new (self));
  return DR_WINDOW (window);
}

/* Presents the existing window, or creates the first one. */
static void
dr_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (DR_APPLICATION (app))));
}

/* Opens the window on the given photos and folders. */
static void
dr_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  DrWindow *window = get_window (DR_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  dr_window_open_files (window, files, (guint) n_files);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "Damage Review contributors", NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", gtk_application_get_active_window (app),
                                   "application-name", _("Damage Review"),
                                   "application-icon", APP_ID,
                                   "version", PACKAGE_VERSION,
                                   "developer-name", "Damage Review contributors",
                                   "developers", developers,
                                   "comments", _("Review car-damage photos with four segmentation models, correct the masks and export a training set."),
                                   "license-type", GTK_LICENSE_GPL_3_0,
                                   "translator-credits", _("translator-credits"),
                                   NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_entries[] = {
  { "about", about_activated },
  { "quit", quit_activated },
};

/* Keyboard accelerators of every action, app- and window-wide. */
static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.add-photos", { "<Control>i", NULL } },
  { "win.add-folder", { "<Control><Shift>o", NULL } },
  /* Keys without a modifier (j, k, 1 … 4, o, f, +, −) are window shortcuts that act only
   * when no text entry takes the key: see dr-window-review.c. Application accels would
   * fire before the entry and steal letters from notes and search. */
  { "win.next-photo", { "Page_Down", NULL } },
  { "win.previous-photo", { "Page_Up", NULL } },
  { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
  { "win.zoom-out", { "<Control>minus", NULL } },
  { "win.zoom-fit", { "<Control>0", NULL } },
  { "win.zoom-100", { "<Control>1", NULL } },
};

static void
dr_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (dr_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries),
                                   app);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
}

static void
dr_application_class_init (DrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->startup = dr_application_startup;
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
  dr_register_resource ();
  return g_object_new (DR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
