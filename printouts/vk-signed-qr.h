/* vk-signed-qr.h: signed payloads printed as QR codes ("VK1" texts).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A payload (deterministic CBOR) is wrapped in a COSE_Sign1 (vk-cose.h),
 * cut into parts of at most VK_SIGNED_QR_PART_BYTES bytes, and each part
 * is printed as the text
 *
 *   "VK1:" <i> "/" <n> ":" base45(part i)
 *
 * with i and n in decimal (1 ≤ i ≤ n ≤ 99).  Base45 (RFC 9285) uses
 * only the QR alphanumeric alphabet, so a part is one alphanumeric-mode
 * QR symbol, as in the EU Digital COVID Certificate.  The full format is
 * in docs/result-sheet-format.md.
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"

G_BEGIN_DECLS

#define VK_SIGNED_QR_PREFIX "VK1:"
/* COSE bytes per QR symbol: 1,050 base45 characters, about 6 cm wide
 * at 2 points per module, two side by side on A4.  Far below
 * the 2,300-byte ceiling of one symbol, so that a 150 dpi scan of a laser
 * print still decodes. */
#define VK_SIGNED_QR_PART_BYTES 700
#define VK_SIGNED_QR_MAX_PARTS 99

/* RFC 9285. */
char *vk_base45_encode (const guint8 *data, gsize len) G_GNUC_WARN_UNUSED_RESULT;
/* VK_ERROR_INVALID naming the offset of a bad character or group. */
GBytes *vk_base45_decode (const char *text, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Signs payload with key and returns the part texts (char*, in order). */
GPtrArray *vk_signed_qr_encode (const guint8 *payload, gsize len, const VkKeypair *key,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reassembles the parts (any order; a trailing CR/LF is ignored), checks
 * that they are exactly parts 1..n of one set, decodes the COSE_Sign1
 * and verifies it against public_key.  Returns the payload bytes;
 * VK_ERROR_INVALID for malformed or missing parts, VK_ERROR_KEY or
 * VK_ERROR_SIGNATURE when the signature does not verify. */
GBytes *vk_signed_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
