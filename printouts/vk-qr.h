/* vk-qr.h: QR codes for printouts.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The QR symbol of data (byte mode, error correction level M) as a
 * width x width matrix of modules, one byte each (1 = dark), row major. */
GBytes *vk_qr_encode (const guint8 *data, gsize len, guint *ret_width, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The QR symbol of a text, level M, in the most compact mix of modes
 * (alphanumeric for base45 texts, byte mode otherwise). */
GBytes *vk_qr_encode_text (const char *text, guint *ret_width, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
