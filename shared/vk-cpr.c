/* vk-cpr.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <string.h>

#include "vk-cpr.h"
#include "vk-error.h"

char *
vk_cpr_birth_date (const char *digits)
{
  guint day, month, yy, d7, year;

  g_return_val_if_fail (digits != NULL, NULL);

  if (strlen (digits) != 10)
    return NULL;
  for (guint i = 0; i < 10; i++)
    if (!g_ascii_isdigit (digits[i]))
      return NULL;
  day = (guint)((digits[0] - '0') * 10 + (digits[1] - '0'));
  month = (guint)((digits[2] - '0') * 10 + (digits[3] - '0'));
  yy = (guint)((digits[4] - '0') * 10 + (digits[5] - '0'));
  d7 = (guint)(digits[6] - '0');

  /* The seventh digit and the two-digit year give the century. */
  if (d7 <= 3)
    year = 1900 + yy;
  else if (d7 == 4 || d7 == 9)
    year = (yy <= 36 ? 2000 : 1900) + yy;
  else
    year = (yy <= 57 ? 2000 : 1800) + yy;

  if (month < 1 || month > 12 || day < 1 || day > g_date_get_days_in_month ((GDateMonth)month, (GDateYear)year))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

gboolean
vk_cpr_normalize (const char *text, char ret_digits[11], GError **error)
{
  char digits[11];
  g_autofree char *date = NULL;
  guint n = 0;
  gsize len;
  const char *s;

  g_return_val_if_fail (text != NULL, FALSE);

  while (g_ascii_isspace (*text))
    text++;
  len = strlen (text);
  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;
  s = text;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (s[i]) && n < 10)
        digits[n++] = s[i];
      else if (!((s[i] == '-' || s[i] == ' ') && i == 6 && n == 6))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a CPR number is DDMMYY-SSSS (ten digits)");
          return FALSE;
        }
    }
  if (n != 10)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a CPR number is DDMMYY-SSSS (ten digits)");
      return FALSE;
    }
  digits[10] = '\0';
  date = vk_cpr_birth_date (digits);
  if (date == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the CPR number does not start with a real date (DDMMYY)");
      return FALSE;
    }
  memcpy (ret_digits, digits, sizeof digits);
  return TRUE;
}
