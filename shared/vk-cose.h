/* vk-cose.h: COSE_Sign1 (RFC 9052 §4.2) with EdDSA over Ed25519.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valgkit's COSE_Sign1 is always:
 *   18([ protected: bstr .cbor {1: -8},
 *        unprotected: {4: kid (bstr, 8 bytes)},
 *        payload: bstr,
 *        signature: bstr (64 bytes) ])
 * signed over Sig_structure = ["Signature1", protected, h'', payload]
 * (external_aad empty), everything in deterministic CBOR.  Anything else
 * is rejected by the decoder.
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"

G_BEGIN_DECLS

#define VK_COSE_TAG_SIGN1 18
#define VK_COSE_ALG_EDDSA (-8)

typedef struct
{
  GBytes *payload;
  guint8 key_id[VK_KEY_ID_BYTES];
  guint8 signature[VK_SIGNATURE_BYTES];
  GBytes *encoded; /* the whole COSE_Sign1 item as it was decoded or made */
} VkCoseSign1;

/* A new COSE_Sign1 over payload, signed by key, as deterministic CBOR bytes. */
GBytes *vk_cose_sign1_create (const guint8 *payload, gsize payload_len, const VkKeypair *key,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses exactly one COSE_Sign1 item; does not verify the signature. */
VkCoseSign1 *vk_cose_sign1_decode (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses one COSE_Sign1 at the start of data (CBOR sequences). */
VkCoseSign1 *vk_cose_sign1_decode_prefix (const guint8 *data, gsize len, gsize *ret_consumed,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* VK_ERROR_KEY if the key id does not match public_key, VK_ERROR_SIGNATURE if the signature fails. */
gboolean vk_cose_sign1_verify (const VkCoseSign1 *self, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error);
void vk_cose_sign1_free (VkCoseSign1 *self);

/* Verifies signature (by public_key) over the Sig_structure of payload,
 * without decoding anything: the Sig_structure's bytes are written
 * directly (the same bytes as vk_cose_sig_structure()).  For callers that
 * hold a decoded entry already (the journal's batch verification); the
 * key id is the caller's to compare.  TRUE when it verifies. */
gboolean vk_cose_verify_payload (const guint8 *payload, gsize payload_len, const guint8 signature[VK_SIGNATURE_BYTES],
                                 const guint8 public_key[VK_PUBLIC_KEY_BYTES]);

/* The Sig_structure bytes that are signed (exposed for tests and docs). */
GBytes *vk_cose_sig_structure (const guint8 *payload, gsize payload_len) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCoseSign1, vk_cose_sign1_free)

G_END_DECLS
