/* count-util.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "count-util.h"

gboolean
vk_count_parse_count (const char *text, guint64 *ret)
{
  g_autofree char *t = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*t == '\0')
    {
      *ret = 0;
      return TRUE;
    }
  for (const char *p = t; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (t, 10, 0, 100000000, ret, NULL);
}

char *
vk_count_list_title (const VkList *l)
{
  return *l->letter != '\0' ? g_strdup_printf ("%s  %s", l->letter, l->name) : g_strdup (l->name);
}
