/* test-pg-open-async.c — dr_project_open_async connects to a team server without blocking the
 * calling thread's main loop: against a server that accepts the TCP connection and never answers
 * (a listening socket of this test), a timeout source keeps ticking while the open is pending,
 * and cancelling ends it with G_IO_ERROR_CANCELLED and closes the connection; its connect_timeout
 * ends it as a blocking open would. A reachable team
 * project and a project file still open. A team project opened this way never waits longer
 * than DR_PG_ANSWER_TIMEOUT_S for an answer: with its server hung (every process of a private
 * server SIGSTOPped, so the kernel still acknowledges and nothing times out below us), a read
 * fails as unreachable ("did not answer") and the project says it is lost. A host name is
 * looked up through GResolver, not by libpq on the calling thread: with a stand-in resolver that
 * answers only after the main loop has ticked TICKS_WHILE_PENDING times, a name only it knows
 * ("team-server.invalid" → 127.0.0.1) connects, to that address, under that name.
 *
 *   test-pg-open-async --tap */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dr-pg-conn.h"
#include "dr-photo.h"
#include "dr-project.h"
#include "dr-store-error.h"
#include "pg-test-util.h"

/* Ticks of the main loop the pending open must let through. */
#define TICKS_WHILE_PENDING 20
#define TICK_INTERVAL_MS 10

typedef struct {
  gboolean done;
  DrProject *project;
  GError *error;
} OpenResult;

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  OpenResult *r = data;
  r->project = dr_project_open_finish (result, &r->error);
  r->done = TRUE;
}

static gboolean
tick_cb (gpointer data)
{
  guint *ticks = data;
  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until the open has returned. */
static void
wait_done (OpenResult *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

/* A listening TCP socket on 127.0.0.1 that never accepts: the kernel completes the handshake,
 * nobody ever answers libpq's startup packet. *uri gets a location for it with @extra options. */
static GSocket *
silent_server (const char *extra, char **uri)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (listener, any, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (listener, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  *uri = g_strdup_printf ("postgresql://nobody@127.0.0.1:%u/silent?sslmode=disable&"
                          "gssencmode=disable%s", port, extra);
  return g_steal_pointer (&listener);
}

/* Runs the default main context until the open returned or ticked TICKS_WHILE_PENDING times;
 * fails if the open returned first (the loop stood still while it connected). */
static void
assert_loop_runs_while_pending (OpenResult *r)
{
  guint ticks = 0;
  guint tick = g_timeout_add (TICK_INTERVAL_MS, tick_cb, &ticks);
  while (!r->done && ticks < TICKS_WHILE_PENDING)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (r->done)
    g_test_message ("the open returned after %u ticks: %s", ticks,
                    r->error ? r->error->message : "opened");
  g_assert_false (r->done);
  g_assert_cmpuint (ticks, >=, TICKS_WHILE_PENDING);
}

/* Against a silent server the loop keeps running; only cancelling ends the open. */
static void
test_silent_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GSocket) listener = silent_server ("", &uri);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  OpenResult r = { 0 };
  dr_project_open_async (uri, DR_PROJECT_OPEN_EXISTING, cancellable, opened_cb, &r);
  assert_loop_runs_while_pending (&r);

  g_cancellable_cancel (cancellable);
  wait_done (&r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.project);
  g_clear_error (&r.error);

  /* The connection reached the socket and was closed by the cancel: after libpq's startup
   * packet the peer reads end of file. */
  g_autoptr (GSocket) peer = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (peer, 60);
  char buf[512];
  gssize n;
  gsize total = 0;
  while ((n = g_socket_receive (peer, buf, sizeof buf, NULL, &error)) > 0)
    total += n;
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpuint (total, >, 0);
}

/* The location's connect_timeout (2 s, libpq's least) ends the non-blocking connect too, with
 * the error the blocking dr_project_open gives, and the loop runs meanwhile. */
static void
test_silent_server_timeout (void)
{
  g_autofree char *uri = NULL;
  g_autoptr (GSocket) listener = silent_server ("&connect_timeout=2", &uri);
  OpenResult r = { 0 };
  dr_project_open_async (uri, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &r);
  assert_loop_runs_while_pending (&r);
  wait_done (&r);
  g_assert_null (r.project);
  g_autoptr (GError) sync_error = NULL;
  g_autoptr (DrProject) sync = dr_project_open (uri, DR_PROJECT_OPEN_EXISTING, &sync_error);
  g_assert_null (sync);
  g_assert_nonnull (r.error);
  g_assert_error (r.error, sync_error->domain, sync_error->code);
  g_assert_cmpstr (r.error->message, ==, sync_error->message);
  g_clear_error (&r.error);
}

/* A real team project opens through the non-blocking connect, owned by this thread, and reads
 * the same photo count as psql. */
static void
test_team_project (void)
{
  g_autoptr (DrPgTestDb) db = dr_pg_test_db_new ();
  g_free (dr_pg_test_db_create_team (db, "east"));
  const char *reviewer = dr_pg_test_db_add_login (db, "reviewer");
  dr_pg_test_db_add_member (db, "east", reviewer, "reviewer");
  g_autofree char *uri = dr_pg_test_db_conninfo (db, reviewer);

  OpenResult r = { 0 };
  dr_project_open_async (uri, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &r);
  wait_done (&r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.project);
  g_assert_true (dr_project_is_owner (r.project));
  g_assert_cmpstr (dr_project_get_path (r.project), ==, uri);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = dr_photo_list (r.project, &error);
  g_assert_no_error (error);
  g_autofree char *count = dr_pg_test_psql_ok (db, NULL, "SELECT count(*) FROM dr.photos");
  g_assert_cmpuint (infos->len, ==, g_ascii_strtoull (count, NULL, 10));
  g_clear_object (&r.project);

  /* A wrong password fails with the store's one line, as dr_project_open does. */
  g_autofree char *wrong = dr_pg_test_db_conninfo_password (db, reviewer, "not-it");
  OpenResult w = { 0 };
  dr_project_open_async (wrong, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &w);
  wait_done (&w);
  g_autoptr (GError) sync_error = NULL;
  g_autoptr (DrProject) sync = dr_project_open (wrong, DR_PROJECT_OPEN_EXISTING, &sync_error);
  g_assert_null (sync);
  g_assert_null (w.project);
  g_assert_error (w.error, sync_error->domain, sync_error->code);
  g_assert_cmpstr (w.error->message, ==, sync_error->message);
  g_clear_error (&w.error);
}


/* A GResolver that knows one name, team-server.invalid = 127.0.0.1, and answers a lookup only
 * when the test says so (answer_pending). */
typedef struct {
  GResolver parent_instance;
  GPtrArray *asked;      /* names looked up */
  GTask *pending;        /* the lookup waiting for its answer, or NULL */
} TestResolver;
typedef GResolverClass TestResolverClass;
static GType test_resolver_get_type (void);
G_DEFINE_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestResolver, g_object_unref)

