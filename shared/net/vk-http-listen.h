/* vk-http-listen.h: one way to open a libsoup server for valgkit.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The count server (count-server/vk-count-http.c) and the tables' peer
 * server (station-client/vk-sync-server.c) listen the same way: parse
 * HOST:PORT, apply the network rule (plain HTTP on loopback only, TLS
 * with a certificate and key anywhere else: vk_net_check_listen()),
 * install an early handler (which bounds request bodies before libsoup
 * reads them) and a handler on "/", and read back the port the system
 * chose for port 0.  shared/ itself has no network code, so this lives
 * in its own small library, valgkit-net (shared + libsoup).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Listens on host_port ("127.0.0.1:0") with early_handler (may be NULL)
 * and handler for every path, both called with user_data.  On success
 * returns the server and sets ret_url (optional) to its base URL
 * ("http://127.0.0.1:41234") and ret_fingerprint (optional) to the
 * SHA-256 of its TLS certificate (hex), NULL for plain HTTP. */
SoupServer *vk_http_listen (const char *host_port, const char *tls_cert, const char *tls_key,
                            SoupServerCallback early_handler, SoupServerCallback handler, gpointer user_data,
                            char **ret_url, char **ret_fingerprint, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Stops a server made by vk_http_listen(): closes its sockets and drops
 * its handlers, so that no callback reaches user_data after this.  NULL
 * is fine. */
void vk_http_unlisten (SoupServer *server);

G_END_DECLS
