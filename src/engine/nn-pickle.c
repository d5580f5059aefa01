/* nn-pickle.c — bounded, non-executing pickle reader (see nn-pickle.h). */
#include "nn-pickle.h"

#include <stdlib.h>
#include <string.h>

/* The interpreter state for one run; stack and marks hold indices into growable arrays. */
typedef struct {
  const uint8_t *data;
  size_t size, pos;
  const char *file, *what;
  NnError *err;
  NnPickle *pk;
  NnPkObj **stack;  size_t sp, stack_cap;
  size_t *marks;    size_t nmarks, marks_cap;
  NnPkObj **memo;   size_t memo_cap, memo_filled;
} Vm;

typedef struct {
  const char *module, *name;
  NnPkGlobal which;
  NnStorageType type;
} Allowed;

static const Allowed allowed[] = {
  { "collections", "OrderedDict", NN_PKG_ORDERED_DICT, 0 },
  { "torch._utils", "_rebuild_tensor_v2", NN_PKG_REBUILD_TENSOR_V2, 0 },
  { "torch._utils", "_rebuild_parameter", NN_PKG_REBUILD_PARAMETER, 0 },
  { "torch._utils", "_rebuild_parameter_with_state", NN_PKG_REBUILD_PARAMETER_WITH_STATE, 0 },
  { "torch", "FloatStorage", NN_PKG_STORAGE, NN_ST_F32 },
  { "torch", "HalfStorage", NN_PKG_STORAGE, NN_ST_F16 },
  { "torch", "BFloat16Storage", NN_PKG_STORAGE, NN_ST_BF16 },
  { "torch", "DoubleStorage", NN_PKG_STORAGE, NN_ST_F64 },
  { "torch", "LongStorage", NN_PKG_STORAGE, NN_ST_I64 },
  { "torch", "IntStorage", NN_PKG_STORAGE, NN_ST_I32 },
  { "torch", "ShortStorage", NN_PKG_STORAGE, NN_ST_I16 },
  { "torch", "CharStorage", NN_PKG_STORAGE, NN_ST_I8 },
  { "torch", "ByteStorage", NN_PKG_STORAGE, NN_ST_U8 },
  { "torch", "BoolStorage", NN_PKG_STORAGE, NN_ST_BOOL },
};

/* Element sizes indexed by NnStorageType. */
size_t
nn_storage_type_size (NnStorageType type)
{
  static const size_t sizes[] = { 4, 2, 2, 8, 8, 4, 2, 1, 1, 1 };
  return sizes[type];
}

/* Floating types are the first four enumerators. */
int
nn_storage_type_is_float (NnStorageType type)
{
  return type <= NN_ST_F64;
}

/* Records a format error at the current opcode. */
static NnStatus
corrupt (Vm *vm, const char *why)
{
  return nn_error_set (vm->err, NN_ERR_FORMAT, "%s: corrupt pickle in %s (%s at byte %zu)",
                       vm->file, vm->what, why, vm->pos);
}

/* Makes *arr hold at least need object pointers, doubling the capacity *cap. */
static int
grow_objs (NnPkObj ***arr, size_t *cap, size_t need)
{
  if (need <= *cap)
    return 1;
  size_t n = *cap ? *cap : 16;
  while (n < need)
    n *= 2;
  NnPkObj **p = realloc (*arr, n * sizeof *p);
  if (p == NULL)
    return 0;
  *arr = p;
  *cap = n;
  return 1;
}

/* Makes the mark stack hold at least need entries. */
static int
grow_marks (size_t **arr, size_t *cap, size_t need)
{
  if (need <= *cap)
    return 1;
  size_t n = *cap ? *cap : 16;
  while (n < need)
    n *= 2;
  size_t *p = realloc (*arr, n * sizeof *p);
  if (p == NULL)
    return 0;
  *arr = p;
  *cap = n;
  return 1;
}

