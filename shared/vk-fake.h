/* vk-fake.h: deterministic synthetic test data (fake Danish voters).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is SYNTHETIC: invented people built from small tables
 * of common Danish first names, surnames and street names, for tests,
 * benchmarks and the demo.  No row describes a real person.  The output
 * depends only on the arguments and the seed (splitmix64), on every
 * platform, so tests and the demo are reproducible.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-voters.h"

G_BEGIN_DECLS

/* splitmix64: small, fast, and specified in a few lines, so that anyone
 * can reproduce the data. */
typedef struct
{
  guint64 state;
} VkFakeRng;

void vk_fake_rng_init (VkFakeRng *self, guint64 seed);
guint64 vk_fake_rng_next (VkFakeRng *self);
/* Uniform in [0, n), n >= 1. */
guint32 vk_fake_rng_range (VkFakeRng *self, guint32 n);

/* "Mette Sørensen", sometimes with a middle name. */
char *vk_fake_person_name (VkFakeRng *rng) G_GNUC_WARN_UNUSED_RESULT;
/* "Østergade 14, 2. th., 8000 Aarhus" (town may be NULL: no postcode and town). */
char *vk_fake_address (VkFakeRng *rng, const char *town) G_GNUC_WARN_UNUSED_RESULT;
/* YYYY-MM-DD, uniform over 1925-01-01 .. 2007-12-31. */
char *vk_fake_birth_date (VkFakeRng *rng) G_GNUC_WARN_UNUSED_RESULT;

/* counts[i] synthetic voters in area area_numbers[i], løbenumre 1 ..
 * counts[i], areas in the order given.  town goes into the addresses. */
VkVoterList *vk_voters_generate (const guint *area_numbers, const guint *counts, guint n_areas, const char *town,
                                 guint64 seed) G_GNUC_WARN_UNUSED_RESULT;
/* For every area of the election, its `eligible` voters, or at most
 * max_per_area when that is not 0 (small tests). */
VkVoterList *vk_voters_generate_for_election (const VkElection *election, guint max_per_area,
                                              guint64 seed) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
