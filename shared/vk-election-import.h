/* vk-election-import.h: building the events of a folketingsvalg,
 * europa-parlamentsvalg and folkeafstemning for one municipality.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/package-format.md "FV, EP and FA contests" and
 * docs/folketingsvalg.md "The package": the geography of valg.dk's
 * Valggeografi files (the municipality's afstemningsområder, each with
 * its opstillingskreds), the FV ballots from valg.dk's FV-Kandidatdata
 * (one file per storkreds), the folkeafstemning questions (lists "Ja" and
 * "Nej").  EP ballots are EV-Kandidatdata, read by
 * vk_election_import_kandidatdata().
 */
#pragma once

#include "vk-election.h"
#include "vk-voters.h"

G_BEGIN_DECLS

/* Seats of the national contests (the contest's "seats"). */
#define VK_FV_SEATS 175
#define VK_EP_SEATS 15

/* Sets the municipality (name, kommunekode, KommuneDagiId) and adds its
 * afstemningsområder (number, name, DAGI id, 0 eligible voters) with
 * their opstillingskreds (DAGI id and name) from a folder of valg.dk
 * Valggeografi files (Kommune-*.json, Opstillingskreds-*.json,
 * Afstemningsomraade-*.json, as shared/data/fv2026/geografi/).  self
 * must have no areas.  VK_ERROR_NOT_FOUND for an unknown kommunekode.
 * The storkreds the municipality lies in (Storkreds-*.json, through its
 * areas' opstillingskredse) becomes self's region (its name, "Bornholm")
 * and region_dagi_id (its number, "4"): the folketingsvalg geography of
 * valg.dk's FV-, EV- and FA-Valgresultater files. */
gboolean vk_election_import_geografi (VkElection *self, const char *dir, const char *kommunekode, GError **error);

/* A folketingsvalg contest for the municipality whose areas self has
 * (vk_election_import_geografi()): from FV-Kandidatdata (a file, or a
 * folder of them: the storkredse's files; the ones with none of the
 * municipality's opstillingskredse are skipped), the parties as lists
 * (id PartiId, letter Partibogstav, ballot order Stemmeseddelsplacering
 * + 1; partiliste when a candidate stands by "Partiliste" in one of the
 * kredse, sideordnet otherwise) with the candidates on the ballots of
 * the municipality's kredse (each with its kredse and places there),
 * then each independent candidate (UdenforParti) nominated in one of the
 * kredse as a list of one without a letter (id "udenfor-" + KandidatId).
 * The contest has self's areas and date (from the files), seats
 * VK_FV_SEATS.  Errors name the file and JSON path. */
VkElection *vk_election_import_fv_kandidatdata (const VkElection *self, const char *path,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds a folkeafstemning question to the event: a contest of type FA
 * (id "FA", then "FA2", "FA3"…; the event itself when it is an empty FA
 * primary) with the title and the two lists "Ja" and "Nej" (ids
 * "<contest id>-ja", "<contest id>-nej"; no candidates), the event's
 * areas.  Returns the contest (borrowed), or NULL for an empty title. */
VkElection *vk_election_add_fa_question (VkElection *event, const char *title, GError **error);

/* Sets each contest's eligible voters in each area to the number of
 * voters of that area on the list who receive its ballot
 * (vk_election_voter_contests()): for events whose areas come from the
 * geografi files, which carry no electorate. */
/* Copies from's storkreds (region, region_dagi_id) to contest. */
void vk_election_copy_storkreds (VkElection *contest, const VkElection *from);

void vk_election_count_eligible (VkElection *event, const VkVoterList *voters);

G_END_DECLS
