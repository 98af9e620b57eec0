/* vk-tally-private.h: what vk-tally.c shares with vk-tally-form.c.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-tally.h"

G_BEGIN_DECLS

/* The sums the checks need beside the typed numbers.  vk_tally_validate()
 * computes them from scratch; an entry form keeps them up to date one
 * keystroke at a time, so that checking a form costs O(lists), not
 * O(candidates). */
typedef struct
{
  guint64 sum_lists;      /* Σ list totals */
  guint64 invalid_detail; /* Σ other invalid ballots by reason */
  GHashTable *personal;   /* KandidatlisteId → guint64* Σ personal votes; NULL without personal votes */
} VkTallySums;

GPtrArray *vk_tally_validate_sums (const VkAreaResult *counts, const VkTallySums *sums, const VkBallotAccount *ballots,
                                   gint64 marked_voters, guint64 eligible) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
