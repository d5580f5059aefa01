/* nn-checkpoint.c — checkpoint entry points: map the file, pick the reader by content,
 * normalise key names (see nn-checkpoint.h). */
#include "nn-checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn-safetensors.h"
#include "nn-torch-pt.h"

static const uint8_t legacy_magic[] = { 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a,
                                        0xa8, 0x50, 0x19 };

/* True when the legacy torch magic number (a pickled LONG1) appears in the first bytes. */
static int
has_legacy_magic (const uint8_t *d, size_t size)
{
  size_t n = size < 64 ? size : 64;
  for (size_t i = 0; i + sizeof legacy_magic <= n; i++)
    if (memcmp (d + i, legacy_magic, sizeof legacy_magic) == 0)
      return 1;
  return 0;
}

/* True when every name, from byte off on, starts with prefix and continues after it. */
static int
all_have_prefix (const NnStateDict *sd, size_t off, const char *prefix)
{
  size_t n = strlen (prefix);
  for (size_t i = 0; i < sd->count; i++)
    if (strncmp (sd->tensors[i].name + off, prefix, n) != 0
        || sd->tensors[i].name[off + n] == '\0')
      return 0;
  return sd->count > 0;
}

/* Strips `module.` (repeated) and `model.` while every key has one of them. The common
 * offset is found first so that each pass costs O(keys), then every name moves once. */
static void
strip_prefixes (NnStateDict *sd)
{
  size_t off = 0;
  for (;;)
    {
      if (all_have_prefix (sd, off, "module."))
        off += strlen ("module.");
      else if (all_have_prefix (sd, off, "model."))
        off += strlen ("model.");
      else
        break;
    }
  if (off == 0)
    return;
  for (size_t i = 0; i < sd->count; i++)
    {
      char *name = sd->tensors[i].name;
      size_t len = strlen (name);
      for (size_t c = 0; c + off <= len; c++)
        name[c] = name[c + off];
    }
}

/* Orders pointers to tensors by name. */
static int
name_cmp (const void *a, const void *b)
{
  const NnNamedTensor *const *x = a, *const *y = b;
  return strcmp ((*x)->name, (*y)->name);
}

/* Strips `module.`/`model.` prefixes shared by every key, then refuses duplicate names. */
static NnStatus
normalise_names (NnStateDict *sd, const char *name, NnError *err)
{
  strip_prefixes (sd);
  if (sd->count < 2)
    return NN_OK;
  const NnNamedTensor **order = malloc (sd->count * sizeof *order);
  if (order == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory", name);
  for (size_t i = 0; i < sd->count; i++)
    order[i] = &sd->tensors[i];
  qsort (order, sd->count, sizeof *order, name_cmp);
  NnStatus st = NN_OK;
  for (size_t i = 1; i < sd->count && st == NN_OK; i++)
    if (strcmp (order[i - 1]->name, order[i]->name) == 0)
      st = nn_error_set (err, NN_ERR_FORMAT, "%s: key '%.200s' appears twice", name,
                         order[i]->name);
  free (order);
  return st;
}

/* Sniffs the format from the first bytes, then reads data[size] into the empty sd and
 * normalises the names; on failure sd holds no tensors (its mapping, if any, is kept). */
static NnStatus
read_buffer (const uint8_t *d, size_t size, const char *name, NnStateDict *sd, NnError *err)
{
  NnStatus st;
  if (size == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: file is empty", name);
  if (memcmp (d, "PK\003\004", size < 4 ? size : 4) == 0)
    st = size < 4 ? nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (%zu bytes)",
                                  name, size)
                  : nn_torch_pt_read (d, size, name, sd, err);
  else if (size >= 2 && d[0] == 0x80 && has_legacy_magic (d, size))
    return nn_error_set (err, NN_ERR_UNSUPPORTED, "%s: legacy (pre-1.6) torch file; re-save it "
                         "with torch>=1.6: torch.save(torch.load(path), path)", name);
  else if (size >= 262 && memcmp (d + 257, "ustar", 5) == 0)
    return nn_error_set (err, NN_ERR_UNSUPPORTED, "%s: legacy tar-format torch file; re-save it "
                         "with torch>=1.6: torch.save(torch.load(path), path)", name);
  else if (size >= 8 && memcmp (d, "PYTORCH1", 8) == 0)
    return nn_error_set (err, NN_ERR_UNSUPPORTED, "%s: PYTORCH1 preview-release archive; re-save "
                         "it with torch>=1.6", name);
  else if (nn_safetensors_sniff (d, size))
    st = nn_safetensors_read (d, size, name, sd, err);
  else if (d[0] == 0x80)
    return nn_error_set (err, NN_ERR_UNSUPPORTED, "%s: a bare pickle, not a torch.save zip "
                         "checkpoint or safetensors file", name);
  else if (size >= 4 && memcmp (d, "PK", 2) == 0)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt zip (no local header at "
                         "the start)", name);
  else
    return nn_error_set (err, NN_ERR_FORMAT, "%s: not a PyTorch checkpoint (neither a "
                         "torch.save zip nor a safetensors file)", name);
  if (st == NN_OK)
    st = normalise_names (sd, name, err);
  return st;
}

/* See nn-checkpoint.h: nothing points into data afterwards. */
NnStatus
nn_checkpoint_read_memory (const void *data, size_t size, const char *name, NnStateDict *sd,
                           NnError *err)
{
  *sd = (NnStateDict) { 0 };
  NnStatus st = read_buffer (data, size, name, sd, err);
  if (st != NN_OK)
    nn_state_dict_clear (sd);
  return st;
}

/* Maps the whole file read-only and reads it, leaving the mapping to sd (see nn-checkpoint.h).
 * O_NONBLOCK: a FIFO or device given as a checkpoint returns from open() at once and is
 * refused by the type check on the descriptor. */
NnStatus
nn_checkpoint_read (const char *path, NnStateDict *sd, NnError *err)
{
  *sd = (NnStateDict) { 0 };
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return nn_error_set (err, NN_ERR_IO, "%s: cannot open: %s", path, strerror (errno));
  struct stat stbuf;
  if (fstat (fd, &stbuf) != 0)
    {
      int e = errno;
      close (fd);
      return nn_error_set (err, NN_ERR_IO, "%s: cannot stat: %s", path, strerror (e));
    }
  if (!S_ISREG (stbuf.st_mode))
    {
      close (fd);
      return nn_error_set (err, NN_ERR_IO, "%s: not a regular file", path);
    }
  if (stbuf.st_size == 0)
    {
      close (fd);
      return nn_error_set (err, NN_ERR_FORMAT, "%s: file is empty", path);
    }
  size_t size = (size_t) stbuf.st_size;
  void *map = mmap (NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  close (fd);
  if (map == MAP_FAILED)
    return nn_error_set (err, NN_ERR_IO, "%s: cannot map: %s", path, strerror (map_errno));
  sd->map = map;
  sd->map_size = size;
  NnStatus st = read_buffer (map, size, path, sd, err);
  if (st != NN_OK)
    nn_state_dict_clear (sd);
  else
    madvise (map, size, MADV_DONTNEED);
  return st;
}
