/* vk-sync-server.h: the station's peer server (VkSyncServer).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v1/heads, GET /v1/journals/{device}?after=SEQ, POST /v1/journals,
 * served on the thread-default main context of the thread that calls
 * vk_sync_server_listen() (the station app's UI thread), with its own
 * database connection.  The work of a request (parsing, verifying and
 * storing a batch, reading journals) runs in a worker thread while the
 * message is paused, one request at a time on the connection, so that a
 * big batch never stalls the check-in screen.  Request bodies, requests
 * in flight and connections are bounded and connections have deadlines
 * (vk-http-listen.h), as on the count server.
 */
#pragma once

#include "vk-http-listen.h"
#include "vk-sync.h"

G_BEGIN_DECLS

/* A peer push is one batch of at most VK_SYNC_MAX_BATCH entries, far
 * below this. */
#define VK_SYNC_SERVER_MAX_BODY (8u * 1024 * 1024)
#define VK_SYNC_SERVER_MAX_IN_FLIGHT 16u
/* All request bodies held at once, arriving, waiting or being processed
 * (503 "busy" beyond it), as in the count server. */
#define VK_SYNC_SERVER_BODY_BUDGET (32u * 1024 * 1024)

typedef struct _VkSyncServer VkSyncServer;

/* Called on the server's main context after a POST stored new entries,
 * so that the station engine can fold them (show conflicts). */
typedef void (*VkSyncStoredFunc) (const char *device_id, guint added, gpointer user_data);

VkSyncServer *vk_sync_server_new (VkPackage *package, const char *db_path, const char *device_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_sync_server_free (VkSyncServer *self);
void vk_sync_server_set_stored_func (VkSyncServer *self, VkSyncStoredFunc func, gpointer user_data);
/* The largest request body (413 above it) and the connection limits
 * (NULL or 0 members: the defaults).  Set before listening. */
void vk_sync_server_set_limits (VkSyncServer *self, gsize max_body, const VkHttpLimits *limits);
/* The most bytes of request bodies held at once (see
 * vk_count_http_set_body_budget()). */
void vk_sync_server_set_body_budget (VkSyncServer *self, gsize bytes);
gsize vk_sync_server_get_body_memory (VkSyncServer *self);
/* Same rule as the count server: plain HTTP only on loopback. */
gboolean vk_sync_server_listen (VkSyncServer *self, const char *host_port, const char *tls_cert, const char *tls_key,
                                GError **error);
const char *vk_sync_server_get_url (VkSyncServer *self);
/* Requests in a worker thread now (for tests). */
guint vk_sync_server_get_in_flight (VkSyncServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSyncServer, vk_sync_server_free)

G_END_DECLS
