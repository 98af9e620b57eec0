/* vk-results.h: counted results per polling area and for the municipality.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One VkAreaResult holds one count of one area, as valg.dk publishes it
 * in a valgresultater file: the foreløbig optælling (list totals, blank
 * and invalid only) or the fintælling (also listestemmer and each
 * candidate's personal votes).  VkResults is a folder of them plus their
 * sum, the municipality's total, which is itself a VkAreaResult with
 * area number 0.  The consistency checks return every failure found,
 * each naming the area, the list and both numbers.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"

G_BEGIN_DECLS

typedef enum
{
  VK_RESULT_FORELOEBIG,  /* "ForeløbigOptælling" */
  VK_RESULT_FINTAELLING, /* "Fintælling" */
} VkResultKind;

/* The wire name of a kind in journals, signed summaries and the API:
 * "foreloebig" or "fintaelling" (docs/journal-format.md). */
const char *vk_result_kind_to_string (VkResultKind kind);
/* FALSE (and *ret_kind untouched) for NULL or any other text. */
gboolean vk_result_kind_from_string (const char *text, VkResultKind *ret_kind);

/* The blank reason codes; every other code is "other invalid". */
#define VK_INVALID_BLANK_IN_PERSON 1
#define VK_INVALID_BLANK_POSTAL 21

typedef struct
{
  char *list_id;           /* KandidatlisteId */
  guint64 votes;           /* Stemmer: the list's total */
  guint64 list_votes;      /* Listestemmer: votes for the list only (fintælling) */
  gboolean has_list_votes; /* FALSE when the count has no Listestemmer */
} VkListResult;

typedef struct
{
  guint code;    /* Id: 1–13 in person, 21–32 postal */
  guint64 count; /* Antal */
} VkInvalidReason;

typedef struct
{
  guint area_number; /* AfstemningsområdeNummer; 0 for a municipality total */
  char *area_name;   /* Afstemningsområde; the municipality for a total */
  char *dagi_id;     /* AfstemningsområdeDagiId, may be "" */
  VkResultKind kind;
  guint64 eligible;             /* AntalStemmeberettigedeVælgere */
  guint64 cast;                 /* AfgivneStemmer */
  guint64 valid;                /* GyldigeStemmer */
  guint64 blank_in_person;      /* BlankeUgyldigeFremmødteStemmer */
  guint64 blank_postal;         /* BlankeUgyldigeBrevstemmer */
  guint64 other_invalid;        /* UgyldigeStemmerUdoverBlanke */
  GPtrArray *lists;             /* VkListResult*, in the order first seen */
  GHashTable *lists_by_id;      /* borrowed: KandidatlisteId → VkListResult* */
  GHashTable *candidate_votes;  /* KandidatId (owned) → guint64* personal votes (owned) */
  GHashTable *candidate_list;   /* KandidatId (borrowed key) → KandidatlisteId (borrowed from lists) */
  gboolean has_candidate_votes; /* the count has personal votes (fintælling) */
  GArray *invalid_reasons;      /* VkInvalidReason, sorted by code; counts per code */
  gboolean has_invalid_detail;  /* every invalid reason is given, not only the blank ones */
} VkAreaResult;

typedef struct
{
  VkResultKind kind;
  GPtrArray *areas;    /* VkAreaResult*, by area number */
  VkAreaResult *total; /* the sum of areas */
} VkResults;

/* A failed consistency check. */
typedef struct
{
  guint check;     /* which check: a VkCountCheck (vk-counts.h) */
  char *area;      /* "15 Læsø", or the municipality for the total */
  char *list_id;   /* KandidatlisteId, or NULL when the check is not about a list */
  char *what;      /* which check, e.g. "list total = listestemmer + personal votes" */
  gint64 expected; /* the number the other side of the equation gives */
  gint64 actual;   /* the number recorded */
  char *message;   /* the whole sentence, naming area, list and both numbers */
} VkCheckFailure;

VkAreaResult *vk_area_result_new (VkResultKind kind, guint area_number,
                                  const char *area_name) G_GNUC_WARN_UNUSED_RESULT;
void vk_area_result_free (VkAreaResult *self);
/* Builders for synthetic results (tests, benchmarks, the station). Adding
 * to a list or a candidate that is present adds to its numbers. */
VkListResult *vk_area_result_add_list (VkAreaResult *self, const char *list_id, guint64 votes, guint64 list_votes);
void vk_area_result_add_candidate (VkAreaResult *self, const char *list_id, const char *candidate_id, guint64 votes);
void vk_area_result_add_invalid (VkAreaResult *self, guint code, guint64 count);

guint64 vk_area_result_get_list_votes (const VkAreaResult *self, const char *list_id);
guint64 vk_area_result_get_candidate_votes (const VkAreaResult *self, const char *candidate_id);
/* Per-code count; 0 when the code is absent. */
guint64 vk_area_result_get_invalid (const VkAreaResult *self, guint code);

/* One valg.dk valgresultater JSON file.  With an election, every list and
 * candidate must belong to it (a candidate to its own list).  Errors name
 * the file and the JSON path of the bad field. */
VkAreaResult *vk_area_result_import (const VkElection *election, const char *path,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Every *.json in dir, one per area, all of the same kind; also sums them
 * to self->total.  Two files for the same area number are an error. */
VkResults *vk_results_import_dir (const VkElection *election, const char *dir,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* A region's areas (regionsrådsvalg): every *.json in dir, one per area,
 * from any of the region's municipalities, all of the same kind and of the
 * election's type (Valgart).  Area numbers repeat between municipalities,
 * so an area is known by (Kommunekode, AfstemningsområdeNummer) and by
 * AfstemningsområdeDagiId: a second file for either is an error naming
 * both files.  Every list must be in the election's kandidat-data: a file
 * of another region is refused, naming the file.  The areas are numbered
 * 1..n in (Kommunekode, AfstemningsområdeNummer) order, keeping their names
 * and DAGI ids, and summed to self->total (named after the region).  An
 * election without areas gets these (number, name, DAGI id, eligible); one
 * with areas must have these same ones. */
VkResults *vk_results_import_region_dir (VkElection *election, const char *dir,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Sums areas (of one kind) into a new total; area_name names the total. */
VkAreaResult *vk_results_sum (GPtrArray *areas, const char *area_name) G_GNUC_WARN_UNUSED_RESULT;
void vk_results_free (VkResults *self);

/* The consistency checks of one area result (the blocking checks of
 * vk_counts_check(), shared/vk-counts.h):
 *   afgivne = gyldige + blanke fremmødte + blanke brev + øvrige ugyldige;
 *   Σ list totals = gyldige;
 *   (with personal votes) list total = listestemmer + Σ candidate votes;
 *   (when reasons are given) reason 1 = blanke fremmødte, reason 21 =
 *   blanke brev, and (with has_invalid_detail) Σ other reasons = øvrige
 *   ugyldige.
 * Appends a VkCheckFailure* for each failure to failures (which frees
 * them with vk_check_failure_free); returns the number appended. */
guint vk_area_result_check (const VkAreaResult *self, GPtrArray *failures);
/* Checks every area and the total; a new array of VkCheckFailure*, empty
 * when all hold. */
GPtrArray *vk_results_check (const VkResults *self) G_GNUC_WARN_UNUSED_RESULT;
void vk_check_failure_free (VkCheckFailure *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkAreaResult, vk_area_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkResults, vk_results_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCheckFailure, vk_check_failure_free)

G_END_DECLS
