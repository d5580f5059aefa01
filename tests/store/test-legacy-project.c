/* test-legacy-project.c — a project file written by an older build (schema 2, main at 3fea989,
 * see data/legacy-v2/README.md) opens with this build, is migrated in place, and every row the
 * store API can address reads back exactly as the sqlite3 command-line tool reads it from the
 * file (the oracle: not our code). Also: a migration that fails leaves the file at its old
 * version with its rows intact. (A read-only old file: test-read-only.c, which can drop root.) */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dr-claim.h"
#include "dr-photo.h"
#include "dr-prediction.h"
#include "dr-project.h"
#include "dr-review.h"
#include "dr-revision.h"
#include "dr-schema.h"
#include "dr-store-backend.h"
#include "dr-store-error.h"
#include "dr-test-util.h"

#define FIXTURE TEST_DATA_DIR "/legacy-v2/legacy.damagereview"

/* Every table but heads, with its key. */
static const char *const tables[][2] = {
  { "claims", "id" }, { "photos", "id" }, { "models", "id" },
  { "predictions", "photo_id, damage, model_sha256" }, { "revisions", "id" },
  { "reviews", "id" }, { "notes", "id" }, { "ground_truth", "photo_id, damage, source" },
};

typedef struct {
  char *dir;
  char *path;
} Fixture;

/* A private copy of the fixture file. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = dr_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "legacy.damagereview", NULL);
  gsize length;
  g_autofree guint8 *bytes = dr_test_read_file (FIXTURE, &length);
  g_free (dr_test_write_file (f->dir, "legacy.damagereview", bytes, length));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  dr_test_rmtree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The sqlite3 tool's text output for sql on path (an empty string for no rows). */
static char *
cli (const char *path, const char *sql)
{
  const char *argv[] = { SQLITE3, "-json", path, sql, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sqlite3 %s: %s", sql, err);
  return g_steal_pointer (&out);
}

/* The rows of sql as a JSON array of objects (column → value), read by the sqlite3 tool. */
static JsonArray *
rows (const char *path, const char *sql)
{
  g_autofree char *text = cli (path, sql);
  if (g_strstrip (text)[0] == '\0')
    return json_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (root));
}

/* Column of a row: integer (NULL → fallback). */
static gint64
col_int (JsonObject *row, const char *name, gint64 fallback)
{
  JsonNode *n = json_object_get_member (row, name);
  g_assert_nonnull (n);
  return JSON_NODE_HOLDS_NULL (n) ? fallback : json_node_get_int (n);
}

/* Column of a row: real (NULL → -1). */
static double
col_double (JsonObject *row, const char *name)
{
  JsonNode *n = json_object_get_member (row, name);
  g_assert_nonnull (n);
  return JSON_NODE_HOLDS_NULL (n) ? -1 : json_node_get_double (n);
}

/* Column of a row: text, NULL for NULL (borrowed). */
static const char *
col_text (JsonObject *row, const char *name)
{
  JsonNode *n = json_object_get_member (row, name);
  g_assert_nonnull (n);
  return JSON_NODE_HOLDS_NULL (n) ? NULL : json_node_get_string (n);
}

/* Every table's rows, as the tool prints them, keyed by table (heads without version). */
static GHashTable *
dump (const char *path)
{
  GHashTable *all = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY %s", tables[i][0],
                                              tables[i][1]);
      g_hash_table_insert (all, (gpointer) tables[i][0], cli (path, sql));
    }
  g_hash_table_insert (all, "heads",
                       cli (path, "SELECT photo_id, damage, revision_id FROM heads ORDER BY 1, 2"));
  return all;
}

