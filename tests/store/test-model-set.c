/* test-model-set.c — model lookup order, accepted file names and the missing-model message. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dr-model-set.h"
#include "dr-store-error.h"

typedef struct {
  char *root;      /* temporary directory holding everything below */
  char *cli_dir;   /* stands for --models DIR */
  char *env_dir;   /* $DAMAGE_REVIEW_MODELS */
  char *xdg_dir;   /* $XDG_DATA_HOME/damage-review/models */
} Dirs;

static Dirs dirs;

/* Creates an empty file dir/name (lookup only tests that the file exists). */
static char *
touch (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
  return path;
}

/* Removes every file the tests created in the three model dirs. */
static void
clear_dirs (void)
{
  const char *all[] = { dirs.cli_dir, dirs.env_dir, dirs.xdg_dir };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autoptr (GDir) d = g_dir_open (all[i], 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (all[i], name, NULL);
          g_unlink (path);
        }
    }
}

/* --models beats $DAMAGE_REVIEW_MODELS beats $XDG_DATA_HOME, per damage type. */
static void
test_order (void)
{
  clear_dirs ();
  g_autofree char *scratch_cli = touch (dirs.cli_dir, "[DAMAGE][Scratch_0]Unet.pt");
  g_autofree char *scratch_env = touch (dirs.env_dir, "[DAMAGE][Scratch_0]Unet.pt");
  g_autofree char *crushed_env = touch (dirs.env_dir, "[DAMAGE][Crushed_2]Unet.pt");
  g_autofree char *crushed_xdg = touch (dirs.xdg_dir, "[DAMAGE][Crushed_2]Unet.pt");
  g_autofree char *breakage_xdg = touch (dirs.xdg_dir, "[DAMAGE][Breakage_3]Unet.pt");

  g_autoptr (DrModelSet) set = dr_model_set_locate (dirs.cli_dir);
  g_assert_cmpstr (dr_model_set_get_path (set, DR_DAMAGE_SCRATCH), ==, scratch_cli);
  g_assert_cmpstr (dr_model_set_get_path (set, DR_DAMAGE_CRUSHED), ==, crushed_env);
  g_assert_cmpstr (dr_model_set_get_path (set, DR_DAMAGE_BREAKAGE), ==, breakage_xdg);
  g_assert_null (dr_model_set_get_path (set, DR_DAMAGE_SEPARATED));

  const char *const *searched = dr_model_set_get_search_dirs (set);
  g_assert_cmpstr (searched[0], ==, dirs.cli_dir);
  g_assert_cmpstr (searched[1], ==, dirs.env_dir);
  g_assert_cmpstr (searched[2], ==, dirs.xdg_dir);
  g_assert_cmpstr (searched[3], ==, MODELSDIR);
  g_assert_null (searched[4]);

  /* Without --models the environment directory comes first. */
  g_autoptr (DrModelSet) set2 = dr_model_set_locate (NULL);
  g_assert_cmpstr (dr_model_set_get_path (set2, DR_DAMAGE_SCRATCH), ==, scratch_env);
}

/* Both spellings of Separated and the .safetensors variants are found; .pt is preferred. */
static void
test_names (void)
{
  clear_dirs ();
  g_autofree char *sep = touch (dirs.cli_dir, "[DAMAGE][Separated_1]Unet.pt");
  g_autofree char *st = touch (dirs.cli_dir, "[DAMAGE][Scratch_0]Unet.safetensors");
  g_autoptr (DrModelSet) set = dr_model_set_locate (dirs.cli_dir);
  g_assert_cmpstr (dr_model_set_get_path (set, DR_DAMAGE_SEPARATED), ==, sep);
  g_assert_cmpstr (dr_model_set_get_path (set, DR_DAMAGE_SCRATCH), ==, st);

  g_autofree char *orig = touch (dirs.cli_dir, "[DAMAGE][Seperated_1]Unet.pt");
  g_autofree char *pt = touch (dirs.cli_dir, "[DAMAGE][Scratch_0]Unet.pt");
  g_autoptr (DrModelSet) set2 = dr_model_set_locate (dirs.cli_dir);
  g_assert_cmpstr (dr_model_set_get_path (set2, DR_DAMAGE_SEPARATED), ==, orig);
  g_assert_cmpstr (dr_model_set_get_path (set2, DR_DAMAGE_SCRATCH), ==, pt);

  g_assert_cmpstr (dr_damage_get_model_name (DR_DAMAGE_SEPARATED), ==, "Separated");
  g_assert_cmpstr (dr_damage_get_file_names (DR_DAMAGE_SEPARATED)[0], ==,
                   "[DAMAGE][Seperated_1]Unet.pt");
}

