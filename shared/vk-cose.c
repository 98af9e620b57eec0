/* vk-cose.c: COSE_Sign1 (RFC 9052 §4.2) with EdDSA over Ed25519.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valgkit uses exactly one shape of COSE_Sign1, and the decoder accepts
 * nothing else.  A verifier that tolerated other algorithms, extra
 * headers or detached payloads would widen what an attacker may send to
 * every count server and auditor; one fixed shape keeps the check a few
 * comparisons.  Because the whole item is deterministic CBOR, the bytes
 * of a signed entry are also unique, which the journal's hash chain
 * relies on.
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"

/* The protected header: the deterministic encoding of {1: -8}
 * (alg: EdDSA). */
static const guint8 protected_header[] = { 0xa1, 0x01, 0x27 };

#define COSE_HEADER_KID 4

GBytes *
vk_cose_sig_structure (const guint8 *payload, gsize payload_len)
{
  g_autoptr (VkCbor) sig = vk_cbor_new_array ();

  g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);

  /* RFC 9052 §4.4: [context, body_protected, external_aad, payload]. */
  vk_cbor_array_append (sig, vk_cbor_new_text ("Signature1", -1));
  vk_cbor_array_append (sig, vk_cbor_new_bytes (protected_header, sizeof protected_header));
  vk_cbor_array_append (sig, vk_cbor_new_bytes (NULL, 0));
  vk_cbor_array_append (sig, vk_cbor_new_bytes (payload, payload_len));
  return vk_cbor_encode (sig);
}

GBytes *
vk_cose_sign1_create (const guint8 *payload, gsize payload_len, const VkKeypair *key, GError **error)
{
  g_autoptr (GBytes) to_sign = NULL;
  guint8 signature[VK_SIGNATURE_BYTES];
  g_autoptr (VkCbor) array = NULL;
  g_autoptr (VkCbor) item = NULL;
  VkCbor *unprotected;

  g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  to_sign = vk_cose_sig_structure (payload, payload_len);
  if (!vk_keypair_sign (key, g_bytes_get_data (to_sign, NULL), g_bytes_get_size (to_sign), signature, error))
    return NULL;

  unprotected = vk_cbor_new_map ();
  vk_cbor_map_insert (unprotected, vk_cbor_new_uint (COSE_HEADER_KID),
                      vk_cbor_new_bytes (vk_keypair_get_key_id (key), VK_KEY_ID_BYTES));
  array = vk_cbor_new_array ();
  vk_cbor_array_append (array, vk_cbor_new_bytes (protected_header, sizeof protected_header));
  vk_cbor_array_append (array, unprotected);
  vk_cbor_array_append (array, vk_cbor_new_bytes (payload, payload_len));
  vk_cbor_array_append (array, vk_cbor_new_bytes (signature, sizeof signature));
  item = vk_cbor_new_tag (VK_COSE_TAG_SIGN1, g_steal_pointer (&array));
  return vk_cbor_encode (item);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "COSE_Sign1: %s", what);
  return FALSE;
}

/* A byte string of exactly len bytes (any length if len is -1). */
static const guint8 *
get_bytes (const VkCbor *item, gssize len, gsize *ret_len)
{
  gsize n;
  const guint8 *data;

  if (vk_cbor_get_type (item) != VK_CBOR_BYTES)
    return NULL;
  data = vk_cbor_get_bytes (item, &n);
  if (len >= 0 && n != (gsize)len)
    return NULL;
  if (ret_len != NULL)
    *ret_len = n;
  return data;
}

static gboolean
check_shape (const VkCbor *item, VkCoseSign1 *out, GError **error)
{
  const VkCbor *array;
  const VkCbor *unprotected;
  const VkCbor *kid_key;
  const guint8 *data;
  gsize len;

  if (vk_cbor_get_type (item) != VK_CBOR_TAG || vk_cbor_get_tag (item) != VK_COSE_TAG_SIGN1)
    return invalid (error, "not an item with tag 18");
  array = vk_cbor_get_tag_content (item);
  if (vk_cbor_get_type (array) != VK_CBOR_ARRAY || vk_cbor_array_get_length (array) != 4)
    return invalid (error, "tag 18 does not hold an array of 4 items");

  /* Comparing the bytes checks the whole map: any other algorithm or any
   * extra protected header gives other bytes. */
  data = get_bytes (vk_cbor_array_get (array, 0), sizeof protected_header, NULL);
  if (data == NULL || memcmp (data, protected_header, sizeof protected_header) != 0)
    return invalid (error, "protected header is not {1: -8} (EdDSA)");

  unprotected = vk_cbor_array_get (array, 1);
  if (vk_cbor_get_type (unprotected) != VK_CBOR_MAP || vk_cbor_map_get_length (unprotected) != 1)
    return invalid (error, "unprotected header is not a map with only the key id");
  kid_key = vk_cbor_map_get_key (unprotected, 0);
  if (vk_cbor_get_type (kid_key) != VK_CBOR_UINT || vk_cbor_get_uint (kid_key) != COSE_HEADER_KID)
    return invalid (error, "unprotected header has no key id (label 4)");
  data = get_bytes (vk_cbor_map_get_value (unprotected, 0), VK_KEY_ID_BYTES, NULL);
  if (data == NULL)
    return invalid (error, "key id is not an 8-byte byte string");
  memcpy (out->key_id, data, VK_KEY_ID_BYTES);

  data = get_bytes (vk_cbor_array_get (array, 2), -1, &len);
  if (data == NULL)
    return invalid (error, "payload is not a byte string");
  out->payload = g_bytes_new (data, len);

  data = get_bytes (vk_cbor_array_get (array, 3), VK_SIGNATURE_BYTES, NULL);
  if (data == NULL)
    return invalid (error, "signature is not a 64-byte byte string");
  memcpy (out->signature, data, VK_SIGNATURE_BYTES);
  return TRUE;
}