/* Allocates a zeroed object of the given kind and registers it for freeing. */
static NnPkObj *
new_obj (Vm *vm, NnPkKind kind)
{
  if (!grow_objs (&vm->pk->objects, &vm->pk->cap, vm->pk->count + 1))
    return NULL;
  NnPkObj *o = calloc (1, sizeof *o);
  if (o == NULL)
    return NULL;
  o->kind = kind;
  vm->pk->objects[vm->pk->count++] = o;
  return o;
}

/* Pushes o (non-NULL) on the stack. */
static NnStatus
push (Vm *vm, NnPkObj *o)
{
  if (o == NULL || !grow_objs (&vm->stack, &vm->stack_cap, vm->sp + 1))
    return nn_error_set (vm->err, NN_ERR_NOMEM, "%s: out of memory reading %s", vm->file,
                         vm->what);
  vm->stack[vm->sp++] = o;
  return NN_OK;
}

/* Pops the top object, or NULL when the stack (above the last mark) is empty. */
static NnPkObj *
pop (Vm *vm)
{
  size_t floor = vm->nmarks ? vm->marks[vm->nmarks - 1] : 0;
  if (vm->sp <= floor)
    return NULL;
  return vm->stack[--vm->sp];
}

/* Appends item to a TUPLE/LIST/DICT object's item array. */
static int
seq_add (NnPkObj *o, NnPkObj *item)
{
  if (!grow_objs (&o->u.seq.items, &o->u.seq.cap, o->u.seq.len + 1))
    return 0;
  o->u.seq.items[o->u.seq.len++] = item;
  return 1;
}

/* Reads n bytes at the cursor, or NULL if the pickle ends first. */
static const uint8_t *
take (Vm *vm, uint64_t n)
{
  if (n > vm->size - vm->pos)
    return NULL;
  const uint8_t *p = vm->data + vm->pos;
  vm->pos += (size_t) n;
  return p;
}

