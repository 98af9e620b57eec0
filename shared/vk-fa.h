/* vk-fa.h: the outcome of a folkeafstemning (Grundloven § 42 stk. 5 and § 88).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * § 42 stk. 5 (a bill put to a referendum; also §§ 20 and 29): the bill
 * falls when a majority of those voting, and at least 30 % of all eligible
 * voters, vote against it.  § 88 (a change of the constitution): adopted
 * when a majority of those voting, and at least 40 % of all eligible
 * voters, vote for it.  "A majority of those voting" is read as more Nej
 * than Ja (§ 42) or more Ja than Nej (§ 88) among the valid votes: blank
 * and invalid ballots count for neither side, and an equal split is no
 * majority (under § 42 the bill then stands, under § 88 it is not
 * adopted).  docs/folketingsvalg.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VK_FA_RULE_42 = 42,
  VK_FA_RULE_88 = 88,
} VkFaRule;

typedef struct
{
  char *source;
  guint64 ja, nej, valid, blank, invalid, cast, eligible;
  guint n_units; /* opstillingskredse (DST) or afstemningsområder (valg.dk) */
} VkFaTotals;

void vk_fa_totals_clear (VkFaTotals *self);

/* TRUE when the proposal is adopted (vedtaget) under rule. */
gboolean vk_fa_adopted (VkFaRule rule, guint64 ja, guint64 nej, guint64 eligible);

/* valg.dk FA-Valgresultater: every *.json of dir is one area's result.
 * Refused, naming file and field: another Valgart, IngenResultater, a
 * folder mixing foreløbig and fintælling, an area given twice. */
gboolean vk_fa_valgdk_read (const char *dir, VkFaTotals *ret, GError **error);

/* The same from the municipalities' signed results (VkContestResult*,
 * each read and verified by vk_valgdk_result_read() with contest "FA"). */
gboolean vk_fa_valgdk_read_signed (GPtrArray *results, VkFaTotals *ret, GError **error);

/* {"Ja","Nej","Stemmeberettigede","Resultat":"vedtaget"|"forkastet", …}. */
char *vk_fa_to_json (const VkFaTotals *totals, VkFaRule rule) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
