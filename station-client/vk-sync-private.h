/* vk-sync-private.h: what the VkSync files share (vk-sync.c, the HTTP
 * client in vk-sync-client.c and the peer server in vk-sync-server.c).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-db.h"
#include "vk-sync.h"

G_BEGIN_DECLS

#define DEFAULT_TIMEOUT_S 10
#define MAX_BODY (64u * 1024 * 1024)

struct _VkSync
{
  VkPackage *package; /* borrowed */
  VkJournal *journal; /* our own connection */
  VkDb *db;           /* borrowed from journal */
  char *device_id;
  char *pin;                  /* certificate SHA-256, hex */
  const VkKeypair *key;       /* signs requests (borrowed); NULL: unsigned */
  GTlsDatabase *tls_database; /* the CAs trusted; NULL: the system's */
  guint timeout_s;
};

static inline guint64
vk_sync_now_ms (void)
{
  gint64 now = g_get_real_time () / 1000;
  return now > 0 ? (guint64)now : 0;
}

/* Keeps a receipt the server signed; *ret_new says whether it was new. */
gboolean vk_sync_store_receipt (VkSync *self, const char *server_url, const char *device_id, guint64 seq,
                                const guint8 head[32], GBytes *cose, gboolean *ret_new, GError **error);

G_END_DECLS
