/* vk-counts.h: the counts map of `tally` and `tally.signoff` entries.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/journal-format.md (J6, "Counts map") is the specification.  In
 * memory a count is a VkAreaResult (shared/vk-results.h) plus the ballot
 * accounting a station keeps (received, unused, returned), which valg.dk
 * does not publish.  The conversion is exact both ways, so a count read
 * back from a journal equals the one that was entered.
 */
#pragma once

#include <glib.h>

#include "vk-cbor.h"
#include "vk-results.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean present; /* FALSE: the count did not include the ballot accounting */
  guint64 received; /* ballots the station received */
  guint64 unused;   /* unused ballots */
  guint64 returned; /* returned (spoilt, exchanged) ballots */
} VkBallotAccount;

/* The deterministic counts map of a result (and, when present, its
 * ballot accounting).  Personal votes and listestemmer are included when
 * the result has them. */
VkCbor *vk_counts_to_cbor (const VkAreaResult *result, const VkBallotAccount *ballots) G_GNUC_WARN_UNUSED_RESULT;

/* Reads a counts map.  Every list and candidate id must belong to the
 * election (when given).  Errors name the key that is wrong. */
VkAreaResult *vk_counts_from_cbor (const VkCbor *counts, const VkElection *election, VkResultKind kind,
                                   guint area_number, const char *area_name, VkBallotAccount *ret_ballots,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* SHA-256 of the deterministic encoding of the counts map. */
void vk_counts_digest (const VkCbor *counts, guint8 ret_digest[32]);

/* The names of the fields in which two counts differ ("lists.<id>",
 * "candidates.<id>", "cast", …), for the double entry; empty when equal. */
GPtrArray *vk_counts_diff (const VkCbor *a, const VkCbor *b) G_GNUC_WARN_UNUSED_RESULT;

/* ---- The count arithmetic --------------------------------------------
 *
 * Every check of a count's numbers lives here, once.  The station's
 * checks T01–T14 (station-client/vk-tally.c, vk_tally_validate()), the
 * entry form (vk-tally-form.c), vk_area_result_check() (rule D12, the
 * audit, `valgkit mandates`) and the count page's reconciliation all
 * call vk_counts_check() / vk_counts_reconcile(); the comparison of two
 * counts (the foreløbig count against the fintælling, rule D08 and the
 * fintælling page; the two rounds of a double entry) is
 * vk_counts_compare() / vk_counts_dup_differences().  They report codes
 * and numbers; the callers phrase them. */

typedef enum
{
  VK_COUNT_CHECK_CAST_SUM,        /* T01: afgivne = gyldige + blanke fremmødte + blanke brev + øvrige ugyldige */
  VK_COUNT_CHECK_LISTS_SUM,       /* T02: Σ list totals = gyldige */
  VK_COUNT_CHECK_LIST_TOTAL,      /* T03: list total = listestemmer + Σ personal votes (with personal votes) */
  VK_COUNT_CHECK_BALLOTS,         /* T04: received = cast + unused + returned (when counted) */
  VK_COUNT_CHECK_INVALID_REASONS, /* T05: Σ other invalid reasons = øvrige ugyldige (when broken down) */
  VK_COUNT_CHECK_BLANK_REASON,    /* T05: reason 1 = blanke fremmødte, reason 21 = blanke brev (when listed) */
  VK_COUNT_CHECK_BLANK_SHARE,     /* T10: blank above 3 % of cast (warning) */
  VK_COUNT_CHECK_INVALID_SHARE,   /* T10: other invalid above 3 % of cast (warning) */
  VK_COUNT_CHECK_MARKED,          /* T11: cast ≠ marked voters (warning; sign-off needs an explanation) */
  VK_COUNT_CHECK_NONE_CAST,       /* T12: no votes cast (warning) */
  VK_COUNT_CHECK_ABOVE_ELIGIBLE,  /* T13: cast above the eligible voters (warning) */
  VK_COUNT_CHECK_SAME_LISTS,      /* T14: two lists with the same numbers (warning) */
} VkCountCheck;

/* "T01" … "T14" (docs/counting.md). */
const char *vk_count_check_get_code (VkCountCheck check);
/* Errors block (T01–T05); the others are warnings. */
gboolean vk_count_check_is_blocking (VkCountCheck check);

/* One failed check, with its numbers. */
typedef struct
{
  VkCountCheck check;
  const char *list_id;       /* borrowed from the result: LIST_TOTAL, SAME_LISTS (the first list); else NULL */
  const char *other_list_id; /* SAME_LISTS: the second list; else NULL */
  guint code;                /* BLANK_REASON: the reason code (1 or 21); else 0 */
  gint64 expected;           /* the other side of the equation; for the shares the votes cast; for
                              * MARKED the marked voters; for ABOVE_ELIGIBLE the eligible voters */
  gint64 actual;             /* the number recorded */
} VkCountFailure;

/* The sums the checks need beside the numbers of a count.
 * vk_count_sums_compute() adds them up (O(candidates)); an entry form
 * keeps them up to date one keystroke at a time, so that checking a form
 * costs O(lists). */
typedef struct
{
  guint64 lists;          /* Σ list totals */
  guint64 invalid_detail; /* Σ other invalid ballots by reason (not 1 or 21) */
  GHashTable *personal;   /* KandidatlisteId → guint64* Σ personal votes; NULL without personal votes */
} VkCountSums;

/* Fills sums from result; free with vk_count_sums_clear(). */
void vk_count_sums_compute (const VkAreaResult *result, VkCountSums *ret_sums);
void vk_count_sums_clear (VkCountSums *sums);

/* The numbers the reconciliation shows, and whether each equation holds. */
typedef struct
{
  guint64 cast;
  guint64 valid;
  guint64 cast_sum;         /* gyldige + blanke + øvrige ugyldige */
  gboolean cast_adds_up;    /* T01 */
  guint64 lists;            /* Σ list totals */
  gboolean lists_add_up;    /* T02 */
  gboolean has_ballots;     /* the ballot accounting was counted */
  guint64 received;         /* ballots received */
  guint64 accounted;        /* cast + unused + returned */
  gboolean ballots_add_up;  /* T04 (TRUE without the accounting) */
  gint64 marked;            /* marked voters (check-ins + accepted brevstemmer); -1 when unknown */
  gint64 marked_difference; /* cast − marked; 0 when unknown */
  gboolean matches_marked;  /* T11 (TRUE when unknown) */
} VkCountReconciliation;

/* sums may be NULL (computed).  ballots may be NULL; marked_voters -1
 * when unknown. */
void vk_counts_reconcile (const VkAreaResult *result, const VkCountSums *sums, const VkBallotAccount *ballots,
                          gint64 marked_voters, VkCountReconciliation *ret);

/* Every check of one count: a new array of VkCountFailure, in the order
 * of VkCountCheck, empty when all hold.  sums may be NULL (computed);
 * ballots NULL when not counted; marked_voters -1 and eligible 0 when
 * unknown (those checks are then skipped). */
GArray *vk_counts_check (const VkAreaResult *result, const VkCountSums *sums, const VkBallotAccount *ballots,
                         gint64 marked_voters, guint64 eligible) G_GNUC_WARN_UNUSED_RESULT;
/* Whether any failure blocks. */
gboolean vk_count_failures_have_blocking (GArray *failures);

/* A number that differs between two counts of the same area. */
typedef struct
{
  char *field;    /* "cast", "valid", "blank_fremmoedte", "blank_brev", "invalid", "lists.<id>", … (the
                   * counts map's names, vk-tally-form.h) */
  char *list_id;  /* the list of a "lists." / "listestemmer." field; else NULL */
  guint64 first;  /* the first count: round 1, or the foreløbig count */
  guint64 second; /* the second count: round 2, or the fintælling */
} VkCountDifference;

void vk_count_difference_free (VkCountDifference *self);

/* The foreløbig count against the fintælling (or any two results of an
 * area): cast, valid, blank (in person, postal), other invalid and each
 * list's total, in that order (lists in the election's order when one is
 * given, then any other in first's, then second's order).  A new array of
 * VkCountDifference*, empty when equal.  Rule D08 and the fintælling
 * page both compare with it. */
GPtrArray *vk_counts_compare (const VkAreaResult *first, const VkAreaResult *second,
                              const VkElection *election) G_GNUC_WARN_UNUSED_RESULT;
/* The fields in which two counts maps differ (vk_counts_diff()) with
 * both numbers (0 where a map lacks the field): the double entry. */
GPtrArray *vk_counts_dup_differences (const VkCbor *first, const VkCbor *second) G_GNUC_WARN_UNUSED_RESULT;

/* The payload a valgstyrer signs on a sign-off:
 * ["valgkit-signoff-v1", election id, kind ("foreloebig"/"fintaelling"),
 *  area, SHA-256 of the counts map], with the contest's id appended as a
 * sixth item when the sign-off entry names its contest (an event with
 * several contests), so that no signature of one contest's count can
 * stand for another's.  contest NULL: five items. */
GBytes *vk_counts_signoff_payload (const guint8 election_id[32], const char *contest, const char *kind, guint area,
                                   const guint8 counts_digest[32]) G_GNUC_WARN_UNUSED_RESULT;

/* Doubtful ballots (J6 `ballot.doubtful` / `ballot.decision`): the part
 * the station (station-client/vk-tally.c) and the count server's fold
 * (shared/vk-rules.c) share, so that both add a decision alike.  A
 * decision's ballots go to a list (a listestemme), to a candidate (a
 * personal vote and the list's total) or to the invalid ballots by
 * reason, and always to the ballots cast. */
typedef enum
{
  VK_DOUBTFUL_LIST,
  VK_DOUBTFUL_CANDIDATE,
  VK_DOUBTFUL_INVALID,
} VkDoubtfulTo;

/* An invalid-ballot reason code a decision may name (1–13, 21–32). */
gboolean vk_counts_is_invalid_code (guint64 code);
/* Reads the `decision` map of a `ballot.decision` body (one of `list`,
 * `candidate`, `invalid`).  ret_id (the list or candidate id) and
 * ret_list_id (the list the ballots count for) are borrowed from the
 * election, NULL for invalid; ret_code is 0 unless invalid.  Refused
 * (VK_ERROR_NOT_FOUND) for a list or candidate not in the election,
 * (VK_ERROR_INVALID) for anything else. */
gboolean vk_counts_parse_doubtful_decision (const VkElection *election, const VkCbor *decision, VkDoubtfulTo *ret_to,
                                            const char **ret_id, const char **ret_list_id, guint *ret_code,
                                            GError **error);
/* Adds count decided ballots to result.  Personal votes and listestemmer
 * are only touched when the result has them. */
void vk_counts_add_decided_ballots (VkAreaResult *result, VkDoubtfulTo to, const char *id, const char *list_id,
                                    guint code, guint64 count);
/* Parses decision and adds its count ballots to result; result is
 * untouched on error. */
gboolean vk_counts_add_doubtful_decision (VkAreaResult *result, const VkElection *election, const VkCbor *decision,
                                          guint64 count, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCountDifference, vk_count_difference_free)

G_END_DECLS
