/* vk-cbor.h: deterministic CBOR (RFC 8949 §4.2.1) values, encoder and decoder.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkCbor is an immutable-once-encoded tree of CBOR data items.  The
 * encoder always writes the deterministic form: shortest argument
 * encoding, definite lengths only, map entries sorted by the bytewise
 * lexicographic order of their encoded keys, floats in their shortest
 * exact form.  The decoder accepts only that form and rejects anything
 * else (non-shortest heads, indefinite lengths, unsorted or duplicate
 * keys, invalid UTF-8 in text strings, truncated input, trailing bytes,
 * nesting deeper than VK_CBOR_MAX_DEPTH) with a VK_ERROR naming the
 * byte offset.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VK_CBOR_MAX_DEPTH 32

typedef enum
{
  VK_CBOR_UINT,   /* major type 0 */
  VK_CBOR_NINT,   /* major type 1: value is -1 - n */
  VK_CBOR_BYTES,  /* major type 2 */
  VK_CBOR_TEXT,   /* major type 3, valid UTF-8 */
  VK_CBOR_ARRAY,  /* major type 4 */
  VK_CBOR_MAP,    /* major type 5 */
  VK_CBOR_TAG,    /* major type 6 */
  VK_CBOR_SIMPLE, /* major type 7: false (20), true (21), null (22), undefined (23), others */
  VK_CBOR_FLOAT,  /* major type 7: half, single or double */
} VkCborType;

typedef struct _VkCbor VkCbor;

/* Constructors: each returns a new reference. */
VkCbor *vk_cbor_new_uint (guint64 value) G_GNUC_WARN_UNUSED_RESULT;
/* Negative values become NINT, others UINT. */
VkCbor *vk_cbor_new_int (gint64 value) G_GNUC_WARN_UNUSED_RESULT;
/* The NINT whose value is -1 - n (covers the full range down to -2^64). */
VkCbor *vk_cbor_new_nint (guint64 n) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_bytes (const guint8 *data, gsize len) G_GNUC_WARN_UNUSED_RESULT;
/* len < 0 means NUL-terminated.  The text must be valid UTF-8. */
VkCbor *vk_cbor_new_text (const char *utf8, gssize len) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_array (void) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_map (void) G_GNUC_WARN_UNUSED_RESULT;
/* Takes ownership of content. */
VkCbor *vk_cbor_new_tag (guint64 tag, VkCbor *content) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_bool (gboolean value) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_null (void) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_simple (guint8 value) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_new_float (double value) G_GNUC_WARN_UNUSED_RESULT;

VkCbor *vk_cbor_ref (VkCbor *self);
void vk_cbor_unref (VkCbor *self);

/* Containers.  The appended or inserted items are taken over (transfer full). */
void vk_cbor_array_append (VkCbor *self, VkCbor *item);
/* Inserting a key that is already present replaces its value. */
void vk_cbor_map_insert (VkCbor *self, VkCbor *key, VkCbor *value);
void vk_cbor_map_insert_text (VkCbor *self, const char *key, VkCbor *value);
/* Convenience setters for the common body fields. */
void vk_cbor_map_set_uint (VkCbor *self, const char *key, guint64 value);
void vk_cbor_map_set_int (VkCbor *self, const char *key, gint64 value);
void vk_cbor_map_set_text (VkCbor *self, const char *key, const char *value);
void vk_cbor_map_set_bytes (VkCbor *self, const char *key, const guint8 *data, gsize len);
void vk_cbor_map_set_bool (VkCbor *self, const char *key, gboolean value);

