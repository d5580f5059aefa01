/* dr-keyring.c — see dr-keyring.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "dr-keyring.h"
#include "dr-pg-location.h"

/* The schema of a team login's password. */
static const SecretSchema *
team_login_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".TeamLogin", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* See header. */
GHashTable *
dr_keyring_attributes (const char *location)
{
  DrPgLocationParts parts;
  if (location == NULL || !dr_pg_location_get_parts (location, &parts))
    return NULL;
  GHashTable *attrs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (attrs, "server", g_steal_pointer (&parts.server));
  g_hash_table_insert (attrs, "port", g_steal_pointer (&parts.port));
  g_hash_table_insert (attrs, "database", g_steal_pointer (&parts.database));
  g_hash_table_insert (attrs, "login", g_steal_pointer (&parts.login));
  return attrs;
}

/* See header. */
char *
dr_keyring_lookup_sync (const char *location, GCancellable *cancellable)
{
  g_autoptr (GHashTable) attrs = dr_keyring_attributes (location);
  if (attrs == NULL)
    return NULL;
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookupv_sync (team_login_schema (), attrs, cancellable, &error);
  if (error != NULL)
    g_debug ("no keyring to look a team password up in: %s", error->message);
  if (secret == NULL)
    return NULL;
  char *copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static void
store_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* See header. */
void
dr_keyring_store_async (const char *location, const char *password, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dr_keyring_store_async);
  g_autoptr (GHashTable) attrs = dr_keyring_attributes (location);
  if (attrs == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                               _("This is not a valid connection"));
      g_object_unref (task);
      return;
    }
  g_autofree char *described = dr_pg_location_describe (location);
  /* TRANSLATORS: the keyring item's label; %s is "database@server". */
  g_autofree char *label = g_strdup_printf (_("Damage Review team project %s"), described);
  secret_password_storev (team_login_schema (), attrs, SECRET_COLLECTION_DEFAULT, label,
                          password, cancellable, store_done_cb, task);
}

/* See header. */
gboolean
dr_keyring_store_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
