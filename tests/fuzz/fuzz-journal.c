/* fuzz-journal.c — libFuzzer entry point for reading back the offline edit journal
 * (dr-edit-journal.c), which is untrusted input like any file.
 *
 * Input: the journal file's bytes. Any input must give either a journal whose waiting edits
 * are all in range (sequence increasing, keys valid UUIDs, a known damage type and kind, a
 * photo id, an author, a mask) with the file left where it was, or one line naming the file
 * with the file moved aside (not deleted); never a crash or sanitizer report. */
#include "fuzz-common.h"

#include <glib/gstdio.h>

#include "dr-edit-journal.h"

/* Removes the files the damaged inputs were moved aside to (PATH.damaged-*). */
static void
remove_aside (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".damaged-", NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean found = FALSE;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *aside = g_build_filename (dir, name, NULL);
        g_unlink (aside);
        found = TRUE;
      }
  if (d != NULL)
    g_dir_close (d);
  if (!found)
    abort ();
}

/* Opens, then checks each waiting edit or the damage line. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_write_file (data, size, "fuzz.journal");
  g_autofree char *damage = NULL;
  GError *error = NULL;
  DrEditJournal *j = dr_edit_journal_open (path, &damage, &error);
  if (j == NULL)
    abort ();
  if (damage != NULL)
    {
      fuzz_check_message (damage, path);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        abort ();
      remove_aside (path);
    }
  else if (size > 0 && !g_file_test (path, G_FILE_TEST_EXISTS))
    abort ();
  GPtrArray *pending = dr_edit_journal_get_pending (j);
  if (damage != NULL && pending->len != 0)
    abort ();
  guint64 seq = 0;
  for (guint i = 0; i < pending->len; i++)
    {
      DrEditJournalEntry *e = g_ptr_array_index (pending, i);
      if (e->seq <= seq || !g_uuid_string_is_valid (e->key) || e->photo_id < 1
          || e->author[0] == '\0')
        abort ();
      if (e->type == DR_EDIT_JOURNAL_EDIT
          && (!DR_DAMAGE_IS_VALID ((int) e->damage) || dr_revision_kind_to_string (e->kind) == NULL
              || e->seen.revision_id < 0 || e->seen.version < 0 || e->rle[0] == '\0'
              || e->text != NULL
              || (e->parent_key != NULL && !g_uuid_string_is_valid (e->parent_key))))
        abort ();
      if (e->type == DR_EDIT_JOURNAL_VERDICT
          && (!DR_DAMAGE_IS_VALID ((int) e->damage) || dr_verdict_to_string (e->verdict) == NULL
              || e->rle != NULL || e->text != NULL || e->parent_key != NULL))
        abort ();
      if (e->type == DR_EDIT_JOURNAL_NOTE
          && (e->text == NULL || strlen (e->text) > DR_EDIT_JOURNAL_MAX_NOTE
              || !g_utf8_validate (e->text, -1, NULL) || e->rle != NULL || e->parent_key != NULL))
        abort ();
      if (e->type != DR_EDIT_JOURNAL_EDIT && e->type != DR_EDIT_JOURNAL_VERDICT
          && e->type != DR_EDIT_JOURNAL_NOTE)
        abort ();
      seq = e->seq;
    }
  dr_edit_journal_free (j);
  return 0;
}
