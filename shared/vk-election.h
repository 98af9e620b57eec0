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

typedef struct
{
  char *id;          /* KandidatId */
  char *name;        /* Navn */
  char *ballot_name; /* Stemmeseddelnavn */
  char *occupation;  /* Stilling, may be "" */
  char *residence;   /* BopaelPaaStemmeseddel, may be "" */
  guint position;    /* Stemmeseddelsplacering: 1 = first on the list */
  VkList *list;      /* borrowed back pointer */
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
  guint number;   /* AfstemningsområdeNummer within the municipality */
  char *name;     /* Afstemningsområde */
  char *dagi_id;  /* AfstemningsområdeDagiId, may be "" */
  guint eligible; /* AntalStemmeberettigedeVælgere */
} VkArea;

typedef struct
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
} VkElection;

VkElection *vk_election_new (void) G_GNUC_WARN_UNUSED_RESULT;
void vk_election_free (VkElection *self);

const char *vk_election_type_to_string (VkElectionType type); /* "KV", "RV", "FV", "EP", "FA" */
/* The Danish name ("Kommunalvalg", …, valg.dk's "Valgart"); "Valg" when unknown. */
const char *vk_election_type_name_da (VkElectionType type);
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

VkList *vk_election_lookup_list (const VkElection *self, const char *id);
VkCandidate *vk_election_lookup_candidate (const VkElection *self, const char *id);
VkArea *vk_election_lookup_area (const VkElection *self, guint number);

/* valg.dk kandidat-data.json → a new election (lists, candidates,
 * valgforbund, municipality, date, type).  Areas and seats are not in
 * that file.  Errors name the file and the JSON path of the bad field. */
VkElection *vk_election_import_kandidatdata (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds the areas found in a folder of valg.dk valgresultater files (one
 * JSON per area, as shared/data/kv2025/<kommune>/fintaelling/): number,
 * name, DAGI id, eligible voters; also fills municipality_code. */
gboolean vk_election_import_areas_dir (VkElection *self, const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkElection, vk_election_free)

G_END_DECLS
