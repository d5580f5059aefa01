/* dr-edit-journal.c — see dr-edit-journal.h. */
#include "dr-edit-journal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dr-safe-file.h"
#include "dr-store-error.h"

#define MAGIC "DRJOURNAL1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define HASH_LEN 32
/* type, seq, key, photo, damage, seen revision, seen version, parent key, kind, author, body,
 * acknowledged id. An edit's kind is its revision kind and its body the RLE; a verdict's kind
 * is the verdict (body empty); a note's body is its text (damage and kind 0). Fields a record
 * type does not use are zero or empty. */
#define RECORD_TYPE "(utsxixxsissx)"
#define MAX_AUTHOR 1024

/* Record types: an entry of each DrEditJournalType, then the two that settle an entry. */
enum {
  RECORD_EDIT = 1, RECORD_ACK = 2, RECORD_SET_ASIDE = 3, RECORD_VERDICT = 4, RECORD_NOTE = 5
};

struct _DrEditJournal
{
  char *path;
  GPtrArray *pending;        /* DrEditJournalEntry*, oldest first */
  GHashTable *acked;         /* key → revision id (gint64 in a pointer-sized box) */
  guint64 last_seq;
};

/* Frees the strings and the struct; NULL allowed. */
void
dr_edit_journal_entry_free (DrEditJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->key);
  g_free (entry->parent_key);
  g_free (entry->author);
  g_free (entry->rle);
  g_free (entry->text);
  g_free (entry);
}

/* STATE/damage-review/journal/SHA256(location).journal. */
char *
dr_edit_journal_path_for (const char *location)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, location, -1);
  g_autofree char *name = g_strconcat (sha, ".journal", NULL);
  return g_build_filename (g_get_user_state_dir (), "damage-review", "journal", name, NULL);
}

/* A new empty journal for @path. */
static DrEditJournal *
journal_new (const char *path)
{
  DrEditJournal *j = g_new0 (DrEditJournal, 1);
  j->path = g_strdup (path);
  j->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_edit_journal_entry_free);
  j->acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return j;
}

void
dr_edit_journal_free (DrEditJournal *journal)
{
  if (journal == NULL)
    return;
  g_free (journal->path);
  g_ptr_array_unref (journal->pending);
  g_hash_table_unref (journal->acked);
  g_free (journal);
}

const char *
dr_edit_journal_get_path (DrEditJournal *journal)
{
  return journal->path;
}

GPtrArray *
dr_edit_journal_get_pending (DrEditJournal *journal)
{
  return journal->pending;
}

gint64
dr_edit_journal_lookup (DrEditJournal *journal, const char *key)
{
  gint64 *id = key ? g_hash_table_lookup (journal->acked, key) : NULL;
  return id ? *id : 0;
}

/* Removes the pending entry @seq, remembering an edit's revision id under its key. FALSE when
 * none. */