/* The one shape every valgkit COSE_Sign1 has, read without building a
 * CBOR tree: tag 18, an array of 4, the protected header h'A10127'
 * ({1: -8}), the unprotected {4: h'<8-byte key id>'}, the payload byte
 * string (its head in the shortest form) and the 64-byte signature.
 * These are exactly the bytes the decoder and check_shape() accept for
 * such an item (the bytes inside the strings are opaque to both), so the
 * result is the same; the payload is a slice of the encoded item, not a
 * copy.  NULL for anything else: the general path decodes it and says
 * what is wrong. */
static VkCoseSign1 *
decode_fixed_shape (const guint8 *data, gsize len, gsize *ret_consumed)
{
  static const guint8 shape[] = { 0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa1, 0x04, 0x48 };
  const gsize kid_at = sizeof shape, head_at = kid_at + VK_KEY_ID_BYTES;
  VkCoseSign1 *self;
  guint64 n = 0;
  gsize k = 0, payload_at, sig_at;
  guint ai;

  G_STATIC_ASSERT (VK_KEY_ID_BYTES == 8);
  if (len < head_at + 1 || memcmp (data, shape, sizeof shape) != 0 || (data[head_at] >> 5) != 2)
    return NULL;
  ai = data[head_at] & 0x1f;
  if (ai < 24)
    n = ai;
  else if (ai <= 27)
    {
      static const guint64 minimum[] = { 24, 0x100, 0x10000, 0x100000000 };

      k = (gsize)1 << (ai - 24);
      if (len - head_at - 1 < k)
        return NULL;
      for (gsize i = 0; i < k; i++)
        n = (n << 8) | data[head_at + 1 + i];
      if (n < minimum[ai - 24])
        return NULL;
    }
  else
    return NULL;
  payload_at = head_at + 1 + k;
  if (n > len - payload_at || len - payload_at - n < 2 + VK_SIGNATURE_BYTES)
    return NULL;
  sig_at = payload_at + (gsize)n;
  if (data[sig_at] != 0x58 || data[sig_at + 1] != VK_SIGNATURE_BYTES)
    return NULL;

  self = g_new0 (VkCoseSign1, 1);
  memcpy (self->key_id, data + kid_at, VK_KEY_ID_BYTES);
  memcpy (self->signature, data + sig_at + 2, VK_SIGNATURE_BYTES);
  self->encoded = g_bytes_new (data, sig_at + 2 + VK_SIGNATURE_BYTES);
  self->payload = g_bytes_new_from_bytes (self->encoded, payload_at, (gsize)n);
  *ret_consumed = sig_at + 2 + VK_SIGNATURE_BYTES;
  return self;
}

VkCoseSign1 *
vk_cose_sign1_decode_prefix (const guint8 *data, gsize len, gsize *ret_consumed, GError **error)
{
  g_autoptr (VkCoseSign1) self = NULL;
  g_autoptr (VkCbor) item = NULL;
  gsize consumed = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The shape first, from the two bytes every deterministic COSE_Sign1
   * starts with (tag 18, an array of 4), before anything is decoded: a
   * body that is anything else costs nothing.  Then at most the 8 items
   * a COSE_Sign1 holds (tag, array, 4 members, the key id's label and
   * value): its byte strings are not decoded further here. */
  if (len >= 1 && data[0] != 0xd2)
    {
      invalid (error, "not an item with tag 18");
      return NULL;
    }
  if (len >= 2 && data[1] != 0x84)
    {
      invalid (error, "tag 18 does not hold an array of 4 items");
      return NULL;
    }
  if (data != NULL && (self = decode_fixed_shape (data, len, &consumed)) != NULL)
    {
      if (ret_consumed != NULL)
        *ret_consumed = consumed;
      return g_steal_pointer (&self);
    }
  /* CBOR-level errors keep their codes (VK_ERROR_TRUNCATED tells a
   * reader that a journal file ends mid-entry). */
  {
    guint64 budget = 8;
    item = vk_cbor_decode_prefix_budget (data, len, &budget, &consumed, error);
  }
  if (item == NULL)
    {
      g_prefix_error (error, "COSE_Sign1: ");
      return NULL;
    }

  self = g_new0 (VkCoseSign1, 1);
  if (!check_shape (item, self, error))
    return NULL;
  self->encoded = g_bytes_new (data, consumed);
  if (ret_consumed != NULL)
    *ret_consumed = consumed;
  return g_steal_pointer (&self);
}