/* Asserts that the revision read through the store equals the tool's row. */
static void
assert_revision (const DrRevision *r, JsonObject *row)
{
  g_assert_cmpint (r->id, ==, col_int (row, "id", 0));
  g_assert_cmpint (r->photo_id, ==, col_int (row, "photo_id", 0));
  g_assert_cmpint (r->damage, ==, col_int (row, "damage", 0));
  g_assert_cmpint (r->parent_id, ==, col_int (row, "parent_id", 0));
  g_assert_cmpstr (r->rle, ==, col_text (row, "rle"));
  g_assert_cmpint (r->area, ==, col_int (row, "area", 0));
  g_assert_cmpstr (r->author, ==, col_text (row, "author"));
  g_assert_cmpint (r->created, ==, col_int (row, "created", 0));
  g_assert_cmpstr (dr_revision_kind_to_string (r->kind), ==, col_text (row, "kind"));
}

/* Asserts that the verdict read through the store equals the tool's row. */
static void
assert_review (const DrReview *r, JsonObject *row)
{
  g_assert_nonnull (r);
  g_assert_cmpint (r->id, ==, col_int (row, "id", 0));
  g_assert_cmpstr (dr_verdict_to_string (r->verdict), ==, col_text (row, "verdict"));
  g_assert_cmpint (r->revision_id, ==, col_int (row, "revision_id", 0));
  g_assert_cmpstr (r->model_sha256, ==, col_text (row, "model_sha256"));
  g_assert_cmpstr (r->author, ==, col_text (row, "author"));
  g_assert_cmpint (r->created, ==, col_int (row, "created", 0));
  g_assert_cmpfloat (r->iou, ==, col_double (row, "iou"));
  g_assert_cmpint (r->px_added, ==, col_int (row, "px_added", -1));
  g_assert_cmpint (r->px_removed, ==, col_int (row, "px_removed", -1));
}

/* Photos and claims: every row. */
static void
check_photos_and_claims (DrProject *project, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) photos = rows (path, "SELECT p.*, c.name AS claim FROM photos p"
                                             " JOIN claims c ON c.id = p.claim_id ORDER BY p.id");
  g_autoptr (GPtrArray) infos = dr_photo_list (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, json_array_get_length (photos));
  g_assert_cmpuint (infos->len, ==, 4);
  for (guint i = 0; i < json_array_get_length (photos); i++)
    {
      JsonObject *row = json_array_get_object_element (photos, i);
      g_autoptr (DrPhotoInfo) p = dr_photo_get (project, col_int (row, "id", 0), &error);
      g_assert_no_error (error);
      g_assert_cmpint (p->claim_id, ==, col_int (row, "claim_id", 0));
      g_assert_cmpstr (p->claim, ==, col_text (row, "claim"));
      g_assert_cmpstr (p->path, ==, col_text (row, "path"));
      g_assert_cmpstr (p->sha256, ==, col_text (row, "sha256"));
      g_assert_cmpint (p->size, ==, col_int (row, "size", -1));
      g_assert_cmpint (p->width, ==, col_int (row, "width", 0));
      g_assert_cmpint (p->height, ==, col_int (row, "height", 0));
      g_assert_cmpstr (p->error, ==, col_text (row, "error"));
      g_assert_cmpint (p->added, ==, col_int (row, "added", 0));
    }

  g_autoptr (JsonArray) claims = rows (path, "SELECT id, name FROM claims ORDER BY name");
  g_autoptr (GPtrArray) list = dr_claim_list (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, json_array_get_length (claims));
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < list->len; i++)
    {
      DrClaimInfo *c = list->pdata[i];
      JsonObject *row = json_array_get_object_element (claims, i);
      g_assert_cmpint (c->id, ==, col_int (row, "id", 0));
      g_assert_cmpstr (c->name, ==, col_text (row, "name"));
      guint n = 0;
      for (guint k = 0; k < json_array_get_length (photos); k++)
        n += col_int (json_array_get_object_element (photos, k), "claim_id", 0) == c->id;
      g_assert_cmpuint (c->n_photos, ==, n);
    }
}