static void
test_resolver_lookup_async (GResolver *resolver, const char *name, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer data)
{
  TestResolver *self = (TestResolver *) resolver;
  g_ptr_array_add (self->asked, g_strdup (name));
  GTask *task = g_task_new (resolver, cancellable, callback, data);
  if (g_strcmp0 (name, "team-server.invalid") != 0 || self->pending != NULL)
    {
      g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "unknown");
      g_object_unref (task);
      return;
    }
  self->pending = task;
}

static void
test_resolver_lookup_flags_async (GResolver *resolver, const char *name,
                                  GResolverNameLookupFlags flags, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer data)
{
  test_resolver_lookup_async (resolver, name, cancellable, callback, data);
}

static GList *
test_resolver_lookup_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_finalize (GObject *object)
{
  TestResolver *self = (TestResolver *) object;
  g_ptr_array_unref (self->asked);
  G_OBJECT_CLASS (test_resolver_parent_class)->finalize (object);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_resolver_finalize;
  klass->lookup_by_name_async = test_resolver_lookup_async;
  klass->lookup_by_name_finish = test_resolver_lookup_finish;
  klass->lookup_by_name_with_flags_async = test_resolver_lookup_flags_async;
  klass->lookup_by_name_with_flags_finish = test_resolver_lookup_finish;
}

static void
test_resolver_init (TestResolver *self)
{
  self->asked = g_ptr_array_new_with_free_func (g_free);
}

/* Answers the pending lookup with 127.0.0.1. */
static void
answer_pending (TestResolver *self)
{
  GTask *task = g_steal_pointer (&self->pending);
  GList *addresses = g_list_append (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
  g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
  g_object_unref (task);
}

typedef struct {
  gboolean done;
  DrPgConn *conn;
  GError *error;
} ConnResult;

static void
conn_opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ConnResult *r = data;
  r->conn = dr_pg_conn_open_finish (result, &r->error);
  r->done = TRUE;
}

/* The name is looked up through GResolver while the main loop runs; libpq connects to the
 * address it gave, under the name. */
