/* vk-voter-index.h: fast voter search for a station (no GTK).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table looks voters up all day: by the valgkort barcode, by
 * løbenummer, by name, birth date or address.  The package is an SQLite
 * file, but a LIKE query over 600,000 rows is far from the 50 ms a
 * scanner queue needs, so the station builds this in-memory index once
 * at open: voters sorted by (area, løbenummer) for binary search, sorted
 * unique name and address words with posting lists (CSR arrays) for
 * prefix search, and voters sorted by birth date.
 *
 * Names and addresses are compared *folded* (vk_voter_index_fold(), one
 * function for the index and the query): lower case, accents removed,
 * æ and ä → ae, å → aa, ü → ue, and ø, ö and the spelling "oe" → o, so
 * that each Danish letter and its spellings without it meet both ways:
 * "søren", "SØREN", "soeren" and "soren" all find Søren (and "Soerensen"
 * finds Sørensen), "aase" finds Åse and "Åse" finds Aase, "aeroe" finds
 * Ærø.  Every
 * word of the query must be the prefix of some word of the name, in any
 * order ("sør mette" finds Mette Sørensen).
 *
 * What the query is, is decided by its shape (vk_voter_index_search()):
 *   - a valgkort code (vk-valgkort.h)                  → VK_SEARCH_VALGKORT
 *   - a CPR number DDMMYY-SSSS / ten digits            → VK_SEARCH_BIRTH_DATE (of the CPR)
 *   - six digits that are a real DDMMYY date, or a date with separators
 *     (DD-MM-YYYY, DD.MM.YYYY, DD/MM/YYYY, YYYY-MM-DD) or eight digits
 *     DDMMYYYY                                          → VK_SEARCH_BIRTH_DATE
 *     (six digits: the løbenummer's voter of the preferred area too)
 *   - 1 to 7 digits otherwise                          → VK_SEARCH_LOEBENUMMER
 *   - words (optionally with one date among them)      → VK_SEARCH_NAME, and when
 *     no name matches, VK_SEARCH_ADDRESS
 * DDMMYY matches both 19YY and 20YY.
 */
#pragma once

#include <glib.h>

#include "vk-valgkort.h"
#include "vk-voters.h"

G_BEGIN_DECLS

typedef struct _VkVoterIndex VkVoterIndex;

typedef enum
{
  VK_SEARCH_NONE,
  VK_SEARCH_VALGKORT,
  VK_SEARCH_LOEBENUMMER,
  VK_SEARCH_BIRTH_DATE,
  VK_SEARCH_NAME,
  VK_SEARCH_ADDRESS,
} VkSearchKind;

typedef struct
{
  VkSearchKind kind;
  GPtrArray *voters; /* const VkVoter*, borrowed from the index: the preferred area's first */
  guint total;       /* matches seen; more than voters->len when the limit cut the list */
  gboolean more;     /* the scan stopped early: total is a lower bound */
  VkValgkort card;   /* the parsed code, for VK_SEARCH_VALGKORT */
  /* Six or eight digits alone, which read two ways: as a DDMMYY(YY)
   * birth date and as a løbenummer.  kind says which reading was used:
   * VK_SEARCH_BIRTH_DATE when the digits are a real date (and the voter
   * with that løbenummer in the preferred area, if any and if the digits
   * fit a løbenummer, is among the voters too); VK_SEARCH_LOEBENUMMER
   * when they are not a real date (31-02-99).  The app says which. */
  gboolean ambiguous_digits;
} VkSearchResult;

void vk_search_result_free (VkSearchResult *self);

/* Takes ownership of voters. */
VkVoterIndex *vk_voter_index_new (VkVoterList *voters) G_GNUC_WARN_UNUSED_RESULT;
/* The index is reference counted (stations of one process can share it);
 * vk_voter_index_free() drops one reference. */
VkVoterIndex *vk_voter_index_ref (VkVoterIndex *self);
void vk_voter_index_free (VkVoterIndex *self);

/* The kommunekode valgkort codes must carry (0: not checked). */
void vk_voter_index_set_municipality (VkVoterIndex *self, guint municipality);

guint vk_voter_index_get_length (const VkVoterIndex *self);
/* Borrowed; NULL when absent. */
const VkVoter *vk_voter_index_lookup (const VkVoterIndex *self, guint area, guint loebenummer);
guint vk_voter_index_count_area (const VkVoterIndex *self, guint area);

/* Searches as described above.  Voters of preferred_area (0: none) come
 * first; at most limit voters are returned (limit >= 1).  Errors
 * (VK_ERROR_INVALID): a malformed valgkort code or CPR number, a date
 * that does not exist, a valgkort of another municipality.  An empty
 * query gives kind VK_SEARCH_NONE and no voters. */
VkSearchResult *vk_voter_index_search (const VkVoterIndex *self, const char *query, guint preferred_area, guint limit,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The folded form used for comparison (see above); words separated by
 * single spaces. */
char *vk_voter_index_fold (const char *text) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkVoterIndex, vk_voter_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSearchResult, vk_search_result_free)

G_END_DECLS
