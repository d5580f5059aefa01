/* nn-safetensors.c — bounded safetensors reader with a minimal JSON parser. */
#include "nn-safetensors.h"

#include <stdlib.h>
#include <string.h>

#include "nn-pickle.h"
#include "nn-state-dict.h"

#define MAX_HEADER ((uint64_t) 100000000)  /* the spec's own header limit */
#define MAX_DEPTH 16
#define MAX_NAME 1024

typedef struct {
  const char *p, *end;   /* cursor over the JSON header */
  const char *file;
  NnError *err;
} Json;

typedef struct {
  uint64_t begin, end;
} Span;

/* Skips JSON whitespace. */
static void
ws (Json *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

/* Consumes character c (after whitespace) or fails. */
static int
expect (Json *j, char c)
{
  ws (j);
  if (j->p >= j->end || *j->p != c)
    return 0;
  j->p++;
  return 1;
}

/* Reports a malformed header. */
static NnStatus
bad (Json *j, const char *why)
{
  return nn_error_set (j->err, NN_ERR_FORMAT, "%s: corrupt safetensors header (%s)", j->file,
                       why);
}

/* Appends the code point cp as UTF-8 to out (room for 4 bytes is guaranteed by callers). */
static size_t
put_utf8 (char *out, uint32_t cp)
{
  if (cp < 0x80)
    {
      out[0] = (char) cp;
      return 1;
    }
  if (cp < 0x800)
    {
      out[0] = (char) (0xC0 | (cp >> 6));
      out[1] = (char) (0x80 | (cp & 0x3F));
      return 2;
    }
  if (cp < 0x10000)
    {
      out[0] = (char) (0xE0 | (cp >> 12));
      out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
      out[2] = (char) (0x80 | (cp & 0x3F));
      return 3;
    }
  out[0] = (char) (0xF0 | (cp >> 18));
  out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char) (0x80 | (cp & 0x3F));
  return 4;
}

/* Reads 4 hex digits. */
static int
hex4 (Json *j, uint32_t *v)
{
  if (j->end - j->p < 4)
    return 0;
  *v = 0;
  for (int i = 0; i < 4; i++)
    {
      char c = *j->p++;
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0)
        return 0;
      *v = *v * 16 + (uint32_t) d;
    }
  return 1;
}

/* Parses a JSON string into out[cap] (decoded, NUL-terminated, NUL bytes refused); with
 * out == NULL the string is only skipped. */
