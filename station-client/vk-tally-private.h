/* vk-tally-private.h: what vk-tally.c shares with vk-tally-form.c.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-tally.h"

G_BEGIN_DECLS

/* The checks (vk_counts_check()) as messages.  sums (NULL: computed)
 * are the sums an entry form keeps up to date one keystroke at a time,
 * so that checking a form costs O(lists), not O(candidates). */
GPtrArray *vk_tally_validate_sums (const VkAreaResult *counts, const VkCountSums *sums, const VkBallotAccount *ballots,
                                   gint64 marked_voters, guint64 eligible) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
