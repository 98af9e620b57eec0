/* vk-station-private.h: what vk-station.c shares with
 * vk-station-brevstemme.c.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-fold.h"
#include "vk-station.h"

G_BEGIN_DECLS

struct _VkStation
{
  VkPackage *package;     /* borrowed */
  const VkDevice *device; /* owned by the package */
  const VkKeypair *key;   /* borrowed */
  VkJournal *journal;
  const VkElection *election; /* the fold's */
  VkVoterIndex *index;
  GTimeZone *tz; /* Danish time: hours in the chart, brevstemme deadlines */
  gboolean valgstyrer;
  gboolean batched; /* vk_station_set_batched_durability() */
  guint64 brev_first_ms;
  guint64 brev_last_ms;
  /* The guards of issue 13 (vk_station_set_guards()). */
  gboolean guards;
  char *confirmed_by;  /* the valgstyrer who confirmed working off the date */
  char *confirmed_day; /* the local day (YYYY-MM-DD) the confirmation holds for */

  /* The state: the shared fold (shared/vk-fold.h) over every journal
   * held, the one the count server and `valgkit audit` use. */
  VkFold *fold;
};

guint64 vk_station_now_ms (void);
/* The station's journal clock (vk_journal_now_ms()). */
guint64 vk_station_clock_ms (VkStation *self);
/* The local (Danish) day of time_ms, YYYY-MM-DD. */
char *vk_station_local_day (VkStation *self, guint64 time_ms);
/* Adds "confirmed_by" and flag (e.g. "wrong_date") to body. */
void vk_station_mark_confirmed (VkStation *self, VkCbor *body, const char *flag);
/* vk_station_append() that returns the entry's seq (0 on error). */
guint64 vk_station_append_seq (VkStation *self, const char *type, VkCbor *body, GError **error);

G_END_DECLS
