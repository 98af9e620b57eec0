/* vk-signed-qr.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-signed-qr.h"

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

char *
vk_base45_encode (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len / 2 * 3 + 3);
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    {
      guint n = data[i] * 256u + data[i + 1];
      g_string_append_c (s, base45_alphabet[n % 45]);
      g_string_append_c (s, base45_alphabet[n / 45 % 45]);
      g_string_append_c (s, base45_alphabet[n / (45 * 45)]);
    }
  if (i < len)
    {
      g_string_append_c (s, base45_alphabet[data[i] % 45]);
      g_string_append_c (s, base45_alphabet[data[i] / 45]);
    }
  return g_string_free (s, FALSE);
}

static int
base45_value (char c)
{
  const char *p = c != '\0' ? strchr (base45_alphabet, c) : NULL;

  return p != NULL ? (int)(p - base45_alphabet) : -1;
}

GBytes *
vk_base45_decode (const char *text, gsize len, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_sized_new ((guint)(len / 3 * 2 + 1));

  if (len % 3 == 1)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Base45 text of %" G_GSIZE_FORMAT " characters is truncated",
                   len);
      return NULL;
    }
  for (gsize i = 0; i < len; i += 3)
    {
      gsize group = MIN (3, len - i);
      guint n = 0, mul = 1;

      for (gsize k = 0; k < group; k++, mul *= 45)
        {
          int v = base45_value (text[i + k]);
          if (v < 0)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "Invalid base45 character 0x%02X at offset %" G_GSIZE_FORMAT, (guint)(guchar)text[i + k],
                           i + k);
              return NULL;
            }
          n += (guint)v * mul;
        }
      if (n > (group == 3 ? 0xffffu : 0xffu))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Base45 group at offset %" G_GSIZE_FORMAT " has the value %u, too large", i, n);
          return NULL;
        }
      if (group == 3)
        {
          guint8 b[2] = { (guint8)(n >> 8), (guint8)(n & 0xff) };
          g_byte_array_append (out, b, 2);
        }
      else
        {
          guint8 b = (guint8)n;
          g_byte_array_append (out, &b, 1);
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GPtrArray *
vk_signed_qr_encode (const guint8 *payload, gsize len, const VkKeypair *key, GError **error)
{
  g_autoptr (GBytes) cose = vk_cose_sign1_create (payload, len, key, error);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const guint8 *data;
  gsize size, n, chunk;

  if (cose == NULL)
    return NULL;
  data = g_bytes_get_data (cose, &size);
  /* Equal parts, so that the symbols come out the same size. */
  n = (size + VK_SIGNED_QR_PART_BYTES - 1) / VK_SIGNED_QR_PART_BYTES;
  if (n > VK_SIGNED_QR_MAX_PARTS)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Signed summary of %" G_GSIZE_FORMAT " bytes needs more than %d QR codes", size,
                   VK_SIGNED_QR_MAX_PARTS);
      return NULL;
    }
  chunk = (size + n - 1) / n;
  for (gsize i = 0; i < n; i++)
    {
      gsize off = i * chunk, part = MIN (chunk, size - off);
      g_autofree char *b45 = vk_base45_encode (data + off, part);
      g_ptr_array_add (
          texts, g_strdup_printf (VK_SIGNED_QR_PREFIX "%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT ":%s", i + 1, n, b45));
    }
  return g_steal_pointer (&texts);
}

/* Reads "<i>/<n>:" after the prefix; returns the start of the base45 text. */
static const char *
parse_part_header (const char *text, guint *ret_i, guint *ret_n, GError **error)
{
  const char *p;
  char *end;
  guint64 i, n;

  if (!g_str_has_prefix (text, VK_SIGNED_QR_PREFIX))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR text does not start with \"%s\": not a valgkit code",
                   VK_SIGNED_QR_PREFIX);
      return NULL;
    }
  p = text + strlen (VK_SIGNED_QR_PREFIX);
  if (!g_ascii_isdigit (*p))
    goto bad;
  i = g_ascii_strtoull (p, &end, 10);
  if (*end != '/' || !g_ascii_isdigit (end[1]))
    goto bad;
  n = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != ':' || n < 1 || n > VK_SIGNED_QR_MAX_PARTS || i < 1 || i > n)
    goto bad;
  *ret_i = (guint)i;
  *ret_n = (guint)n;
  return end + 1;

bad:
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR text has no valid part header \"%si/n:\" (1 ≤ i ≤ n ≤ %d)",
               VK_SIGNED_QR_PREFIX, VK_SIGNED_QR_MAX_PARTS);
  return NULL;
}

GBytes *
vk_signed_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  g_autoptr (GPtrArray) parts = NULL; /* GBytes* by part index, NULL until seen */
  g_autoptr (GByteArray) cose = g_byte_array_new ();
  g_autoptr (VkCoseSign1) sign1 = NULL;
  guint total = 0;

  g_return_val_if_fail (texts != NULL || n == 0, NULL);

  if (n == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "No QR texts given");
      return NULL;
    }
  for (gsize k = 0; k < n; k++)
    {
      const char *text = texts[k];
      gsize len;
      guint i = 0, count = 0;
      const char *b45 = parse_part_header (text, &i, &count, error);
      g_autoptr (GError) local = NULL;
      GBytes *bytes;

      if (b45 == NULL)
        {
          g_prefix_error (error, "QR text %" G_GSIZE_FORMAT ": ", k + 1);
          return NULL;
        }
      if (parts == NULL)
        {
          total = count;
          parts = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
          g_ptr_array_set_size (parts, total);
        }
      if (count != total)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR text %" G_GSIZE_FORMAT " says %u parts, another says %u",
                       k + 1, count, total);
          return NULL;
        }
      if (g_ptr_array_index (parts, i - 1) != NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR part %u/%u given twice", i, total);
          return NULL;
        }
      len = strlen (b45);
      while (len > 0 && (b45[len - 1] == '\n' || b45[len - 1] == '\r'))
        len--;
      bytes = vk_base45_decode (b45, len, &local);
      if (bytes == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR part %u/%u: %s", i, total, local->message);
          return NULL;
        }
      parts->pdata[i - 1] = bytes;
    }
  for (guint i = 0; i < total; i++)
    {
      GBytes *b = g_ptr_array_index (parts, i);
      gsize size;
      const guint8 *d;
      if (b == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "QR part %u of %u is missing", i + 1, total);
          return NULL;
        }
      d = g_bytes_get_data (b, &size);
      g_byte_array_append (cose, d, (guint)size);
    }
  sign1 = vk_cose_sign1_decode (cose->data, cose->len, error);
  if (sign1 == NULL)
    {
      g_prefix_error (error, "QR code content: ");
      return NULL;
    }
  if (!vk_cose_sign1_verify (sign1, public_key, error))
    return NULL;
  return g_bytes_ref (sign1->payload);
}
