/* vk-valgdk-turnout.h: turnout during election day in valg.dk's
 * Valgdeltagelse shape, and the day's announced times.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk shows each polling area's turnout at a few announced times of
 * the day (its FV2026 files: 11:00 and 17:00), one file per area
 * (../shared/data/valgdk-schemas/Valgdeltagelse.schema.json) whose
 * "Valgdeltagelse" array holds one item per time reported so far:
 * eligible voters, votes cast until then and the time ("tt:mm").  The
 * count server computes the numbers from the journals it holds
 * (vk_count_turnout(), count-server/vk-count-export.h); this file only
 * writes them.  docs/results.md, "valg.dk".
 */
#pragma once

#include <glib.h>

#include "vk-election.h"

G_BEGIN_DECLS

/* valg.dk's announced times when none are given: 11:00 and 17:00. */
#define VK_VALGDK_TURNOUT_TIMES_DEFAULT "11:00,17:00"

typedef struct
{
  guint minute;      /* minutes after local midnight of election day: 660 is 11:00 */
  guint64 eligible;  /* AntalStemmeberretigedeVælgere */
  guint64 cast;      /* AfgivneStemmer: check-ins and accepted brevstemmer before the time */
  gboolean complete; /* every table of the area had delivered its journal past the time */
} VkTurnoutPoint;

/* "11:00,17:00" → minutes after midnight (guint), strictly ascending, at
 * most 24 of them.  VK_ERROR_INVALID names the bad item. */
GArray *vk_valgdk_parse_times (const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* "HH:MM" → minutes after midnight; FALSE for anything else. */
gboolean vk_valgdk_parse_time (const char *text, guint *ret_minute);
/* The instant (ms since the Unix epoch) of minute on date (YYYY-MM-DD)
 * in Danish time (Europe/Copenhagen; CET/CEST).  -1 for a bad date. */
gint64 vk_valgdk_local_time_ms (const char *date, guint minute);

/* The Valgdeltagelse JSON of area in contest (KV, RV, FV, EP, FA: its
 * Valgart), with one item per point that is complete, in the order given;
 * a point that is not complete is left out (the schema has no member
 * for "not yet delivered": valg.dk shows a missing time as not reported),
 * and the caller reports it beside the file.  Errors (VK_ERROR_INVALID)
 * name the area: no Kommunekode, date or DAGI id, a number beyond int32. */
char *vk_valgdk_turnout_to_json (const VkElection *contest, const VkArea *area, const VkTurnoutPoint *points,
                                 guint n_points, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
