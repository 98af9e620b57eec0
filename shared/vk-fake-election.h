/* vk-fake-election.h: a small synthetic municipality for demos and tests.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Prøvekommune" does not exist: its lists, candidates and areas are
 * made up, deterministically from a seed, so that valgkit can run its
 * demo and tests from the repository alone.  Everything it makes is
 * marked as test data (PRØVEVALG) where it is shown.
 */
#pragma once

#include "vk-election.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* Four areas, six lists (two of them partilister, two in a valgforbund,
 * two sharing a letter as a listeforbund), 4–9 candidates each, 15 seats. */
VkElection *vk_fake_election_new (guint32 seed) G_GNUC_WARN_UNUSED_RESULT;

/* The same municipality's joint election: the KV above (primary) and a
 * regionsrådsvalg contest "RV" of the Prøveregionen (four lists, one a
 * partiliste, 21 seats; area 2 has 3 eligible voters fewer). */
VkElection *vk_fake_election_new_joint (guint32 seed) G_GNUC_WARN_UNUSED_RESULT;

/* Plausible results for an election's areas: the foreløbig optælling
 * and a fintælling that differs from it by a few votes and adds
 * listestemmer and personal votes.  About 72 % turnout, 1 % blank,
 * 0.5 % other invalid; every count passes the consistency checks. */
void vk_fake_results_new (const VkElection *election, guint32 seed, VkResults **ret_foreloebig,
                          VkResults **ret_fintaelling);

G_END_DECLS
