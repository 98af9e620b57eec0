/* vk-election.h: the election definition: lists, candidates, valgforbund, areas.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain structs owned by the VkElection: everything a package, a
 * station, the count server and the seat allocation need to know about
 * what is being elected.  Identifiers are valg.dk's (KandidatlisteId,
 * KandidatId, ValgforbundId: UUID strings) so that results can be
 * exported in valg.dk's shapes.  Listeforbund (lists sharing a letter)
 * are not stored: they follow from the letters.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VK_ELECTION_KV, /* kommunalvalg */
  VK_ELECTION_RV, /* regionsrådsvalg */
  VK_ELECTION_FV, /* folketingsvalg */
  VK_ELECTION_EP, /* europa-parlamentsvalg */
  VK_ELECTION_FA, /* folkeafstemning */
} VkElectionType;

typedef enum
{
  VK_LIST_SIDEORDNET, /* sideordnet opstilling (KRVL § 85): personal votes only */
  VK_LIST_PARTILISTE, /* partiliste: fordelingstal and listestemmer */
} VkListForm;

typedef struct _VkList VkList;

/* A folketingsvalg candidate's place on one opstillingskreds's ballot. */
typedef struct
{
  char *kreds;    /* OpstillingskredsDagiId */
  guint position; /* KandidatsPlacering on that kreds's ballot: 1 = first */
} VkCandidateKreds;

typedef struct
{
  char *id;          /* KandidatId */
  char *name;        /* Navn */
  char *ballot_name; /* Stemmeseddelnavn */
  char *occupation;  /* Stilling, may be "" */
  char *residence;   /* BopaelPaaStemmeseddel, may be "" */
  guint position;    /* Stemmeseddelsplacering: 1 = first on the list */
  VkList *list;      /* borrowed back pointer */
  /* FV: the opstillingskredse whose ballots carry the candidate
   * (VkCandidateKreds*); NULL (or empty) for every other contest, where a
   * candidate is on every ballot. */
  GPtrArray *kredse;
} VkCandidate;

struct _VkList
{
  char *id;              /* KandidatlisteId */
  char *letter;          /* Bogstavbetegnelse, "" for a list without a letter */
  char *name;            /* Navn */
  guint position;        /* Stemmeseddelsplacering */
  VkListForm form;       /* Opstillingsform */
  char *valgforbund_id;  /* NULL when not in a valgforbund */
  GPtrArray *candidates; /* VkCandidate*, in ballot order */
};

typedef struct
{
  char *id;            /* ValgforbundId (two valgforbund may share a name) */
  char *name;          /* Navn */
  GPtrArray *list_ids; /* char*, KandidatlisteId of the members */
} VkValgforbund;

typedef struct
{
  guint number;     /* AfstemningsområdeNummer within the municipality */
  char *name;       /* Afstemningsområde */
  char *dagi_id;    /* AfstemningsområdeDagiId, may be "" */
  guint eligible;   /* AntalStemmeberettigedeVælgere */
  char *kreds;      /* FV: the area's OpstillingskredsDagiId; "" when not known */
  char *kreds_name; /* FV: the opstillingskreds's name; "" when not known */
  /* valg.dk's AfstemningsområdeNummer when it is not number
   * (has_valgdk_number): valg.dk gives Christiansø (kommune 400) Nummer
   * 0, which valgkit cannot use (0 is "no area" for a device).  Every
   * file for valg.dk says vk_area_get_valgdk_number(). */
  gboolean has_valgdk_number;
  guint valgdk_number;
} VkArea;

typedef struct _VkElection VkElection;

