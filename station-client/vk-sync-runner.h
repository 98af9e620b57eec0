/* vk-sync-runner.h: background sync (VkSyncRunner).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkSyncRunner runs a round every interval: with each peer, then with
 * the count server, each in a worker thread with its own VkSync, never
 * more than one round at a time.  A target that fails is retried with
 * exponential backoff (interval × 2^failures, at most 60 s); the last
 * error per target is kept for the UI ("Forbindelse").
 */
#pragma once

#include "vk-sync.h"

G_BEGIN_DECLS

typedef struct _VkSyncRunner VkSyncRunner;

/* Called on the runner's main context after each round. */
typedef void (*VkSyncRoundFunc) (VkSyncRunner *runner, const VkSyncStats *stats, gpointer user_data);

VkSyncRunner *vk_sync_runner_new (VkPackage *package, const char *db_path, const char *device_id,
                                  guint interval_ms) G_GNUC_WARN_UNUSED_RESULT;
/* Stops and frees; waits for a round in flight to finish. */
void vk_sync_runner_free (VkSyncRunner *self);
void vk_sync_runner_add_peer (VkSyncRunner *self, const char *peer_url);
void vk_sync_runner_set_server (VkSyncRunner *self, const char *server_url);
/* The device's key (borrowed: it must outlive the runner): every
 * request is signed with it (vk_sync_set_key()). */
void vk_sync_runner_set_key (VkSyncRunner *self, const VkKeypair *key);
/* The count server's TLS certificate: the one the package pins for the
 * server valid at each round (vk_package_resolve_server_pin()) is
 * required of the server, not of the peers.  sha256_hex (hex, may be
 * NULL) is a pin given by the operator: it must be the package's, or
 * name one when the package pins several; a mismatch is the server's
 * error for the round (vk_sync_runner_get_last_error()) and nothing is
 * sent.  Before vk_sync_runner_start(). */
void vk_sync_runner_set_pinned_certificate (VkSyncRunner *self, const char *sha256_hex);
/* The CAs trusted for HTTPS instead of the system's (tests); before the
 * first round. */
void vk_sync_runner_set_tls_database (VkSyncRunner *self, GTlsDatabase *database);
void vk_sync_runner_set_round_func (VkSyncRunner *self, VkSyncRoundFunc func, gpointer user_data);
/* Starts the timer on the thread-default main context. */
void vk_sync_runner_start (VkSyncRunner *self);
void vk_sync_runner_stop (VkSyncRunner *self);
/* Asks for a round as soon as possible (after a check-in). */
void vk_sync_runner_kick (VkSyncRunner *self);
/* Rounds completed so far. */
guint vk_sync_runner_get_rounds (VkSyncRunner *self);
/* The last error of a target (peer or server URL), or NULL when its last
 * attempt worked.  Owned by the runner until the next round. */
const char *vk_sync_runner_get_last_error (VkSyncRunner *self, const char *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSyncRunner, vk_sync_runner_free)

G_END_DECLS
