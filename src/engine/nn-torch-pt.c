/* nn-torch-pt.c — torch.save zip archive -> NnStateDict (see nn-torch-pt.h). */
#include "nn-torch-pt.h"

#include <stdlib.h>
#include <string.h>

#include "nn-convert.h"
#include "nn-pickle.h"
#include "nn-state-dict.h"
#include "nn-zip.h"

#define MAX_KEY_LEN 1024
#define MAX_NUMEL ((int64_t) 1 << 48)

/* One storage record, read (and CRC-checked) once however many tensors view it. */
typedef struct {
  const char *key;
  size_t key_len;
  NnStorageType type;
  int64_t numel;
  const uint8_t *bytes;  /* [numel * element size] inside the archive */
} Storage;

typedef struct {
  const NnZip *zip;
  const char *file;
  int big_endian;
  Storage *slots;        /* open-addressing hash table keyed by key bytes */
  size_t nslots;
  size_t budget;         /* f32 elements still allowed in the output: file size + 4096, so
                            output <= 4x the file even with views re-reading a storage */
} Reader;

/* FNV-1a of the key bytes. */
static size_t
hash_key (const char *k, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (uint8_t) k[i]) * 1099511628211ull;
  return (size_t) h;
}

/* Prints at most 200 bytes of a key in messages. */
static int
shown (size_t len)
{
  return (int) (len > 200 ? 200 : len);
}

/* Returns the cached storage for the pickle's STORAGE object, reading its record on first
 * use: record present, size == numel * element size, CRC correct, same type every time. */
static NnStatus
get_storage (Reader *r, const NnPkObj *so, const Storage **out, NnError *err)
{
  const char *key = so->u.storage.key;
  size_t klen = so->u.storage.key_len;
  size_t i = hash_key (key, klen) & (r->nslots - 1);
  while (r->slots[i].key != NULL)
    {
      Storage *s = &r->slots[i];
      if (s->key_len == klen && memcmp (s->key, key, klen) == 0)
        {
          if (s->type != so->u.storage.type || s->numel != so->u.storage.numel)
            return nn_error_set (err, NN_ERR_FORMAT, "%s: storage '%.*s' is described twice "
                                 "with different types or sizes", r->file, shown (klen), key);
          *out = s;
          return NN_OK;
        }
      i = (i + 1) & (r->nslots - 1);
    }
  if (klen > MAX_KEY_LEN || memchr (key, '\0', klen) != NULL)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: bad storage key '%.*s'", r->file,
                         shown (klen), key);
  char record[MAX_KEY_LEN + 8];
  memcpy (record, "data/", 5);
  memcpy (record + 5, key, klen);
  record[5 + klen] = '\0';
  const NnZipEntry *e = nn_zip_find (r->zip, record);
  if (e == NULL)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt checkpoint (storage "
                         "record '%s' is missing)", r->file, record);
  NnStatus st = nn_zip_verify (r->zip, e, err);
  if (st != NN_OK)
    return st;
  size_t es = nn_storage_type_size (so->u.storage.type);
  if ((uint64_t) so->u.storage.numel > e->size / es
      || (size_t) so->u.storage.numel * es != e->size)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: storage record '%s' has %zu bytes but the "
                         "pickle says %lld elements of %zu bytes", r->file, record, e->size,
                         (long long) so->u.storage.numel, es);
  Storage *s = &r->slots[i];
  s->key = key;
  s->key_len = klen;
  s->type = so->u.storage.type;
  s->numel = so->u.storage.numel;
  s->bytes = r->zip->data + e->data_offset;
  *out = s;
  return NN_OK;
}

/* Checks that every element of the view lies inside the storage and returns its numel. */
static NnStatus
check_view (Reader *r, const NnPkObj *t, const Storage *s, const char *name, size_t nlen,
            size_t *numel_out, NnError *err)
{
  int64_t numel = 1;
  for (int k = 0; k < t->u.tensor.ndim; k++)
    {
      int64_t n = t->u.tensor.size[k];
      if (n != 0 && numel > MAX_NUMEL / n)
        return nn_error_set (err, NN_ERR_FORMAT, "%s: tensor '%.*s' is impossibly large",
                             r->file, shown (nlen), name);
      numel *= n;
    }
  if (numel > 0)
    {
      int64_t last = t->u.tensor.offset;
      int ok = last < s->numel;
      for (int k = 0; k < t->u.tensor.ndim && ok; k++)
        {
          int64_t extent = t->u.tensor.size[k] - 1, stride = t->u.tensor.stride[k];
          if (stride != 0 && extent > (s->numel - 1 - last) / stride)
            ok = 0;
          else
            last += extent * stride;
        }
      if (!ok)
        return nn_error_set (err, NN_ERR_FORMAT, "%s: tensor '%.*s' reaches past the end of "
                             "its storage (%lld elements)", r->file, shown (nlen), name,
                             (long long) s->numel);
    }
  *numel_out = (size_t) numel;
  return NN_OK;
}

