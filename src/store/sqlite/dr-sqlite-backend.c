/* dr-sqlite-backend.c — the SQLite backend's table of functions. */
#include "dr-sqlite.h"

#include "dr-sqlite-private.h"

static const DrStoreBackend sqlite_backend = {
  .name = "sqlite",
  .open = dr_sqlite_open,
  .close = dr_sqlite_close,
  .get_schema_version = dr_sqlite_get_schema_version,
  .is_read_only = dr_sqlite_is_read_only,
  .is_lost = dr_sqlite_is_lost,
  .reopen_if_writable = dr_sqlite_reopen_if_writable,
  .begin = dr_sqlite_begin,
  .commit = dr_sqlite_commit,
  .rollback = dr_sqlite_rollback,
  .claim_ensure = dr_sqlite_claim_ensure,
  .claim_rename = dr_sqlite_claim_rename,
  .claim_list = dr_sqlite_claim_list,
  .photo_collect = dr_sqlite_photo_collect,
  .photo_list_readable = dr_sqlite_photo_list_readable,
  .photo_get_size = dr_sqlite_photo_get_size,
  .photo_find_sha256 = dr_sqlite_photo_find_sha256,
  .photo_put_scan = dr_sqlite_photo_put_scan,
  .photo_set_claim = dr_sqlite_photo_set_claim,
  .photo_set_error = dr_sqlite_photo_set_error,
  .model_set_current = dr_sqlite_model_set_current,
  .model_dup_current = dr_sqlite_model_dup_current,
  .prediction_put = dr_sqlite_prediction_put,
  .prediction_get_current = dr_sqlite_prediction_get_current,
  .prediction_missing = dr_sqlite_prediction_missing,
  .revision_insert = dr_sqlite_revision_insert,
  .revision_get = dr_sqlite_revision_get,
  .revision_newest_child = dr_sqlite_revision_newest_child,
  .revision_list_path = dr_sqlite_revision_list_path,
  .head_get = dr_sqlite_head_get,
  .head_move = dr_sqlite_head_move,
  .review_insert = dr_sqlite_review_insert,
  .review_get_newest = dr_sqlite_review_get_newest,
  .note_insert = dr_sqlite_note_insert,
  .note_dup_newest = dr_sqlite_note_dup_newest,
  .ground_truth_put = dr_sqlite_ground_truth_put,
  .evaluation_foreach = dr_sqlite_evaluation_foreach,
};

/* The one static table. */
const DrStoreBackend *
dr_sqlite_backend (void)
{
  return &sqlite_backend;
}

/* Owner-checked access to the sqlite3 handle. */
sqlite3 *
dr_sqlite_project_get_db (DrProject *project)
{
  DrStoreConn *conn = dr_project_get_conn (project, G_STRFUNC, NULL);
  if (conn == NULL || conn->backend != &sqlite_backend)
    return NULL;
  return DR_SQLITE_CONN (conn)->db;
}