VkCoseSign1 *
vk_cose_sign1_decode (const guint8 *data, gsize len, GError **error)
{
  gsize consumed = 0;
  g_autoptr (VkCoseSign1) self = vk_cose_sign1_decode_prefix (data, len, &consumed, error);

  if (self == NULL)
    return NULL;
  if (consumed != len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "COSE_Sign1: trailing bytes after the item, from byte offset %" G_GSIZE_FORMAT, consumed);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
vk_cose_sign1_verify (const VkCoseSign1 *self, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  guint8 key_id[VK_KEY_ID_BYTES];
  g_autoptr (GBytes) to_verify = NULL;
  gsize payload_len;
  const guint8 *payload;

  g_return_val_if_fail (self != NULL && self->payload != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vk_key_id_from_public_key (public_key, key_id);
  if (memcmp (key_id, self->key_id, VK_KEY_ID_BYTES) != 0)
    {
      g_autofree char *want = vk_hex_encode (key_id, VK_KEY_ID_BYTES);
      g_autofree char *have = vk_hex_encode (self->key_id, VK_KEY_ID_BYTES);

      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "COSE_Sign1: signed by key %s, not by key %s", have, want);
      return FALSE;
    }

  payload = g_bytes_get_data (self->payload, &payload_len);
  to_verify = vk_cose_sig_structure (payload, payload_len);
  if (!vk_ed25519_verify (public_key, g_bytes_get_data (to_verify, NULL), g_bytes_get_size (to_verify),
                          self->signature))
    {
      g_set_error_literal (error, VK_ERROR, VK_ERROR_SIGNATURE, "COSE_Sign1: the signature does not verify");
      return FALSE;
    }
  return TRUE;
}

gboolean
vk_cose_verify_payload (const guint8 *payload, gsize payload_len, const guint8 signature[VK_SIGNATURE_BYTES],
                        const guint8 public_key[VK_PUBLIC_KEY_BYTES])
{
  /* ["Signature1", h'A10127', h'', payload] in deterministic CBOR: the
   * array and the first three items are fixed (17 bytes), then the
   * payload's byte-string head (1 to 9 bytes) and the payload. */
  static const guint8 head[]
      = { 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1', 0x43, 0xa1, 0x01, 0x27, 0x40 };
  guint8 stack[1024];
  g_autofree guint8 *heap = NULL;
  guint8 *buf = stack;
  gsize n = sizeof head;

  g_return_val_if_fail (payload != NULL || payload_len == 0, FALSE);
  if (payload_len > G_MAXSIZE - sizeof head - 9)
    return FALSE;
  if (sizeof head + 9 + payload_len > sizeof stack)
    buf = heap = g_malloc (sizeof head + 9 + payload_len);
  memcpy (buf, head, sizeof head);
  if (payload_len < 24)
    buf[n++] = (guint8)(0x40 | payload_len);
  else if (payload_len <= 0xff)
    {
      buf[n++] = 0x58;
      buf[n++] = (guint8)payload_len;
    }
  else if (payload_len <= 0xffff)
    {
      buf[n++] = 0x59;
      buf[n++] = (guint8)(payload_len >> 8);
      buf[n++] = (guint8)payload_len;
    }
  else if ((guint64)payload_len <= 0xffffffffu)
    {
      buf[n++] = 0x5a;
      for (int s = 24; s >= 0; s -= 8)
        buf[n++] = (guint8)((guint64)payload_len >> s);
    }
  else
    {
      buf[n++] = 0x5b;
      for (int s = 56; s >= 0; s -= 8)
        buf[n++] = (guint8)((guint64)payload_len >> s);
    }
  if (payload_len > 0)
    memcpy (buf + n, payload, payload_len);
  return vk_ed25519_verify (public_key, buf, n + payload_len, signature);
}

void
vk_cose_sign1_free (VkCoseSign1 *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->encoded, g_bytes_unref);
  g_free (self);
}
