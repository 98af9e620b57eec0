/* vk-journal.h: the signed, hash-chained journal of a device.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every fact a device records is an entry.  An entry's payload is the
 * deterministic CBOR array
 *
 *   [1, election_id (bstr 32), device_id (tstr), seq (uint, from 1),
 *    prev (bstr 32), time_ms (uint), type (tstr), body (map, text keys)]
 *
 * where prev is the SHA-256 of the previous entry's payload (32 zero
 * bytes for seq 1), and each entry travels as a COSE_Sign1 by the
 * device's key.  A journal file is a CBOR sequence of those items in seq
 * order.  docs/journal-format.md is the byte-level specification.
 */
#pragma once

#include <glib.h>

#include "vk-cbor.h"
#include "vk-keys.h"

G_BEGIN_DECLS

#define VK_JOURNAL_VERSION 1
#define VK_ELECTION_ID_BYTES 32
#define VK_HASH_BYTES 32
/* A device id is 1 to 128 bytes (docs/key-format.md); a longer one in
 * an entry is refused when the entry is parsed, before anything else. */
#define VK_JOURNAL_MAX_DEVICE_ID_BYTES 128
/* The CBOR items one entry's payload may hold (its body included). */
#define VK_JOURNAL_MAX_ENTRY_ITEMS 65536
/* The payload bytes one entry may hold; checked from the entry's head
 * before anything is decoded or copied. */
#define VK_JOURNAL_MAX_PAYLOAD_BYTES (1024 * 1024)

typedef struct
{
  guint8 election_id[VK_ELECTION_ID_BYTES];
  char *device_id;
  guint64 seq;
  guint8 prev[VK_HASH_BYTES];
  guint64 time_ms;
  char *type;
  VkCbor *body;               /* a map with text keys */
  guint8 hash[VK_HASH_BYTES]; /* SHA-256 of the payload bytes */
  guint8 key_id[VK_KEY_ID_BYTES];
  GBytes *payload; /* the deterministic CBOR payload */
  GBytes *cose;    /* the whole COSE_Sign1 item */
} VkEntry;

/* Parses one COSE_Sign1 journal entry and its payload; checks structure
 * only (not the signature or the chain). */