struct _VkElection
{
  VkElectionType type;
  char *date;                 /* ISO 8601 date, e.g. "2025-11-18" */
  char *municipality;         /* "Aarhus" */
  char *municipality_code;    /* Kommunekode, e.g. "751"; "" when unknown */
  char *municipality_dagi_id; /* KommuneDagiId; "" when unknown */
  guint seats;                /* council size; 0 when not yet known */
  GPtrArray *lists;           /* VkList*, in ballot order */
  GPtrArray *valgforbund;     /* VkValgforbund* */
  GPtrArray *areas;           /* VkArea*, by number */
  /* indexes (borrowed pointers into the arrays above) */
  GHashTable *lists_by_id;
  GHashTable *candidates_by_id;
  /* The event and its contests (docs/package-format.md, "Events and
   * contests").  A package holds one event (a date, a municipality) with
   * one or more contests: KV and RV together, later FV, EP, FA.  The
   * VkElection a package gives is the event *and* its primary contest
   * (contests[0] == self, borrowed); every other contest is a VkElection of
   * its own (owned by contests[]) with its own type, lists, valgforbund,
   * seats and areas (the same numbers, each with the contest's own
   * eligible voters), the event's date and municipality, contests NULL and
   * event pointing back at the primary.  A contest is named by its id,
   * its type's string ("KV", "RV").  Everything that takes a VkElection
   * (the seat engine, results, result sheets, exports) takes a contest. */
  GPtrArray *contests;
  VkElection *event;    /* the primary contest (self for the primary) */
  char *region;         /* RV: the region's name ("Region Nordjylland"); "" otherwise */
  char *region_dagi_id; /* RV: RegionDagiId; "" otherwise */
  /* A test election (PRØVEVALG): signed into the package, shown on every
   * screen and printed page; the event's (contests[0]) flag counts. */
  gboolean test;
  /* The contest's id when it is not its type's string: a folkeafstemning
   * of several questions has the contests "FA", "FA2", "FA3"… (NULL: the
   * type's string). */
  char *contest_id;
  /* FA: the question (the title on the ballot); "" otherwise. */
  char *title;
};

VkElection *vk_election_new (void) G_GNUC_WARN_UNUSED_RESULT;
void vk_election_free (VkElection *self);

const char *vk_election_type_to_string (VkElectionType type); /* "KV", "RV", "FV", "EP", "FA" */
/* The Danish name ("Kommunalvalg", …, valg.dk's "Valgart"); "Valg" when unknown. */
const char *vk_election_type_name_da (VkElectionType type);
/* Whether the municipality allocates the contest's seats: a kommunalvalg
 * only.  A regionsrådsvalg's seats are the region's, a folketingsvalg's
 * and Europa-Parlamentsvalg's the country's (from the municipalities'
 * signed results), and a folkeafstemning has none. */
gboolean vk_election_type_allocates_locally (VkElectionType type);
gboolean vk_election_type_from_string (const char *str, VkElectionType *ret_type);

/* Builders (used by the importers and by synthetic elections).  Each
 * returns the new item, owned by the election. */
VkList *vk_election_add_list (VkElection *self, const char *id, const char *letter, const char *name, guint position,
                              VkListForm form);
VkCandidate *vk_election_add_candidate (VkElection *self, VkList *list, const char *id, const char *name,
                                        const char *ballot_name, guint position);
VkValgforbund *vk_election_add_valgforbund (VkElection *self, const char *id, const char *name);
/* Also sets list->valgforbund_id. */
gboolean vk_election_valgforbund_add_list (VkElection *self, VkValgforbund *vf, const char *list_id, GError **error);
VkArea *vk_election_add_area (VkElection *self, guint number, const char *name, const char *dagi_id, guint eligible);
/* The area's number in valg.dk's files (AfstemningsområdeNummer). */
guint vk_area_get_valgdk_number (const VkArea *area);

/* ---- contests ----------------------------------------------------------- */

/* The contest's id: its type's string ("KV", "RV"), or contest_id ("FA2"). */
const char *vk_election_contest_id (const VkElection *contest);
/* Adds contest to the event self (which must be a primary), taking
 * ownership; sets its event, date and municipality from self.  Refused
 * (VK_ERROR_INVALID, contest freed) when self already has a contest of
 * that id. */
