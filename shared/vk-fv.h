/* vk-fv.h: the national allocation of a folketingsvalg (FVL §§ 76–79).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the votes per storkreds (parties by letter, independent
 * candidates by name; read from DST's XML by vk-dst-fv.c or from valg.dk's
 * FV-Valgresultater by vk-fv-valgdk.c) and the seat table (the
 * bekendtgørelse's kreds- and tillægsmandater per landsdel and storkreds,
 * which changes every five years: an input, never built in).
 * docs/folketingsvalg.md gives the rules as implemented:
 *  1. kredsmandater per storkreds by d'Hondt over parties and independent
 *     candidates (an independent takes at most one) (§ 76);
 *  2. qualification (§ 77 stk. 1): a kredsmandat, or in two landsdele at
 *     least the landsdel's valid votes per kredsmandat, or 2 % of the valid
 *     votes in the whole country;
 *  3. the 175 seats less the independents' among the qualified parties by
 *     largest remainder (Hare) (§ 77 stk. 2–3); a party with more
 *     kredsmandater than that share keeps them and the division is made
 *     again without it and its seats (§ 77 stk. 4), until none has;
 *  4. each party's tillægsmandater to the landsdele by 1, 3, 5 … with as
 *     many of its largest quotients dropped as it has kredsmandater there,
 *     the largest remaining quotient of all parties first, a party or a
 *     landsdel leaving the race when it has all its seats (§ 78);
 *  5. inside each landsdel, to the storkredse by 1, 4, 7 … in the same way
 *     (§ 79).
 * Equal quotients or remainders that decide a seat are a lot draw
 * (vk-fv-draws.h).  All arithmetic is exact integer arithmetic.
 */
#pragma once

#include <glib.h>

#include "vk-fv-draws.h"
#include "vk-seats.h"

G_BEGIN_DECLS

/* ---- the seat table ------------------------------------------------------ */

#define VK_FV_KREDSMANDATER 135 /* FVL § 10 stk. 1 */
#define VK_FV_TILLAEGSMANDATER 40

typedef struct
{
  char *name;
  guint kreds;
  guint tillaeg;
  guint first; /* its storkredse are table->storkredse[first .. first + n - 1] */
  guint n;
} VkFvLandsdel;

typedef struct
{
  char *name;
  guint kreds;
  guint landsdel; /* index in table->landsdele */
} VkFvStorkredsSeats;

typedef struct
{
  GPtrArray *landsdele;  /* VkFvLandsdel* */
  GPtrArray *storkredse; /* VkFvStorkredsSeats* */
} VkFvTable;

/* {"Landsdele":[{"Navn","Kredsmandater","Tillægsmandater","Storkredse":
 * [{"Navn","Kredsmandater"}]}]}.  Refused (VK_ERROR_INVALID, naming the
 * file and entry): a landsdel whose storkredse do not add up to its
 * kredsmandater, totals other than 135 + 40, a name given twice. */