/* Current models and their predictions: every row of a current model. */
static void
check_predictions (DrProject *project, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) photos = rows (path, "SELECT id FROM photos ORDER BY id");
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT sha256 FROM models WHERE damage = %d"
                                              " AND current = 1", d);
      g_autoptr (JsonArray) model = rows (path, sql);
      g_autofree char *current = dr_prediction_dup_current_model (project, d, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (current, ==, json_array_get_length (model) == 0 ? NULL
                         : col_text (json_array_get_object_element (model, 0), "sha256"));
      for (guint i = 0; i < json_array_get_length (photos); i++)
        {
          gint64 photo = col_int (json_array_get_object_element (photos, i), "id", 0);
          g_autofree char *psql = g_strdup_printf (
            "SELECT * FROM predictions WHERE photo_id = %" G_GINT64_FORMAT " AND damage = %d"
            " AND model_sha256 = (SELECT sha256 FROM models WHERE damage = %d AND current = 1)",
            photo, d, d);
          g_autoptr (JsonArray) pred = rows (path, psql);
          g_autoptr (DrPrediction) p = dr_prediction_get_current (project, photo, d, &error);
          g_assert_no_error (error);
          if (json_array_get_length (pred) == 0)
            {
              g_assert_null (p);
              continue;
            }
          JsonObject *row = json_array_get_object_element (pred, 0);
          g_assert_nonnull (p);
          g_assert_cmpstr (p->model_sha256, ==, col_text (row, "model_sha256"));
          g_assert_cmpstr (p->rle, ==, col_text (row, "rle"));
          g_assert_cmpint (p->area, ==, col_int (row, "area", 0));
          g_assert_cmpfloat (p->confidence, ==, col_double (row, "confidence"));
          g_assert_cmpint (p->created, ==, col_int (row, "created", 0));
        }
    }
}

/* Revisions (every row, through the backend: branches left by undo have no public reader),
 * heads and undo histories (every layer), verdicts (the newest of each layer and of each
 * revision judged), notes (the newest of each photo). */