gboolean vk_election_add_contest (VkElection *self, VkElection *contest, GError **error);
/* The event's number of contests (1 for a single election). */
guint vk_election_get_n_contests (const VkElection *self);
/* The event's contest i (0: the primary); borrowed. */
VkElection *vk_election_get_contest_nth (const VkElection *self, guint i);
/* The event's contest id (NULL or "": the primary), or NULL when the event
 * has no such contest.  Works from any contest of the event. */
VkElection *vk_election_get_contest (const VkElection *self, const char *id);
/* The index of the contest id in its event (NULL/"": 0), or -1. */
gint vk_election_contest_index (const VkElection *self, const char *id);
/* "KV + RV": the event's contest ids joined, for labels. */
char *vk_election_dup_contests_label (const VkElection *self) G_GNUC_WARN_UNUSED_RESULT;
/* ---- per-voter eligibility (docs/package-format.md, "Voter eligibility") --- */

/* A voter's contests (VkVoter.contests: "" every contest, "-" none, or
 * types "FV;FA") as a package of this event stores them: only the event's
 * contest types, "" when that is every type of the event, "-" when none.
 * NULL when voter_contests is not a valid value. */
char *vk_election_canonical_voter_contests (const VkElection *self,
                                            const char *voter_contests) G_GNUC_WARN_UNUSED_RESULT;
/* The event's contests (borrowed VkElection*, in event order) whose
 * ballots a voter with these contests receives; empty for none.  Every
 * contest of a type the voter has (all folkeafstemning questions for
 * "FA"). */
GPtrArray *vk_election_voter_contests (const VkElection *self, const char *voter_contests) G_GNUC_WARN_UNUSED_RESULT;
/* Those contests' ids joined, "FV + FA"; "" for none. */
char *vk_election_dup_voter_contests_label (const VkElection *self,
                                            const char *voter_contests) G_GNUC_WARN_UNUSED_RESULT;
/* A copy of the event's areas for a contest (same numbers, names, DAGI
 * ids and eligible voters), added to contest (which must have none). */
void vk_election_copy_areas (VkElection *contest, const VkElection *from);

/* FV opstillingskredse (docs/package-format.md, "FV, EP and FA"). */
void vk_election_area_set_kreds (VkArea *area, const char *kreds, const char *kreds_name);
void vk_election_candidate_add_kreds (VkCandidate *candidate, const char *kreds, guint position);
const VkCandidateKreds *vk_candidate_lookup_kreds (const VkCandidate *candidate, const char *kreds);
/* Whether a candidate is on the ballot of an area: always, except an FV
 * candidate outside the area's opstillingskreds (or an unknown area). */
gboolean vk_election_candidate_on_ballot (const VkElection *self, const VkCandidate *candidate, guint area_number);
/* The candidates of list on the ballot of an area (borrowed, in ballot
 * order): for FV those standing in the area's opstillingskreds, ordered
 * by their place there; for the other contests every candidate. */
GPtrArray *vk_election_dup_ballot_candidates (const VkElection *self, const VkList *list,
                                              guint area_number) G_GNUC_WARN_UNUSED_RESULT;

VkList *vk_election_lookup_list (const VkElection *self, const char *id);
VkCandidate *vk_election_lookup_candidate (const VkElection *self, const char *id);
VkArea *vk_election_lookup_area (const VkElection *self, guint number);

/* valg.dk kandidat-data.json → a new election (lists, candidates,
 * valgforbund, municipality, date, type; for a regionsrådsvalg file the
 * region's name and DAGI id instead of the municipality).  Areas and seats are not in
 * that file.  Errors name the file and the JSON path of the bad field. */
VkElection *vk_election_import_kandidatdata (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds the areas found in a folder of valg.dk valgresultater files (one
 * JSON per area, as shared/data/kv2025/<kommune>/fintaelling/): number,
 * name, DAGI id, eligible voters; also fills municipality_code. */
gboolean vk_election_import_areas_dir (VkElection *self, const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkElection, vk_election_free)

G_END_DECLS
