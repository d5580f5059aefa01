/* test-edit-journal.c — the offline edit journal file read back after a crash (no server).
 *
 *  - two offline periods: edits journaled, all acknowledged (the file is removed), two more
 *    journaled, then the app stops without acknowledging them: reopening must give back
 *    exactly those two, in order, the first on the revision the server gave its parent;
 *  - a write that fails half-way (the file size limit, as a full disk would) leaves no torn
 *    record: the edits journaled before and after it read back;
 *  - an empty file (the app stopped between creating it and its first record) is an empty
 *    journal, not a damaged one;
 *  - verdicts and notes keep their place among the edits and read back with their fields
 *    (a note of any UTF-8, empty included); entries out of range are refused before they are
 *    written (a read-back would find the file damaged), and an edit whose parent is a verdict
 *    is not an edit on an earlier edit. */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "dr-edit-journal.h"
#include "dr-store-error.h"

/* A new entry of photo 7's Scratch layer on @parent_key (or the head version @version). */
static DrEditJournalEntry *
entry_new (const char *parent_key, gint64 version, gsize rle_len)
{
  DrEditJournalEntry *e = g_new0 (DrEditJournalEntry, 1);
  e->type = DR_EDIT_JOURNAL_EDIT;
  e->key = g_uuid_string_random ();
  e->photo_id = 7;
  e->damage = DR_DAMAGE_SCRATCH;
  e->seen = (DrHeadSeen) { parent_key != NULL ? 0 : 11, version };
  e->parent_key = g_strdup (parent_key);
  e->kind = DR_REVISION_BRUSH;
  e->author = g_strdup ("ann");
  e->rle = g_strnfill (rle_len, 'a');
  return e;
}

/* Appends a new entry and returns its key (owned by the journal's entry). */
static const char *
append (DrEditJournal *j, const char *parent_key, gint64 version, gsize rle_len)
{
  g_autoptr (GError) error = NULL;
  DrEditJournalEntry *e = entry_new (parent_key, version, rle_len);
  g_assert_true (dr_edit_journal_append (j, e, &error));
  g_assert_no_error (error);
  return e->key;
}

/* Reopens @path and checks it is sound with @n pending entries. */
static DrEditJournal *
reopen (const char *path, guint n)
{
  g_autofree char *damage = NULL;
  g_autoptr (GError) error = NULL;
  DrEditJournal *j = dr_edit_journal_open (path, &damage, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (damage, ==, NULL);
  g_assert_cmpuint (dr_edit_journal_get_pending (j)->len, ==, n);
  return j;
}

/* Removes the test's folder and the journal in it (queued to run after the test). */
static void
remove_folder (gpointer dir)
{
  g_autofree char *path = g_build_filename (dir, "x.journal", NULL);
  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
}

/* A journal path in a new folder that is removed after the test. */
static char *
temp_journal (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("dr-journal-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_queue_destroy (remove_folder, dir);
  return g_build_filename (dir, "x.journal", NULL);
}

static void
test_two_offline_periods (void)
{
  g_autofree char *path = temp_journal ();
  g_autoptr (GError) error = NULL;
  g_autofree char *k2 = NULL;
  {
    g_autoptr (DrEditJournal) j = reopen (path, 0);
    const char *k1 = append (j, NULL, 3, 10);
    k2 = g_strdup (append (j, k1, 4, 10));
    GPtrArray *pending = dr_edit_journal_get_pending (j);
    guint64 s1 = ((DrEditJournalEntry *) pending->pdata[0])->seq;
    guint64 s2 = ((DrEditJournalEntry *) pending->pdata[1])->seq;
    g_assert_true (dr_edit_journal_ack (j, s1, 501, &error));
    g_assert_true (dr_edit_journal_ack (j, s2, 502, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    /* Offline again: the next edit is on the one just sent, then one more on it. */
    const char *k3 = append (j, k2, 5, 10);
    append (j, k3, 6, 10);
  }  /* the app stops here, nothing acknowledged */
  g_autoptr (DrEditJournal) j = reopen (path, 2);
  GPtrArray *pending = dr_edit_journal_get_pending (j);
  DrEditJournalEntry *e3 = pending->pdata[0], *e4 = pending->pdata[1];
  g_assert_cmpuint (e3->seq, <, e4->seq);
  g_assert_null (e3->parent_key);
  g_assert_cmpint (e3->seen.revision_id, ==, 502);
  g_assert_cmpint (e3->seen.version, ==, 5);
  g_assert_cmpstr (e4->parent_key, ==, e3->key);
}

static void
test_failed_write (void)
{
  g_autofree char *path = temp_journal ();
  {
    g_autoptr (DrEditJournal) j = reopen (path, 0);
    append (j, NULL, 1, 100);
    struct stat st;
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    /* The next record cannot be written whole: the file may grow by 1000 bytes only. */
    struct rlimit old, limit;
    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
    limit = old;
    limit.rlim_cur = (rlim_t) st.st_size + 1000;
    signal (SIGXFSZ, SIG_IGN);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    g_autoptr (GError) error = NULL;
    DrEditJournalEntry *big = entry_new (NULL, 2, 100000);
    gboolean ok = dr_edit_journal_append (j, big, &error);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
    g_assert_false (ok);
    g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO);
    dr_edit_journal_entry_free (big);
    /* Space again: the edit is journaled on the next try. */
    append (j, NULL, 2, 100);
  }
  g_autoptr (DrEditJournal) j = reopen (path, 2);
}

static void
test_empty_file (void)
{
  g_autofree char *path = temp_journal ();
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, "", 0, &error));
  {
    g_autoptr (DrEditJournal) j = reopen (path, 0);
    append (j, NULL, 1, 10);
  }
  g_autoptr (DrEditJournal) j = reopen (path, 1);
}

/* A verdict (type DR_EDIT_JOURNAL_VERDICT) or note entry of photo 7 by ann. */
static DrEditJournalEntry *
record_new (DrEditJournalType type, DrVerdict verdict, const char *text)
{
  DrEditJournalEntry *e = g_new0 (DrEditJournalEntry, 1);
  e->type = type;
  e->key = g_uuid_string_random ();
  e->photo_id = 7;
  e->damage = type == DR_EDIT_JOURNAL_VERDICT ? DR_DAMAGE_CRUSHED : 0;
  e->verdict = verdict;
  e->author = g_strdup ("ann");
  e->text = g_strdup (text);
  return e;
}

/* Appends a verdict or note; returns its key (owned by the journal's entry). */
static const char *
append_record (DrEditJournal *j, DrEditJournalType type, DrVerdict verdict, const char *text)
{
  g_autoptr (GError) error = NULL;
  DrEditJournalEntry *e = record_new (type, verdict, text);
  g_assert_true (dr_edit_journal_append (j, e, &error));
  g_assert_no_error (error);
  return e->key;
}

/* Appending e must fail with FAILED (nothing written); frees e. */
static void
refuse (DrEditJournal *j, DrEditJournalEntry *e)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (dr_edit_journal_append (j, e, &error));
  g_assert_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED);
  dr_edit_journal_entry_free (e);
}