static void
check_history (DrProject *project, const char *path)
{
  g_autoptr (GError) error = NULL;
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, &error);
  g_autoptr (JsonArray) revisions = rows (path, "SELECT * FROM revisions ORDER BY id");
  g_assert_cmpuint (json_array_get_length (revisions), ==, 5);
  for (guint i = 0; i < json_array_get_length (revisions); i++)
    {
      JsonObject *row = json_array_get_object_element (revisions, i);
      g_autoptr (DrRevision) r = conn->backend->revision_get (conn, col_int (row, "id", 0),
                                                              &error);
      g_assert_no_error (error);
      assert_revision (r, row);
    }
  g_autoptr (JsonArray) photos = rows (path, "SELECT id FROM photos ORDER BY id");
  for (guint i = 0; i < json_array_get_length (photos); i++)
    {
      gint64 photo = col_int (json_array_get_object_element (photos, i), "id", 0);
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          g_autofree char *hsql = g_strdup_printf (
            "SELECT r.* FROM heads h JOIN revisions r ON r.id = h.revision_id"
            " WHERE h.photo_id = %" G_GINT64_FORMAT " AND h.damage = %d", photo, d);
          g_autoptr (JsonArray) head = rows (path, hsql);
          g_autoptr (DrRevision) r = dr_revision_get_head (project, photo, d, &error);
          g_assert_no_error (error);
          g_autoptr (GPtrArray) history = dr_revision_list_history (project, photo, d, &error);
          g_assert_no_error (error);
          if (json_array_get_length (head) == 0)
            {
              g_assert_null (r);
              g_assert_cmpuint (history->len, ==, 0);
            }
          else
            {
              assert_revision (r, json_array_get_object_element (head, 0));
              /* The history ends at the head and follows the tool's parent links down. */
              g_assert_cmpuint (history->len, >, 0);
              gint64 expect = r->id;
              for (guint k = history->len; k-- > 0;)
                {
                  const DrRevision *h = history->pdata[k];
                  g_assert_cmpint (h->id, ==, expect);
                  g_autofree char *one = g_strdup_printf (
                    "SELECT * FROM revisions WHERE id = %" G_GINT64_FORMAT, expect);
                  g_autoptr (JsonArray) at = rows (path, one);
                  assert_revision (h, json_array_get_object_element (at, 0));
                  expect = h->parent_id;
                }
              g_assert_cmpint (expect, ==, 0);
            }

          g_autofree char *vsql = g_strdup_printf (
            "SELECT * FROM reviews WHERE photo_id = %" G_GINT64_FORMAT " AND damage = %d"
            " ORDER BY id DESC LIMIT 1", photo, d);
          g_autoptr (JsonArray) newest = rows (path, vsql);
          g_autoptr (DrReview) current = dr_review_get_current (project, photo, d, &error);
          g_assert_no_error (error);
          if (json_array_get_length (newest) == 0)
            g_assert_null (current);
          else
            assert_review (current, json_array_get_object_element (newest, 0));

          g_autofree char *gsql = g_strdup_printf (
            "SELECT * FROM reviews WHERE id IN (SELECT max (id) FROM reviews"
            " WHERE photo_id = %" G_GINT64_FORMAT " AND damage = %d GROUP BY revision_id)",
            photo, d);
          g_autoptr (JsonArray) per_revision = rows (path, gsql);
          for (guint k = 0; k < json_array_get_length (per_revision); k++)
            {
              JsonObject *row = json_array_get_object_element (per_revision, k);
              g_autoptr (DrReview) on = dr_review_get_on_revision (
                project, photo, d, col_int (row, "revision_id", 0), &error);
              g_assert_no_error (error);
              assert_review (on, row);
            }
        }
      g_autofree char *nsql = g_strdup_printf (
        "SELECT text FROM notes WHERE photo_id = %" G_GINT64_FORMAT " ORDER BY id DESC LIMIT 1",
        photo);
      g_autoptr (JsonArray) note = rows (path, nsql);
      g_autofree char *text = dr_review_dup_note (project, photo, &error);
      g_assert_no_error (error);
      const char *expect = json_array_get_length (note) == 0
                             ? NULL : col_text (json_array_get_object_element (note, 0), "text");
      g_assert_cmpstr (text, ==, expect != NULL && expect[0] != '\0' ? expect : NULL);
    }
}

/* One evaluation pair, checked against the tool's ground-truth and prediction rows. */
static gboolean
check_pair (const DrStoreEvaluationPair *pair, gpointer user_data, GError **error)
{
  const char *path = ((gpointer *) user_data)[0];
  guint *n = ((gpointer *) user_data)[1];
  g_autofree char *sql = g_strdup_printf (
    "SELECT g.rle AS truth, pr.rle AS prediction, p.width, p.height FROM ground_truth g"
    " JOIN predictions pr ON pr.photo_id = g.photo_id AND pr.damage = g.damage"
    " JOIN photos p ON p.id = g.photo_id"
    " WHERE g.photo_id = %" G_GINT64_FORMAT " AND g.damage = %d AND g.source = '%s'"
    " AND pr.model_sha256 = '%s'", pair->photo_id, pair->damage, pair->source,
    pair->model_sha256);
  g_autoptr (JsonArray) match = rows (path, sql);
  g_assert_cmpuint (json_array_get_length (match), ==, 1);
  JsonObject *row = json_array_get_object_element (match, 0);
  g_assert_cmpstr (pair->truth_rle, ==, col_text (row, "truth"));
  g_assert_cmpstr (pair->prediction_rle, ==, col_text (row, "prediction"));
  g_assert_cmpint (pair->width, ==, col_int (row, "width", 0));
  g_assert_cmpint (pair->height, ==, col_int (row, "height", 0));
  (*n)++;
  return TRUE;
}

