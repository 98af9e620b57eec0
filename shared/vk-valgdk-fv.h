/* vk-valgdk-fv.h: one polling area's folketingsvalg, Europa-Parlamentsvalg or folkeafstemning result as valg.dk
 * publishes it.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk publishes each afstemningsområde's count of a folketingsvalg in
 * the shape of its "FV-Valgresultater" schema, of a
 * Europa-Parlamentsvalg in "EV-Valgresultater" and of a folkeafstemning
 * in "FA-Valgresultater" (../shared/data/valgdk-schemas/).  valg.dk
 * has no per-municipality result file (the national result system sums
 * the area files); its per-opstillingskreds "Partistemmefordeling" is
 * written from the candidates' count (vk-fv-partistemmefordeling.h).  These functions are pure:
 * a contest, its area, the area's folketingsvalg geography and one
 * VkAreaResult in, the JSON out (UTF-8, compact); the members every kind
 * shares (Kommune, the invalid votes by valg.dk's reason codes,
 * AfgivneStemmer …, the differences from the previous election) are the
 * KVRV export's (vk-valgdk-export.h).  Write the result with
 * vk_valgdk_write_version() (atomic, versioned).  docs/folketingsvalg.md,
 * "valg.dk-filer".
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-results.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-previous.h"

G_BEGIN_DECLS

/* FV-Valgresultater.  contest is a folketingsvalg (VK_ELECTION_FV) whose
 * lists with a letter are the parties (IndenforParti: PartiId is the
 * KandidatlisteId, Partistemmer the Listestemmer) and whose lists without
 * one are the candidates outside the parties (UdenforParti: one candidate
 * each, whose Stemmer are the list's votes).  At the foreløbig optælling
 * (result->has_candidate_votes FALSE) Kandidater and Partistemmer are
 * null; at the fintælling Kandidater are the party's candidates the count
 * has personal votes for (the ones on this opstillingskreds's ballot), in
 * the list's order.  place: the storkreds and opstillingskreds (required:
 * valg.dk's national system sums by them).  Errors (VK_ERROR_INVALID)
 * name the area and the field. */
char *vk_valgdk_fv_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                        const VkAreaResult *result, const VkValgdkPrevious *previous,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* EV-Valgresultater.  contest is a VK_ELECTION_EP; every list is written
 * as a Kandidatlister item (PartiId = KandidatlisteId, Partistemmer = the
 * Listestemmer, Kandidater at the fintælling: every candidate of the
 * list, 0 for one without votes).  place may be NULL (then null). */
char *vk_valgdk_ev_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                        const VkAreaResult *result, const VkValgdkPrevious *previous,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* FA-Valgresultater (one question).  contest is a VK_ELECTION_FA with
 * two lists, the answers: the one whose letter (else id, or the id's
 * part after its last '-', as the package's "FA-ja") is "JA" (any case)
 * gives StemmerForJa, "NEJ" StemmerForNej.  place may be NULL. */
char *vk_valgdk_fa_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                        const VkAreaResult *result, const VkValgdkPrevious *previous,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Whichever of the three (or KVRV-Valgresultater for KV and RV) fits
 * contest->type; approved_ms is used by KVRV only. */
char *vk_valgdk_contest_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                             const VkAreaResult *result, gint64 approved_ms,
                                             const VkValgdkPrevious *previous,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
