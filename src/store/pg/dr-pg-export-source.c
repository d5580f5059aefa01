/* dr-pg-export-source.c — the export items of a team project, from a consistent snapshot. */
#include "dr-pg-export-source.h"

#include <string.h>

#include "dr-image.h"
#include "dr-pg-photo-cache.h"
#include "dr-pg-team.h"
#include "dr-review.h"
#include "dr-store-error.h"

/* Per photo × damage, what the queries found. */
typedef struct {
  gint64 review_id;          /* newest verdict, 0 when none */
  char *verdict;
  char *review_model;
  gint64 review_revision;    /* revision the verdict was given on, 0 = the prediction */
  char *reviewer;
  gint64 head;               /* head revision, 0 = none */
  char *head_rle;
  char *prediction_model;    /* the current model's prediction, if any */
  char *prediction_rle;
} Layer;

typedef struct {
  DrExportItem *item;
  Layer layers[DR_N_DAMAGE];
} Row;

/* Frees what a layer owns. */
static void
layer_clear (Layer *l)
{
  g_free (l->verdict);
  g_free (l->review_model);
  g_free (l->reviewer);
  g_free (l->head_rle);
  g_free (l->prediction_model);
  g_free (l->prediction_rle);
}

/* Frees a row (not its item, which the result owns). */
static void
row_free (Row *row)
{
  for (int d = 0; d < DR_N_DAMAGE; d++)
    layer_clear (&row->layers[d]);
  g_free (row);
}

/* Value (r, c) as new text; NULL for SQL NULL. */
static char *
value (const PGresult *res, int r, int c)
{
  return PQgetisnull (res, r, c) ? NULL : g_strdup (PQgetvalue (res, r, c));
}

/* Value (r, c) as an integer; 0 for SQL NULL. */
static gint64
value_int (const PGresult *res, int r, int c)
{
  return PQgetisnull (res, r, c) ? 0 : g_ascii_strtoll (PQgetvalue (res, r, c), NULL, 10);
}

/* The layer of (photo in column 0, damage in column 1) of row @r, or NULL when the photo is not
 * exported or the damage is out of range (the CHECK makes that impossible; the server is still
 * not trusted). */
static Layer *
layer_of (GHashTable *rows, const PGresult *res, int r)
{
  gint64 photo = value_int (res, r, 0);
  gint64 damage = value_int (res, r, 1);
  Row *row = g_hash_table_lookup (rows, &photo);
  if (row == NULL || damage < 0 || damage >= DR_N_DAMAGE)
    return NULL;
  return &row->layers[damage];
}

/* Parses mask @rle of @item's size for the message naming server, photo and layer. */
static DrRle *
parse_mask (DrPgConn *conn, const DrExportItem *item, DrDamage d, const char *rle,
            GError **error)
{
  g_autoptr (GError) local = NULL;
  DrRle *mask = dr_rle_new_from_string (rle, item->height, item->width, &local);
  if (mask == NULL)
    g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: photo %" G_GINT64_FORMAT
                 " %s layer: %s", dr_pg_conn_get_server (conn), item->photo_id,
                 dr_damage_to_string (d), local->message);
  return mask;
}

