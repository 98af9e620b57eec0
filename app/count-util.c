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

char *
vk_count_contest_title (const VkElection *contest)
{
  const char *id = vk_election_contest_id (contest);

  switch (contest->type)
    {
      case VK_ELECTION_KV:
        return g_strdup_printf (_ ("Municipal election (%s)"), id);
      case VK_ELECTION_RV:
        return g_strdup_printf (_ ("Regional council election (%s)"), id);
      default:
        return g_strdup_printf ("%s (%s)", vk_election_type_name_da (contest->type), id);
    }
}

const char *
vk_count_state_text (VkTallyState state)
{
  switch (state)
    {
      case VK_TALLY_EMPTY:
        return _ ("Not entered");
      case VK_TALLY_FIRST:
        return _ ("First entry saved");
      case VK_TALLY_DIFFERENT:
        return _ ("The entries differ");
      case VK_TALLY_AGREED:
        return _ ("Ready to sign off");
      case VK_TALLY_SIGNED:
        return _ ("Signed off");
      default:
        return "";
    }
}

char *
vk_count_dup_unsigned_contests (VkStation *station, VkResultKind kind, guint area)
{
  const VkElection *e = vk_station_get_election (station);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < vk_election_get_n_contests (e); i++)
    {
      const char *id = vk_election_contest_id (vk_election_get_contest_nth (e, i));
      g_autoptr (VkTally) t = vk_tally_dup_station_tally (station, id, kind, area, NULL);

      if (t != NULL && vk_tally_get_state (t) == VK_TALLY_SIGNED)
        continue;
      if (s->len > 0)
        g_string_append (s, " + ");
      g_string_append (s, id);
    }
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}
