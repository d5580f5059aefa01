/* dr-pg-migrate.c — apply the embedded migrations in one locked transaction. */
#include "config.h"

#include "dr-pg-migrate.h"

#include <stdlib.h>
#include <string.h>

#include "dr-pg-resources.h"

#define MIGRATIONS_PATH RESOURCE_BASE "/pg/migrations"

/* Key of the transaction-level advisory lock every migration takes ("DRpg" in ASCII). */
#define MIGRATION_LOCK "1146253415"

/* qsort comparator of two string pointers. */
static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The embedded migration file names, sorted; each starts with its three-digit version, and the
 * versions are exactly 1 … n (checked once: a gap is a build mistake, so it aborts). */
static GStrv
migration_names (void)
{
  static GStrv names;
  if (g_once_init_enter (&names))
    {
      dr_pg_register_resource ();
      GStrv found = g_resource_enumerate_children (dr_pg_get_resource (), MIGRATIONS_PATH,
                                                   G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (found != NULL);
      guint n = g_strv_length (found);
      qsort (found, n, sizeof (char *), compare_names);
      for (guint i = 0; i < n; i++)
        g_assert (g_ascii_strtoll (found[i], NULL, 10) == (gint64) i + 1
                  && strlen (found[i]) > 4 && found[i][3] == '-');
      g_once_init_leave (&names, found);
    }
  return names;
}

/* The highest embedded migration version. */
int
dr_pg_migrate_latest_version (void)
{
  return (int) g_strv_length (migration_names ());
}

/* The SQL of migration @version. */
GBytes *
dr_pg_migrate_get_sql (int version)
{
  if (version < 1 || version > dr_pg_migrate_latest_version ())
    return NULL;
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", migration_names ()[version - 1], NULL);
  return g_resource_lookup_data (dr_pg_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

/* See dr-pg-migrate.h. Two prepared queries: whether the table exists, then its maximum. */
gboolean
dr_pg_migrate_read_version (DrPgConn *conn, int *version, GError **error)
{
  *version = 0;
  g_autoptr (PGresult) has = dr_pg_conn_exec (conn, "dr_schema_exists",
    "SELECT to_regclass ('dr.schema_version') IS NOT NULL", 0, NULL, error);
  if (has == NULL)
    return FALSE;
  if (strcmp (PQgetvalue (has, 0, 0), "t") != 0)
    return TRUE;
  g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_schema_version",
    "SELECT coalesce (max (version), 0) FROM dr.schema_version", 0, NULL, error);
  if (res == NULL)
    return FALSE;
  *version = (int) g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  return TRUE;
}

/* Runs one embedded script (several statements) inside the open transaction. The text is our
 * own, compiled into the binary; no value is spliced into it. */
static gboolean
run_script (DrPgConn *conn, const char *sql, const char *what, GError **error)
{
  g_autoptr (PGresult) res = PQexec (dr_pg_conn_get_pq (conn), sql);
  if (res != NULL && PQresultStatus (res) == PGRES_COMMAND_OK)
    return TRUE;
  dr_pg_conn_set_error (conn, res, what, error);
  return FALSE;
}

/* Creates dr and dr.schema_version when missing (the state before migration 1). */
static const char bootstrap_sql[] =
  "CREATE SCHEMA IF NOT EXISTS dr;"
  "CREATE TABLE IF NOT EXISTS dr.schema_version ("
  "  version     integer PRIMARY KEY CHECK (version > 0),"
  "  name        text NOT NULL,"
  "  applied_at  timestamptz NOT NULL DEFAULT now (),"
  "  applied_by  name NOT NULL DEFAULT session_user"
  ");";

/* Applies migrations current+1 … latest, recording each. */
static gboolean
apply_missing (DrPgConn *conn, int current, GError **error)
{
  if (!run_script (conn, bootstrap_sql, "creating the schema", error))
    return FALSE;
  int latest = dr_pg_migrate_latest_version ();
  for (int v = current + 1; v <= latest; v++)
    {
      g_autoptr (GBytes) bytes = dr_pg_migrate_get_sql (v);
      gsize size = 0;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autofree char *sql = g_strndup (data, size);
      const char *name = migration_names ()[v - 1];
      g_autofree char *what = g_strdup_printf ("applying migration %s", name);
      if (!run_script (conn, sql, what, error))
        return FALSE;
      g_autofree char *version = g_strdup_printf ("%d", v);
      const char *params[] = { version, name };
      g_autoptr (PGresult) res = dr_pg_conn_exec (conn, "dr_schema_record",
        "INSERT INTO dr.schema_version (version, name) VALUES ($1::integer, $2)", 2, params,
        error);
      if (res == NULL)
        return FALSE;
    }
  return TRUE;
}

/* See dr-pg-migrate.h. */
gboolean
dr_pg_migrate (DrPgConn *conn, GError **error)
{
  if (!dr_pg_conn_begin (conn, error))
    return FALSE;
  g_autoptr (PGresult) lock = dr_pg_conn_exec (conn, "dr_migration_lock",
    "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")", 0, NULL, error);
  int current = 0;
  if (lock == NULL || !dr_pg_migrate_read_version (conn, &current, error))
    {
      dr_pg_conn_rollback (conn);
      return FALSE;
    }
  int latest = dr_pg_migrate_latest_version ();
  if (current > latest)
    {
      dr_pg_conn_rollback (conn);
      g_set_error (error, DR_PG_ERROR, DR_PG_ERROR_SCHEMA_NEW,
                   "%s: the team schema is version %d, newer than this Damage Review (version "
                   "%d); update the app", dr_pg_conn_get_server (conn), current, latest);
      return FALSE;
    }
  if (current < latest && !apply_missing (conn, current, error))
    {
      dr_pg_conn_rollback (conn);
      return FALSE;
    }
  return dr_pg_conn_commit (conn, error);
}
