/* vk-fv-elected.h: the elected candidates of a folketingsvalg, by opstillingsform (FVL §§ 79 ff.).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the allocation (vk-fv.h: each party's seats per storkreds), the
 * votes it was made from with each opstillingskreds's party votes and
 * personal votes (VkFvStorkredsVotes.kredse, a fintælling), and valg.dk's
 * FV-Kandidatdata (vk-fv-kandidatdata.h, one file per storkreds).  Per
 * party and storkreds (docs/folketingsvalg.md, "The elected candidates"):
 *  - the party votes of a kreds are the party's votes there less its
 *    candidates' personal votes;
 *  - PersonligeStemmer true: the candidates are ranked on personal votes
 *    only;
 *  - otherwise the party votes of each kreds go to the candidates
 *    nominated there (OpstilletIKreds): sideordnet and prioriteret
 *    sideordnet in proportion to their personal votes in the kreds
 *    (equally when they all have none), kredsvis and partiliste all to
 *    the one nominated;
 *  - sideordnet and kredsvis: the seats go to the highest totals
 *    (personal + allotted party votes); equal totals at the last seat are
 *    a lot draw ("<storkreds>:<letter>:<Navn>", vk-fv-draws.h);
 *  - partiliste: those whose total reaches the fordelingstal
 *    ⌊V / (n + 1)⌋ + 1 are elected, the other seats go in list order
 *    (PartiListePlacering).
 * The ranking uses the exact shares; what is reported is whole votes per
 * kreds (VkFvKredsShare, valg.dk's Partistemmefordeling:
 * vk-fv-partistemmefordeling.h) and their sums per candidate.
 * Independents with a kredsmandat are elected by name.  Errors
 * (VK_ERROR_INVALID) name the FV-Kandidatdata file and the entry.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vk-fv-draws.h"
#include "vk-fv-kandidatdata.h"
#include "vk-fv.h"

G_BEGIN_DECLS

typedef struct
{
  const VkFvKdCandidate *kd; /* borrowed from the kandidatdata */
  guint64 personal;          /* personal votes in the storkreds */
  double allotted;           /* party votes allotted, exact up to double rounding: the ranking's */
  guint64 allotted_rounded;  /* reported: the sum of its whole votes per kreds (VkFvKredsShare.cand_allotted) */
  gboolean elected;
  gboolean by_quota; /* partiliste: reached the fordelingstal */
} VkFvCandidateRank;

/* One party in one opstillingskreds: what valg.dk's Partistemmefordeling
 * gives.  The party votes go to the candidates in whole votes: each one's
 * exact share rounded down, and the votes left over one each to the
 * largest remainders (ties: the kandidatdata's order), so that they add
 * up to party_votes - unallotted exactly. */
typedef struct
{
  const VkFvKredsVotes *kreds; /* borrowed from the allocation's votes: valid while they are */
  VkFvForm form;               /* of those nominated there (else the party's) */
  guint64 votes;               /* the party's votes in the kreds */
  guint64 personal;            /* its candidates' personal votes there */
  guint64 party_votes;         /* votes - personal: the partistemmer */
  guint64 unallotted;          /* of those, given to no one: PersonligeStemmer, or no one nominated */
  guint64 *cand_personal;      /* per candidate of the party's kandidatdata (VkFvKdParty.candidates order) */
  guint64 *cand_allotted;      /* likewise: the whole party votes allotted */
} VkFvKredsShare;

typedef struct
{
  guint storkreds; /* table index */
  guint party;     /* VkFvVotes.letters index */
  const VkFvKdParty *kd;
  guint seats;
  gboolean partiliste;
  VkFvForm form;      /* the party's form (the first nomination's) */
  guint64 quota;      /* partiliste: the fordelingstal; 0 otherwise */
  guint64 unallotted; /* party votes of kredse where no candidate is nominated */
  GPtrArray *ranked;  /* VkFvCandidateRank*: the elected, then the stedfortrædere, in rank order */
  GPtrArray *kredse;  /* VkFvKredsShare*: the storkreds's kredse in the results' order (VkFvStorkredsVotes.kredse) */
} VkFvPartyRank;

typedef struct
{
  guint storkreds;
  const VkFvKdCandidate *kd;
  guint64 votes;
  gboolean elected;
} VkFvIndependentRank;

struct _VkFvElected
{
  GPtrArray *parties;      /* VkFvPartyRank*, every party with candidates, by storkreds */
  GPtrArray *independents; /* VkFvIndependentRank* */
  GPtrArray *kandidatdata; /* VkFvKandidatdata*, owned: the ranks borrow from it */
};

/* kandidatdata (VkFvKandidatdata*, as vk_fv_kandidatdata_load_all()) is
 * taken over.  draws: the allocation's, see vk_fv_allocate_with_draws(). */
VkFvElected *vk_fv_elect (const VkFvAllocation *alloc, GPtrArray *kandidatdata, VkFvDraws *draws,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_fv_elected_free (VkFvElected *self);
const VkFvPartyRank *vk_fv_elected_lookup (const VkFvElected *self, guint storkreds, guint party);
/* Adds "Opstillingsform", "PersonligeStemmer", ("Fordelingstal"),
 * "Valgte" and "Stedfortrædere" to the open object of a party with seats. */
void vk_fv_elected_party_to_json (const VkFvElected *self, JsonBuilder *b, guint storkreds, guint party);
/* Adds "UdenforParti":[{"Navn","Stemmer","Valgt"}] to the open storkreds object. */
void vk_fv_elected_independents_to_json (const VkFvElected *self, JsonBuilder *b, guint storkreds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvElected, vk_fv_elected_free)

G_END_DECLS