static void
test_verdicts_and_notes (void)
{
  g_autofree char *path = temp_journal ();
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (DrEditJournal) j = reopen (path, 0);
    const char *k1 = append (j, NULL, 3, 10);
    append_record (j, DR_EDIT_JOURNAL_VERDICT, DR_VERDICT_CORRECTED, NULL);
    append_record (j, DR_EDIT_JOURNAL_NOTE, 0, "범퍼 — dent, \"rear\"\nsecond line");
    append_record (j, DR_EDIT_JOURNAL_NOTE, 0, "");
    append (j, k1, 4, 10);
    /* Out of range: never written. */
    refuse (j, record_new (DR_EDIT_JOURNAL_VERDICT, (DrVerdict) 77, NULL));
    refuse (j, record_new (DR_EDIT_JOURNAL_NOTE, 0, "\xff\xfe not UTF-8"));
    g_autofree char *long_text = g_strnfill (DR_EDIT_JOURNAL_MAX_NOTE + 1, 'n');
    refuse (j, record_new (DR_EDIT_JOURNAL_NOTE, 0, long_text));
    refuse (j, record_new ((DrEditJournalType) 9, 0, "x"));
    const char *verdict_key = append_record (j, DR_EDIT_JOURNAL_VERDICT, DR_VERDICT_NONE, NULL);
    DrEditJournalEntry *on_verdict = entry_new (verdict_key, 5, 10);
    refuse (j, on_verdict);
  }
  g_autoptr (DrEditJournal) j = reopen (path, 6);
  GPtrArray *p = dr_edit_journal_get_pending (j);
  DrEditJournalEntry **e = (DrEditJournalEntry **) p->pdata;
  DrEditJournalType types[] = { DR_EDIT_JOURNAL_EDIT, DR_EDIT_JOURNAL_VERDICT,
                                DR_EDIT_JOURNAL_NOTE, DR_EDIT_JOURNAL_NOTE,
                                DR_EDIT_JOURNAL_EDIT, DR_EDIT_JOURNAL_VERDICT };
  for (guint i = 0; i < p->len; i++)
    {
      g_assert_cmpint (e[i]->type, ==, types[i]);
      g_assert_cmpuint (e[i]->seq, ==, i + 1);
      g_assert_cmpstr (e[i]->author, ==, "ann");
    }
  g_assert_cmpint (e[1]->verdict, ==, DR_VERDICT_CORRECTED);
  g_assert_cmpint (e[1]->damage, ==, DR_DAMAGE_CRUSHED);
  g_assert_null (e[1]->rle);
  g_assert_cmpstr (e[2]->text, ==, "범퍼 — dent, \"rear\"\nsecond line");
  g_assert_cmpstr (e[3]->text, ==, "");
  g_assert_cmpstr (e[4]->parent_key, ==, e[0]->key);
  g_assert_cmpint (e[5]->verdict, ==, DR_VERDICT_NONE);
  /* Acknowledged in order, the note with the stand-in id 1: the file goes when all are. */
  for (gint64 id = 100; p->len > 0; id++)
    g_assert_true (dr_edit_journal_ack (j, ((DrEditJournalEntry *) p->pdata[0])->seq, id,
                                        &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/journal/two-offline-periods", test_two_offline_periods);
  g_test_add_func ("/journal/failed-write", test_failed_write);
  g_test_add_func ("/journal/empty-file", test_empty_file);
  g_test_add_func ("/journal/verdicts-and-notes", test_verdicts_and_notes);
  return g_test_run ();
}
