/* vk-rules.h: the discrepancy rules D01–D21 and the journal fold they run on.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code runs on the count server (over every journal it holds),
 * on a station (over its own journal) and in `valgkit audit` (over the
 * journal files): each folds verified journal entries into a VkFold, an
 * in-memory model per area (check-ins, undos, brevstemmer, decisions,
 * tallies, sign-offs, poll closes, receipts), adds what it knows about
 * refused batches and forks, and runs vk_rules_run() with the election
 * package.  docs/rules.md lists every rule with its Danish and English
 * text, severity, evidence and legal basis.
 */
#pragma once

#include <glib.h>

#include "vk-entry-schema.h"
#include "vk-finding.h"
#include "vk-fold.h"

G_BEGIN_DECLS

/* ---- running the rules --------------------------------------------------- */
typedef struct
{
  /* D08: a difference foreløbig → fintælling larger than this (absolute
   * votes, per list and in cast) is a warning, smaller ones are info. */
  guint64 d08_threshold;
  /* D10: the election window (ms since the epoch) for valgbord, optaelling
   * and fintaelling entries; brevstemme devices use
   * [brevstemme_open_ms, window_end_ms]. */
  guint64 window_start_ms;
  guint64 window_end_ms;
  guint64 brevstemme_open_ms;
  /* D10: the largest allowed difference between a device's clock and the
   * server's receipt of the entry. */
  guint64 clock_tolerance_ms;
  /* D13: brevstemmer cast after this instant do not count. */
  guint64 brevstemme_deadline_ms;
  /* D15: areas with fewer accepted brevstemmer than this (and more than 0). */
  guint min_brevstemmer;
  /* D09: report areas without a fintælling (set once the fintælling has begun). */
  gboolean expect_fintaelling;
} VkRulesConfig;

/* Defaults from the election date (Europe/Copenhagen): window from 00:00
 * on election day to 00:00 seven days later; brevstemmer from the open
 * to the deadline of vk_brevstemme_window_for_election() (three weeks
 * before election day to the end of the third-last weekday before it,
 * the Thursday before a Tuesday election; unconfirmed: see
 * shared/vk-brevstemme-window.h and docs/rules.md, D13); tolerance 5
 * minutes; threshold 10 votes; 5 brevstemmer. */
void vk_rules_config_init (VkRulesConfig *self, const VkElection *election);

/* Runs every rule over the fold.  config may be NULL (defaults).
 * Returns VkFinding*, ordered by rule, then area. */
GPtrArray *vk_rules_run (VkFold *fold, const VkRulesConfig *config) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
