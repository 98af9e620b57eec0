/* vk-count.h: the count engine (no HTTP).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkCount is the count server's database bound to one election package
 * and to the server's own enrolled device key (role `server`).  Stations
 * deliver their journals to it in batches (an HTTP push or a journal file
 * brought on USB: the same call, vk_count_ingest()); the engine verifies
 * each batch, stores it once, holds batches that arrive after a gap until
 * the gap fills, keeps forks as evidence, and answers every accepted batch
 * with a receipt signed by the server.
 *
 * The database (one SQLite file, application_id 'VKCT', WAL,
 * synchronous=FULL, STRICT tables, user_version migrations) holds:
 *   entry    every entry held, of every device, in seq order: the stations'
 *            journals AND the server's own journal (device = the server's
 *            device id).  The server's journal lives in the same table and
 *            the same transaction as the batch it acknowledges, so that a
 *            receipt is never written without the entries it names, nor
 *            the reverse.
 *   pending  entries of batches that start after a gap, verified as far as
 *            they can be, until the gap fills;
 *   fork     pairs of COSE items with the same device and seq but another
 *            payload (evidence for D02);
 *   refusal  every refused batch: device, first seq, reason (evidence for
 *            D01 and D03).
 * A VkCount is safe to use from several threads: every public call takes
 * an internal lock.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-results.h"
#include "vk-rules.h"
#include "vk-seats.h"

G_BEGIN_DECLS

#define VK_COUNT_APPLICATION_ID 0x564B4354u /* 'VKCT' */

typedef struct _VkCount VkCount;

/* What the server answers for an accepted batch.  device/seq/head are the
 * device's highest contiguous entry now held (seq 0 and a zero head when
 * nothing contiguous from seq 1 is held yet, e.g. a batch 11-20 before
 * 1-10).  cose is the server's signed `receipt` entry (a COSE_Sign1 from
 * the server's own journal, J6 `receipt`) for that seq and head; NULL only
 * when seq is 0.  The same batch pushed twice gets the same receipt (the
 * same bytes): the server journals a receipt only when the head moves. */
typedef struct
{
  char *device_id;
  guint64 seq;
  guint8 head[VK_HASH_BYTES];
  guint64 stored;     /* entries of this batch newly stored (0 for a repeat) */
  guint64 held;       /* entries now held pending a gap, for this device */
  guint64 server_seq; /* the receipt entry's seq in the server journal; 0 when cose is NULL */
  GBytes *cose;       /* the signed receipt entry, or NULL */
} VkCountReceipt;

void vk_count_receipt_free (VkCountReceipt *self);

/* Opens (creating when missing) the count database at db_path for package
 * (borrowed: it must outlive the VkCount).  server_key is borrowed too and
 * must outlive the VkCount: it signs the server's journal entries.  server_key must be the key of a
 * device enrolled in the package with role `server` (VK_ERROR_KEY
 * otherwise).  A database of another election is refused (VK_ERROR_KEY).
 * Opening journals a `device.open` entry in the server's journal. */