static gboolean
settle (DrEditJournal *j, guint64 seq, gint64 revision_id)
{
  for (guint i = 0; i < j->pending->len; i++)
    {
      DrEditJournalEntry *e = g_ptr_array_index (j->pending, i);
      if (e->seq == seq)
        {
          if (e->type == DR_EDIT_JOURNAL_EDIT)
            g_hash_table_replace (j->acked, g_strdup (e->key),
                                  g_memdup2 (&revision_id, sizeof revision_id));
          g_ptr_array_remove_index (j->pending, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* The pending entry whose key is @key, or NULL. */
static DrEditJournalEntry *
find_pending (DrEditJournal *j, const char *key)
{
  for (guint i = 0; i < j->pending->len; i++)
    {
      DrEditJournalEntry *e = g_ptr_array_index (j->pending, i);
      if (g_str_equal (e->key, key))
        return e;
    }
  return NULL;
}

/* Whether @key is a pending entry's key. */
static gboolean
is_pending_key (DrEditJournal *j, const char *key)
{
  return find_pending (j, key) != NULL;
}

/* NULL when @e (its seq aside) may join @j's pending entries, else why not: every field in
 * range for its type, a fresh key, and an edit's parent an earlier edit of the journal. */
static const char *
entry_problem (DrEditJournal *j, const DrEditJournalEntry *e)
{
  if (!g_uuid_string_is_valid (e->key) || is_pending_key (j, e->key)
      || g_hash_table_contains (j->acked, e->key))
    return "an entry without a valid, unique key";
  if (e->photo_id < 1 || e->author == NULL || e->author[0] == '\0'
      || strlen (e->author) > MAX_AUTHOR)
    return "an entry with an out-of-range field";
  switch (e->type)
    {
    case DR_EDIT_JOURNAL_EDIT:
      if (!DR_DAMAGE_IS_VALID ((int) e->damage) || e->seen.revision_id < 0
          || e->seen.version < 0 || dr_revision_kind_to_string (e->kind) == NULL
          || e->rle == NULL || e->rle[0] == '\0')
        return "an edit with an out-of-range field";
      if (e->parent_key != NULL)
        {
          DrEditJournalEntry *parent = find_pending (j, e->parent_key);
          if (e->seen.revision_id != 0
              || (parent == NULL && !g_hash_table_contains (j->acked, e->parent_key))
              || (parent != NULL && parent->type != DR_EDIT_JOURNAL_EDIT))
            return "an edit whose parent is not an earlier edit";
        }
      return NULL;
    case DR_EDIT_JOURNAL_VERDICT:
      if (!DR_DAMAGE_IS_VALID ((int) e->damage) || dr_verdict_to_string (e->verdict) == NULL)
        return "a verdict with an out-of-range field";
      return NULL;
    case DR_EDIT_JOURNAL_NOTE:
      if (e->text == NULL || strlen (e->text) > DR_EDIT_JOURNAL_MAX_NOTE
          || !g_utf8_validate (e->text, -1, NULL))
        return "a note with an out-of-range field";
      return NULL;
    default:
      return "an entry of an unknown type";
    }
}

/* The record of entry @e. */
static GVariant *
entry_record (const DrEditJournalEntry *e)
{
  gboolean edit = e->type == DR_EDIT_JOURNAL_EDIT;
  guint32 type = edit ? RECORD_EDIT : e->type == DR_EDIT_JOURNAL_VERDICT ? RECORD_VERDICT
                                                                         : RECORD_NOTE;
  gint32 kind = edit ? (gint32) e->kind
                     : e->type == DR_EDIT_JOURNAL_VERDICT ? (gint32) e->verdict : 0;
  const char *body = edit ? e->rle : e->type == DR_EDIT_JOURNAL_NOTE ? e->text : "";
  return g_variant_ref_sink (g_variant_new (RECORD_TYPE, type, e->seq, e->key, e->photo_id,
    e->type == DR_EDIT_JOURNAL_NOTE ? 0 : (gint32) e->damage, edit ? e->seen.revision_id : 0,
    edit ? e->seen.version : 0, e->parent_key ? e->parent_key : "", kind, e->author, body,
    (gint64) 0));
}

/* Range-checks one record's fields and applies it to @j; NULL when it is fine, else why not. */
static const char *
apply_record (DrEditJournal *j, GVariant *v)
{
  guint32 type;
  guint64 seq;
  const char *key, *parent_key, *author, *body;
  gint64 photo, seen_rev, seen_ver, revision_id;
  gint32 damage, kind;
  g_variant_get (v, "(ut&sxixx&si&s&sx)", &type, &seq, &key, &photo,
                 &damage, &seen_rev, &seen_ver, &parent_key, &kind, &author, &body,
                 &revision_id);
  if (type == RECORD_ACK)
    {
      if (revision_id < 1 || !settle (j, seq, revision_id))
        return "an acknowledgement of no waiting edit";
      return NULL;
    }
  /* Refused for good and copied to the aside file: no revision id (0) for its children. */
  if (type == RECORD_SET_ASIDE)
    {
      if (revision_id != 0 || !settle (j, seq, 0))
        return "a set-aside of no waiting edit";
      return NULL;
    }
  if (type != RECORD_EDIT && type != RECORD_VERDICT && type != RECORD_NOTE)
    return "an unknown record type";
  if (seq != j->last_seq + 1)
    return "edits out of order";
  gboolean edit = type == RECORD_EDIT;
  /* Fields the type does not use must be empty, so one file has one reading. */
  if (revision_id != 0 || (!edit && (seen_rev != 0 || seen_ver != 0 || parent_key[0] != '\0'))
      || (type == RECORD_VERDICT && body[0] != '\0')
      || (type == RECORD_NOTE && (damage != 0 || kind != 0)))
    return "an entry with an out-of-range field";
  g_autoptr (DrEditJournalEntry) e = g_new0 (DrEditJournalEntry, 1);
  e->seq = seq;
  e->type = edit ? DR_EDIT_JOURNAL_EDIT : type == RECORD_VERDICT ? DR_EDIT_JOURNAL_VERDICT
                                                                  : DR_EDIT_JOURNAL_NOTE;
  e->key = g_strdup (key);
  e->photo_id = photo;
  e->damage = (DrDamage) damage;
  e->seen = (DrHeadSeen) { seen_rev, seen_ver };
  e->parent_key = parent_key[0] ? g_strdup (parent_key) : NULL;
  e->kind = edit ? (DrRevisionKind) kind : 0;
  e->verdict = type == RECORD_VERDICT ? (DrVerdict) kind : 0;
  e->author = g_strdup (author);
  e->rle = edit ? g_strdup (body) : NULL;
  e->text = type == RECORD_NOTE ? g_strdup (body) : NULL;
  const char *why = entry_problem (j, e);
  if (why != NULL)
    return why;
  g_ptr_array_add (j->pending, g_steal_pointer (&e));
  j->last_seq = seq;
  return NULL;
}

/* Parses the whole file into @j; NULL when it is sound, else the reason and the offset. */
static const char *
parse (DrEditJournal *j, const guint8 *data, gsize len, gsize *offset)
{
  *offset = 0;
  if (len == 0)
    return NULL;  /* created, and the app stopped before its first record was written */
  if (len < MAGIC_LEN || memcmp (data, MAGIC, MAGIC_LEN) != 0)
    return "not a journal of this version";
  gsize at = MAGIC_LEN;
  while (at < len)
    {
      *offset = at;
      if (len - at < 4 + HASH_LEN)
        return "a record cut short";
      guint32 n = (guint32) data[at] | (guint32) data[at + 1] << 8
                  | (guint32) data[at + 2] << 16 | (guint32) data[at + 3] << 24;
      if (n == 0 || n > DR_EDIT_JOURNAL_MAX_RECORD || n > len - at - 4 - HASH_LEN)
        return "a record length out of range";
      const guint8 *payload = data + at + 4 + HASH_LEN;
      guint8 digest[HASH_LEN];
      gsize digest_len = HASH_LEN;
      g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (sum, payload, n);
      g_checksum_get_digest (sum, digest, &digest_len);
      if (memcmp (digest, data + at + 4, HASH_LEN) != 0)
        return "a record whose checksum does not match";
      g_autoptr (GVariant) v = g_variant_ref_sink (
        g_variant_new_from_data (G_VARIANT_TYPE (RECORD_TYPE), payload, n, FALSE, NULL, NULL));
      if (!g_variant_is_normal_form (v))
        return "a record that is not well formed";
      const char *why = apply_record (j, v);
      if (why != NULL)
        return why;
      at += 4 + HASH_LEN + n;
    }
  return NULL;
}

/* See header. */
DrEditJournal *
dr_edit_journal_open (const char *path, char **damage, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot create the folder: %s",
                   dir, g_strerror (saved));
      return NULL;
    }
  DrEditJournal *j = journal_new (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return j;
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  const char *why = NULL;
  gsize offset = 0;
  if (!dr_safe_read_all (path, DR_EDIT_JOURNAL_MAX_BYTES, &data, &len, &local))
    {
      if (!g_error_matches (local, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE))
        {
          dr_edit_journal_free (j);
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      why = "larger than a journal can be";
    }
  else
    why = parse (j, data, len, &offset);
  if (why == NULL)
    return j;
  /* Damaged: kept aside for a person to look at, and an empty journal instead. */
  g_autofree char *aside = g_strdup_printf ("%s.damaged-%" G_GINT64_FORMAT, path,
                                            g_get_real_time () / G_USEC_PER_SEC);
  gboolean moved = g_rename (path, aside) == 0;
  if (damage != NULL)
    *damage = g_strdup_printf ("%s: damaged journal (%s at byte %" G_GSIZE_FORMAT "); %s",
                               path, why, offset,
                               moved ? "kept aside as it was" : "could not move it aside");
  if (!moved)
    {
      dr_edit_journal_free (j);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: damaged journal (%s) that "
                   "cannot be moved aside", path, why);
      return NULL;
    }
  dr_edit_journal_free (j);
  return journal_new (path);
}

/* Writes one record (length, SHA-256, payload) at the end of the file and fsyncs it (and the
 * folder when the file is new); an empty file gets the header first. On failure the file is cut
 * back to what it was, so a torn record never precedes the next one. */
static gboolean
append_record (DrEditJournal *j, GVariant *v, GError **error)
{
  gsize n = g_variant_get_size (v);
  if (n == 0 || n > DR_EDIT_JOURNAL_MAX_RECORD)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_TOO_LARGE, "%s: an edit of %"
                   G_GSIZE_FORMAT " bytes is too large for the journal", j->path, n);
      return FALSE;
    }
  int fd = g_open (j->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) != 0 || lseek (fd, st.st_size, SEEK_SET) < 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot write the journal: %s",
                   j->path, g_strerror (saved));
      return FALSE;
    }
  gboolean fresh = st.st_size == 0;
  g_autoptr (GByteArray) rec = g_byte_array_new ();
  if (fresh)
    g_byte_array_append (rec, (const guint8 *) MAGIC, MAGIC_LEN);
  guint8 len_le[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff };
  g_byte_array_append (rec, len_le, 4);
  guint8 digest[HASH_LEN];
  gsize digest_len = HASH_LEN;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, g_variant_get_data (v), n);
  g_checksum_get_digest (sum, digest, &digest_len);
  g_byte_array_append (rec, digest, HASH_LEN);
  g_byte_array_append (rec, g_variant_get_data (v), (guint) n);

  gsize done = 0;
  while (done < rec->len)
    {
      gssize w = write (fd, rec->data + done, rec->len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        break;
      done += (gsize) w;
    }
  int saved = errno;
  gboolean ok = done == rec->len && fsync (fd) == 0;
  saved = ok ? 0 : (errno ? errno : saved);
  if (!ok && ftruncate (fd, st.st_size) == 0)
    fsync (fd);
  close (fd);
  if (ok && fresh)
    {
      g_autofree char *dir = g_path_get_dirname (j->path);
      int dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (dfd >= 0)
        {
          fsync (dfd);
          close (dfd);
        }
    }
  if (!ok)
    g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot write the journal: %s",
                 j->path, g_strerror (saved));
  return ok;
}

