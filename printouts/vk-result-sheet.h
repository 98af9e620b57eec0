/* vk-result-sheet.h: result sheets (resultatopgørelser) with a signed QR summary.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sheet per area and one for the municipality, for the foreløbig
 * optælling and the fintælling: the numbers as on the official forms,
 * invalid ballots by reason, the lists (and at fintælling listestemmer
 * and personal votes), for the municipality the seat allocation, a
 * signature block, and a QR code that carries a COSE_Sign1 by the count
 * server's key over a compact summary.  The footer shows the SHA-256 of
 * the result data, which the summary carries too, so a reader can tie
 * the paper, the QR and the data together.  Formats:
 * docs/result-sheet-format.md.
 */
#pragma once

#include <glib.h>

#include "vk-cbor.h"
#include "vk-keys.h"
#include "vk-printout.h"
#include "vk-results.h"
#include "vk-seats.h"

G_BEGIN_DECLS

#define VK_RESULT_SUMMARY_DOMAIN "valgkit-result-v1"
#define VK_RESULT_DATA_DOMAIN "valgkit-result-data-v1"

/* ---- the signed summary ------------------------------------------------ */

typedef struct
{
  char *list_id; /* KandidatlisteId */
  guint64 votes; /* the list's total */
  gboolean has_seats;
  guint seats; /* seats won (municipality sheets with an allocation) */
} VkSummaryList;

typedef struct
{
  char *domain; /* VK_RESULT_SUMMARY_DOMAIN, or another printout's (valgbog) */
  guint8 election_id[VK_PRINTOUT_DIGEST_BYTES];
  VkResultKind kind;
  guint area_number; /* 0: the municipality (null in the CBOR) */
  guint64 eligible;
  guint64 cast;
  guint64 valid;
  guint64 blank_in_person;
  guint64 blank_postal;
  guint64 other_invalid;
  GPtrArray *lists; /* VkSummaryList*, sorted by list id */
  guint8 data_digest[VK_PRINTOUT_DIGEST_BYTES];
  gboolean has_source_digest;
  guint8 source_digest[VK_PRINTOUT_DIGEST_BYTES]; /* e.g. SHA-256 over the journal heads used */
  gboolean test;
  VkCbor *extra; /* a map, empty on result sheets; the valgbog's own fields */
} VkResultSummary;

/* SHA-256 of the deterministic CBOR of the whole result (every number,
 * personal votes, invalid reasons, and with seats the allocation): the
 * digest in the footer and the summary. */
void vk_result_data_digest (const VkAreaResult *result, const VkSeatAllocation *seats,
                            guint8 ret_digest[VK_PRINTOUT_DIGEST_BYTES]);
/* The bytes that digest is taken over (for auditors and tests). */
GBytes *vk_result_data_encode (const VkAreaResult *result, const VkSeatAllocation *seats) G_GNUC_WARN_UNUSED_RESULT;

/* The summary of result (seats and source_digest may be NULL). */
VkResultSummary *vk_result_summary_new (const guint8 election_id[VK_PRINTOUT_DIGEST_BYTES], const VkAreaResult *result,
                                        const VkSeatAllocation *seats, const guint8 *source_digest,
                                        gboolean test) G_GNUC_WARN_UNUSED_RESULT;
void vk_result_summary_free (VkResultSummary *self);
const VkSummaryList *vk_result_summary_lookup_list (const VkResultSummary *self, const char *list_id);
GBytes *vk_result_summary_encode (const VkResultSummary *self) G_GNUC_WARN_UNUSED_RESULT;
/* Strict: the array shape of docs/result-sheet-format.md, deterministic
 * CBOR, domain equal to expected_domain. */
VkResultSummary *vk_result_summary_decode (const guint8 *data, gsize len, const char *expected_domain,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The QR texts ("VK1:i/n:…") of the summary, signed by key. */
GPtrArray *vk_result_qr_encode (const VkResultSummary *summary, const VkKeypair *key,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reassembles, verifies against public_key and decodes a result sheet's
 * QR texts (as a scanner reads them, any order). */
VkResultSummary *vk_result_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same for another printout's domain (the valgbog). */
VkResultSummary *vk_result_qr_decode_domain (const char *const *texts, gsize n,
                                             const guint8 public_key[VK_PUBLIC_KEY_BYTES], const char *domain,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- the sheet --------------------------------------------------------- */

typedef struct
{
  VkPrintoutInfo info;
  const VkKeypair *key;        /* the count server's key: signs the QR */
  const guint8 *source_digest; /* optional: SHA-256 over the journal heads the result comes from */
  const VkAreaResult *compare; /* optional: the foreløbig result of the same area, shown beside a fintælling */
} VkResultSheetOptions;

/* Writes the sheet of result (an area, or the municipality when
 * area_number is 0) to path.  seats (municipality only, may be NULL)
 * adds the seat allocation and the elected candidates. */
gboolean vk_result_sheet_write (const VkResultSheetOptions *options, const VkAreaResult *result,
                                const VkSeatAllocation *seats, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkResultSummary, vk_result_summary_free)

G_END_DECLS
