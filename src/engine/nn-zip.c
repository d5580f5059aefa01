/* nn-zip.c — read-only zip central-directory reader (see nn-zip.h). */
#include "nn-zip.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SIG_LOCAL   0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD    0x06054b50u
#define SIG_EOCD64  0x06064b50u
#define SIG_LOC64   0x07064b50u

/* Reads a little-endian u16 at p. */
static uint16_t
rd16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

/* Reads a little-endian u32 at p. */
static uint32_t
rd32 (const uint8_t *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16)
         | ((uint32_t) p[3] << 24);
}

/* Reads a little-endian u64 at p. */
static uint64_t
rd64 (const uint8_t *p)
{
  return (uint64_t) rd32 (p) | ((uint64_t) rd32 (p + 4) << 32);
}

/* True when [ofs, ofs+len) lies inside a buffer of size bytes, without overflow. */
static int
in_bounds (uint64_t ofs, uint64_t len, size_t size)
{
  return ofs <= size && len <= size - ofs;
}

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* Fills the slicing-by-8 tables for the reflected polynomial 0xEDB88320. */
static void
crc_init (void)
{
  for (uint32_t i = 0; i < 256; i++)
    {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[0][i] = c;
    }
  for (int t = 1; t < 8; t++)
    for (int i = 0; i < 256; i++)
      crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

/* Table-driven CRC-32, eight bytes per step; identical to zlib's crc32(). */
uint32_t
nn_crc32 (uint32_t crc, const void *buf, size_t len)
{
  pthread_once (&crc_once, crc_init);
  const uint8_t *p = buf;
  crc = ~crc;
  while (len >= 8)
    {
      uint32_t lo = crc ^ rd32 (p);
      uint32_t hi = rd32 (p + 4);
      crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff]
            ^ crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24]
            ^ crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff]
            ^ crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
      p += 8;
      len -= 8;
    }
  while (len--)
    crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* Orders entries by name bytes, shorter first on a common prefix. */