static int
string (Json *j, char *out, size_t cap, size_t *len)
{
  if (!expect (j, '"'))
    return 0;
  size_t n = 0;
  char tmp[4];
  while (j->p < j->end && *j->p != '"')
    {
      char c = *j->p++;
      size_t k = 1;
      tmp[0] = c;
      if ((unsigned char) c < 0x20)
        return 0;
      if (c == '\\')
        {
          if (j->p >= j->end)
            return 0;
          char e = *j->p++;
          uint32_t cp;
          switch (e)
            {
            case '"': case '\\': case '/': tmp[0] = e; break;
            case 'b': tmp[0] = '\b'; break;
            case 'f': tmp[0] = '\f'; break;
            case 'n': tmp[0] = '\n'; break;
            case 'r': tmp[0] = '\r'; break;
            case 't': tmp[0] = '\t'; break;
            case 'u':
              if (!hex4 (j, &cp))
                return 0;
              if (cp >= 0xD800 && cp < 0xDC00)
                {
                  uint32_t lo;
                  if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                    return 0;
                  j->p += 2;
                  if (!hex4 (j, &lo) || lo < 0xDC00 || lo >= 0xE000)
                    return 0;
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
              else if (cp >= 0xDC00 && cp < 0xE000)
                return 0;
              if (cp == 0)
                return 0;
              k = put_utf8 (tmp, cp);
              break;
            default:
              return 0;
            }
        }
      if (out != NULL)
        {
          if (n + k >= cap)
            return 0;
          memcpy (out + n, tmp, k);
        }
      n += k;
    }
  if (j->p >= j->end)
    return 0;
  j->p++;
  if (out != NULL)
    out[n] = '\0';
  if (len)
    *len = n;
  return 1;
}

/* Parses a non-negative JSON integer no larger than 2^53. */
static int
uint_value (Json *j, uint64_t *v)
{
  ws (j);
  if (j->p >= j->end || *j->p < '0' || *j->p > '9')
    return 0;
  *v = 0;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    {
      *v = *v * 10 + (uint64_t) (*j->p++ - '0');
      if (*v > ((uint64_t) 1 << 53))
        return 0;
    }
  return 1;
}

/* Skips any JSON value; nesting is limited to MAX_DEPTH levels. */
static int
skip_value (Json *j, int depth)
{
  ws (j);
  if (j->p >= j->end || depth > MAX_DEPTH)
    return 0;
  char c = *j->p;
  if (c == '"')
    return string (j, NULL, 0, NULL);
  if (c == '{' || c == '[')
    {
      char close = c == '{' ? '}' : ']';
      j->p++;
      if (expect (j, close))
        return 1;
      do
        {
          if (c == '{' && (!string (j, NULL, 0, NULL) || !expect (j, ':')))
            return 0;
          if (!skip_value (j, depth + 1))
            return 0;
        }
      while (expect (j, ','));
      return expect (j, close);
    }
  /* number, true, false, null: a run of the characters they are made of */
  const char *start = j->p;
  while (j->p < j->end && strchr ("0123456789+-.eEtruefalsn", *j->p) != NULL)
    j->p++;
  return j->p > start;
}

/* Parses a JSON array of non-negative integers into v[max]. */
static int
uint_array (Json *j, uint64_t *v, int max, int *n)
{
  *n = 0;
  if (!expect (j, '['))
    return 0;
  if (expect (j, ']'))
    return 1;
  do
    {
      if (*n >= max || !uint_value (j, &v[*n]))
        return 0;
      (*n)++;
    }
  while (expect (j, ','));
  return expect (j, ']');
}

/* Maps a safetensors dtype name to a storage type; returns 0 for unsupported ones. */
static int
dtype_of (const char *s, NnStorageType *t)
{
  static const struct { const char *name; NnStorageType type; } map[] = {
    { "F32", NN_ST_F32 }, { "F16", NN_ST_F16 }, { "BF16", NN_ST_BF16 }, { "F64", NN_ST_F64 },
    { "I64", NN_ST_I64 }, { "I32", NN_ST_I32 }, { "I16", NN_ST_I16 }, { "I8", NN_ST_I8 },
    { "U8", NN_ST_U8 }, { "BOOL", NN_ST_BOOL },
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp (s, map[i].name) == 0)
      {
        *t = map[i].type;
        return 1;
      }
  return 0;
}

/* Parses one tensor description {"dtype":..,"shape":[..],"data_offsets":[b,e]} and adds
 * the tensor to sd, reading its bytes from body[body_size]. */
static NnStatus
tensor_entry (Json *j, const char *name, size_t nlen, const uint8_t *body, uint64_t body_size,
              NnStateDict *sd, Span *span)
{
  char key[32], dtype[32] = "";
  uint64_t shape[NN_MAX_DIMS], offs[2];
  int ndim = -1, noffs = -1;
  if (!expect (j, '{'))
    return bad (j, "tensor entry is not an object");
  if (!expect (j, '}'))
    do
      {
        size_t klen;
        int is_key = string (j, key, sizeof key, &klen);
        if (!is_key && !string (j, NULL, 0, NULL))
          return bad (j, "bad key in a tensor entry");
        if (!expect (j, ':'))
          return bad (j, "missing ':'");
        if (is_key && strcmp (key, "dtype") == 0)
          {
            if (!string (j, dtype, sizeof dtype, NULL))
              return bad (j, "bad dtype");
          }
        else if (is_key && strcmp (key, "shape") == 0)
          {
            if (!uint_array (j, shape, NN_MAX_DIMS, &ndim))
              return bad (j, "bad shape");
          }
        else if (is_key && strcmp (key, "data_offsets") == 0)
          {
            if (!uint_array (j, offs, 2, &noffs) || noffs != 2)
              return bad (j, "bad data_offsets");
          }
        else if (!skip_value (j, 1))
          return bad (j, "bad value in a tensor entry");
      }
    while (expect (j, ','));
  if (!expect (j, '}'))
    return bad (j, "unterminated tensor entry");
  int shown = (int) (nlen > 200 ? 200 : nlen);
  NnStorageType type;
  if (ndim < 0 || noffs != 2 || dtype[0] == '\0')
    return nn_error_set (j->err, NN_ERR_FORMAT, "%s: safetensors entry '%.*s' lacks dtype, "
                         "shape or data_offsets", j->file, shown, name);
  if (!dtype_of (dtype, &type))
    return nn_error_set (j->err, NN_ERR_FORMAT, "%s: tensor '%.*s' has unsupported dtype %s",
                         j->file, shown, name, dtype);
  uint64_t numel = 1;
  int64_t dims[NN_MAX_DIMS];
  int too_big = 0;
  for (int k = 0; k < ndim; k++)
    {
      dims[k] = (int64_t) shape[k];
      if (shape[k] != 0 && numel > body_size / shape[k])
        too_big = 1;
      else
        numel *= shape[k];
    }
  size_t es = nn_storage_type_size (type);
  if (too_big || offs[0] > offs[1] || offs[1] > body_size || offs[1] - offs[0] != numel * es)
    return nn_error_set (j->err, NN_ERR_FORMAT, "%s: tensor '%.*s' has data_offsets [%llu, "
                         "%llu] that do not fit its shape or the file", j->file, shown, name,
                         (unsigned long long) offs[0], (unsigned long long) offs[1]);
  int is_float = nn_storage_type_is_float (type);
  NnNamedTensor *t = is_float ? nn_state_dict_add_contiguous (sd, name, nlen, ndim, dims,
                                                              (size_t) numel, type, 0,
                                                              body + offs[0])
                               : nn_state_dict_add (sd, name, nlen, NN_DTYPE_INT, ndim, dims,
                                                    (size_t) numel);
  if (t == NULL)
    return nn_error_set (j->err, NN_ERR_NOMEM, "%s: out of memory reading '%.*s'", j->file,
                         shown, name);
  span->begin = offs[0];
  span->end = offs[1];
  return NN_OK;
}

/* Orders spans by start offset. */
static int
span_cmp (const void *a, const void *b)
{
  const Span *x = a, *y = b;
  return (x->begin > y->begin) - (x->begin < y->begin);
}

/* Reads the header object entry by entry. */
static NnStatus
parse_header (Json *j, const uint8_t *body, uint64_t body_size, NnStateDict *sd, Span **spans,
              size_t *nspans)
{
  char name[MAX_NAME + 1];
  size_t cap = 0;
  if (!expect (j, '{'))
    return bad (j, "not a JSON object");
  if (expect (j, '}'))
    return NN_OK;
  do
    {
      size_t nlen;
      if (!string (j, name, sizeof name, &nlen) || !expect (j, ':'))
        return bad (j, "bad tensor name");
      if (strcmp (name, "__metadata__") == 0)
        {
          if (!skip_value (j, 1))
            return bad (j, "bad __metadata__");
          continue;
        }
      if (*nspans == cap)
        {
          cap = cap ? 2 * cap : 64;
          Span *grown = realloc (*spans, cap * sizeof *grown);
          if (grown == NULL)
            return nn_error_set (j->err, NN_ERR_NOMEM, "%s: out of memory", j->file);
          *spans = grown;
        }
      NnStatus st = tensor_entry (j, name, nlen, body, body_size, sd, &(*spans)[*nspans]);
      if (st != NN_OK)
        return st;
      (*nspans)++;
    }
  while (expect (j, ','));
  if (!expect (j, '}'))
    return bad (j, "unterminated object");
  ws (j);
  if (j->p != j->end)
    return bad (j, "trailing bytes after the header object");
  return NN_OK;
}

/* Header length fits and the header starts with '{'. */
int
nn_safetensors_sniff (const uint8_t *data, size_t size)
{
  if (size < 10)
    return 0;
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--)
    n = (n << 8) | data[i];
  return n >= 2 && n <= size - 8 && n <= MAX_HEADER && data[8] == '{';
}

