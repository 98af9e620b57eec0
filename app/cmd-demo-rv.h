/* cmd-demo-rv.h: the regionsrådsvalg half of `valgkit demo --rv`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-election.h"
#include "vk-results.h"
#include "vk-station.h"
#include "vk-tally.h"

G_BEGIN_DECLS

/* The region's seats (Nordjylland 25, Midtjylland 31, Syddanmark 31,
 * Østdanmark 47); 0 for an unknown name. */
guint vk_demo_rv_seats_for_region (const char *region);

/* Reads rv_dir (kandidat-data.json, fintaelling/, foreloebig/ of a region),
 * adds the RV contest to event (its areas: event's, with the RV files'
 * eligible voters) with seats (0: the region's known number), and returns
 * the municipality's RV foreløbig and fintælling counts, one per area in
 * the event's area order.  An area without a foreløbig file gets one made
 * from its fintælling's list totals. */
gboolean vk_demo_rv_load (VkElection *event, const char *rv_dir, guint seats, VkResults **ret_foreloebig,
                          VkResults **ret_fintaelling, GError **error);

/* Enters one RV count twice (by[0], by[1]) and signs it off, with a
 * written explanation when its votes cast differ from the marked voters.
 * tick advances the demo's clock by some minutes. */
gboolean vk_demo_rv_count (VkStation *station, VkResultKind kind, const VkArea *area, const VkAreaResult *counts,
                           const VkBallotAccount *ballots, guint64 marked, const VkSigner *signers, guint n_signers,
                           const char *const by[2], guint64 (*tick) (guint64 minutes), GError **error);

G_END_DECLS