static int
entry_cmp (const void *a, const void *b)
{
  const NnZipEntry *x = a, *y = b;
  size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
  int c = memcmp (x->name, y->name, n);
  if (c != 0)
    return c;
  return (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

/* Locates the end of central directory and returns the directory's offset, size and entry
 * count, going through the ZIP64 locator only when the classic fields are saturated. */
static NnStatus
find_directory (const uint8_t *d, size_t size, const char *file, uint64_t *cd_ofs,
                uint64_t *cd_size, uint64_t *count, NnError *err)
{
  if (size < 22)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (too short for an "
                         "end-of-central-directory record)", file);
  size_t lowest = size - 22 > 65535 ? size - 22 - 65535 : 0;
  size_t pos = size - 22;
  for (;; pos--)
    {
      if (rd32 (d + pos) == SIG_EOCD && pos + 22 + rd16 (d + pos + 20) <= size)
        break;
      if (pos == lowest)
        return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (no "
                             "end-of-central-directory record)", file);
    }
  const uint8_t *e = d + pos;
  uint16_t n_disk = rd16 (e + 8), n_total = rd16 (e + 10);
  *count = n_total;
  *cd_size = rd32 (e + 12);
  *cd_ofs = rd32 (e + 16);
  if (n_disk != 0xFFFF && n_total != 0xFFFF && *cd_size != 0xFFFFFFFFu
      && *cd_ofs != 0xFFFFFFFFu)
    {
      if (rd16 (e + 4) != 0 || rd16 (e + 6) != 0 || n_disk != n_total)
        return nn_error_set (err, NN_ERR_FORMAT, "%s: multi-disk zip archives are not "
                             "supported", file);
      return NN_OK;
    }
  if (pos < 20 || rd32 (d + pos - 20) != SIG_LOC64)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (ZIP64 locator missing)", file);
  uint64_t z64 = rd64 (d + pos - 20 + 8);
  if (!in_bounds (z64, 56, size) || rd32 (d + z64) != SIG_EOCD64)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (bad ZIP64 end-of-central-"
                         "directory record)", file);
  const uint8_t *z = d + z64;
  if (rd32 (z + 16) != 0 || rd32 (z + 20) != 0 || rd64 (z + 24) != rd64 (z + 32))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: multi-disk zip archives are not supported",
                         file);
  *count = rd64 (z + 32);
  *cd_size = rd64 (z + 40);
  *cd_ofs = rd64 (z + 48);
  return NN_OK;
}

/* Replaces saturated 32-bit size/offset fields with the values of a ZIP64 extra field
 * (id 0x0001), which lists only the saturated fields, in the order usize, csize, offset. */
static int
apply_zip64_extra (const uint8_t *extra, size_t len, uint64_t *usize, uint64_t *csize,
                   uint64_t *ofs)
{
  size_t i = 0;
  while (i + 4 <= len)
    {
      uint16_t id = rd16 (extra + i), n = rd16 (extra + i + 2);
      if (n > len - i - 4)
        return 0;
      if (id == 0x0001)
        {
          const uint8_t *f = extra + i + 4;
          size_t k = 0;
          uint64_t *fields[3] = { usize, csize, ofs };
          for (int j = 0; j < 3; j++)
            if (*fields[j] == 0xFFFFFFFFu)
              {
                if (k + 8 > n)
                  return 0;
                *fields[j] = rd64 (f + k);
                k += 8;
              }
          return 1;
        }
      i += 4 + (size_t) n;
    }
  return *usize != 0xFFFFFFFFu && *csize != 0xFFFFFFFFu && *ofs != 0xFFFFFFFFu;
}

/* Parses one central-directory record at d[*pos] into *out, checking it against its local
 * header; advances *pos past the record. */
static NnStatus
read_entry (const uint8_t *d, size_t size, uint64_t cd_end, uint64_t *pos, const char *file,
            NnZipEntry *out, NnError *err)
{
  uint64_t p = *pos;
  if (p + 46 > cd_end || rd32 (d + p) != SIG_CENTRAL)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (bad central directory record)",
                         file);
  const uint8_t *c = d + p;
  uint16_t flags = rd16 (c + 8), method = rd16 (c + 10);
  uint16_t name_len = rd16 (c + 28), extra_len = rd16 (c + 30), comment_len = rd16 (c + 32);
  uint64_t usize = rd32 (c + 24), csize = rd32 (c + 20), lofs = rd32 (c + 42);
  uint64_t rec_len = 46 + (uint64_t) name_len + extra_len + comment_len;
  if (p + rec_len > cd_end)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (central directory record "
                         "runs past its end)", file);
  const char *name = (const char *) c + 46;
  int nlen = name_len;
  if (!apply_zip64_extra (c + 46 + name_len, extra_len, &usize, &csize, &lofs))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (bad ZIP64 field of '%.*s')",
                         file, nlen, name);
  if (flags & 0x0001)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: zip record '%.*s' is encrypted", file, nlen,
                         name);
  if (method == 0 && usize != csize)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (stored record '%.*s' has "
                         "different sizes)", file, nlen, name);
  if (!in_bounds (lofs, 30, size) || rd32 (d + lofs) != SIG_LOCAL)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (local header of "
                         "'%.*s' missing)", file, nlen, name);
  const uint8_t *l = d + lofs;
  uint64_t data_ofs = lofs + 30 + (uint64_t) rd16 (l + 26) + rd16 (l + 28);
  if (rd16 (l + 26) != name_len || !in_bounds (lofs + 30, name_len, size)
      || memcmp (l + 30, name, name_len) != 0 || rd16 (l + 8) != method)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (local header of '%.*s' does "
                         "not match the central directory)", file, nlen, name);
  if (!in_bounds (data_ofs, csize, size))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated zip (data of '%.*s' runs past the "
                         "end of the file)", file, nlen, name);
  out->name = name;
  out->name_len = name_len;
  out->data_offset = (size_t) data_ofs;
  out->size = (size_t) csize;
  out->crc32 = rd32 (c + 16);
  out->method = method;
  *pos = p + rec_len;
  return NN_OK;
}