VkEntry *vk_entry_decode (const guint8 *data, gsize len, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_entry_free (VkEntry *self);
/* Verifies the entry's signature with the device's public key. */
gboolean vk_entry_verify_signature (const VkEntry *self, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error);

/* A CBOR sequence of entries (a journal file, an HTTP body).  name is
 * used in error messages ("journal.vkj: entry 17 at byte 4096: ...").
 * Returns an array of VkEntry* in file order. */
GPtrArray *vk_journal_parse (const guint8 *data, gsize len, const char *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The CBOR items vk_journal_parse() allows a sequence of len bytes to
 * hold in all (the per-request budget; each entry also at most
 * VK_JOURNAL_MAX_ENTRY_ITEMS).  Each item is also at least one byte. */
guint64 vk_journal_item_budget (gsize len);
GPtrArray *vk_journal_read_file (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The CBOR sequence of entries (VkEntry*), as a journal file holds it. */
GBytes *vk_journal_serialize (GPtrArray *entries) G_GNUC_WARN_UNUSED_RESULT;
/* Writes atomically (temporary file, fsync, rename). */
gboolean vk_journal_write_file (GPtrArray *entries, const char *path, GError **error);

/* The device's journal store: an SQLite database (WAL,
 * synchronous=FULL).  Opening creates it if needed and binds it to one
 * election and one device: a database of another election or device is
 * refused. */
typedef struct _VkJournal VkJournal;

VkJournal *vk_journal_open (const char *db_path, const guint8 election_id[VK_ELECTION_ID_BYTES], const char *device_id,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_journal_close (VkJournal *self);

/* Appends a new entry signed by key and returns it after it is durable
 * on disk (the transaction committed with synchronous=FULL).  body is a
 * map with text keys (transfer none).  time_ms is the wall clock, kept
 * monotonic: never earlier than the previous entry's time. */
VkEntry *vk_journal_append (VkJournal *self, const VkKeypair *key, const char *type, VkCbor *body,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Same, with the time given (tests, replays). */
VkEntry *vk_journal_append_at (VkJournal *self, const VkKeypair *key, guint64 time_ms, const char *type, VkCbor *body,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The wall clock vk_journal_append() uses: ms since the epoch.  Replays
 * (the demo, tests) set a simulated clock; NULL restores the real one. */
typedef guint64 (*VkJournalClockFunc) (gpointer user_data);
void vk_journal_set_clock (VkJournal *self, VkJournalClockFunc clock, gpointer user_data);
/* The clock of every journal without its own (process-wide; set it
 * before opening journals).  For replays only: the demo replays an
 * election day at its real date. */
void vk_journal_set_default_clock (VkJournalClockFunc clock, gpointer user_data);
/* What the journal's clock says now (its own, the default or the real
 * one): the time the next entry would get, before monotonic clamping. */
guint64 vk_journal_now_ms (const VkJournal *self);

guint64 vk_journal_get_head_seq (const VkJournal *self);
/* 32 zero bytes while the journal is empty. */
const guint8 *vk_journal_get_head_hash (const VkJournal *self);
const char *vk_journal_get_device_id (const VkJournal *self);
const char *vk_journal_get_path (const VkJournal *self);
/* Entries with seq > after_seq, in seq order. */
GPtrArray *vk_journal_dup_entries (VkJournal *self, guint64 after_seq, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the whole journal as a CBOR-sequence file. */
gboolean vk_journal_export (VkJournal *self, const char *path, GError **error);

/* Journals of other devices.  A node keeps the entries of other devices
 * it has received (sync between tables, relaying to the count server) in
 * the same `entry` table, keyed by (device_id, seq).  Only contiguous
 * runs from seq 1 are stored, so a device's highest stored seq is also
 * its high-water mark. */

/* One device's high-water mark in a store. */
typedef struct
{
  char *device_id;
  guint64 seq;                /* highest seq held (0: none) */
  guint8 hash[VK_HASH_BYTES]; /* hash of that entry */
} VkJournalHead;

void vk_journal_head_free (VkJournalHead *self);

/* Entries of any device with seq > after_seq, in seq order. */
GPtrArray *vk_journal_dup_device_entries (VkJournal *self, const char *device_id, guint64 after_seq,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every device held (this one included), as VkJournalHead*, ordered by
 * device id. */
GPtrArray *vk_journal_dup_heads (VkJournal *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Stores a batch of another device's entries that the caller has
 * verified with vk_journal_verify() (VK_VERIFY_PARTIAL) against the
 * election package.  Entries already held are skipped when identical and
 * refused with VK_ERROR_FORK when their payload differs; the first new
 * entry must follow the stored head of its device (seq and prev hash),
 * else VK_ERROR_CHAIN.  The batch is stored in one transaction, or not at
 * all.  This device's own entries are refused (VK_ERROR_INVALID): they
 * are only written by vk_journal_append().  ret_added (optional) is the
 * number of new entries. */
gboolean vk_journal_insert_verified (VkJournal *self, GPtrArray *entries, guint *ret_added, GError **error);
/* The device a journal database is bound to, read without opening it
 * for writing (tools that are given only the database). */
char *vk_journal_peek_device_id (const char *db_path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The store's connection, for modules that keep their own tables beside
 * the journal (sync receipts).  Borrowed. */
struct _VkDb *vk_journal_get_db (VkJournal *self);

/* Verification. */

/* What the verifier needs to know about an enrolled device. */
typedef struct
{
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  char *role;
  gint64 area;        /* -1 when the device serves no single area */
  guint64 valid_from; /* ms since the epoch, inclusive */
  guint64 valid_to;   /* ms since the epoch, inclusive; 0 = no end */
} VkDeviceInfo;

/* Fills ret_info (strings owned by the callee) and returns TRUE when the
 * device is enrolled. */
typedef gboolean (*VkDeviceLookupFunc) (const char *device_id, VkDeviceInfo *ret_info, gpointer user_data);

typedef enum
{
  VK_VERIFY_DEFAULT = 0,
  /* Signature of the last entry only: prev chains the rest.  For
   * read-only checks (`valgkit journal verify --fast`) only: the other
   * entries' COSE bytes are not checked, so a path that stores or
   * serves entries must never use it (docs/threat-model.md). */
  VK_VERIFY_FAST = 1 << 0,
  VK_VERIFY_PARTIAL = 1 << 1, /* the entries may start after seq 1 (a pushed batch) */
  /* Every signature (none skipped), verified on every core at once
   * (vk_journal_verify_signatures()); the result and the first failure
   * reported are the same as without it. */
  VK_VERIFY_PARALLEL = 1 << 2,
} VkVerifyFlags;

/* The first problem found: entry seq (0 when the problem is not one
 * entry's) and a reason, also in the GError. */
typedef struct
{
  guint64 failed_seq;
  guint64 entries;
  guint64 head_seq;
  guint8 head_hash[VK_HASH_BYTES];
} VkVerifyReport;

/* Checks, in order, for each entry: structure, election id, one device
 * per journal, device enrolment and key id, seq contiguity (from 1
 * unless VK_VERIFY_PARTIAL), the prev chain, time monotonicity and the
 * enrolment's validity window, and the signatures (all, or only the last
 * with VK_VERIFY_FAST).  Returns FALSE with the first failure (error
 * codes VK_ERROR_INVALID, VK_ERROR_KEY, VK_ERROR_CHAIN, VK_ERROR_SIGNATURE). */
gboolean vk_journal_verify (GPtrArray *entries, const guint8 election_id[VK_ELECTION_ID_BYTES],
                            VkDeviceLookupFunc lookup, gpointer user_data, VkVerifyFlags flags,
                            VkVerifyReport *ret_report, GError **error);

/* Batch verification: the signature of every entry (entries[from] up to
 * but not including entries[to]) checked against public_key, on every
 * core at once: the calling thread and a process-wide pool of one thread
 * per core share the work in chunks.  Nothing is skipped: each entry's
 * key id must be public_key's and its signature must verify over its
 * payload (vk_cose_verify_payload(), no re-decoding).  ret_ok (optional)
 * gets one byte per entry of the range, 1 when it verified.  TRUE when
 * every one verified. */
gboolean vk_journal_verify_signatures (GPtrArray *entries, guint from, guint to,
                                       const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint8 *ret_ok);
/* Entry signatures this process has found valid so far (every path:
 * vk_entry_verify_signature(), vk_journal_verify(),
 * vk_journal_verify_signatures()): benchmarks compare it with the
 * entries they pushed.  Never reset. */
guint64 vk_journal_signatures_verified (void);

/* Fork evidence: two entries of the same device and seq with different
 * payloads.  Looks through the given entries (from any number of
 * journals) and returns the first such pair, or FALSE. */
gboolean vk_journal_find_fork (GPtrArray *entries, VkEntry **ret_a, VkEntry **ret_b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkEntry, vk_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkJournal, vk_journal_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkJournalHead, vk_journal_head_free)

G_END_DECLS