/* See header. */
gboolean
dr_edit_journal_append (DrEditJournal *journal, DrEditJournalEntry *entry, GError **error)
{
  /* A parent no longer waiting was settled (maybe in a file since removed): it is named by its
   * revision id (0 when it was set aside), so the file never refers to a key it lacks. */
  if (entry->parent_key != NULL && !is_pending_key (journal, entry->parent_key))
    {
      entry->seen.revision_id = dr_edit_journal_lookup (journal, entry->parent_key);
      g_clear_pointer (&entry->parent_key, g_free);
    }
  const char *why = entry_problem (journal, entry);
  if (why != NULL)
    {
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_FAILED, "%s: not journaled: %s",
                   journal->path, why);
      return FALSE;
    }
  entry->seq = journal->last_seq + 1;
  g_autoptr (GVariant) v = entry_record (entry);
  if (!append_record (journal, v, error))
    return FALSE;
  journal->last_seq = entry->seq;
  g_ptr_array_add (journal->pending, entry);
  return TRUE;
}

/* Settles @seq (its record is on disk) and removes the file when nothing is pending. */
static gboolean
settle_on_disk (DrEditJournal *journal, guint64 seq, gint64 revision_id, GError **error)
{
  settle (journal, seq, revision_id);
  if (journal->pending->len > 0)
    return TRUE;
  /* The next record starts a new file, numbered from 1 as a reader of that file expects (the
   * revision ids of the keys sent stay known, for edits made on them). */
  journal->last_seq = 0;
  if (g_unlink (journal->path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, DR_STORE_ERROR, DR_STORE_ERROR_IO, "%s: cannot remove the sent "
                   "journal: %s", journal->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* See header. */
gboolean
dr_edit_journal_ack (DrEditJournal *journal, guint64 seq, gint64 revision_id, GError **error)
{
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new (RECORD_TYPE, RECORD_ACK, seq, "",
    (gint64) 0, (gint32) 0, (gint64) 0, (gint64) 0, "", (gint32) 0, "", "", revision_id));
  if (!append_record (journal, v, error))
    return FALSE;
  return settle_on_disk (journal, seq, revision_id, error);
}

/* See header. */
char *
dr_edit_journal_aside_path (DrEditJournal *journal)
{
  return g_strconcat (journal->path, ".refused", NULL);
}

/* See header. */
gboolean
dr_edit_journal_set_aside (DrEditJournal *journal, guint64 seq, GError **error)
{
  DrEditJournalEntry *e = NULL;
  for (guint i = 0; i < journal->pending->len && e == NULL; i++)
    if (((DrEditJournalEntry *) g_ptr_array_index (journal->pending, i))->seq == seq)
      e = g_ptr_array_index (journal->pending, i);
  g_return_val_if_fail (e != NULL, FALSE);
  g_autofree char *path = dr_edit_journal_aside_path (journal);
  g_autofree char *damage = NULL;
  g_autoptr (DrEditJournal) aside = dr_edit_journal_open (path, &damage, error);
  if (aside == NULL)
    return FALSE;
  if (damage != NULL)
    g_warning ("%s", damage);
  /* Already there when the app stopped between the copy and the set-aside record. */
  gboolean copied = g_hash_table_contains (aside->acked, e->key);
  for (guint i = 0; i < aside->pending->len && !copied; i++)
    copied = g_str_equal (((DrEditJournalEntry *) g_ptr_array_index (aside->pending, i))->key,
                          e->key);
  if (!copied)
    {
      /* On its own in that file: its parent as a revision id (0 when that is unknown too). */
      DrEditJournalEntry *copy = g_new0 (DrEditJournalEntry, 1);
      copy->type = e->type;
      copy->key = g_strdup (e->key);
      copy->photo_id = e->photo_id;
      copy->damage = e->damage;
      copy->seen = e->seen;
      if (e->parent_key != NULL)
        copy->seen.revision_id = dr_edit_journal_lookup (journal, e->parent_key);
      copy->kind = e->kind;
      copy->verdict = e->verdict;
      copy->author = g_strdup (e->author);
      copy->rle = g_strdup (e->rle);
      copy->text = g_strdup (e->text);
      if (!dr_edit_journal_append (aside, copy, error))
        {
          dr_edit_journal_entry_free (copy);
          return FALSE;
        }
    }
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new (RECORD_TYPE, RECORD_SET_ASIDE,
    seq, "", (gint64) 0, (gint32) 0, (gint64) 0, (gint64) 0, "", (gint32) 0, "", "",
    (gint64) 0));
  if (!append_record (journal, v, error))
    return FALSE;
  return settle_on_disk (journal, seq, 0, error);
}
