/* vk-cbor-private.h: what the files of the CBOR module share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vk-cbor.c holds the values, their construction, access and the
 * encoder; vk-cbor-decode.c the decoder (the part that faces untrusted
 * bytes); vk-cbor-diagnostic.c the diagnostic notation.
 */
#pragma once

#include <glib.h>

#include "vk-cbor.h"

G_BEGIN_DECLS

/* A map entry keeps its key's deterministic encoding (what the entries
 * are sorted by and what lookups compare) in one plain allocation: a
 * decoded map has one entry per field of every journal entry, so a
 * GBytes (two allocations and a reference count) per key was measurable
 * on the count server's ingest.  A text or byte string key (every key of
 * a journal entry's body) needs no allocation of its own: a string value
 * keeps its head right before its bytes (vk_cbor_string_encoding()). */
typedef struct
{
  const guint8 *encoded_key; /* owned_key, or inside a string key's allocation */
  gsize encoded_len;
  guint8 *owned_key; /* NULL when the key is a text or byte string */
  VkCbor *key;
  VkCbor *value;
} MapEntry;

struct _VkCbor
{
  gatomicrefcount ref_count;
  VkCborType type;
  union
  {
    guint64 number; /* UINT value, NINT raw n, SIMPLE value */
    double real;
    struct
    {
      guint8 *data; /* always followed by a NUL byte; in the value's allocation, its CBOR head right before it */
      gsize len;
    } str;
    GPtrArray *items;
    GArray *entries; /* MapEntry, sorted by encoded_key */
    struct
    {
      guint64 number;
      VkCbor *content;
    } tag;
  } v;
};

enum
{
  MAJOR_UINT = 0,
  MAJOR_NINT = 1,
  MAJOR_BYTES = 2,
  MAJOR_TEXT = 3,
  MAJOR_ARRAY = 4,
  MAJOR_MAP = 5,
  MAJOR_TAG = 6,
  MAJOR_SIMPLE = 7,
};

/* Helpers of vk-cbor.c that the decoder uses: strict UTF-8 (the offset
 * of the first bad byte, or len), the shortest float encoding, bit casts,
 * bytewise order, allocation of a value, a map entry's clear function
 * and a new byte or text string. */
G_GNUC_INTERNAL gsize vk_cbor_utf8_check (const guint8 *s, gsize len);
G_GNUC_INTERNAL void vk_cbor_write_float (GByteArray *out, double d);
G_GNUC_INTERNAL double vk_cbor_bits_double (guint64 bits);
G_GNUC_INTERNAL float vk_cbor_bits_float (guint32 bits);
G_GNUC_INTERNAL double vk_cbor_half_to_double (guint16 half);
G_GNUC_INTERNAL int vk_cbor_compare_bytes (const guint8 *a, gsize alen, const guint8 *b, gsize blen);
G_GNUC_INTERNAL VkCbor *vk_cbor_alloc (VkCborType type);
G_GNUC_INTERNAL void vk_cbor_map_entry_clear (gpointer p);
G_GNUC_INTERNAL VkCbor *vk_cbor_new_string (VkCborType type, const guint8 *data, gsize len);
/* A text or byte string's deterministic encoding (head and bytes, in the
 * value's own allocation). */
G_GNUC_INTERNAL const guint8 *vk_cbor_string_encoding (const VkCbor *self, gsize *ret_len);

G_END_DECLS
