/* vk-voters.h: the voter lists (valglister) of an election, and their CSV import.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A voter is identified by (area, løbenummer): the løbenummer is the
 * number on the area's valgliste, printed on the voter's valgkort.
 *
 * CSV import (the CPR extract the valgsekretariat receives), specified
 * in docs/package-format.md "Voter list CSV":
 *   - UTF-8 (invalid UTF-8 is an error naming the line), an initial BOM
 *     is skipped;
 *   - RFC 4180: fields separated by ',', fields with ',', '"' or line
 *     breaks quoted with '"', a '"' inside doubled; CRLF or LF line ends;
 *   - a header row naming the five columns, in any order:
 *     afstemningsomraade, loebenummer, navn, adresse, foedselsdato,
 *     and optionally a sixth, valg (the contests the voter may receive);
 *     (the Danish spellings afstemningsområde, løbenummer, fødselsdato
 *     are accepted too);
 *   - afstemningsomraade and loebenummer: decimal numbers >= 1;
 *     navn: not empty; adresse: may be empty; foedselsdato: a real
 *     calendar date as YYYY-MM-DD or DD-MM-YYYY (stored as YYYY-MM-DD).
 * Surrounding spaces are trimmed from every field.  Any bad row makes the
 * whole import fail with VK_ERROR_INVALID "FILE:LINE: what" and nothing
 * is imported; LINE is the physical line (1 = the header) where the row
 * or field starts, counting line breaks inside quoted fields.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint area;        /* afstemningsområde number */
  guint loebenummer; /* number on the area's valgliste, unique within the area */
  char *name;
  char *address;
  char *birth_date; /* YYYY-MM-DD */
  /* The contests the voter may receive (docs/package-format.md §7, the
   * optional column "valg"): "" every contest of the event, "-" none,
   * otherwise contest types joined by ';' in the order KV;RV;FV;EP;FA
   * ("FV;FA").  In a package, only the event's own contests
   * (vk_election_voter_contests() says which ballots to hand out). */
  char *contests;
} VkVoter;

/* Longest normalized contests string plus its NUL ("KV;RV;FV;EP;FA"). */
#define VK_VOTER_CONTESTS_MAX 16

typedef struct _VkVoterList VkVoterList;

/* For a VkVoter the caller owns (e.g. from vk_package_lookup_voter()). */
void vk_voter_free (VkVoter *self);

VkVoterList *vk_voter_list_new (void) G_GNUC_WARN_UNUSED_RESULT;
void vk_voter_list_free (VkVoterList *self);

/* Copies the strings.  VK_ERROR_INVALID if (area, loebenummer) is already
 * present, if a number is 0, if name is empty, if a string is not UTF-8
 * or if birth_date is not a real YYYY-MM-DD date. */
gboolean vk_voter_list_add (VkVoterList *self, guint area, guint loebenummer, const char *name, const char *address,
                            const char *birth_date, GError **error);

/* The same with the voter's contests, which must be normalized
 * (vk_voter_normalize_contests()). */
gboolean vk_voter_list_add_full (VkVoterList *self, guint area, guint loebenummer, const char *name,
                                 const char *address, const char *birth_date, const char *contests, GError **error);

/* Voters in the order they were added.  The pointers stay valid until
 * the next vk_voter_list_add(). */
guint vk_voter_list_get_length (const VkVoterList *self);
const VkVoter *vk_voter_list_get (const VkVoterList *self, guint index);
/* NULL when absent. */
const VkVoter *vk_voter_list_lookup (const VkVoterList *self, guint area, guint loebenummer);
guint vk_voter_list_count_area (const VkVoterList *self, guint area);

/* The CSV import described above, streaming from a file. */
VkVoterList *vk_voter_list_import_csv (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same from memory; name is used in error messages. */
VkVoterList *vk_voter_list_parse_csv (const char *name, const char *data, gsize len,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the list in the same CSV format (LF line ends, header,
 * fields quoted when needed): what vk_voter_list_import_csv() reads. */
gboolean vk_voter_list_write_csv (const VkVoterList *self, const char *path, GError **error);

/* Checks and normalises a "valg" value: "" (every contest), "-" (none),
 * or contest types (KV, RV, FV, EP, FA, any case) separated by ';'.
 * Returns the normalized string (types in the order KV;RV;FV;EP;FA, each
 * once), or NULL. */
char *vk_voter_normalize_contests (const char *text) G_GNUC_WARN_UNUSED_RESULT;

/* Checks and normalises a birth date: YYYY-MM-DD or DD-MM-YYYY, a real
 * date.  Returns a new YYYY-MM-DD string, or NULL. */
char *vk_voter_normalize_date (const char *text) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkVoterList, vk_voter_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkVoter, vk_voter_free)

G_END_DECLS