/* See nn-safetensors.h. */
NnStatus
nn_safetensors_read (const uint8_t *data, size_t size, const char *file, NnStateDict *sd,
                     NnError *err)
{
  if (!nn_safetensors_sniff (data, size))
    return nn_error_set (err, NN_ERR_FORMAT, "%s: truncated or corrupt safetensors file "
                         "(header length does not fit the file)", file);
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; i--)
    hlen = (hlen << 8) | data[i];
  Json j = { (const char *) data + 8, (const char *) data + 8 + hlen, file, err };
  Span *spans = NULL;
  size_t nspans = 0;
  const uint8_t *body = data + 8 + hlen;
  uint64_t body_size = size - 8 - hlen;
  NnStatus st = parse_header (&j, body, body_size, sd, &spans, &nspans);
  if (st == NN_OK && nspans > 1)
    {
      qsort (spans, nspans, sizeof *spans, span_cmp);
      for (size_t i = 1; i < nspans && st == NN_OK; i++)
        if (spans[i].begin < spans[i - 1].end)
          st = nn_error_set (err, NN_ERR_FORMAT, "%s: corrupt safetensors file (tensor data "
                             "ranges overlap at byte %llu)", file,
                             (unsigned long long) spans[i].begin);
    }
  free (spans);
  if (st != NN_OK)
    nn_state_dict_clear (sd);
  return st;
}
