/* vk-brevstemme-window.h: when a brevstemme may be cast in Denmark.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One window, used by the station (vk_station_assess_brevstemme(): reason
 * 6, cast outside the deadlines) and by the discrepancy rules (D10 for a
 * brevstemme device's entry times, D13 for a brevstemme cast after the
 * deadline).
 *
 * Legal basis: the issue names KRVL § 58.  We could not read the law
 * text here, so the section and the days are *unconfirmed*.  A third-party
 * copy of the kommunal- og regionalvalglov (danskelove.dk, § 62, its
 * version not stated) reads: brevstemmer may be cast in Denmark from the
 * Tuesday three weeks before election day and at the latest on the Friday
 * before; where any voter may vote (§ 59) from the Tuesday six weeks
 * before; abroad (§ 63 stk. 3) from the third Tuesday of August.  The
 * KV2021 and KV2025 instructions we know of ended on the Thursday before
 * the Tuesday election day.  valgkit's default is the window the code
 * used so far: from 00:00 VK_BREVSTEMME_OPEN_DAYS days before election
 * day to the end of the VK_BREVSTEMME_DEADLINE_WEEKDAYS-th last weekday
 * (Monday–Friday) before it, Europe/Copenhagen time.  Both users can set
 * another window (vk_station_set_brevstemme_window(),
 * VkRulesConfig.brevstemme_open_ms / brevstemme_deadline_ms): set it from
 * the valgbestyrelse's instructions.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"

G_BEGIN_DECLS

/* Three weeks: for a Tuesday election, from the Tuesday three weeks before. */
#define VK_BREVSTEMME_OPEN_DAYS 21
/* The third-last weekday: for a Tuesday election, the Thursday before. */
#define VK_BREVSTEMME_DEADLINE_WEEKDAYS 3

/* The default window for election's date, both ends inclusive, in ms
 * since the epoch: ret_first_ms is 00:00 of the first day, ret_last_ms
 * the last millisecond of the deadline day.  FALSE (and the whole time
 * line, 0 … G_MAXUINT64) when the election has no readable date. */
gboolean vk_brevstemme_window_for_election (const VkElection *election, guint64 *ret_first_ms, guint64 *ret_last_ms);

G_END_DECLS
