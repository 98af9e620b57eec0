/* vk-brevstemme-window.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "vk-brevstemme-window.h"

static guint64
to_ms (GDateTime *dt)
{
  return (guint64)g_date_time_to_unix (dt) * 1000;
}

gboolean
vk_brevstemme_window_for_election (const VkElection *election, guint64 *ret_first_ms, guint64 *ret_last_ms)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) first = NULL;
  g_autoptr (GDateTime) cur = NULL;
  g_autoptr (GDateTime) after = NULL;
  guint weekdays = 0;
  gint y = 0, m = 0, d = 0;

  g_return_val_if_fail (ret_first_ms != NULL && ret_last_ms != NULL, FALSE);

  *ret_first_ms = 0;
  *ret_last_ms = G_MAXUINT64;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  if (election == NULL || election->date == NULL || sscanf (election->date, "%d-%d-%d", &y, &m, &d) != 3)
    return FALSE;
  day = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (day == NULL)
    return FALSE;
  first = g_date_time_add_days (day, -VK_BREVSTEMME_OPEN_DAYS);
  cur = g_date_time_ref (day);
  while (weekdays < VK_BREVSTEMME_DEADLINE_WEEKDAYS)
    {
      GDateTime *prev = g_date_time_add_days (cur, -1);

      g_date_time_unref (cur);
      cur = prev;
      if (g_date_time_get_day_of_week (cur) <= 5)
        weekdays++;
    }
  /* 00:00 of the day after the deadline day, in local time: a day is not
   * always 24 hours. */
  after = g_date_time_add_days (cur, 1);
  *ret_first_ms = to_ms (first);
  *ret_last_ms = to_ms (after) - 1;
  return TRUE;
}