VkFvTable *vk_fv_table_load (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_fv_table_free (VkFvTable *self);
gint vk_fv_table_find_storkreds (const VkFvTable *self, const char *name);

/* ---- the votes ----------------------------------------------------------- */

typedef struct
{
  char *name;
  guint64 votes;
} VkFvIndependent;

/* A candidate's personal votes in one opstillingskreds (fintælling). */
#define VK_FV_INDEPENDENT G_MAXUINT /* the party of a candidate outside the parties */

typedef struct
{
  guint party; /* index in VkFvVotes.letters, or VK_FV_INDEPENDENT */
  char *id;    /* valg.dk's candidate Id; NULL from DST (names only) */
  char *name;  /* as the results name the candidate */
  guint64 personal;
} VkFvPersonVotes;

/* One opstillingskreds: its parties' votes and its candidates' personal
 * votes, for the elected candidates (vk-fv-elected.h). */
typedef struct
{
  char *id;            /* DST's opstillingskreds_id, valg.dk's OpstillingskredsDagiId */
  char *name;          /* "Rønne" (DST's "1. " removed) */
  GArray *party_votes; /* guint64, by party index; shorter means 0 */
  GPtrArray *persons;  /* VkFvPersonVotes*, in first-seen order */
} VkFvKredsVotes;

typedef struct
{
  char *name;              /* as the table names it */
  char *landsdel;          /* as the source names it; NULL: the table decides */
  GArray *party_votes;     /* guint64, by party index; shorter means 0 */
  GPtrArray *independents; /* VkFvIndependent* */
  guint64 valid;           /* valid votes: parties and independents */
  guint n_areas;
  GPtrArray *kredse; /* VkFvKredsVotes*, in first-seen order */
} VkFvStorkredsVotes;

typedef struct
{
  char *source;          /* what was read, for messages and the output */
  GPtrArray *letters;    /* char*, party letters in first-seen order */
  GPtrArray *names;      /* char*, party names */
  GPtrArray *storkredse; /* VkFvStorkredsVotes* */
  guint n_areas;
  gboolean has_persons; /* the readers saw personal votes (a fintælling) */
} VkFvVotes;

VkFvVotes *vk_fv_votes_new (const char *source) G_GNUC_WARN_UNUSED_RESULT;
void vk_fv_votes_free (VkFvVotes *self);
/* The index of the party with this letter, added when new. */
guint vk_fv_votes_party (VkFvVotes *self, const char *letter, const char *name);
VkFvStorkredsVotes *vk_fv_votes_storkreds (VkFvVotes *self, const char *name);
void vk_fv_storkreds_votes_add (VkFvStorkredsVotes *sk, guint party, guint64 votes);
void vk_fv_storkreds_votes_add_independent (VkFvStorkredsVotes *sk, const char *name, guint64 votes);
guint64 vk_fv_storkreds_votes_get (const VkFvStorkredsVotes *sk, guint party);
/* The kreds with this id (added, named name, when new). */
VkFvKredsVotes *vk_fv_storkreds_votes_kreds (VkFvStorkredsVotes *sk, const char *id, const char *name);
void vk_fv_kreds_votes_add (VkFvKredsVotes *k, guint party, guint64 votes);
guint64 vk_fv_kreds_votes_get (const VkFvKredsVotes *k, guint party);
/* Adds personal votes to (party, id) or, without an id, (party, name): a
 * new entry when new. */
void vk_fv_kreds_votes_add_person (VkFvKredsVotes *k, guint party, const char *id, const char *name, guint64 votes);

/* ---- the allocation ------------------------------------------------------ */

typedef struct
{
  char *name;
  guint storkreds; /* table index */
  guint64 votes;
} VkFvElectedIndependent;

typedef struct
{
  const VkFvTable *table; /* borrowed */
  const VkFvVotes *votes; /* borrowed */
  guint n_parties;
  guint64 valid;           /* valid votes in the whole country */
  guint64 *party_votes;    /* national, per party */
  gboolean *qualified;     /* § 77 stk. 1 */
  gboolean *kept;          /* § 77 stk. 4: kept more kredsmandater than its share */
  guint *kreds;            /* per party */
  guint *tillaeg;          /* per party */
  guint *ld_tillaeg;       /* [landsdel * n_parties + party] */
  guint *sk_kreds;         /* [storkreds * n_parties + party], storkreds as in the table */
  guint *sk_tillaeg;       /* likewise */
  guint64 *sk_votes;       /* likewise */
  GPtrArray *independents; /* VkFvElectedIndependent* */
  guint n_rounds;          /* divisions made under § 77 stk. 3–4 */
} VkFvAllocation;

VkFvAllocation *vk_fv_allocate (const VkFvTable *table, const VkFvVotes *votes, const VkLots *lots,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same with the caller's draws, not checked for unused ones (the
 * elected candidates, vk-fv-elected.h, may draw from them too): call
 * vk_fv_draws_check_used() when all is done. */
VkFvAllocation *vk_fv_allocate_with_draws (const VkFvTable *table, const VkFvVotes *votes, VkFvDraws *draws,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_fv_allocation_free (VkFvAllocation *self);
/* {"Partier":[{"Bogstav","Navn","Stemmer","Kvalificeret","Kredsmandater",
 * "Tillægsmandater","Mandater"}],"UdenforPartier":[…],"Landsdele":[…],
 * "Storkredse":[{"Navn","Landsdel","Partier":[{"Bogstav","Stemmer",
 * "Kredsmandater","Tillægsmandater"}]}]}, pretty-printed. */
char *vk_fv_allocation_to_json (const VkFvAllocation *self) G_GNUC_WARN_UNUSED_RESULT;
/* The same, with each storkreds's party's "Valgte" and "Stedfortrædere"
 * and the storkreds's "UdenforParti" from elected (vk-fv-elected.h; NULL:
 * as vk_fv_allocation_to_json()). */
typedef struct _VkFvElected VkFvElected;
char *vk_fv_allocation_to_json_elected (const VkFvAllocation *self,
                                        const VkFvElected *elected) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvTable, vk_fv_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvVotes, vk_fv_votes_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvAllocation, vk_fv_allocation_free)

G_END_DECLS
