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

/* The payload a valgstyrer signs on a sign-off:
 * ["valgkit-signoff-v1", election id, kind ("foreloebig"/"fintaelling"),
 *  area, SHA-256 of the counts map]. */
GBytes *vk_counts_signoff_payload (const guint8 election_id[32], const char *kind, guint area,
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

G_END_DECLS