static void
test_resolved_host (void)
{
  const char *port = g_getenv ("PGPORT");
  g_autoptr (GResolver) previous = g_resolver_get_default ();
  g_autoptr (TestResolver) resolver = g_object_new (test_resolver_get_type (), NULL);
  g_resolver_set_default (G_RESOLVER (resolver));
  g_autofree char *conninfo = g_strdup_printf ("host=team-server.invalid port=%s dbname=%s",
                                               port ? port : "5432",
                                               g_getenv ("PGDATABASE") ? g_getenv ("PGDATABASE")
                                                                       : "postgres");
  ConnResult r = { 0 };
  dr_pg_conn_open_async (conninfo, DR_PG_OPEN_ANY_SCHEMA, NULL, conn_opened_cb, &r);
  guint ticks = 0;
  GSource *tick = g_timeout_source_new (TICK_INTERVAL_MS);
  g_source_set_callback (tick, tick_cb, &ticks, NULL);
  g_source_attach (tick, NULL);
  while (!r.done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (ticks >= TICKS_WHILE_PENDING && resolver->pending != NULL)
        answer_pending (resolver);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
  g_resolver_set_default (previous);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.conn);
  g_assert_cmpuint (resolver->asked->len, ==, 1);
  g_assert_cmpstr (resolver->asked->pdata[0], ==, "team-server.invalid");
  g_assert_cmpuint (ticks, >=, TICKS_WHILE_PENDING);
  PGconn *pq = dr_pg_conn_get_pq (r.conn);
  g_assert_cmpstr (PQhost (pq), ==, "team-server.invalid");
  g_assert_cmpstr (PQhostaddr (pq), ==, "127.0.0.1");
  dr_pg_conn_free (r.conn);
}

/* The window's non-blocking open gives a connection that stops waiting on a hung server. */
static void
test_hung_server (void)
{
  DrPgPrivateServer *server = dr_pg_private_server_start ();
  g_autofree char *admin = dr_pg_private_server_conninfo (server, "postgres", NULL);
  g_autoptr (GError) error = NULL;
  DrPgConn *migrated = dr_pg_conn_open (admin, DR_PG_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  dr_pg_conn_free (migrated);
  g_free (dr_pg_private_server_psql (server, "postgres", "SELECT dr.create_team ('t');"
                                                         "SELECT dr.add_member ('t', 'dr', 'lead')"));
  OpenResult r = { 0 };
  dr_project_open_async (admin, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &r);
  wait_done (&r);
  g_assert_no_error (r.error);
  g_autoptr (GPtrArray) before = dr_photo_list (r.project, &error);
  g_assert_no_error (error);
  g_assert_false (dr_project_is_lost (r.project));

  dr_pg_private_server_signal (server, SIGSTOP);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GPtrArray) during = dr_photo_list (r.project, &error);
  double waited = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  dr_pg_private_server_signal (server, SIGCONT);
  g_test_message ("a read on the hung server gave up after %.1f s: %s", waited,
                  error ? error->message : "(no error)");
  g_assert_null (during);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "did not answer"));
  g_assert_true (dr_project_is_lost (r.project));
  g_clear_object (&r.project);
  dr_pg_private_server_free (server);
}

/* A project file opens as dr_project_open opens it. */
static void
test_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-pg-open-async-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "a.damagereview", NULL);
  DrProject *created = dr_project_open (path, DR_PROJECT_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_object_unref (created);

  OpenResult r = { 0 };
  dr_project_open_async (path, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &r);
  wait_done (&r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (dr_project_get_path (r.project), ==, path);
  g_assert_true (dr_project_is_owner (r.project));
  g_clear_object (&r.project);

  g_autofree char *missing = g_build_filename (dir, "missing.damagereview", NULL);
  OpenResult m = { 0 };
  dr_project_open_async (missing, DR_PROJECT_OPEN_EXISTING, NULL, opened_cb, &m);
  wait_done (&m);
  g_assert_null (m.project);
  g_assert_nonnull (m.error);
  g_clear_error (&m.error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_unlink (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/open-async/silent-server", test_silent_server);
  g_test_add_func ("/pg/open-async/silent-server-timeout", test_silent_server_timeout);
  g_test_add_func ("/pg/open-async/team-project", test_team_project);
  g_test_add_func ("/pg/open-async/file", test_file);
  g_test_add_func ("/pg/open-async/hung-server", test_hung_server);
  g_test_add_func ("/pg/open-async/resolved-host", test_resolved_host);
  return g_test_run ();
}