/* Applies the export rules (see the header) to one finished row. */
static gboolean
finish_row (DrPgConn *conn, Row *row, GError **error)
{
  DrExportItem *item = row->item;
  gint64 newest = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      Layer *l = &row->layers[d];
      if (l->review_id != 0)
        {
          item->verdict[d] = g_strdup (l->verdict);
          item->model_sha256[d] = g_strdup (l->review_model);
          if (l->review_id > newest)
            {
              newest = l->review_id;
              g_free (item->reviewer);
              item->reviewer = g_strdup (l->reviewer);
            }
        }
      if (item->model_sha256[d] == NULL)
        item->model_sha256[d] = g_strdup (l->prediction_model);
      const char *rle;
      if (l->review_id != 0 && l->review_revision == l->head
          && dr_verdict_empties_layer (dr_verdict_from_string (l->verdict)))
        rle = NULL;
      else if (l->head != 0)
        rle = l->head_rle;
      else
        rle = l->prediction_rle;
      if (rle != NULL && (item->mask[d] = parse_mask (conn, item, d, rle, error)) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Runs the five snapshot queries and fills @rows / @items. */
static gboolean
load (DrPgConn *conn, const char *team, GPtrArray *items, GHashTable *rows, GError **error)
{
  const char *params[] = { team };
  /* Readable photos in id order, with their claim. */
  g_autoptr (PGresult) photos = dr_pg_conn_exec (conn, "export_photos",
    "SELECT p.id, c.name, p.name, p.sha256, p.width, p.height FROM dr.photos p"
    " JOIN dr.claims c ON c.id = p.claim_id WHERE p.team_id = $1 AND p.error IS NULL"
    " ORDER BY p.id", 1, params, error);
  if (photos == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (photos); r++)
    {
      DrExportItem *item = dr_export_item_new ();
      g_ptr_array_add (items, item);
      item->photo_id = value_int (photos, r, 0);
      item->claim = value (photos, r, 1);
      item->path = value (photos, r, 2);  /* the base name until the file is fetched */
      item->sha256 = value (photos, r, 3);
      gint64 w = value_int (photos, r, 4), h = value_int (photos, r, 5);
      if (w <= 0 || h <= 0 || w > DR_IMAGE_MAX_SIDE || h > DR_IMAGE_MAX_SIDE)
        {
          g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_CORRUPT, "%s: photo %" G_GINT64_FORMAT
                       " has an impossible size %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT,
                       dr_pg_conn_get_server (conn), item->photo_id, w, h);
          return FALSE;
        }
      item->width = (guint) w;
      item->height = (guint) h;
      Row *row = g_new0 (Row, 1);
      row->item = item;
      g_hash_table_insert (rows, &item->photo_id, row);
    }

  /* The newest verdict per layer; a pushed verdict names its original author. */
  g_autoptr (PGresult) reviews = dr_pg_conn_exec (conn, "export_reviews",
    "SELECT DISTINCT ON (photo_id, damage) photo_id, damage, id, verdict, model_sha256,"
    " revision_id, coalesce (origin_author, author::text) FROM dr.reviews WHERE team_id = $1"
    " ORDER BY photo_id, damage, id DESC", 1, params, error);
  if (reviews == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (reviews); r++)
    {
      Layer *l = layer_of (rows, reviews, r);
      if (l == NULL)
        continue;
      l->review_id = value_int (reviews, r, 2);
      l->verdict = value (reviews, r, 3);
      l->review_model = value (reviews, r, 4);
      l->review_revision = value_int (reviews, r, 5);
      l->reviewer = value (reviews, r, 6);
    }

  /* Heads that name a revision, with its mask. */
  g_autoptr (PGresult) heads = dr_pg_conn_exec (conn, "export_heads",
    "SELECT h.photo_id, h.damage, h.revision_id, r.rle FROM dr.heads h"
    " JOIN dr.revisions r ON r.id = h.revision_id WHERE h.team_id = $1", 1, params, error);
  if (heads == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (heads); r++)
    {
      Layer *l = layer_of (rows, heads, r);
      if (l == NULL)
        continue;
      l->head = value_int (heads, r, 2);
      l->head_rle = value (heads, r, 3);
    }

  /* The current model's prediction per layer. */
  g_autoptr (PGresult) predictions = dr_pg_conn_exec (conn, "export_predictions",
    "SELECT pr.photo_id, pr.damage, pr.model_sha256, pr.rle FROM dr.predictions pr"
    " JOIN dr.models m ON m.team_id = pr.team_id AND m.damage = pr.damage"
    "  AND m.sha256 = pr.model_sha256 AND m.current WHERE pr.team_id = $1", 1, params, error);
  if (predictions == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (predictions); r++)
    {
      Layer *l = layer_of (rows, predictions, r);
      if (l == NULL)
        continue;
      l->prediction_model = value (predictions, r, 2);
      l->prediction_rle = value (predictions, r, 3);
    }

  /* The newest note per photo (an empty text means no note). */
  g_autoptr (PGresult) notes = dr_pg_conn_exec (conn, "export_notes",
    "SELECT DISTINCT ON (photo_id) photo_id, text FROM dr.notes WHERE team_id = $1"
    " ORDER BY photo_id, id DESC", 1, params, error);
  if (notes == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (notes); r++)
    {
      gint64 photo = value_int (notes, r, 0);
      Row *row = g_hash_table_lookup (rows, &photo);
      if (row != NULL && *PQgetvalue (notes, r, 1) != '\0')
        row->item->note = value (notes, r, 1);
    }
  return TRUE;
}

/* See dr-pg-export-source.h. */
GPtrArray *
dr_pg_export_load_items (DrPgConn *conn, gint64 team_id, const char *cache_dir, GError **error)
{
  g_autofree char *team = dr_pg_int (team_id);
  g_autoptr (GPtrArray) items =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dr_export_item_free);
  g_autoptr (GHashTable) rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                       (GDestroyNotify) row_free);
  g_autoptr (PGresult) begin = dr_pg_conn_exec (conn, "export_begin",
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, error);
  if (begin == NULL)
    return NULL;
  gboolean ok = load (conn, team, items, rows, error);
  for (guint i = 0; ok && i < items->len; i++)
    {
      DrExportItem *item = items->pdata[i];
      Row *row = g_hash_table_lookup (rows, &item->photo_id);
      ok = finish_row (conn, row, error);
    }
  for (guint i = 0; ok && i < items->len; i++)
    {
      DrExportItem *item = items->pdata[i];
      char *path = dr_pg_photo_cache_get (conn, cache_dir, team_id, item->sha256, item->path,
                                          error);
      ok = path != NULL;
      g_free (item->path);
      item->path = path;
    }
  if (!ok)
    {
      dr_pg_conn_rollback (conn);
      return NULL;
    }
  if (!dr_pg_conn_commit (conn, error))
    return NULL;
  return g_steal_pointer (&items);
}
