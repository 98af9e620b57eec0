/* vk-result-sheet-private.h: the result sheet's sections, shared with the valgbog.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-printout.h"
#include "vk-results.h"
#include "vk-seats.h"

G_BEGIN_DECLS

/* "Stemmeopgørelse": eligible, cast, valid, blank, invalid (and beside a foreløbig cmp). */
void vk_result_sheet_write_counts (VkPdf *pdf, const VkAreaResult *r, const VkAreaResult *cmp);
/* The lists' votes (listestemmer, comparison and seats when given). */
void vk_result_sheet_write_lists (VkPdf *pdf, const VkElection *e, const VkAreaResult *r, const VkAreaResult *cmp,
                                  const VkSeatAllocation *seats);
/* Invalid ballots by reason code, in-person and postal side by side. */
void vk_result_sheet_write_invalid (VkPdf *pdf, const VkAreaResult *r);

G_END_DECLS
