/* vk-valgkort.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-valgkort.h"

#define PREFIX "VK1-"
#define VERSION_PREFIX "VK1"
#define DIGITS_LEN 12
/* The separator as a scanner types it: '-' in the right layout; '+'
 * (US layout on a Danish keyboard), '_' (shifted) and '/' (the key the
 * Danish '-' sits on in some layouts) when the scanner's layout is off. */
#define SEPARATORS "-+_/"

static gboolean
is_separator (char c)
{
  return c != '\0' && strchr (SEPARATORS, c) != NULL;
}

/* The code without surrounding white space (scanners add CR/LF or Tab). */
static char *
dup_stripped (const char *text)
{
  return g_strstrip (g_strdup (text));
}

static gboolean
all_digits (const char *s, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
vk_valgkort_looks_like (const char *text)
{
  g_autofree char *s = NULL;

  if (text == NULL)
    return FALSE;
  s = dup_stripped (text);
  /* Anything starting with VK is meant as a code: it parses, or it is an
   * error that says so (never a silent name search). */
  return g_ascii_strncasecmp (s, "VK", 2) == 0 || (strlen (s) == DIGITS_LEN && all_digits (s, DIGITS_LEN));
}

/* Reads a field of 1..max_digits decimal digits with a value in 1..max. */
static gboolean
parse_field (const char *s, gsize len, guint max_digits, guint max, const char *what, const char *code, guint *ret,
             GError **error)
{
  guint value = 0;

  if (len == 0 || len > max_digits || !all_digits (s, len))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "valgkort code \"%s\": the %s must be 1 to %u digits", code, what,
                   max_digits);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    value = value * 10 + (guint)(s[i] - '0');
  if (value == 0 || value > max)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "valgkort code \"%s\": the %s %u is out of range (1–%u)", code,
                   what, value, max);
      return FALSE;
    }
  *ret = value;
  return TRUE;
}

gboolean
vk_valgkort_parse (const char *text, VkValgkort *ret_card, GError **error)
{
  g_autofree char *s = NULL;
  VkValgkort card = { 0 };
  gsize len;

  g_return_val_if_fail (text != NULL, FALSE);

  s = dup_stripped (text);
  len = strlen (s);
  if (g_ascii_strncasecmp (s, "VK", 2) == 0)
    {
      g_auto (GStrv) fields = NULL;

      if (g_ascii_strncasecmp (s, VERSION_PREFIX, strlen (VERSION_PREFIX)) != 0
          || !is_separator (s[strlen (VERSION_PREFIX)]))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "valgkort code \"%s\": expected VK1-KOMMUNE-OMRÅDE-LØBENUMMER (VK1 and a separator)", s);
          return FALSE;
        }
      fields = g_strsplit_set (s + strlen (PREFIX), SEPARATORS, -1);
      if (g_strv_length (fields) != 3)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "valgkort code \"%s\": expected VK1-KOMMUNE-OMRÅDE-LØBENUMMER (three fields after VK1-)", s);
          return FALSE;
        }
      if (!parse_field (fields[0], strlen (fields[0]), 3, VK_VALGKORT_MAX_MUNICIPALITY, "kommunekode", s,
                        &card.municipality, error)
          || !parse_field (fields[1], strlen (fields[1]), 2, VK_VALGKORT_MAX_AREA, "area number", s, &card.area, error)
          || !parse_field (fields[2], strlen (fields[2]), 7, VK_VALGKORT_MAX_LOEBENUMMER, "løbenummer", s,
                           &card.loebenummer, error))
        return FALSE;
    }
  else if (len == DIGITS_LEN && all_digits (s, len))
    {
      if (!parse_field (s, 3, 3, VK_VALGKORT_MAX_MUNICIPALITY, "kommunekode", s, &card.municipality, error)
          || !parse_field (s + 3, 2, 2, VK_VALGKORT_MAX_AREA, "area number", s, &card.area, error)
          || !parse_field (s + 5, 7, 7, VK_VALGKORT_MAX_LOEBENUMMER, "løbenummer", s, &card.loebenummer, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "\"%s\" is not a valgkort code (VK1-KOMMUNE-OMRÅDE-LØBENUMMER or %d digits)", s, DIGITS_LEN);
      return FALSE;
    }
  if (ret_card != NULL)
    *ret_card = card;
  return TRUE;
}

static gboolean
in_range (guint municipality, guint area, guint loebenummer)
{
  return municipality >= 1 && municipality <= VK_VALGKORT_MAX_MUNICIPALITY && area >= 1 && area <= VK_VALGKORT_MAX_AREA
         && loebenummer >= 1 && loebenummer <= VK_VALGKORT_MAX_LOEBENUMMER;
}

char *
vk_valgkort_format (guint municipality, guint area, guint loebenummer)
{
  if (!in_range (municipality, area, loebenummer))
    return NULL;
  return g_strdup_printf (PREFIX "%03u-%02u-%06u", municipality, area, loebenummer);
}

char *
vk_valgkort_format_digits (guint municipality, guint area, guint loebenummer)
{
  if (!in_range (municipality, area, loebenummer))
    return NULL;
  return g_strdup_printf ("%03u%02u%07u", municipality, area, loebenummer);
}