/* True when the view's elements lie contiguously in C order (a dimension of size 1 never
 * moves the position, so its stride may be anything). */
static int
is_contiguous (const NnPkObj *t)
{
  int64_t expect = 1;
  for (int k = t->u.tensor.ndim - 1; k >= 0; k--)
    {
      const int64_t n = t->u.tensor.size[k];
      if (n != 1 && t->u.tensor.stride[k] != expect)
        return 0;
      expect *= n;
    }
  return 1;
}

/* The view's first element inside the storage. */
static const uint8_t *
view_base (const NnPkObj *t, const Storage *s)
{
  return s->bytes + (size_t) t->u.tensor.offset * nn_storage_type_size (s->type);
}

/* Copies a strided view into dst[numel] as f32, in C order. check_view has bounded every
 * reachable element, so the walk stays inside the storage. */
static void
gather (const Reader *r, const NnPkObj *t, const Storage *s, size_t numel, float *dst)
{
  if (numel == 0)
    return;
  size_t es = nn_storage_type_size (s->type);
  int ndim = t->u.tensor.ndim;
  const int64_t *size = t->u.tensor.size;
  int64_t stride[NN_MAX_DIMS];
  for (int k = 0; k < ndim; k++)
    stride[k] = size[k] == 1 ? 0 : t->u.tensor.stride[k];
  const uint8_t *base = view_base (t, s);
  int64_t idx[NN_MAX_DIMS] = { 0 };
  int64_t pos = 0;
  for (size_t i = 0; i < numel; i++)
    {
      dst[i] = nn_convert_element (s->type, base + (size_t) pos * es, r->big_endian);
      for (int k = ndim - 1; k >= 0; k--)
        {
          if (++idx[k] < size[k])
            {
              pos += stride[k];
              break;
            }
          pos -= stride[k] * (size[k] - 1);
          idx[k] = 0;
        }
    }
}

/* Adds one (name, tensor) pair of the chosen dict to sd. */
static NnStatus
add_tensor (Reader *r, const NnPkObj *key, const NnPkObj *val, NnStateDict *sd, NnError *err)
{
  if (key->kind != NN_PK_STR)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the state dict has a key that is not a "
                         "string", r->file);
  const char *name = key->u.str.ptr;
  size_t nlen = key->u.str.len;
  if (val->kind != NN_PK_TENSOR)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: entry '%.*s' of the state dict is not a "
                         "tensor", r->file, shown (nlen), name);
  if (nlen == 0 || nlen > MAX_KEY_LEN || memchr (name, '\0', nlen) != NULL)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: bad state dict key '%.*s'", r->file,
                         shown (nlen), name);
  const Storage *s = NULL;
  NnStatus st = get_storage (r, val->u.tensor.storage, &s, err);
  if (st != NN_OK)
    return st;
  size_t numel = 0;
  st = check_view (r, val, s, name, nlen, &numel, err);
  if (st != NN_OK)
    return st;
  int is_float = nn_storage_type_is_float (s->type);
  if (is_float)
    {
      if (numel > r->budget)
        return nn_error_set (err, NN_ERR_NOMEM, "%s: the tensors add up to far more data "
                             "than the file holds (at '%.*s')", r->file, shown (nlen), name);
      r->budget -= numel;
    }
  const int ndim = val->u.tensor.ndim;
  const int64_t *shape = val->u.tensor.size;
  NnNamedTensor *nt;
  if (!is_float)
    nt = nn_state_dict_add (sd, name, nlen, NN_DTYPE_INT, ndim, shape, numel);
  else if (is_contiguous (val))
    nt = nn_state_dict_add_contiguous (sd, name, nlen, ndim, shape, numel, s->type,
                                       r->big_endian, view_base (val, s));
  else if ((nt = nn_state_dict_add (sd, name, nlen, NN_DTYPE_F32, ndim, shape, numel)) != NULL)
    gather (r, val, s, numel, nt->data);
  if (nt == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory reading '%.*s'", r->file,
                         shown (nlen), name);
  return NN_OK;
}