/* Opens the old file, reads everything back, and compares the file's rows before and after. */
static void
test_rows_read_same (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonArray) version = rows (f->path, "PRAGMA user_version");
  g_assert_cmpint (col_int (json_array_get_object_element (version, 0), "user_version", 0), ==,
                   2);
  g_autoptr (GHashTable) before = dump (f->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dr_project_get_schema_version (project), ==, DR_SCHEMA_VERSION);

  check_photos_and_claims (project, f->path);
  check_predictions (project, f->path);
  check_history (project, f->path);
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, &error);
  guint n_pairs = 0;
  gpointer pair_data[] = { f->path, &n_pairs };
  g_assert_true (conn->backend->evaluation_foreach (conn, check_pair, pair_data, &error));
  g_assert_no_error (error);
  g_autoptr (JsonArray) pairs = rows (f->path,
    "SELECT count(*) AS n FROM ground_truth g JOIN predictions pr"
    " ON pr.photo_id = g.photo_id AND pr.damage = g.damage");
  g_assert_cmpuint (n_pairs, ==, col_int (json_array_get_object_element (pairs, 0), "n", 0));
  g_assert_cmpuint (n_pairs, >, 0);
  g_clear_object (&project);

  /* Migrated in place: schema 3, every row as it was, heads at version 0. */
  g_autoptr (GHashTable) after = dump (f->path);
  GHashTableIter iter;
  gpointer table, text;
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &table, &text))
    g_assert_cmpstr (g_hash_table_lookup (after, table), ==, text);
  g_autoptr (JsonArray) now = rows (f->path, "PRAGMA user_version");
  g_assert_cmpint (col_int (json_array_get_object_element (now, 0), "user_version", 0), ==, 3);
  g_autoptr (JsonArray) versions = rows (f->path, "SELECT DISTINCT version FROM heads");
  g_assert_cmpuint (json_array_get_length (versions), ==, 1);
  g_assert_cmpint (col_int (json_array_get_object_element (versions, 0), "version", -1), ==, 0);

  /* Predictions of replaced models: made current again, each reads back as stored. */
  project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_autoptr (JsonArray) models = rows (f->path, "SELECT * FROM models ORDER BY id");
  g_assert_cmpuint (json_array_get_length (models), ==, 3);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);
      g_assert_true (dr_prediction_set_current_model (project, col_int (m, "damage", 0),
                                                      col_text (m, "sha256"),
                                                      col_text (m, "path"),
                                                      col_text (m, "name"), &error));
      g_assert_no_error (error);
      check_predictions (project, f->path);
    }
}

/* A migration that fails half-way (here: heads already has a version column) is rolled back:
 * the file stays at schema 2 with every row as it was. */
static void
test_failed_migration_rolls_back (Fixture *f, gconstpointer data)
{
  g_free (cli (f->path, "ALTER TABLE heads ADD COLUMN version INTEGER"));
  g_autoptr (GHashTable) before = dump (f->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (DrProject) project = dr_project_open (f->path, DR_PROJECT_OPEN_EXISTING, &error);
  g_assert_null (project);
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "migrating to schema 3"));
  g_autoptr (JsonArray) version = rows (f->path, "PRAGMA user_version");
  g_assert_cmpint (col_int (json_array_get_object_element (version, 0), "user_version", 0), ==,
                   2);
  g_autoptr (GHashTable) after = dump (f->path);
  GHashTableIter iter;
  gpointer table, text;
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &table, &text))
    g_assert_cmpstr (g_hash_table_lookup (after, table), ==, text);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/legacy/rows-read-same", Fixture, NULL, fixture_set_up, test_rows_read_same,
              fixture_tear_down);
  g_test_add ("/legacy/failed-migration-rolls-back", Fixture, NULL, fixture_set_up,
              test_failed_migration_rolls_back, fixture_tear_down);
  return g_test_run ();
}
