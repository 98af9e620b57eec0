/* vk-count-private.h: the count engine's state, shared by vk-count.c
 * (store, reads, results) and vk-count-ingest.c (ingest).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-count.h"
#include "vk-db.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 seq;
  guint8 hash[VK_HASH_BYTES];
  guint64 time_ms;
  guint64 pending;
} Head;

struct _VkCount
{
  GMutex lock;
  VkDb *db;
  VkPackage *package;
  VkElection *election;
  const VkKeypair *key; /* borrowed: the caller keeps it alive */
  const VkDevice *device;
  GHashTable *heads; /* device id (owned) → Head* */
  VkFold *fold;
  sqlite3_stmt *st_insert_entry;
  sqlite3_stmt *st_insert_pending;
  sqlite3_stmt *st_entry_hash;
  sqlite3_stmt *st_pending_hash;
  /* Every acknowledged batch: prepared once (vk_count_open). */
  sqlite3_stmt *st_receipt_get;
  sqlite3_stmt *st_receipt_put;
  /* The unverified log (D21): refused batches no enrolled key vouches
   * for, counted per source in a table of at most
   * VK_COUNT_UNVERIFIED_SOURCES rows (the rest share one row). */
  GHashTable *unverified; /* source (owned) → Unverified* */
  guint64 unverified_flushed_ms;
  /* Group commit (vk-count-durable.c).  committed counts commits made
   * (atomic, bumped under lock); durable is how many of them a finished
   * flush covers (under sync_lock, which is held across the flush and
   * taken after lock, never before it). */
  GMutex sync_lock;
  int wal_fd; /* our descriptor of the WAL, or -1: synchronous=FULL */
  char *wal_path;
  gint committed;
  int changes_seen; /* sqlite3_total_changes() at the last commit (under lock) */
  guint durable;
  guint syncs;
  char *sync_error; /* a flush failed: sticky (under sync_lock) */
  gint sync_failed; /* the same, atomic, read under lock */
};

#define VK_COUNT_UNVERIFIED_SOURCES 256
#define VK_COUNT_UNVERIFIED_OTHER "(other sources)"
/* A source is kept to this many bytes (escaped). */
#define VK_COUNT_SOURCE_MAX_BYTES 160

typedef struct
{
  guint64 batches;
  guint64 first_ms;
  guint64 last_ms;
  char *reason; /* the latest, escaped and cut */
  gboolean dirty;
} Unverified;

/* Counts a refused batch no enrolled key vouches for (under the lock).
 * Written to the database at most once a second. */
void vk_count_note_unverified (VkCount *self, const char *source, const char *reason);
/* Writes what is not written yet (under the lock or at close). */
void vk_count_flush_unverified (VkCount *self);
void vk_count_sync_unverified_fold (VkCount *self);

extern const guint8 vk_count_zero_hash[VK_HASH_BYTES];

guint64 vk_count_now_ms (void);
/* The device's head, created empty. */
Head *vk_count_head (VkCount *self, const char *device_id);
gboolean vk_count_insert_entry (VkCount *self, const VkEntry *e, guint64 received_ms, GError **error);
/* Appends an entry to the server's own journal (held like any other). */
VkEntry *vk_count_server_append (VkCount *self, const char *type, VkCbor *body, GError **error);
void vk_count_head_advance (Head *h, const VkEntry *e);

/* Group commit (vk-count-durable.c).  After vk_count_open() has written
 * device.open with synchronous=FULL, vk_count_durable_init() switches the
 * connection to synchronous=NORMAL and opens the WAL to flush it here. */
gboolean vk_count_durable_init (VkCount *self, GError **error);
void vk_count_durable_clear (VkCount *self);
/* COMMIT (under lock) without waiting for the disk; *ret_mark is what to
 * pass to vk_count_sync_to() before anything that depends on this commit
 * (a receipt, an answer) leaves the server. */
gboolean vk_count_commit_deferred (VkCount *self, guint *ret_mark, GError **error);
/* COMMIT and flush before returning, as synchronous=FULL would. */
gboolean vk_count_commit (VkCount *self, GError **error);
/* Commits made so far: a reader that saw the state they made syncs to it. */
guint vk_count_commit_mark (VkCount *self);
/* Returns once commits 1..mark are on disk (flushing if no flush that
 * started after them has finished yet); call it without lock held.
 * FALSE (VK_ERROR_IO) after a flush failed: then nothing is durable that
 * was not before. */
gboolean vk_count_sync_to (VkCount *self, guint mark, GError **error);

G_END_DECLS