/* Picks the dict that holds the tensors: the root, or the value of a wrapper key. */
static const NnPkObj *
unwrap (const NnPkObj *root)
{
  static const char *const wrappers[] = { "state_dict", "model_state_dict", "model", "net" };
  const NnPkObj *d = root;
  for (int depth = 0; depth < 4; depth++)
    {
      const NnPkObj *inner = NULL;
      for (size_t w = 0; w < sizeof wrappers / sizeof wrappers[0] && inner == NULL; w++)
        {
          const NnPkObj *v = nn_pk_dict_get (d, wrappers[w]);
          if (v != NULL && v->kind == NN_PK_DICT)
            inner = v;
        }
      if (inner == NULL)
        break;
      d = inner;
    }
  return d;
}

/* Reads the optional byteorder record ("little"/"big", torch >= 2.1). */
static NnStatus
read_byteorder (const NnZip *zip, const char *file, int *big, NnError *err)
{
  const NnZipEntry *e = nn_zip_find (zip, "byteorder");
  *big = 0;
  if (e == NULL)
    return NN_OK;
  NnStatus st = nn_zip_verify (zip, e, err);
  if (st != NN_OK)
    return st;
  const char *p = (const char *) zip->data + e->data_offset;
  size_t n = e->size;
  while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
    n--;
  if (n == 6 && memcmp (p, "little", 6) == 0)
    return NN_OK;
  if (n == 3 && memcmp (p, "big", 3) == 0)
    {
      *big = 1;
      return NN_OK;
    }
  return nn_error_set (err, NN_ERR_FORMAT, "%s: unknown byteorder record '%.*s'", file,
                       shown (n), p);
}

/* Converts the unpickled object tree into sd. */
static NnStatus
collect (Reader *r, const NnPkObj *root, NnStateDict *sd, NnError *err)
{
  if (root->kind != NN_PK_DICT)
    return nn_error_set (err, NN_ERR_FORMAT, "%s: the checkpoint holds no dict of tensors "
                         "(not a state_dict)", r->file);
  const NnPkObj *d = unwrap (root);
  size_t n = d->u.seq.len / 2;
  r->nslots = 16;
  while (r->nslots < 2 * n)
    r->nslots *= 2;
  r->slots = calloc (r->nslots, sizeof *r->slots);
  if (r->slots == NULL)
    return nn_error_set (err, NN_ERR_NOMEM, "%s: out of memory", r->file);
  NnStatus st = NN_OK;
  for (size_t i = 0; i < n && st == NN_OK; i++)
    st = add_tensor (r, d->u.seq.items[2 * i], d->u.seq.items[2 * i + 1], sd, err);
  free (r->slots);
  r->slots = NULL;
  return st;
}

/* See nn-torch-pt.h. */
NnStatus
nn_torch_pt_read (const uint8_t *data, size_t size, const char *file, NnStateDict *sd,
                  NnError *err)
{
  NnZip zip;
  NnStatus st = nn_zip_open (&zip, data, size, file, err);
  if (st != NN_OK)
    return st;
  NnPickle pk = { 0 };
  NnPkObj *root = NULL;
  Reader r = { .zip = &zip, .file = file,
               .budget = size > SIZE_MAX / 8 ? SIZE_MAX / 8 : size + 4096 };
  const NnZipEntry *pkl = nn_zip_find (&zip, "data.pkl");
  if (nn_zip_find (&zip, "constants.pkl") != NULL || nn_zip_has_record_prefix (&zip, "code/"))
    st = nn_error_set (err, NN_ERR_UNSUPPORTED, "%s: TorchScript archive (torch.jit.save), not "
                       "a state_dict; save it with torch.save(model.state_dict(), path)", file);
  else if (pkl == NULL)
    st = nn_error_set (err, NN_ERR_FORMAT, "%s: zip archive without data.pkl, not a torch.save "
                       "checkpoint", file);
  else if ((st = nn_zip_verify (&zip, pkl, err)) == NN_OK
           && (st = read_byteorder (&zip, file, &r.big_endian, err)) == NN_OK
           && (st = nn_pickle_load (zip.data + pkl->data_offset, pkl->size, file, "data.pkl",
                                    &pk, &root, err)) == NN_OK)
    st = collect (&r, root, sd, err);
  nn_pickle_free (&pk);
  nn_zip_close (&zip);
  if (st != NN_OK)
    nn_state_dict_clear (sd);
  return st;
}