VkCount *vk_count_open (const char *db_path, VkPackage *package, const VkKeypair *server_key,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Opens an existing count database read-only, without the server's key
 * (for `valgkit discrepancies`, printing, auditing): everything can be
 * read; vk_count_ingest() and vk_count_publish_result() fail. */
VkCount *vk_count_open_read_only (const char *db_path, VkPackage *package, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_count_close (VkCount *self);

VkPackage *vk_count_get_package (VkCount *self);
/* The election as the package holds it (borrowed). */
const VkElection *vk_count_get_election (VkCount *self);
/* The server's enrolled device id. */
const char *vk_count_get_device_id (VkCount *self);
/* Returns once every commit made so far is on disk.  vk_count_ingest()
 * does this before returning a receipt; whoever hands out what it read
 * from the engine (the HTTP server's answers) calls it before answering,
 * so that nothing leaves the server that a power cut could take back.
 * FALSE (VK_ERROR_IO) once a flush has failed. */
gboolean vk_count_sync (VkCount *self, GError **error);
/* Commits made since open, how many of them are known on disk, and the
 * WAL flushes that took (group commit: one flush serves every commit
 * made while the previous flush ran; vk-count-durable.c). */
void vk_count_get_sync_stats (VkCount *self, guint *ret_commits, guint *ret_durable, guint *ret_syncs);

/* Ingests a batch: a CBOR sequence of journal entries of ONE device, any
 * contiguous range.  source_name names the batch in messages ("bord-1.vkj",
 * "POST from 10.0.0.5").  On success *ret_receipt (may be NULL) gets the
 * receipt after everything is committed (synchronous=FULL).
 *
 * Refused (FALSE, nothing stored but a refusal record) when:
 *   VK_ERROR_INVALID / VK_ERROR_TRUNCATED  malformed CBOR/COSE/payload, an
 *       empty batch, entries of several devices, a known entry type with
 *       missing or mistyped fields, an unknown entry type;
 *   VK_ERROR_KEY        wrong election, unknown or un-enrolled device, a
 *       key id that is not the enrolled key's, the server's own device id,
 *       a device acting outside its role or area (e.g. a brevstemme from a
 *       valgbord, a check-in for another area);
 *   VK_ERROR_CHAIN      seq not contiguous, prev not the stored hash of
 *       seq - 1, time decreasing (time outside the enrolment window is
 *       VK_ERROR_KEY, as vk_journal_verify() says);
 *   VK_ERROR_SIGNATURE  the signature does not verify;
 *   VK_ERROR_FORK       an entry with a stored device+seq but another
 *       payload: the pair is kept as evidence (D02), the batch refused.
 * Signatures: every entry's signature and the chain are checked before
 * anything is stored (each entry's COSE bytes are stored and served).
 * A refusal is recorded under the device named (D01/D03) only when every
 * entry verifies under that device's enrolled key; anything else is
 * counted under source_name (table `unverified`, D21).
 * The message always names source_name and the entry's seq. */
gboolean vk_count_ingest (VkCount *self, const guint8 *cbor_seq, gsize len, const char *source_name,
                          VkCountReceipt **ret_receipt, GError **error);
/* Reads a journal file and ingests it. */
gboolean vk_count_ingest_file (VkCount *self, const char *path, VkCountReceipt **ret_receipt, GError **error);

/* The entries held for device with seq > after_seq (contiguous ones only;
 * pending entries are not served), as VkEntry*, in seq order.  The server's
 * own journal is served under its device id.  VK_ERROR_NOT_FOUND for a
 * device that is not enrolled in the package. */
GPtrArray *vk_count_dup_entries (VkCount *self, const char *device_id, guint64 after_seq,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same as a CBOR sequence (application/cbor-seq body). */
GBytes *vk_count_dup_journal_bytes (VkCount *self, const char *device_id, guint64 after_seq,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* One device's head: what is held contiguously from seq 1. */
typedef struct
{
  char *device_id;
  char *role;
  guint area;  /* VK_PACKAGE_NO_AREA when none */
  guint64 seq; /* highest contiguous seq held, 0 when none */
  guint8 head[VK_HASH_BYTES];
  guint64 time_ms; /* the head entry's time */
  guint64 pending; /* entries held pending a gap */
} VkCountHead;

void vk_count_head_free (VkCountHead *self);
/* VkCountHead* of every device that has delivered something (including
 * the server itself), ordered by device id. */
GPtrArray *vk_count_dup_heads (VkCount *self) G_GNUC_WARN_UNUSED_RESULT;

/* GET /v1/status as JSON:
 * {"election": hex id, "server": device id, "generated_ms": N,
 *  "areas": [{"area": N, "name": S, "eligible": N, "devices": [S…],
 *             "last_entry_ms": N|null, "checkins": N (not undone),
 *             "brevstemmer": N (received), "brevstemmer_accepted": N,
 *             "foreloebig": "none"|"counting"|"signed",
 *             "fintaelling": "none"|"counting"|"signed" (the primary contest's),
 *             "contests": {"KV": {"foreloebig", "fintaelling"}, "RV": {…}}
 *               (only in an event with several contests)}…],
 *  "devices": [{"device","role","area","seq","head" (hex),"time_ms","pending"}…]} */
JsonNode *vk_count_status (VkCount *self) G_GNUC_WARN_UNUSED_RESULT;

/* contest: one of the event's contests ("KV", "RV"; NULL: the primary).
 * The results of one contest and kind from the `tally.signoff` entries held (the
 * latest signoff per area and kind counts).  Areas without a signoff are
 * absent from ->areas; ->total sums those present.  eligible comes from
 * the package's voter list (or the election's area when it has none). */
VkResults *vk_count_results (VkCount *self, const char *contest, VkResultKind kind,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The seat allocation on the municipality total of vk_count_results()
 * (fintælling: with candidates).  lots may be NULL.  VK_ERROR_TIE with
 * *ret_tie when a lot draw is needed; VK_ERROR_NOT_FOUND when no area has
 * a result of that kind; VK_ERROR_INVALID for an FV, EP or FA contest
 * (their seats are national, or none). */
VkSeatAllocation *vk_count_mandates (VkCount *self, const char *contest, VkResultKind kind, const VkLots *lots,
                                     VkTie **ret_tie, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The time (ms) of the latest sign-off of area's count of contest and
 * kind, or 0. */
guint64 vk_count_get_signoff_time (VkCount *self, guint area, const char *contest, VkResultKind kind);

/* Runs the discrepancy rules (shared/vk-rules.h) over everything held,
 * including the refusals and forks recorded.  config may be NULL
 * (defaults).  VkFinding*, ordered by rule, area. */
GPtrArray *vk_count_discrepancies (VkCount *self, const VkRulesConfig *config,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The fold over everything held (borrowed, valid until the next call that
 * changes the VkCount; not thread-safe: for tests and single-threaded
 * callers). */
VkFold *vk_count_get_fold (VkCount *self);

/* Journals a `result.published` entry (J6) naming kind, digest (SHA-256
 * of the result's deterministic CBOR) and every station journal held, up
 * to its head.  Returns the entry. */
VkEntry *vk_count_publish_result (VkCount *self, const char *contest, VkResultKind kind,
                                  const guint8 digest[VK_HASH_BYTES], GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE when the server's journal holds a `result.published` entry of
 * contest (NULL: the primary) and kind: the valgbestyrelse has made that
 * result public, and GET /v1/results and /v1/mandates of it need no
 * credentials (docs/api.md). */
gboolean vk_count_is_published (VkCount *self, const char *contest, VkResultKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCount, vk_count_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCountReceipt, vk_count_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCountHead, vk_count_head_free)

G_END_DECLS