/* Reads an n-byte little-endian unsigned integer (n <= 8). */
static uint64_t
le (const uint8_t *p, int n)
{
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* True when the n-byte string s equals the NUL-terminated lit. */
static int
str_is (const char *s, size_t n, const char *lit)
{
  return strlen (lit) == n && memcmp (s, lit, n) == 0;
}

/* True when the n-byte string s starts with the NUL-terminated lit. */
static int
str_starts (const char *s, size_t n, const char *lit)
{
  size_t l = strlen (lit);
  return n >= l && memcmp (s, lit, l) == 0;
}

/* Resolves module.name against the whitelist and pushes the GLOBAL, or refuses it. */
static NnStatus
push_global (Vm *vm, const char *mod, size_t mlen, const char *name, size_t nlen)
{
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
    if (str_is (mod, mlen, allowed[i].module) && str_is (name, nlen, allowed[i].name))
      {
        NnPkObj *o = new_obj (vm, NN_PK_GLOBAL);
        if (o)
          {
            o->u.global.which = allowed[i].which;
            o->u.global.type = allowed[i].type;
          }
        return push (vm, o);
      }
  int ml = (int) (mlen > 200 ? 200 : mlen), nl = (int) (nlen > 200 ? 200 : nlen);
  if (str_is (mod, mlen, "__main__") || str_starts (mod, mlen, "segmentation_models_pytorch")
      || str_starts (mod, mlen, "torch.nn.") || str_starts (mod, mlen, "torchvision.")
      || str_starts (mod, mlen, "torch.jit"))
    return nn_error_set (vm->err, NN_ERR_UNSUPPORTED,
                         "%s: the file is a pickled whole model (class %.*s.%.*s, from "
                         "torch.save(model)), not a state_dict; re-save with "
                         "torch.save(model.state_dict(), path)", vm->file, ml, mod, nl, name);
  return nn_error_set (vm->err, NN_ERR_SECURITY,
                       "%s: refused pickle global %.*s.%.*s in %s (only tensors and plain "
                       "containers are read)", vm->file, ml, mod, nl, name, vm->what);
}

/* Adds the items above base to the sequence o (in stack order) and drops them from the
 * stack. */
static NnStatus
move_into (Vm *vm, NnPkObj *o, size_t base)
{
  for (size_t i = base; i < vm->sp; i++)
    if (!seq_add (o, vm->stack[i]))
      return push (vm, NULL);
  vm->sp = base;
  return NN_OK;
}

/* Pops everything above the last mark into a new object of kind (TUPLE or LIST). */
static NnStatus
pop_mark_into (Vm *vm, NnPkObj *o)
{
  if (vm->nmarks == 0)
    return corrupt (vm, "no MARK");
  size_t base = vm->marks[--vm->nmarks];
  if (o == NULL)
    return push (vm, NULL);
  NnStatus st = move_into (vm, o, base);
  return st != NN_OK ? st : push (vm, o);
}

/* Reads an integer argument of a call (INT or BOOL). */
static int
get_int (const NnPkObj *o, int64_t *v)
{
  if (o == NULL || (o->kind != NN_PK_INT && o->kind != NN_PK_BOOL))
    return 0;
  *v = o->u.i;
  return 1;
}

/* Builds a TENSOR from _rebuild_tensor_v2's argument tuple, checking only the types and
 * signs here; bounds against the storage are checked by the reader that has the data. */
static NnStatus
rebuild_tensor (Vm *vm, const NnPkObj *args)
{
  size_t n = args->u.seq.len;
  NnPkObj **a = args->u.seq.items;
  if (n != 6 && n != 7)
    return corrupt (vm, "_rebuild_tensor_v2 needs 6 or 7 arguments");
  if (a[0]->kind != NN_PK_STORAGE)
    return corrupt (vm, "_rebuild_tensor_v2 without a storage");
  if (a[2]->kind != NN_PK_TUPLE || a[3]->kind != NN_PK_TUPLE
      || a[2]->u.seq.len != a[3]->u.seq.len)
    return corrupt (vm, "_rebuild_tensor_v2 with bad size/stride");
  if (a[2]->u.seq.len > NN_MAX_DIMS)
    return corrupt (vm, "tensor with more than 8 dimensions");
  NnPkObj *t = new_obj (vm, NN_PK_TENSOR);
  if (t == NULL)
    return push (vm, NULL);
  t->u.tensor.storage = a[0];
  t->u.tensor.ndim = (int) a[2]->u.seq.len;
  if (!get_int (a[1], &t->u.tensor.offset) || t->u.tensor.offset < 0)
    return corrupt (vm, "bad tensor storage offset");
  for (int k = 0; k < t->u.tensor.ndim; k++)
    if (!get_int (a[2]->u.seq.items[k], &t->u.tensor.size[k])
        || !get_int (a[3]->u.seq.items[k], &t->u.tensor.stride[k])
        || t->u.tensor.size[k] < 0 || t->u.tensor.stride[k] < 0)
      return corrupt (vm, "bad tensor size or stride");
  return push (vm, t);
}

/* REDUCE: applies a whitelisted callable to its argument tuple. */
static NnStatus
reduce (Vm *vm)
{
  NnPkObj *args = pop (vm), *fn = pop (vm);
  if (args == NULL || fn == NULL || args->kind != NN_PK_TUPLE)
    return corrupt (vm, "bad REDUCE");
  if (fn->kind != NN_PK_GLOBAL)
    return corrupt (vm, "REDUCE of something not callable");
  size_t n = args->u.seq.len;
  switch (fn->u.global.which)
    {
    case NN_PKG_ORDERED_DICT:
      if (n != 0)
        return corrupt (vm, "OrderedDict called with arguments");
      return push (vm, new_obj (vm, NN_PK_DICT));
    case NN_PKG_REBUILD_TENSOR_V2:
      return rebuild_tensor (vm, args);
    case NN_PKG_REBUILD_PARAMETER:
    case NN_PKG_REBUILD_PARAMETER_WITH_STATE:
      if (n != (fn->u.global.which == NN_PKG_REBUILD_PARAMETER ? 3u : 4u)
          || args->u.seq.items[0]->kind != NN_PK_TENSOR)
        return corrupt (vm, "bad _rebuild_parameter arguments");
      return push (vm, args->u.seq.items[0]);
    case NN_PKG_STORAGE:
      break;
    }
  return corrupt (vm, "a storage class is called");
}

/* BINPERSID: ('storage', torch.<X>Storage, key, location, numel) becomes a STORAGE. */
static NnStatus
persistent_load (Vm *vm)
{
  NnPkObj *pid = pop (vm);
  if (pid == NULL || pid->kind != NN_PK_TUPLE || pid->u.seq.len != 5)
    return corrupt (vm, "persistent id is not a 5-tuple");
  NnPkObj **a = pid->u.seq.items;
  int64_t numel;
  if (a[0]->kind != NN_PK_STR || !str_is (a[0]->u.str.ptr, a[0]->u.str.len, "storage")
      || a[1]->kind != NN_PK_GLOBAL || a[1]->u.global.which != NN_PKG_STORAGE
      || a[2]->kind != NN_PK_STR || a[3]->kind != NN_PK_STR || !get_int (a[4], &numel)
      || numel < 0)
    return corrupt (vm, "persistent id is not ('storage', class, key, location, numel)");
  NnPkObj *s = new_obj (vm, NN_PK_STORAGE);
  if (s)
    {
      s->u.storage.type = a[1]->u.global.type;
      s->u.storage.key = a[2]->u.str.ptr;
      s->u.storage.key_len = a[2]->u.str.len;
      s->u.storage.numel = numel;
    }
  return push (vm, s);
}

/* Stores the top of the stack in memo slot idx; slots are bounded by the pickle length. */
static NnStatus
memo_put (Vm *vm, uint64_t idx)
{
  if (vm->sp == 0 || (vm->nmarks && vm->sp <= vm->marks[vm->nmarks - 1]))
    return corrupt (vm, "memo store with an empty stack");
  if (idx > vm->size)
    return corrupt (vm, "memo index out of range");
  size_t old = vm->memo_cap;
  if (!grow_objs (&vm->memo, &vm->memo_cap, (size_t) idx + 1))
    return push (vm, NULL);
  memset (vm->memo + old, 0, (vm->memo_cap - old) * sizeof *vm->memo);
  if (vm->memo[idx] == NULL)
    vm->memo_filled++;
  vm->memo[idx] = vm->stack[vm->sp - 1];
  return NN_OK;
}

/* Pushes memo slot idx, which must have been stored. */
static NnStatus
memo_get (Vm *vm, uint64_t idx)
{
  if (idx >= vm->memo_cap || vm->memo[idx] == NULL)
    return corrupt (vm, "memo index never stored");
  return push (vm, vm->memo[idx]);
}

/* Pushes a string/bytes object of len bytes read at the cursor. */
static NnStatus
push_str (Vm *vm, NnPkKind kind, uint64_t len)
{
  const uint8_t *p = take (vm, len);
  if (p == NULL)
    return corrupt (vm, "string runs past the end");
  NnPkObj *o = new_obj (vm, kind);
  if (o)
    {
      o->u.str.ptr = (const char *) p;
      o->u.str.len = (size_t) len;
    }
  return push (vm, o);
}

/* Pushes an INT. */
static NnStatus
push_int (Vm *vm, NnPkKind kind, int64_t v)
{
  NnPkObj *o = new_obj (vm, kind);
  if (o)
    o->u.i = v;
  return push (vm, o);
}

/* Reads the length prefix of n bytes, then the string. */
static NnStatus
op_str (Vm *vm, NnPkKind kind, int n)
{
  const uint8_t *p = take (vm, (uint64_t) n);
  if (p == NULL)
    return corrupt (vm, "truncated length");
  return push_str (vm, kind, le (p, n));
}

/* LONG1/LONG4: n-byte two's-complement little-endian integer; more than 8 bytes refused. */
static NnStatus
op_long (Vm *vm, int len_bytes)
{
  const uint8_t *p = take (vm, (uint64_t) len_bytes);
  if (p == NULL)
    return corrupt (vm, "truncated LONG");
  uint64_t n = le (p, len_bytes);
  if (n > 8)
    return corrupt (vm, "integer wider than 64 bits");
  const uint8_t *b = take (vm, n);
  if (b == NULL)
    return corrupt (vm, "truncated LONG");
  uint64_t v = le (b, (int) n);
  if (n > 0 && n < 8 && (b[n - 1] & 0x80))
    v |= ~(uint64_t) 0 << (8 * n);
  return push_int (vm, NN_PK_INT, (int64_t) v);
}

/* GLOBAL: "module\nname\n" in ASCII. */
static NnStatus
op_global (Vm *vm)
{
  const char *mod = (const char *) vm->data + vm->pos;
  const char *nl1 = memchr (mod, '\n', vm->size - vm->pos);
  if (nl1 == NULL)
    return corrupt (vm, "unterminated GLOBAL");
  const char *name = nl1 + 1;
  size_t rest = vm->size - (size_t) (name - (const char *) vm->data);
  const char *nl2 = memchr (name, '\n', rest);
  if (nl2 == NULL)
    return corrupt (vm, "unterminated GLOBAL");
  vm->pos = (size_t) (nl2 + 1 - (const char *) vm->data);
  return push_global (vm, mod, (size_t) (nl1 - mod), name, (size_t) (nl2 - name));
}

/* STACK_GLOBAL: module and name strings from the stack. */
static NnStatus
op_stack_global (Vm *vm)
{
  NnPkObj *name = pop (vm), *mod = pop (vm);
  if (name == NULL || mod == NULL || name->kind != NN_PK_STR || mod->kind != NN_PK_STR)
    return corrupt (vm, "STACK_GLOBAL without two strings");
  return push_global (vm, mod->u.str.ptr, mod->u.str.len, name->u.str.ptr, name->u.str.len);
}

/* SETITEM/SETITEMS (kind NN_PK_DICT: key/value pairs) and APPEND/APPENDS/ADDITEMS (kind
 * NN_PK_LIST): moves the items above base into the container of that kind just below base. */
static NnStatus
add_items (Vm *vm, size_t base, NnPkKind kind)
{
  const int dict = kind == NN_PK_DICT;
  if (base == 0 || (dict && (vm->sp - base) % 2 != 0))
    return corrupt (vm, dict ? "bad SETITEMS" : "bad APPENDS");
  NnPkObj *c = vm->stack[base - 1];
  if (c->kind != kind || (vm->nmarks && base - 1 < vm->marks[vm->nmarks - 1]))
    return corrupt (vm, dict ? "SETITEM on something not a dict"
                             : "APPEND on something not a list");
  return move_into (vm, c, base);
}

/* Pops the last mark into *base (the stack height when it was set); 0 if there is none. */
static int
mark_base (Vm *vm, size_t *base)
{
  if (vm->nmarks == 0)
    return 0;
  *base = vm->marks[--vm->nmarks];
  return 1;
}

/* Executes one opcode at the cursor; sets *done on STOP. */
static NnStatus
step (Vm *vm, NnPkObj **root, int *done)
{
  const uint8_t *p;
  uint8_t op = vm->data[vm->pos++];
  size_t floor = vm->nmarks ? vm->marks[vm->nmarks - 1] : 0, base;
  NnPkObj *o;
  switch (op)
    {
    case 0x80: /* PROTO */
      if ((p = take (vm, 1)) == NULL || *p < 2 || *p > 5)
        return corrupt (vm, "unsupported pickle protocol");
      return NN_OK;
    case 0x95: /* FRAME: a length hint only */
      return take (vm, 8) ? NN_OK : corrupt (vm, "truncated FRAME");
    case '.': /* STOP */
      if (vm->sp != 1 || vm->nmarks != 0)
        return corrupt (vm, "STOP with a bad stack");
      *root = vm->stack[0];
      *done = 1;
      return NN_OK;
    case '(': /* MARK */
      if (!grow_marks (&vm->marks, &vm->marks_cap, vm->nmarks + 1))
        return push (vm, NULL);
      vm->marks[vm->nmarks++] = vm->sp;
      return NN_OK;
    case '0': /* POP */
      return pop (vm) ? NN_OK : corrupt (vm, "POP of an empty stack");
    case '1': /* POP_MARK */
      if (!mark_base (vm, &base))
        return corrupt (vm, "no MARK");
      vm->sp = base;
      return NN_OK;
    case 'N': return push (vm, new_obj (vm, NN_PK_NONE));
    case 0x88: return push_int (vm, NN_PK_BOOL, 1);
    case 0x89: return push_int (vm, NN_PK_BOOL, 0);
    case 'K':
      if ((p = take (vm, 1)) == NULL)
        return corrupt (vm, "truncated BININT1");
      return push_int (vm, NN_PK_INT, p[0]);
    case 'M':
      if ((p = take (vm, 2)) == NULL)
        return corrupt (vm, "truncated BININT2");
      return push_int (vm, NN_PK_INT, (int64_t) le (p, 2));
    case 'J':
      if ((p = take (vm, 4)) == NULL)
        return corrupt (vm, "truncated BININT");
      return push_int (vm, NN_PK_INT, (int32_t) (uint32_t) le (p, 4));
    case 0x8a: return op_long (vm, 1);
    case 0x8b: return op_long (vm, 4);
    case 'G': /* BINFLOAT, big-endian IEEE double */
      {
        if ((p = take (vm, 8)) == NULL)
          return corrupt (vm, "truncated BINFLOAT");
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
          bits = (bits << 8) | p[i];
        if ((o = new_obj (vm, NN_PK_FLOAT)))
          memcpy (&o->u.f, &bits, sizeof bits);
        return push (vm, o);
      }
    case 'X': return op_str (vm, NN_PK_STR, 4);
    case 0x8c: return op_str (vm, NN_PK_STR, 1);
    case 0x8d: return op_str (vm, NN_PK_STR, 8);
    case 'B': return op_str (vm, NN_PK_BYTES, 4);
    case 'C': return op_str (vm, NN_PK_BYTES, 1);
    case 0x8e: return op_str (vm, NN_PK_BYTES, 8);
    case ')': return push (vm, new_obj (vm, NN_PK_TUPLE));
    case 't': return pop_mark_into (vm, new_obj (vm, NN_PK_TUPLE));
    case 0x85: case 0x86: case 0x87: /* TUPLE1..3 */
      {
        size_t n = (size_t) (op - 0x84);
        if (vm->sp - floor < n)
          return corrupt (vm, "TUPLE of an empty stack");
        if ((o = new_obj (vm, NN_PK_TUPLE)) == NULL)
          return push (vm, NULL);
        for (size_t i = vm->sp - n; i < vm->sp; i++)
          if (!seq_add (o, vm->stack[i]))
            return push (vm, NULL);
        vm->sp -= n;
        return push (vm, o);
      }
    case ']': case 0x8f: /* EMPTY_LIST, EMPTY_SET (kept as a list) */
      return push (vm, new_obj (vm, NN_PK_LIST));
    case 'l': case 0x91: /* LIST, FROZENSET */
      return pop_mark_into (vm, new_obj (vm, NN_PK_LIST));
    case 'a': /* APPEND */
      if (vm->sp - floor < 2)
        return corrupt (vm, "APPEND of an empty stack");
      return add_items (vm, vm->sp - 1, NN_PK_LIST);
    case 'e': case 0x90: /* APPENDS, ADDITEMS */
      if (!mark_base (vm, &base))
        return corrupt (vm, "no MARK");
      return add_items (vm, base, NN_PK_LIST);
    case '}': return push (vm, new_obj (vm, NN_PK_DICT));
    case 'd': /* DICT from marked pairs */
      if (vm->nmarks == 0 || (vm->sp - vm->marks[vm->nmarks - 1]) % 2 != 0)
        return corrupt (vm, "bad DICT");
      return pop_mark_into (vm, new_obj (vm, NN_PK_DICT));
    case 's': /* SETITEM */
      if (vm->sp - floor < 3)
        return corrupt (vm, "SETITEM of a short stack");
      return add_items (vm, vm->sp - 2, NN_PK_DICT);
    case 'u': /* SETITEMS */
      if (!mark_base (vm, &base))
        return corrupt (vm, "no MARK");
      return add_items (vm, base, NN_PK_DICT);
    case 'q':
      if ((p = take (vm, 1)) == NULL)
        return corrupt (vm, "truncated BINPUT");
      return memo_put (vm, p[0]);
    case 'r':
      if ((p = take (vm, 4)) == NULL)
        return corrupt (vm, "truncated LONG_BINPUT");
      return memo_put (vm, le (p, 4));
    case 0x94: return memo_put (vm, vm->memo_filled);
    case 'h':
      if ((p = take (vm, 1)) == NULL)
        return corrupt (vm, "truncated BINGET");
      return memo_get (vm, p[0]);
    case 'j':
      if ((p = take (vm, 4)) == NULL)
        return corrupt (vm, "truncated LONG_BINGET");
      return memo_get (vm, le (p, 4));
    case 'c': return op_global (vm);
    case 0x93: return op_stack_global (vm);
    case 'R': return reduce (vm);
    case 'Q': return persistent_load (vm);
    case 'b': /* BUILD: the state (e.g. OrderedDict _metadata) is dropped */
      if (vm->sp - floor < 2)
        return corrupt (vm, "BUILD of a short stack");
      vm->sp--;
      return NN_OK;
    default:
      vm->pos--;
      return corrupt (vm, op >= 0x20 && op < 0x7f ? "unsupported opcode" : "unknown opcode");
    }
}

/* See nn-pickle.h. */
NnStatus
nn_pickle_load (const uint8_t *data, size_t size, const char *file, const char *what,
                NnPickle *pk, NnPkObj **root, NnError *err)
{
  Vm vm = { .data = data, .size = size, .file = file, .what = what, .err = err, .pk = pk };
  memset (pk, 0, sizeof *pk);
  *root = NULL;
  NnStatus st = NN_OK;
  int done = 0;
  while (!done && st == NN_OK)
    {
      if (vm.pos >= vm.size)
        st = corrupt (&vm, "pickle ends without STOP");
      else
        st = step (&vm, root, &done);
    }
  free (vm.stack);
  free (vm.marks);
  free (vm.memo);
  if (st != NN_OK)
    {
      nn_pickle_free (pk);
      *root = NULL;
    }
  return st;
}

/* Frees every object and its item array. */
void
nn_pickle_free (NnPickle *pk)
{
  for (size_t i = 0; i < pk->count; i++)
    {
      NnPkObj *o = pk->objects[i];
      if (o->kind == NN_PK_TUPLE || o->kind == NN_PK_LIST || o->kind == NN_PK_DICT)
        free (o->u.seq.items);
      free (o);
    }
  free (pk->objects);
  memset (pk, 0, sizeof *pk);
}

/* Linear lookup of a string key among the dict's pairs; the first match wins. */
const NnPkObj *
nn_pk_dict_get (const NnPkObj *dict, const char *key)
{
  if (dict == NULL || dict->kind != NN_PK_DICT)
    return NULL;
  for (size_t i = 0; i + 1 < dict->u.seq.len; i += 2)
    {
      const NnPkObj *k = dict->u.seq.items[i];
      if (k->kind == NN_PK_STR && str_is (k->u.str.ptr, k->u.str.len, key))
        return dict->u.seq.items[i + 1];
    }
  return NULL;
}
