/* vk-count-print.h: the count server's printouts, from what it holds.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-count.h"
#include "vk-rules.h"
#include "vk-seats.h"

G_BEGIN_DECLS

/* What vk_count_print_results() wrote and found. */
typedef struct
{
  GPtrArray *files;         /* char*, every PDF and JSON written */
  char *municipality_sheet; /* the fintælling sheet of the municipality (or the foreløbig one) */
  VkSeatAllocation *seats;  /* NULL without a fintælling or when a lot draw is needed */
  VkTie *tie;               /* the tie that stopped the allocation, or NULL */
  guint8 source_digest[32]; /* SHA-256 over the journal heads the results come from */
  gboolean any;             /* some contest had a signed-off count */
} VkPrintOutcome;

void vk_print_outcome_free (VkPrintOutcome *self);

/* SHA-256 over the heads of every station journal held (not the
 * server's own): the sorted lines "<device> <seq> <head hex>\n".  The
 * sheets print it and sign it in their QR; result-sheet-format.md. */
void vk_count_source_digest (VkCount *self, guint8 ret_digest[32]);

/* For each contest of the event (the primary's files in dir, another's in
 * dir/<id in lower case>, e.g. dir/rv): computes the foreløbig and
 * fintælling results and (from the fintælling, except a regionsrådsvalg,
 * which the region allocates) the seat allocation, journals the fintælling result as
 * `result.published`, and writes into dir: the municipality's sheets,
 * each area's fintælling sheet (with the foreløbig beside it), the
 * discrepancy report (uoverensstemmelser.pdf) and mandatfordeling.json
 * (valg.dk shape); for an FV, EP or FA contest whose every area has a
 * signed-off fintælling, also resultat.vkv, the signed valg.dk result
 * (vk_count_write_valgdk_result()).  test marks everything PRØVEVALG.  A tie stops the
 * allocation but not the printing (the outcome says so). */
VkPrintOutcome *vk_count_print_results (VkCount *self, const VkKeypair *server_key, const VkLots *lots,
                                        const VkRulesConfig *rules, gboolean test, const char *dir,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Only the discrepancy report, as dir/uoverensstemmelser.pdf. */
char *vk_count_print_discrepancies (VkCount *self, const VkRulesConfig *rules, gboolean test, const char *dir,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkPrintOutcome, vk_print_outcome_free)

G_END_DECLS