/* Accessors: borrow; g_return_val_if_fail on the wrong type. */
VkCborType vk_cbor_get_type (const VkCbor *self);
guint64 vk_cbor_get_uint (const VkCbor *self);
/* TRUE and *ret_value if the item is UINT or NINT and fits in gint64. */
gboolean vk_cbor_get_int (const VkCbor *self, gint64 *ret_value);
/* For NINT: the n in -1 - n. */
guint64 vk_cbor_get_nint_raw (const VkCbor *self);
const guint8 *vk_cbor_get_bytes (const VkCbor *self, gsize *ret_len);
/* NUL-terminated (an embedded NUL shows as a short string; ret_len has the truth). */
const char *vk_cbor_get_text (const VkCbor *self, gsize *ret_len);
gsize vk_cbor_array_get_length (const VkCbor *self);
VkCbor *vk_cbor_array_get (const VkCbor *self, gsize index);
gsize vk_cbor_map_get_length (const VkCbor *self);
/* Entries are kept in deterministic (encoded-key) order. */
VkCbor *vk_cbor_map_get_key (const VkCbor *self, gsize index);
VkCbor *vk_cbor_map_get_value (const VkCbor *self, gsize index);
/* NULL if absent. */
VkCbor *vk_cbor_map_lookup_text (const VkCbor *self, const char *key);
VkCbor *vk_cbor_map_lookup_int (const VkCbor *self, gint64 key);
guint64 vk_cbor_get_tag (const VkCbor *self);
VkCbor *vk_cbor_get_tag_content (const VkCbor *self);
guint8 vk_cbor_get_simple (const VkCbor *self);
double vk_cbor_get_float (const VkCbor *self);
gboolean vk_cbor_is_null (const VkCbor *self);
/* TRUE for the simple values false/true, with *ret_value. */
gboolean vk_cbor_get_bool (const VkCbor *self, gboolean *ret_value);

/* Typed look-ups for decoding bodies: each returns FALSE and sets a
 * VK_ERROR_INVALID error naming the key when the key is missing or of
 * another type. */
gboolean vk_cbor_map_get_uint_field (const VkCbor *self, const char *key, guint64 *ret_value, GError **error);
gboolean vk_cbor_map_get_int_field (const VkCbor *self, const char *key, gint64 *ret_value, GError **error);
const char *vk_cbor_map_get_text_field (const VkCbor *self, const char *key, GError **error);
const guint8 *vk_cbor_map_get_bytes_field (const VkCbor *self, const char *key, gsize *ret_len, GError **error);

/* Deep equality of two items (same encoding). */
gboolean vk_cbor_equal (const VkCbor *a, const VkCbor *b);

/* Encoding: the deterministic bytes of one data item. */
GBytes *vk_cbor_encode (const VkCbor *self) G_GNUC_WARN_UNUSED_RESULT;
void vk_cbor_encode_append (const VkCbor *self, GByteArray *out);
/* Appends the shortest head (RFC 8949 §3, §4.2.1) of major type major
 * (0–7) with argument arg: for encoders that stream their bytes instead
 * of building values (the election package's digest). */
void vk_cbor_write_head (GByteArray *out, guint major, guint64 arg);

/* Decoding exactly one data item that fills data..data+len. */
VkCbor *vk_cbor_decode (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Decoding one data item at the start of data (for CBOR sequences, RFC
 * 8742); *ret_consumed gets its length in bytes. */
VkCbor *vk_cbor_decode_prefix (const guint8 *data, gsize len, gsize *ret_consumed,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with an item budget for untrusted input: *budget is the number
 * of items (every scalar, string, container, tag, map key and value
 * counts one) the caller still allows; decoding lowers it, and input
 * holding more items, or a container header claiming more, is refused
 * (VK_ERROR_INVALID) before anything is allocated for them.  One budget
 * can be shared by the items of a whole request. */
VkCbor *vk_cbor_decode_budget (const guint8 *data, gsize len, guint64 *budget,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
VkCbor *vk_cbor_decode_prefix_budget (const guint8 *data, gsize len, guint64 *budget, gsize *ret_consumed,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* RFC 8949 §8 diagnostic notation, e.g. [1, h'00ff', {"a": "b"}]. */
char *vk_cbor_to_diagnostic (const VkCbor *self) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCbor, vk_cbor_unref)

G_END_DECLS
