/* vk-text.c: text from untrusted sources, made safe to print.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-text.h"

static gboolean
is_format_hazard (gunichar c)
{
  return c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e
         || c == 0x200f || c == 0x061c;
}

char *
vk_text_escape_controls (const char *text)
{
  GString *out;
  const char *p;
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text));
  p = text;
  end = text + strlen (text);
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_string_append_printf (out, "\\x%02X", (guint)(guchar)*p);
          p++;
          continue;
        }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
        g_string_append_printf (out, "\\x%02X", (guint)c);
      else if (is_format_hazard (c))
        g_string_append_printf (out, "\\u{%04X}", (guint)c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
