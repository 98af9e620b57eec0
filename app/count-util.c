/* count-util.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "count-util.h"
#include "vk-tally.h"

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

char *
vk_count_error_dup_text (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != VK_TALLY_ERROR)
    return g_strdup (error->message);
  switch ((VkTallyError)error->code)
    {
      case VK_TALLY_ERROR_WRONG_TABLE:
        return g_strdup (_ ("This table does not take this count."));
      case VK_TALLY_ERROR_WRONG_ROUND:
        return g_strdup (_ ("A count is saved as the first or the second entry, with the name of who typed it."));
      case VK_TALLY_ERROR_SIGNED:
        return g_strdup (_ ("The count is signed off and final: it cannot be changed."));
      case VK_TALLY_ERROR_ROUND1_FIRST:
        return g_strdup (_ ("Save the first entry before the second."));
      case VK_TALLY_ERROR_SAME_PERSON:
        return g_strdup (_ ("The two entries must be made by two different people: the other entry was made by "
                            "the same name."));
      case VK_TALLY_ERROR_NOT_ENTERED:
        return g_strdup (_ ("Both entries of the count must be saved before the sign-off."));
      case VK_TALLY_ERROR_DIFFERENT:
        return g_strdup (_ ("The two entries differ: correct one of them first."));
      case VK_TALLY_ERROR_CHECK_FAILED:
        return g_strdup (_ ("A check fails: correct the numbers first (see Checks)."));
      case VK_TALLY_ERROR_NO_EXPLANATION:
        return g_strdup (_ ("The votes cast differ from the marked voters: write the explanation first."));
      case VK_TALLY_ERROR_TOO_FEW_SIGNERS:
        return g_strdup (_ ("At least two valgstyrere must sign: add each with their own key."));
      case VK_TALLY_ERROR_NOT_VALGSTYRER:
        return g_strdup (_ ("A signer's key is not enrolled as a valgstyrer's key."));
      case VK_TALLY_ERROR_NOT_SIGNED:
        return g_strdup (_ ("The valgbog is printed after the sign-off of the count."));
      default:
        return g_strdup (error->message);
    }
}
