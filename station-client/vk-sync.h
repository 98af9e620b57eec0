/* vk-sync.h: journals between tables, and from the station to the count server.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every node keeps the journals of other devices it has received, in the
 * `entry` table of its own database (vk_journal_insert_verified()), and
 * exchanges them with its peers by per-device high-water marks: it asks
 * a peer for its heads (GET /v1/heads), pulls what it lacks
 * (GET /v1/journals/{device}?after=SEQ) and pushes what the peer lacks
 * (POST /v1/journals).  Entries are signed by the device that wrote them,
 * so any node may relay them; every received batch is verified with
 * vk_journal_verify() against the election package before it is stored.
 *
 * The count server gets every journal the station holds (its own and
 * relayed ones) by POST /v1/journals; the high-water mark per device is
 * the seq of the last receipt the server signed, and every receipt is
 * verified (the server's enrolled key, role `server`) and kept in the
 * station database (table `sync_receipt`): the station's proof of
 * delivery.
 *
 * A VkSync owns its own connection to the station database, so that a
 * sync round can run in a worker thread while the station engine keeps
 * checking voters in on its own connection: the network never blocks a
 * check-in.  The blocking calls below are for the command line and tests;
 * VkSyncRunner runs them in the background with retries and backoff.
 * The HTTP API is documented in docs/api.md.
 */
#pragma once

#include <gio/gio.h>

#include "vk-journal.h"
#include "vk-package.h"

G_BEGIN_DECLS

/* Largest batch sent in one POST (entries); bigger backlogs go in several. */
#define VK_SYNC_MAX_BATCH 2000u

typedef struct _VkSync VkSync;

/* What one exchange did. */
typedef struct
{
  guint pulled;   /* entries received and newly stored */
  guint pushed;   /* entries sent that the other side newly stored */
  guint receipts; /* new receipts stored (count server) */
  guint forks;    /* batches refused as forks (kept in sync_evidence) */
} VkSyncStats;

/* A receipt kept in the station database. */
typedef struct
{
  char *server;    /* the server's base URL */
  char *device_id; /* whose journal was acknowledged */
  guint64 seq;     /* highest contiguous seq the server holds */
  guint8 head[VK_HASH_BYTES];
  guint64 received_ms;
  GBytes *cose; /* the server's signed `receipt` entry */
} VkSyncReceipt;

void vk_sync_receipt_free (VkSyncReceipt *self);

/* Opens a connection to the station database db_path of device_id
 * (created when missing) for package (borrowed: it must outlive the
 * VkSync).  A VkSync may be used from one thread at a time. */
VkSync *vk_sync_new (VkPackage *package, const char *db_path, const char *device_id,
                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_sync_free (VkSync *self);

VkJournal *vk_sync_get_journal (VkSync *self);

/* Pins the count server's TLS certificate (SHA-256 of its DER, hex):
 * HTTPS connections are accepted when the certificate matches, whatever
 * signed it, and refused otherwise, also when a trusted CA signed it
 * (checked before the request is written, vk-http-pin.h).  NULL: the
 * system's CA store. */
void vk_sync_set_pinned_certificate (VkSync *self, const char *sha256_hex);
/* The device's key (borrowed: it must outlive the VkSync): every request
 * is then signed as device_id (RFC 9421, vk-http-sig.h), which the count
 * server and the peer tables require for every read.  Without a key
 * only pushes to the count server work (each entry is signed). */
void vk_sync_set_key (VkSync *self, const VkKeypair *key);
/* The CAs trusted for HTTPS instead of the system's (tests).  A pinned
 * certificate is required whatever this trusts. */
void vk_sync_set_tls_database (VkSync *self, GTlsDatabase *database);
/* Per-request timeout in seconds (default 10). */
void vk_sync_set_timeout (VkSync *self, guint seconds);

/* Verifies a batch of entries received from anywhere against the
 * package and stores the new ones.  A fork is kept as evidence and
 * reported as VK_ERROR_FORK.  ret_added (optional): entries newly stored. */
gboolean vk_sync_store_foreign (VkSync *self, GPtrArray *entries, guint *ret_added, GError **error);

/* Pushes every journal held (this device's and relayed ones) to the
 * count server at server_url ("http://127.0.0.1:8080") beyond its last
 * receipt, verifies and stores each receipt.  Blocking. */
gboolean vk_sync_push_to_server (VkSync *self, const char *server_url, GCancellable *cancellable,
                                 VkSyncStats *ret_stats, GError **error);
/* One exchange with a peer table: pull what the peer holds beyond our
 * heads, push what we hold beyond its heads.  Blocking. */
gboolean vk_sync_with_peer (VkSync *self, const char *peer_url, GCancellable *cancellable, VkSyncStats *ret_stats,
                            GError **error);

/* Receipts kept (VkSyncReceipt*, by server, device, seq); server_url
 * NULL for every server. */
GPtrArray *vk_sync_dup_receipts (VkSync *self, const char *server_url, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The newest receipt of a device from a server, or NULL (no error) when none. */
VkSyncReceipt *vk_sync_dup_last_receipt (VkSync *self, const char *server_url, const char *device_id,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks a signed receipt entry (COSE_Sign1 bytes) against the package:
 * a `receipt` entry of a device enrolled with role `server`, signed by
 * its key.  Fills ret_device (optional), ret_seq and ret_head. */
gboolean vk_sync_verify_receipt (VkPackage *package, GBytes *cose, char **ret_device, guint64 *ret_seq,
                                 guint8 ret_head[VK_HASH_BYTES], GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSync, vk_sync_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSyncReceipt, vk_sync_receipt_free)

G_END_DECLS

/* The peer server and the background runner have their own files. */
#include "vk-sync-runner.h"
#include "vk-sync-server.h"
