/* vk-text.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-text.h"

char *
vk_text_escape_controls (const char *s)
{
  GString *out;

  if (s == NULL)
    return NULL;
  out = g_string_sized_new (strlen (s));
  for (const guchar *p = (const guchar *)s; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\x%02x", *p);
      else
        g_string_append_c (out, (char)*p);
    }
  return g_string_free (out, FALSE);
}
