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

G_BEGIN_DECLS

/* Four areas, six lists (two of them partilister, two in a valgforbund,
 * two sharing a letter as a listeforbund), 4–9 candidates each, 15 seats. */
VkElection *vk_fake_election_new (guint32 seed) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
