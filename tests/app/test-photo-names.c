/* test-photo-names.c — photos and projects whose file names are not UTF-8 (issue 15, items 5
 * and 4).
 *
 * A folder "claim-\xfe" holds "\xff\xfe.jpg" (bytes that are no UTF-8) beside a plain
 * photo. In a real DrWindow under Xvfb, with G_DEBUG=fatal-warnings (so any GLib-CRITICAL or
 * Pango "Invalid UTF-8" warning fails the test), the folder is imported and the odd photo is
 * shown in the list and selected. Its shown name and claim must be valid UTF-8, the "last
 * photo" setting must be saved (as valid UTF-8, which GSettings requires), and a new window
 * opening the same project must show that photo again.
 *
 * A project file named "claim-\xfe.damagereview" is opened, one of its two photos selected:
 * the last-project and recent-projects settings must hold valid UTF-8 naming that file, the
 * "Open Recent" menu of a new window must list it and open it, without blocking the main
 * loop (nothing is open when the action returns), on that photo. Settings written by older
 * versions (plain paths) must still be read. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "dr-resources.h"
#include "dr-window.h"
#include "gui-loop.h"

#define ODD_NAME "\xff\xfe.jpg"

/* Writes a small JPEG named name into dir. */
static void
make_photo (const char *dir, const char *name, guint32 rgba)
{
  g_autoptr (GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  gdk_pixbuf_fill (pb, rgba);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (gdk_pixbuf_save (pb, path, "jpeg", &error, NULL));
}

static gboolean
photos_imported (gpointer data)
{
  DrWindow *w = data;
  DrSession *session = dr_window_get_session (w);
  return session != NULL && g_list_model_get_n_items (dr_session_get_items (session)) == 2
         && !dr_session_is_importing (session);
}

static gboolean
odd_photo_shown (gpointer data)
{
  DrWindow *w = data;
  return dr_window_get_current (w) != NULL
         && g_str_has_suffix (dr_photo_item_get_path (dr_window_get_current (w)), "/" ODD_NAME);
}

/* The visible item whose file is the odd one; fails when there is none. */
static DrPhotoItem *
find_odd (DrWindow *w)
{
  GListModel *visible = dr_photo_list_get_visible (dr_window_get_photo_list (w));
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (visible, i);
      if (g_str_has_suffix (dr_photo_item_get_path (item), "/" ODD_NAME))
        return g_steal_pointer (&item);
    }
  g_error ("the photo named \\xff\\xfe.jpg is not in the list");
}

static void
test_non_utf8_name (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-names-XXXXXX", NULL);
  g_autofree char *photos = g_build_filename (dir, "claim-\xfe", NULL);
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  make_photo (photos, "plain.jpg", 0x40608000u);
  make_photo (photos, ODD_NAME, 0x80604000u);
  g_autofree char *path = g_build_filename (dir, "names.damagereview", NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  DrWindow *w = dr_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (w), 1280, 800);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (dr_window_open_project (w, path, TRUE));
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (w, &folder, 1);
  gui_wait_for (photos_imported, w, 60, "the photos to be imported");
  gui_settle (30, 5000);

  g_autoptr (DrPhotoItem) odd = find_odd (w);
  const char *name = dr_photo_item_get_name (odd);
  g_test_message ("shown name: %s", name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_utf8_validate (dr_photo_item_get_claim (odd), -1, NULL));
  g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (w), odd));
  gui_settle (30, 5000);
  g_assert_true (odd_photo_shown (w));
  g_autofree char *last = g_settings_get_string (settings, "last-photo");
  g_test_message ("last-photo: %s", last);
  g_assert_true (g_utf8_validate (last, -1, NULL));
  g_assert_cmpstr (last, !=, "");
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);

  /* A new start: the same project opens on the odd photo again, not on the first one. */
  w = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (dr_window_open_project (w, path, FALSE));
  gui_wait_for (odd_photo_shown, w, 30, "the odd photo to be shown again after a restart");
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);
}

static gboolean
two_imported (gpointer data)
{
  DrSession *session = dr_window_get_session (data);
  return session != NULL && g_list_model_get_n_items (dr_session_get_items (session)) == 2
         && !dr_session_is_importing (session);
}

static gboolean
second_shown (gpointer data)
{
  DrWindow *w = data;
  return dr_window_get_current (w) != NULL
         && g_str_has_suffix (dr_photo_item_get_path (dr_window_get_current (w)), "/b.jpg");
}

