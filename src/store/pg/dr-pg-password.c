/* dr-pg-password.c — see dr-pg-password.h. */
#include <string.h>

#include "dr-pg-password.h"

static GMutex lock;
static GHashTable *passwords;  /* location → password, both owned; guarded by lock */

/* Overwrites a string's bytes before it is freed. */
static void
wipe_free (gpointer data)
{
  char *s = data;
  if (s == NULL)
    return;
  memset (s, 0, strlen (s));
  g_free (s);
}

/* See header. */
void
dr_pg_password_free (char *password)
{
  wipe_free (password);
}

/* See header. */
void
dr_pg_password_set (const char *location, const char *password)
{
  g_return_if_fail (location != NULL);
  g_mutex_lock (&lock);
  if (passwords == NULL)
    passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  if (password == NULL || *password == '\0')
    g_hash_table_remove (passwords, location);
  else
    g_hash_table_replace (passwords, g_strdup (location), g_strdup (password));
  g_mutex_unlock (&lock);
}

/* See header. */
char *
dr_pg_password_dup (const char *location)
{
  g_return_val_if_fail (location != NULL, NULL);
  g_mutex_lock (&lock);
  char *copy = passwords ? g_strdup (g_hash_table_lookup (passwords, location)) : NULL;
  g_mutex_unlock (&lock);
  return copy;
}

/* Defaults that find a dead network path (libpq's are the system's: about two hours before an
 * idle connection is probed, some fifteen minutes of retransmission before a stalled one
 * fails, while the writer or a reader waits on it): a connection whose sent data is not
 * acknowledged for DR_PG_TCP_USER_TIMEOUT_MS fails, and an idle one is probed after 30 s, every
 * 10 s, given up after 3 probes unanswered. Unix sockets ignore them. */
static const char *const tcp_keys[] = {
  "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
};
static const char *const tcp_values[] = {
  "30", "10", "3", G_STRINGIFY (DR_PG_TCP_USER_TIMEOUT_MS),
};

/* See header. */
void
dr_pg_password_params (const char *location, const char *const *extra_keys,
                       const char *const *extra_values, guint n_extra, char ***keys,
                       char ***values)
{
  char *password = dr_pg_password_dup (location);
  /* libpq's own default is to wait for ever (PGCONNECT_TIMEOUT, when set, is the user's). */
  gboolean timeout = g_getenv ("PGCONNECT_TIMEOUT") == NULL;
  guint n_tcp = G_N_ELEMENTS (tcp_keys);
  guint n = timeout + n_tcp + 1 + n_extra + (password != NULL), at = 0;
  *keys = g_new0 (char *, n + 1);
  *values = g_new0 (char *, n + 1);
  if (timeout)
    {
      (*keys)[at] = g_strdup ("connect_timeout");
      (*values)[at++] = g_strdup (G_STRINGIFY (DR_PG_CONNECT_TIMEOUT_S));
    }
  for (guint i = 0; i < n_tcp; i++)
    {
      (*keys)[at] = g_strdup (tcp_keys[i]);
      (*values)[at++] = g_strdup (tcp_values[i]);
    }
  (*keys)[at] = g_strdup ("dbname");
  (*values)[at++] = g_strdup (location);
  for (guint i = 0; i < n_extra; i++)
    {
      (*keys)[at] = g_strdup (extra_keys[i]);
      (*values)[at++] = g_strdup (extra_values[i]);
    }
  if (password != NULL)
    {
      (*keys)[at] = g_strdup ("password");
      (*values)[at] = password;
    }
}

/* See header. */
void
dr_pg_password_params_free (char **keys, char **values)
{
  if (values != NULL)
    for (guint i = 0; values[i] != NULL; i++)
      wipe_free (g_steal_pointer (&values[i]));
  g_free (values);
  g_strfreev (keys);
}