/* A missing model fails to load with NOT_FOUND, naming the file and all four directories. */
static void
test_missing (void)
{
  clear_dirs ();
  g_autoptr (DrModelSet) set = dr_model_set_locate (dirs.cli_dir);
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_model_set_load (set, DR_DAMAGE_CRUSHED, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "[DAMAGE][Crushed_2]Unet.pt"));
  g_assert_nonnull (strstr (error->message, dirs.cli_dir));
  g_assert_nonnull (strstr (error->message, dirs.env_dir));
  g_assert_nonnull (strstr (error->message, dirs.xdg_dir));
  g_assert_nonnull (strstr (error->message, MODELSDIR));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (dr_model_set_get_model (set, DR_DAMAGE_CRUSHED));
  g_assert_null (dr_model_set_get_sha256 (set, DR_DAMAGE_CRUSHED));
}

/* A file that is not a checkpoint fails with the loader's one-line message naming it. */
static void
test_bad_file (void)
{
  clear_dirs ();
  g_autofree char *path = touch (dirs.cli_dir, "[DAMAGE][Breakage_3]Unet.pt");
  g_autoptr (DrModelSet) set = dr_model_set_locate (dirs.cli_dir);
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_model_set_load (set, DR_DAMAGE_BREAKAGE, &error));
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (dr_model_set_get_model (set, DR_DAMAGE_BREAKAGE));
}

/* Points $DAMAGE_REVIEW_MODELS and $XDG_DATA_HOME at fresh temporary directories (before
 * GLib caches the user data dir), runs the cases, removes what they created. */
int
main (int argc, char **argv)
{
  dirs.root = g_dir_make_tmp ("dr-model-set-XXXXXX", NULL);
  g_assert_nonnull (dirs.root);
  dirs.cli_dir = g_build_filename (dirs.root, "cli", NULL);
  dirs.env_dir = g_build_filename (dirs.root, "env", NULL);
  g_autofree char *xdg_home = g_build_filename (dirs.root, "xdg", NULL);
  dirs.xdg_dir = g_build_filename (xdg_home, "damage-review", "models", NULL);
  g_mkdir_with_parents (dirs.cli_dir, 0700);
  g_mkdir_with_parents (dirs.env_dir, 0700);
  g_mkdir_with_parents (dirs.xdg_dir, 0700);
  g_setenv ("DAMAGE_REVIEW_MODELS", dirs.env_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", xdg_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-set/order", test_order);
  g_test_add_func ("/model-set/names", test_names);
  g_test_add_func ("/model-set/missing", test_missing);
  g_test_add_func ("/model-set/bad-file", test_bad_file);
  int status = g_test_run ();

  clear_dirs ();
  g_rmdir (dirs.cli_dir);
  g_rmdir (dirs.env_dir);
  g_rmdir (dirs.xdg_dir);
  g_autofree char *dr_dir = g_path_get_dirname (dirs.xdg_dir);
  g_rmdir (dr_dir);
  g_rmdir (xdg_home);
  g_rmdir (dirs.root);
  g_free (dirs.root);
  g_free (dirs.cli_dir);
  g_free (dirs.env_dir);
  g_free (dirs.xdg_dir);
  return status;
}