/* Creates a project at path through a window, imports a.jpg and b.jpg from the folder photos
 * and selects b.jpg; destroys the window. */
static void
make_project_on_second_photo (const char *path, const char *photos)
{
  DrWindow *w = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (dr_window_open_project (w, path, TRUE));
  g_autoptr (GFile) folder = g_file_new_for_path (photos);
  dr_window_add_files (w, &folder, 1);
  gui_wait_for (two_imported, w, 60, "the photos to be imported");
  gui_settle (30, 5000);
  GListModel *items = dr_session_get_items (dr_window_get_session (w));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (items, i);
      if (g_str_has_suffix (dr_photo_item_get_path (item), "/b.jpg"))
        g_assert_true (dr_photo_list_select_item (dr_window_get_photo_list (w), item));
    }
  gui_settle (30, 5000);
  g_assert_true (second_shown (w));
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);
}

/* The target of the "Open Recent" entry of window w whose label is label; fails when none. */
static GVariant *
recent_target (DrWindow *w, const char *label)
{
  GMenuModel *menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (w), DR_TYPE_WINDOW,
                                                                  "recent_menu"));
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *shown = NULL;
      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &shown);
      if (g_strcmp0 (shown, label) == 0)
        return g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                      G_VARIANT_TYPE_STRING);
    }
  g_error ("\"Open Recent\" has no entry \"%s\"", label);
}

static gboolean
project_opened (gpointer data)
{
  return !dr_window_is_opening (data) && dr_window_get_session (data) != NULL;
}

/* A new window opens the project through its "Open Recent" entry, on photo b.jpg. */
static void
assert_reopens_from_menu (const char *path, const char *label)
{
  DrWindow *w = dr_window_new (NULL);
  gtk_window_present (GTK_WINDOW (w));
  g_autoptr (GVariant) target = recent_target (w, label);
  g_action_group_activate_action (G_ACTION_GROUP (w), "open-recent", target);
  /* Opened off the main loop: nothing is open yet when the action returns. */
  g_assert_true (dr_window_is_opening (w));
  g_assert_null (dr_window_get_session (w));
  gui_wait_for (project_opened, w, 30, "the project to open from \"Open Recent\"");
  g_assert_cmpstr (dr_session_get_path (dr_window_get_session (w)), ==, path);
  gui_wait_for (second_shown, w, 30, "the last photo to be shown again from \"Open Recent\"");
  gtk_window_destroy (GTK_WINDOW (w));
  gui_settle (30, 5000);
}

static void
test_non_utf8_project (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dr-project-names-XXXXXX", NULL);
  g_autofree char *photos = g_build_filename (dir, "photos", NULL);
  g_assert_cmpint (g_mkdir (photos, 0700), ==, 0);
  make_photo (photos, "a.jpg", 0x40608000u);
  make_photo (photos, "b.jpg", 0x80604000u);
  g_autofree char *path = g_build_filename (dir, "claim-\xfe.damagereview", NULL);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_settings_reset (settings, "recent-projects");
  g_settings_reset (settings, "last-project");

  make_project_on_second_photo (path, photos);
  g_autofree char *last = g_settings_get_string (settings, "last-project");
  g_auto (GStrv) recent = g_settings_get_strv (settings, "recent-projects");
  g_test_message ("last-project: %s", last);
  g_assert_cmpuint (g_strv_length (recent), ==, 1);
  g_assert_cmpstr (recent[0], ==, last);
  g_autofree char *named = g_filename_from_uri (last, NULL, NULL);
  g_assert_cmpstr (named, ==, path);
  g_autofree char *label = g_filename_display_basename (path);
  assert_reopens_from_menu (path, label);

  /* Values stored by older versions: plain paths (here a UTF-8 one, which they could store). */
  g_autofree char *plain = g_build_filename (dir, "plain.damagereview", NULL);
  make_project_on_second_photo (plain, photos);
  const char *old_recent[] = { plain, NULL };
  g_settings_set_strv (settings, "recent-projects", old_recent);
  g_settings_set_string (settings, "last-project", plain);
  assert_reopens_from_menu (plain, "plain.damagereview");
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("dr-gui-names-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  dr_register_resource ();
  g_test_add_func ("/app/photo-names/non-utf8", test_non_utf8_name);
  g_test_add_func ("/app/photo-names/non-utf8-project", test_non_utf8_project);
  return g_test_run ();
}
