/* vk-ep.h: Europa-Parlamentsvalg: valg.dk's EV files and the national allocation (EPVL § 32).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Denmark elects 15 members in one nationwide area.  The seats go by
 * d'Hondt to the valgforbund and the lists outside one, then by d'Hondt
 * inside each valgforbund, a list never taking more seats than it has
 * candidates; inside a list the candidates are elected as at a
 * kommunalvalg (partiliste by fordelingstal, sideordnet by personal
 * votes).  That is the KRVL method vk_seats_allocate() already implements
 * (without listeforbund, which EP lists do not form), so the allocation
 * is that function over the nationwide total.  docs/folketingsvalg.md.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-results.h"
#include "vk-seats.h"

G_BEGIN_DECLS

#define VK_EP_SEATS 15

/* EV-Kandidatdata (valgdk-schemas/EV-Kandidatdata.schema.json): the lists,
 * their candidates and the valgforbund (members by KandidatlisteId).
 * Refused, naming the file and field: another Valgart, a list in two
 * valgforbund or in none that exists, two lists with one letter. */
VkElection *vk_ep_import_kandidatdata (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Every *.json of dir is one area's EV-Valgresultater; returns the
 * nationwide total.  A list is matched by PartiId = KandidatlisteId, else
 * by its letter; Partistemmer are the listestemmer.  Refused: another
 * Valgart, IngenResultater or a mix of foreløbig and fintælling, an area
 * given twice, a list or candidate the kandidatdata do not have, lists
 * that do not add up to GyldigeStemmer. */
VkAreaResult *vk_ep_import_results_dir (const VkElection *election, const char *dir, guint *ret_n_areas,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same from the municipalities' signed results (VkContestResult*,
 * each read and verified by vk_valgdk_result_read() with contest "EP"). */
VkAreaResult *vk_ep_import_results_signed (const VkElection *election, GPtrArray *results, guint *ret_n_areas,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
