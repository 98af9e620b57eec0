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
 *
 * Both servers face a hostile LAN (docs/threat-model.md), so the
 * connections are accepted here, not by libsoup's own listener, and
 * every one is bounded before libsoup sees a byte of it (sshd's
 * MaxStartups and LoginGraceTime, nginx's limit_conn and
 * client_header_timeout / client_body_timeout):
 *
 *  - at most max_connections open at once and max_per_address from one
 *    client address; the excess is answered at once (503 with
 *    Retry-After on plain HTTP, a plain close on TLS) and closed;
 *  - header_timeout: from accepting (TLS handshake included), and again
 *    from the end of each answer on a kept-alive connection, until the
 *    whole request head has arrived;
 *  - body_timeout: from the request head until the whole body has
 *    arrived (a chunked upload that never ends is cut there);
 *  - idle_timeout: no byte moves either way (also while an answer is
 *    written to a client that does not read it);
 *  - one request per connection (every answer says Connection: close):
 *    libsoup 3.2 does not watch a kept-alive connection between
 *    requests, so its end would never free it.
 *  A connection past its deadline is shut down; libsoup then sees the
 *  end of the stream and frees it.  Time spent answering (a worker
 *  thread handling the request) has no deadline here: that is the
 *  server's own work, bounded by the server.  Running out of file
 *  descriptors pauses accepting for a moment; it never stops it.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Defaults (docs/api.md, "Limits"). */
#define VK_HTTP_MAX_CONNECTIONS 512u
#define VK_HTTP_MAX_PER_ADDRESS 64u
#define VK_HTTP_HEADER_TIMEOUT_MS 15000u
#define VK_HTTP_BODY_TIMEOUT_MS 60000u
#define VK_HTTP_IDLE_TIMEOUT_MS 30000u

/* Connection bounds; a member left 0 takes its default. */
typedef struct
{
  guint max_connections;
  guint max_per_address;
  guint header_timeout_ms;
  guint body_timeout_ms;
  guint idle_timeout_ms;
} VkHttpLimits;

/* Listens on host_port ("127.0.0.1:0") with early_handler (may be NULL)
 * and handler for every path, both called with user_data, within limits
 * (NULL: the defaults).  On success returns the server and sets ret_url
 * (optional) to its base URL ("http://127.0.0.1:41234") and
 * ret_fingerprint (optional) to the SHA-256 of its TLS certificate (hex),
 * NULL for plain HTTP.  Serves on the thread-default main context. */
SoupServer *vk_http_listen (const char *host_port, const char *tls_cert, const char *tls_key,
                            const VkHttpLimits *limits, SoupServerCallback early_handler, SoupServerCallback handler,
                            gpointer user_data, char **ret_url, char **ret_fingerprint,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Stops a server made by vk_http_listen(): closes its sockets and drops
 * its handlers, so that no callback reaches user_data after this.  NULL
 * is fine. */
void vk_http_unlisten (SoupServer *server);

/* What a server made by vk_http_listen() holds now (for tests and
 * status): open connections, and the connections refused over a cap or
 * shut down past a deadline since it started. */
typedef struct
{
  guint connections;
  guint64 refused;
  guint64 timed_out;
} VkHttpCounters;

void vk_http_get_counters (SoupServer *server, VkHttpCounters *ret_counters);

G_END_DECLS
