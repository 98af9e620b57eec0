/* vk-cbor-diagnostic.c: CBOR diagnostic notation (RFC 8949 §8), for tests and tools.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "vk-cbor-private.h"

/* ---------------------------------------------------------------- */
/* Diagnostic notation                                              */

/* Numbers as RFC 8949 Appendix A writes them: the shortest digits that
 * read back to the same double, placed as ECMAScript's Number::toString
 * places them, and always with a fraction or exponent mark (".0") so
 * that a float never looks like an integer. */
static void
append_double (GString *s, double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];
  char digits[32];
  gsize ndigits = 0;
  int dec_exp = 0;
  int point;
  const char *e;

  if (isnan (d))
    {
      g_string_append (s, "NaN");
      return;
    }
  if (signbit (d))
    {
      g_string_append_c (s, '-');
      d = -d;
    }
  if (isinf (d))
    {
      g_string_append (s, "Infinity");
      return;
    }
  if (d == 0)
    {
      g_string_append (s, "0.0");
      return;
    }

  /* Find the fewest significant digits that read back as d.  printf
   * rounds correctly, but on an exact tie it rounds to even, and just
   * above a power of two the neighbour on the other side may be the one
   * that reads back (2^-24 gives 5.960464477539063e-8, not ...062e-8),
   * so the digit strings one unit either side are tried too. */
  for (int precision = 0; precision <= 16; precision++)
    {
      guint64 mantissa = 0;
      int exponent;
      static const int deltas[] = { 0, 1, -1 };

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      e = strchr (buf, 'e');
      for (const char *c = buf; c < e; c++)
        if (g_ascii_isdigit (*c))
          mantissa = mantissa * 10 + (guint64)(*c - '0');
      exponent = (int)g_ascii_strtoll (e + 1, NULL, 10) - precision;
      for (gsize k = 0; k < G_N_ELEMENTS (deltas); k++)
        {
          guint64 candidate = mantissa + (guint64)(gint64)deltas[k];

          if (candidate == 0)
            continue;
          g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT "e%d", candidate, exponent);
          if (precision == 16 || g_ascii_strtod (buf, NULL) == d)
            {
              g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, candidate);
              ndigits = strlen (digits);
              dec_exp = exponent + (int)ndigits - 1;
              break;
            }
        }
      if (ndigits > 0)
        break;
    }
  while (ndigits > 1 && digits[ndigits - 1] == '0')
    ndigits--;
  digits[ndigits] = 0;
  point = dec_exp + 1; /* digits before the decimal point */

  if (point >= (int)ndigits && point <= 21)
    {
      g_string_append (s, digits);
      for (int i = (int)ndigits; i < point; i++)
        g_string_append_c (s, '0');
      g_string_append (s, ".0");
    }
  else if (point > 0 && point <= 21)
    {
      g_string_append_len (s, digits, point);
      g_string_append_c (s, '.');
      g_string_append (s, digits + point);
    }
  else if (point > -6 && point <= 0)
    {
      g_string_append (s, "0.");
      for (int i = point; i < 0; i++)
        g_string_append_c (s, '0');
      g_string_append (s, digits);
    }
  else
    {
      g_string_append_c (s, digits[0]);
      g_string_append_c (s, '.');
      g_string_append (s, ndigits > 1 ? digits + 1 : "0");
      g_string_append_printf (s, "e%c%d", dec_exp < 0 ? '-' : '+', ABS (dec_exp));
    }
}

/* Text strings as JSON strings in plain ASCII, as RFC 8949 Appendix A
 * shows them ("\u00fc", "\ud800\udd51"). */
static void
append_text (GString *s, const guint8 *p, gsize len)
{
  g_string_append_c (s, '"');
  for (gsize i = 0; i < len;)
    {
      /* The text was validated when it was made, so the sequence is whole. */
      guint32 c = p[i];
      gsize n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

      if (n > 1)
        {
          c &= 0x3f >> (n - 1);
          for (gsize k = 1; k < n; k++)
            c = (c << 6) | (p[i + k] & 0x3f);
        }
      i += n;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", (char)c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (s, (char)c);
      else if (c < 0x10000)
        g_string_append_printf (s, "\\u%04x", c);
      else
        {
          c -= 0x10000;
          g_string_append_printf (s, "\\u%04x\\u%04x", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
        }
    }
  g_string_append_c (s, '"');
}

static void
append_diagnostic (GString *s, const VkCbor *self)
{
  switch (self->type)
    {
      case VK_CBOR_UINT:
        g_string_append_printf (s, "%" G_GUINT64_FORMAT, self->v.number);
        break;
      case VK_CBOR_NINT:
        if (self->v.number == G_MAXUINT64)
          g_string_append (s, "-18446744073709551616");
        else
          g_string_append_printf (s, "-%" G_GUINT64_FORMAT, self->v.number + 1);
        break;
      case VK_CBOR_BYTES:
        g_string_append (s, "h'");
        for (gsize i = 0; i < self->v.str.len; i++)
          g_string_append_printf (s, "%02x", self->v.str.data[i]);
        g_string_append_c (s, '\'');
        break;
      case VK_CBOR_TEXT:
        append_text (s, self->v.str.data, self->v.str.len);
        break;
      case VK_CBOR_ARRAY:
        g_string_append_c (s, '[');
        for (guint i = 0; i < self->v.items->len; i++)
          {
            if (i > 0)
              g_string_append (s, ", ");
            append_diagnostic (s, g_ptr_array_index (self->v.items, i));
          }
        g_string_append_c (s, ']');
        break;
      case VK_CBOR_MAP:
        g_string_append_c (s, '{');
        for (guint i = 0; i < self->v.entries->len; i++)
          {
            const MapEntry *entry = &g_array_index (self->v.entries, MapEntry, i);

            if (i > 0)
              g_string_append (s, ", ");
            append_diagnostic (s, entry->key);
            g_string_append (s, ": ");
            append_diagnostic (s, entry->value);
          }
        g_string_append_c (s, '}');
        break;
      case VK_CBOR_TAG:
        g_string_append_printf (s, "%" G_GUINT64_FORMAT "(", self->v.tag.number);
        append_diagnostic (s, self->v.tag.content);
        g_string_append_c (s, ')');
        break;
      case VK_CBOR_SIMPLE:
        switch (self->v.number)
          {
            case 20:
              g_string_append (s, "false");
              break;
            case 21:
              g_string_append (s, "true");
              break;
            case 22:
              g_string_append (s, "null");
              break;
            case 23:
              g_string_append (s, "undefined");
              break;
            default:
              g_string_append_printf (s, "simple(%" G_GUINT64_FORMAT ")", self->v.number);
              break;
          }
        break;
      case VK_CBOR_FLOAT:
        append_double (s, self->v.real);
        break;
      default:
        g_assert_not_reached ();
    }
}

char *
vk_cbor_to_diagnostic (const VkCbor *self)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);

  s = g_string_new (NULL);
  append_diagnostic (s, self);
  return g_string_free (s, FALSE);
}