/* See nn-zip.h. */
NnStatus
nn_zip_open (NnZip *zip, const void *data, size_t size, const char *file, NnError *err)
{
  memset (zip, 0, sizeof *zip);
  const uint8_t *d = data;
  uint64_t cd_ofs = 0, cd_size = 0, count = 0;
  NnStatus st = find_directory (d, size, file, &cd_ofs, &cd_size, &count, err);
  if (st != NN_OK)
    return st;
  if (!in_bounds (cd_ofs, cd_size, size))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (central directory "
                         "outside the file)", file);
  if (count == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the zip archive is empty", file);
  if (count > cd_size / 46)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (entry count %llu does not fit "
                         "the central directory)", file, (unsigned long long) count);
  NnZipEntry *entries = calloc ((size_t) count, sizeof *entries);
  if (entries == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory reading the zip directory", file);
  uint64_t pos = cd_ofs, end = cd_ofs + cd_size;
  for (uint64_t i = 0; i < count; i++)
    {
      st = read_entry (d, size, end, &pos, file, &entries[i], err);
      if (st != NN_OK)
        {
          free (entries);
          return st;
        }
    }
  const char *slash = memchr (entries[0].name, '/', entries[0].name_len);
  zip->prefix = entries[0].name;
  zip->prefix_len = slash ? (size_t) (slash - entries[0].name) : 0;
  qsort (entries, (size_t) count, sizeof *entries, entry_cmp);
  for (uint64_t i = 1; i < count; i++)
    if (entry_cmp (&entries[i - 1], &entries[i]) == 0)
      {
        int n = (int) entries[i].name_len;
        nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (record '%.*s' appears twice)", file,
                      n, entries[i].name);
        free (entries);
        return NN_ERR_FORMAT;
      }
  zip->data = d;
  zip->size = size;
  zip->entries = entries;
  zip->count = (size_t) count;
  zip->file = file;
  return NN_OK;
}

/* Binary search on the sorted entries for "<prefix>/<record>". */
const NnZipEntry *
nn_zip_find (const NnZip *zip, const char *record)
{
  if (zip->entries == NULL || zip->prefix_len == 0)
    return NULL;
  size_t rlen = strlen (record), plen = zip->prefix_len;
  size_t lo = 0, hi = zip->count;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      const NnZipEntry *e = &zip->entries[mid];
      /* compare e->name with prefix + '/' + record, byte by byte */
      size_t want = plen + 1 + rlen, n = e->name_len < want ? e->name_len : want;
      int c = 0;
      for (size_t i = 0; i < n && c == 0; i++)
        {
          unsigned char w = i < plen ? (unsigned char) zip->prefix[i]
                            : i == plen ? '/' : (unsigned char) record[i - plen - 1];
          c = (int) (unsigned char) e->name[i] - (int) w;
        }
      if (c == 0)
        c = (e->name_len > want) - (e->name_len < want);
      if (c == 0)
        return e;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Linear scan over names for "<prefix>/<start>...". */
int
nn_zip_has_record_prefix (const NnZip *zip, const char *start)
{
  size_t slen = strlen (start), plen = zip->prefix_len;
  for (size_t i = 0; i < zip->count; i++)
    {
      const NnZipEntry *e = &zip->entries[i];
      if (e->name_len >= plen + 1 + slen && memcmp (e->name, zip->prefix, plen) == 0
          && e->name[plen] == '/' && memcmp (e->name + plen + 1, start, slen) == 0)
        return 1;
    }
  return 0;
}

/* Refuses compressed entries, then recomputes the CRC and compares with the directory. */
NnStatus
nn_zip_verify (const NnZip *zip, const NnZipEntry *entry, NnError *err)
{
  int n = (int) entry->name_len;
  if (entry->method != 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: zip record '%.*s' is compressed (method %u); "
                         "only stored entries are supported, as torch.save writes them",
                         zip->file, n, entry->name, entry->method);
  if (nn_crc32 (0, zip->data + entry->data_offset, entry->size) == entry->crc32)
    return NN_OK;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  /* fuzz builds only: let mutated bytes reach the pickle and tensor code behind the CRC */
  return NN_OK;
#endif
  return nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt zip (CRC mismatch in record '%.*s')",
                       zip->file, n, entry->name);
}

/* Frees the entry table. */
void
nn_zip_close (NnZip *zip)
{
  free (zip->entries);
  memset (zip, 0, sizeof *zip);
}
