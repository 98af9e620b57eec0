/* vk-qr.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <qrencode.h>

#include "vk-error.h"
#include "vk-qr.h"

/* The module matrix of code, which it frees. */
static GBytes *
modules_of (QRcode *code, guint *ret_width)
{
  GByteArray *modules;
  gsize n;

  n = (gsize)code->width * (gsize)code->width;
  modules = g_byte_array_sized_new ((guint)n);
  for (gsize i = 0; i < n; i++)
    {
      guint8 dark = code->data[i] & 1;
      g_byte_array_append (modules, &dark, 1);
    }
  *ret_width = (guint)code->width;
  QRcode_free (code);

  return g_byte_array_free_to_bytes (modules);
}

GBytes *
vk_qr_encode (const guint8 *data, gsize len, guint *ret_width, GError **error)
{
  QRcode *code;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (ret_width != NULL, NULL);

  if (len > G_MAXINT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR payload of %" G_GSIZE_FORMAT " bytes is too large", len);
      return NULL;
    }

  code = QRcode_encodeData ((int)len, data, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Cannot encode %" G_GSIZE_FORMAT " bytes as a QR code (too large for one symbol?)", len);
      return NULL;
    }
  return modules_of (code, ret_width);
}

GBytes *
vk_qr_encode_text (const char *text, guint *ret_width, GError **error)
{
  QRcode *code;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (ret_width != NULL, NULL);

  /* Case-sensitive, so that byte-mode text is kept as it is; runs of
   * the alphanumeric alphabet (base45) still go into alphanumeric mode. */
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Cannot encode a text of %" G_GSIZE_FORMAT " bytes as a QR code (too large for one symbol?)",
                   strlen (text));
      return NULL;
    }
  return modules_of (code, ret_width);
}
