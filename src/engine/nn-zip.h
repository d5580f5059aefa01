/* nn-zip.h — read-only view of a zip archive held in memory (stored entries only).
 *
 * Enough of the zip format for torch.save archives: classic or ZIP64 end of central
 * directory, data descriptors, local-header padding, one top-level archive folder.
 * Nothing is copied: entries point into the caller's buffer, which must outlive the NnZip.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nn-status.h"

typedef struct {
  const char *name;     /* full name inside the archive, NOT NUL-terminated */
  size_t name_len;
  size_t data_offset;   /* first data byte, from the local header */
  size_t size;          /* data bytes as stored (compressed size) */
  uint32_t crc32;       /* CRC-32 from the central directory */
  unsigned method;      /* 0 = stored; anything else is refused by nn_zip_verify */
} NnZipEntry;

typedef struct {
  const uint8_t *data;  /* [size] the whole archive */
  size_t size;
  NnZipEntry *entries;  /* [count], sorted by name for lookup */
  size_t count;
  const char *prefix;   /* archive folder: first central-directory name up to its first '/' */
  size_t prefix_len;    /* 0 when the first name has no '/' */
  const char *file;     /* caller's file name, for messages */
} NnZip;

/* Parses the central directory of data[size]. Every entry is checked: inside the buffer,
 * not encrypted, local header matches, names unique. Compressed entries are listed (a
 * TorchScript archive has some) but refused by nn_zip_verify. On failure *zip is left empty
 * and err says why ("<file>: ..."). */
NnStatus nn_zip_open (NnZip *zip, const void *data, size_t size, const char *file,
                      NnError *err);

/* Returns the entry named "<prefix>/<record>", or NULL. */
const NnZipEntry *nn_zip_find (const NnZip *zip, const char *record);

/* Returns true when any entry's name, after the prefix folder, starts with start. */
int nn_zip_has_record_prefix (const NnZip *zip, const char *start);

/* Checks that the entry is stored (method 0) and that its data matches its CRC-32;
 * otherwise NN_ERR_FORMAT naming the record. Call before using an entry's bytes. */
NnStatus nn_zip_verify (const NnZip *zip, const NnZipEntry *entry, NnError *err);

/* Frees what nn_zip_open allocated; safe on a zeroed or already-closed NnZip. */
void nn_zip_close (NnZip *zip);

/* CRC-32 (ISO-HDLC, as zip and zlib) of buf[len], continuing from crc (start with 0). */
uint32_t nn_crc32 (uint32_t crc, const void *buf, size_t len);
