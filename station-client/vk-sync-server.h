/* vk-sync-server.h: the station's peer server (VkSyncServer).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v1/heads, GET /v1/journals/{device}?after=SEQ, POST /v1/journals,
 * served on the thread-default main context of the thread that calls
 * vk_sync_server_listen(), with its own database connection.
 */
#pragma once

#include "vk-sync.h"

G_BEGIN_DECLS

typedef struct _VkSyncServer VkSyncServer;

/* Called on the server's main context after a POST stored new entries,
 * so that the station engine can fold them (show conflicts). */
typedef void (*VkSyncStoredFunc) (const char *device_id, guint added, gpointer user_data);

VkSyncServer *vk_sync_server_new (VkPackage *package, const char *db_path, const char *device_id,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_sync_server_free (VkSyncServer *self);
void vk_sync_server_set_stored_func (VkSyncServer *self, VkSyncStoredFunc func, gpointer user_data);
/* Same rule as the count server: plain HTTP only on loopback. */
gboolean vk_sync_server_listen (VkSyncServer *self, const char *host_port, const char *tls_cert, const char *tls_key,
                                GError **error);
const char *vk_sync_server_get_url (VkSyncServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSyncServer, vk_sync_server_free)

G_END_DECLS
