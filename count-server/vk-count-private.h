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
};

extern const guint8 vk_count_zero_hash[VK_HASH_BYTES];

guint64 vk_count_now_ms (void);
/* The device's head, created empty. */
Head *vk_count_head (VkCount *self, const char *device_id);
gboolean vk_count_insert_entry (VkCount *self, const VkEntry *e, guint64 received_ms, GError **error);
/* Appends an entry to the server's own journal (held like any other). */
VkEntry *vk_count_server_append (VkCount *self, const char *type, VkCbor *body, GError **error);
void vk_count_head_advance (Head *h, const VkEntry *e);

G_END_DECLS
