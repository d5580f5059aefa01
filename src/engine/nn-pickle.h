/* nn-pickle.h — a pickle reader for torch.save's data.pkl that never executes anything.
 *
 * It understands the opcodes Python's pickler emits for protocols 2-5 when saving dicts,
 * lists, tuples, scalars and strings, plus the few torch globals needed to describe
 * tensors. Every other global is refused. The result is a tree of NnPkObj owned by NnPickle;
 * strings point into the caller's pickle bytes, which must outlive the NnPickle.
 * Memory and work are bounded by the pickle's length (each opcode creates at most one object).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-checkpoint.h"
#include "nn-status.h"

typedef enum {
  NN_ST_F32, NN_ST_F16, NN_ST_BF16, NN_ST_F64,
  NN_ST_I64, NN_ST_I32, NN_ST_I16, NN_ST_I8, NN_ST_U8, NN_ST_BOOL,
} NnStorageType;

typedef enum {
  NN_PK_NONE, NN_PK_BOOL, NN_PK_INT, NN_PK_FLOAT, NN_PK_STR, NN_PK_BYTES,
  NN_PK_TUPLE, NN_PK_LIST, NN_PK_DICT, NN_PK_GLOBAL, NN_PK_STORAGE, NN_PK_TENSOR,
} NnPkKind;

typedef enum {
  NN_PKG_ORDERED_DICT,                 /* collections.OrderedDict */
  NN_PKG_REBUILD_TENSOR_V2,            /* torch._utils._rebuild_tensor_v2 */
  NN_PKG_REBUILD_PARAMETER,            /* torch._utils._rebuild_parameter */
  NN_PKG_REBUILD_PARAMETER_WITH_STATE, /* torch._utils._rebuild_parameter_with_state */
  NN_PKG_STORAGE,                      /* torch.<X>Storage, with its NnStorageType */
} NnPkGlobal;

typedef struct NnPkObj NnPkObj;

struct NnPkObj {
  NnPkKind kind;
  union {
    int64_t i;                                      /* BOOL, INT */
    double f;                                       /* FLOAT */
    struct { const char *ptr; size_t len; } str;    /* STR, BYTES: not NUL-terminated */
    struct { NnPkObj **items; size_t len, cap; } seq; /* TUPLE, LIST; DICT as k0,v0,k1,v1... */
    struct { NnPkGlobal which; NnStorageType type; } global;
    struct {
      NnStorageType type;
      const char *key; size_t key_len;              /* record name under data/ */
      int64_t numel;                                /* elements, as the pickle says */
    } storage;
    struct {
      const NnPkObj *storage;                       /* kind NN_PK_STORAGE */
      int64_t offset;                               /* in elements */
      int ndim;
      int64_t size[NN_MAX_DIMS];
      int64_t stride[NN_MAX_DIMS];                  /* in elements */
    } tensor;
  } u;
};

typedef struct {
  NnPkObj **objects;   /* [count] every object created, for freeing */
  size_t count, cap;
} NnPickle;

/* Runs data[size] up to STOP and sets *root to the result. Refuses non-whitelisted globals
 * (NN_ERR_SECURITY, naming module.name) and classes that mean a whole pickled nn.Module
 * (NN_ERR_UNSUPPORTED). Messages read "<file>: ... in <what>". On failure nothing is kept. */
NnStatus nn_pickle_load (const uint8_t *data, size_t size, const char *file, const char *what,
                         NnPickle *pk, NnPkObj **root, NnError *err);

/* Frees every object; safe on a zeroed NnPickle. */
void nn_pickle_free (NnPickle *pk);

/* Bytes per element of a storage type. */
size_t nn_storage_type_size (NnStorageType type);

/* True for F32/F16/BF16/F64. */
int nn_storage_type_is_float (NnStorageType type);

/* Looks up the string key (len bytes) in a DICT object; returns the value or NULL. */
const NnPkObj *nn_pk_dict_get (const NnPkObj *dict, const char *key);
