/* dr-model-set.c — finding, loading and hashing the four damage checkpoints. */
#include "config.h"

#include "dr-model-set.h"

#include <glib/gi18n-lib.h>

#include "dr-file-hash.h"
#include "dr-store-error.h"

typedef struct {
  char *path;        /* found file, or NULL */
  gboolean tried;    /* dr_model_set_load ran for this damage */
  NnUnet *model;     /* loaded model, or NULL */
  char *sha256;      /* hex digest of the loaded file, or NULL */
  GError *error;     /* why loading failed, or NULL */
} DrModelSlot;

struct _DrModelSet {
  GObject parent_instance;

  GPtrArray *dirs;         /* char*, NULL-terminated: directories searched, in order */
  GPtrArray *dir_origins;  /* const char*: where each directory came from (for messages) */
  DrModelSlot slots[DR_N_DAMAGE];
};

G_DEFINE_FINAL_TYPE (DrModelSet, dr_model_set, G_TYPE_OBJECT)

/* Frees every model, path, digest and error; leaves the object safe to finalize. */
static void
dr_model_set_finalize (GObject *object)
{
  DrModelSet *self = DR_MODEL_SET (object);

  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      DrModelSlot *slot = &self->slots[d];
      g_free (slot->path);
      g_free (slot->sha256);
      g_clear_error (&slot->error);
      if (slot->model != NULL)
        nn_unet_free (slot->model);
    }
  g_ptr_array_unref (self->dirs);
  g_ptr_array_unref (self->dir_origins);

  G_OBJECT_CLASS (dr_model_set_parent_class)->finalize (object);
}

/* Installs finalize. */
static void
dr_model_set_class_init (DrModelSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dr_model_set_finalize;
}

/* Starts with no directories and no models. */
static void
dr_model_set_init (DrModelSet *self)
{
  self->dirs = g_ptr_array_new_with_free_func (g_free);
  self->dir_origins = g_ptr_array_new ();
}

/* Appends dir (if non-empty and not already listed) with its origin label. */
static void
add_dir (DrModelSet *self, const char *dir, const char *origin)
{
  if (dir == NULL || *dir == '\0')
    return;
  for (guint i = 0; i < self->dirs->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->dirs, i), dir) == 0)
      return;
  g_ptr_array_add (self->dirs, g_strdup (dir));
  g_ptr_array_add (self->dir_origins, (gpointer) origin);
}

/* Builds the search list and records the first existing regular file per damage type. */
DrModelSet *
dr_model_set_locate (const char *models_dir)
{
  DrModelSet *self = g_object_new (DR_TYPE_MODEL_SET, NULL);

  add_dir (self, models_dir, "--models");
  add_dir (self, g_getenv ("DAMAGE_REVIEW_MODELS"), "$DAMAGE_REVIEW_MODELS");
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), PACKAGE_NAME,
                                                "models", NULL);
  add_dir (self, user_dir, "$XDG_DATA_HOME/damage-review/models");
  add_dir (self, MODELSDIR, N_("installed"));
  g_ptr_array_add (self->dirs, NULL);

  for (int d = 0; d < DR_N_DAMAGE; d++)
    for (guint i = 0; self->slots[d].path == NULL && i + 1 < self->dirs->len; i++)
      for (const char *const *name = dr_damage_get_file_names (d); *name != NULL; name++)
        {
          g_autofree char *path = g_build_filename (g_ptr_array_index (self->dirs, i),
                                                    *name, NULL);
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            {
              self->slots[d].path = g_steal_pointer (&path);
              break;
            }
        }
  return self;
}

/* Returns the NULL-terminated directory list owned by self. */
const char *const *
dr_model_set_get_search_dirs (DrModelSet *self)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self), NULL);
  return (const char *const *) self->dirs->pdata;
}

/* Returns the found path (owned by self) or NULL. */
const char *
dr_model_set_get_path (DrModelSet *self, DrDamage damage)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self) && DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return self->slots[damage].path;
}

/* Formats "Name: expected FILE (also …) in none of: DIR (origin), …" as one line. */
char *
dr_model_set_describe_missing (DrModelSet *self, DrDamage damage)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self) && DR_DAMAGE_IS_VALID ((int) damage), NULL);

  const char *const *names = dr_damage_get_file_names (damage);
  g_autoptr (GString) others = g_string_new (NULL);
  for (const char *const *name = names + 1; *name != NULL; name++)
    g_string_append_printf (others, "%s%s", others->len ? ", " : "", *name);

  g_autoptr (GString) dirs = g_string_new (NULL);
  for (guint i = 0; i + 1 < self->dirs->len; i++)
    g_string_append_printf (dirs, "%s%s (%s)", i ? ", " : "",
                            (const char *) g_ptr_array_index (self->dirs, i),
                            _(g_ptr_array_index (self->dir_origins, i)));

  /* TRANSLATORS: model name, expected file name, other accepted names, directories */
  return g_strdup_printf (_("%s model not found: expected %s (or %s) in one of: %s"),
                          dr_damage_get_display_name (damage), names[0], others->str,
                          dirs->str);
}

/* Maps an engine status to the store's error codes. */
static DrStoreError
error_code_for (NnStatus status)
{
  switch (status)
    {
    case NN_ERR_IO:
      return DR_STORE_ERROR_IO;
    case NN_ERR_FORMAT:
    case NN_ERR_MODEL:
      return DR_STORE_ERROR_CORRUPT;
    case NN_ERR_UNSUPPORTED:
    case NN_ERR_SECURITY:
      return DR_STORE_ERROR_UNSUPPORTED;
    case NN_ERR_NOMEM:
      return DR_STORE_ERROR_TOO_LARGE;
    case NN_OK:
    case NN_ERR_ABORTED:
    case NN_ERR_ARGUMENT:
    default:
      return DR_STORE_ERROR_FAILED;
    }
}

/* Tries the load once per damage type and caches model, digest or error. */
gboolean
dr_model_set_load (DrModelSet *self, DrDamage damage, GError **error)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self) && DR_DAMAGE_IS_VALID ((int) damage), FALSE);
  DrModelSlot *slot = &self->slots[damage];

  if (!slot->tried)
    {
      slot->tried = TRUE;
      if (slot->path == NULL)
        {
          g_autofree char *msg = dr_model_set_describe_missing (self, damage);
          slot->error = g_error_new_literal (DR_STORE_ERROR, DR_STORE_ERROR_NOT_FOUND, msg);
        }
      else
        {
          NnError nn_err = { 0 };
          NnUnet *model = NULL;
          NnStatus status = nn_unet_load (slot->path, &model, &nn_err);
          if (status != NN_OK)
            slot->error = g_error_new_literal (DR_STORE_ERROR, error_code_for (status),
                                               nn_err.message);
          else
            {
              slot->sha256 = dr_file_sha256 (slot->path, &slot->error);
              if (slot->sha256 == NULL)
                nn_unet_free (model);
              else
                slot->model = model;
            }
        }
    }

  if (slot->error != NULL)
    {
      g_propagate_error (error, g_error_copy (slot->error));
      return FALSE;
    }
  return TRUE;
}

/* Returns the shared read-only model or NULL. */
const NnUnet *
dr_model_set_get_model (DrModelSet *self, DrDamage damage)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self) && DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return self->slots[damage].model;
}

/* Returns the digest (owned by self) or NULL. */
const char *
dr_model_set_get_sha256 (DrModelSet *self, DrDamage damage)
{
  g_return_val_if_fail (DR_IS_MODEL_SET (self) && DR_DAMAGE_IS_VALID ((int) damage), NULL);
  return self->slots[damage].sha256;
}
